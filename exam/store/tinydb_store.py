"""The default store: TinyDB files made crash-safe and multi-process-safe.

Layout of the store folder (``--db``/``EXAM_DB``, default: the platform's user data dir), created 0700::

    format.json                  {"format": "township-exam-store", "version": 3}
    store.lock                   file lock serialising writers across processes
    index/<xx>.json              one summary row per attempt (TinyDB layout), sharded by the id's first two hex digits
    trainees/<hh>/<hash>.json    the summaries of one trainee's attempts (start, resume and home read only this)
    in_progress.json             the summaries of the attempts in progress (the expiry sweep reads only this)
    staging/<id>.json            an attempt being created: it becomes real when its index row is written
    attempts/<xx>/<id>.json      TinyDB: the whole attempt (its drawn questions by reference), answers, scores, history
    questions/<sha256>.json      a question snapshot as drawn: canonical JSON named by its SHA-256, shared, immutable
    attempts/<xx>/<id>.journal   while in progress: one JSON line per answer, appended and fsynced
    attempts/<xx>/<id>.live      while in progress: the stored deadline and the lease (who may write)
    effects/<id>.json            side effects of closing not yet carried out (seal, 错题本, plugin notification)
    seals.jsonl                  the append-only seal log: one HMAC-chained record per line (exam.seals)
    seal.key                     the seal key: 32 random bytes, mode 0600, made on first use
    records/<table>/<xx>.json    TinyDB: small records (错题本, roster, flags, settings), sharded by key hash

Saving an answer appends one line to the attempt's journal and fsyncs it, so its cost does not grow with the number
of stored attempts. Every JSON write is an atomic replace followed by an fsync of the folder. The steps of creating
and closing an attempt, and what a crash between any two of them leaves, are in docs/storage.md.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB

from exam.attempts import Attempt, AttemptStatus, from_iso
from exam.errors import (
    AttemptClosedError,
    LeaseHeldError,
    LeaseLostError,
    NotFoundError,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
)
from exam.i18n import t
from exam.models import Question
from exam.store import snapshots
from exam.store.atomic import (
    CORRUPT_MARK,
    FILE_MODE,
    AtomicJSONStorage,
    append_durably,
    cleanup_stale_temps,
    corrupt,
    exclusive_file,
    fsync_dir,
    make_private_dir,
    os_message,
    read_bytes,
    read_json,
    set_aside,
    write_json,
    write_new_files,
)
from exam.store.base import EFFECTS, AttemptStore, Lease, LiveState, SealMaker, live_from_json, live_to_json

ATTEMPT_ID = re.compile(r"^[0-9a-f]{32}$")
SNAPSHOT_DIGEST = re.compile(r"^[0-9a-f]{64}$")
FORMAT = {"format": "township-exam-store", "version": 3}
LOCK_TIMEOUT = 30.0
"""Seconds to wait for the store lock before giving up with a message."""
PATH_CACHE_SIZE = 4096
"""Attempt paths remembered per store object (cleared when full)."""
JOURNAL_LOCK_TIMEOUT = 10.0
"""Seconds to wait for one attempt's journal lock (an answer being written, or a close in progress)."""
SEAL_LATEST = "seal_latest"
"""Records table: attempt id → its last seal record (a lookup for closing; the log is what counts)."""
SUMMARY_KEYS = frozenset(("attempt_id", "trainee", "paper", "status", "started_at", "deadline"))
IN_PROGRESS = "in_progress.json"
"""The in-progress set: ``{"attempts": {attempt id: summary}}`` of every attempt still open."""


class Listing(list[Attempt]):
    """Attempt summaries, plus the files that could not be read (so a listing never omits one silently)."""

    unreadable: tuple[str, ...] = ()


@dataclass(frozen=True)
class RepairReport:
    """What ``exam store repair`` did.

    ``attempts``: how many attempts are indexed now; ``set_aside``: damaged files moved out of the way (kept);
    ``unreadable``: files that could not be opened (left where they are); ``removed``: leftovers of attempts whose
    creation never finished.
    """

    attempts: int
    set_aside: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def _is_shard(data: Any) -> bool:
    rows = data.get("_default") if isinstance(data, dict) else None
    return isinstance(rows, dict) and all(isinstance(r, dict) and r.keys() >= SUMMARY_KEYS for r in rows.values())


def _is_summary_map(data: Any) -> bool:
    """A derived index file (a trainee's attempts, the in-progress set): ``{"attempts": {id: summary row}}``."""
    rows = data.get("attempts") if isinstance(data, dict) else None
    return isinstance(rows, dict) and all(
        ATTEMPT_ID.match(k) and isinstance(r, dict) and r.keys() >= SUMMARY_KEYS and r.get("attempt_id") == k
        for k, r in rows.items()
    )


def _is_attempt_document(data: Any) -> bool:
    rows = data.get("attempt") if isinstance(data, dict) else None
    return isinstance(rows, dict) and len(rows) == 1 and isinstance(next(iter(rows.values())), dict)


def _aware_time(value: Any) -> bool:
    try:
        return isinstance(value, str) and from_iso(value).tzinfo is not None
    except ValueError:
        return False


def _is_live(data: Any) -> bool:
    if not isinstance(data, dict) or not _aware_time(data.get("deadline")):
        return False
    if data.get("seen") is not None and not _aware_time(data["seen"]):
        return False
    lease = data.get("lease")
    return lease is None or (
        isinstance(lease, dict)
        and isinstance(lease.get("holder"), str)
        and isinstance(lease.get("label", ""), str)
        and _aware_time(lease.get("heartbeat"))
        and isinstance(lease.get("pid", 0), int)
        and isinstance(lease.get("mono", 0.0), (int, float))
    )


def _is_effects(data: Any) -> bool:
    return isinstance(data, list) and all(e in EFFECTS for e in data)


_RECORD_START = b'{"q":'
"""How every journal record begins; inside a JSON string a quote is escaped, so these bytes start a record."""


def _journal_entry(line: bytes) -> dict[str, Any] | None:
    """One journal record, or ``None`` for a blank, torn or damaged line.

    A torn record (a crash in the middle of an append) has no newline, so the next record (acknowledged later) is
    glued to it: that one is recovered from the last record start on the line.
    """
    for start in (0, line.rfind(_RECORD_START)):
        if start < 0 or not line[start:].strip():
            continue
        try:
            entry = json.loads(line[start:])
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(entry, dict) and {"q", "r", "t"} <= entry.keys() and isinstance(entry["q"], str):
            return entry
    return None


class TinyDBAttemptStore(AttemptStore):
    """Attempts in per-attempt TinyDB files with a sharded index, answer journals and small live-state files."""

    def __init__(
        self,
        root: str | os.PathLike[str],
        lock_timeout: float = LOCK_TIMEOUT,
        journal_lock_timeout: float = JOURNAL_LOCK_TIMEOUT,
    ) -> None:
        self.root = Path(root)
        self.journal_lock_timeout = journal_lock_timeout
        make_private_dir(self.root)
        for sub in ("index", "trainees", "attempts", "questions", "records", "staging", "effects"):
            make_private_dir(self.root / sub)
        self._lock_path = self.root / "store.lock"
        self._lock = FileLock(str(self._lock_path), timeout=lock_timeout, mode=FILE_MODE)
        self._paths: dict[str, Path] = {}
        self._snapshots_present: set[str] = set()
        """Digests whose snapshot file this process has seen or written (they are never removed)."""
        cleanup_stale_temps(self.root)
        self._check_format()

    # -- locking and paths -------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store-wide writer lock (re-entrant within a thread; bounded wait)."""
        try:
            with self._lock.acquire(poll_interval=0.01):
                yield
        except Timeout as exc:
            raise StoreBusyError(t("store.busy", seconds=f"{self._lock.timeout:.0f}", path=self._lock_path)) from exc
        except IsADirectoryError as exc:
            raise StoreError(t("store.lock_unusable", path=self._lock_path)) from exc
        except PermissionError as exc:
            raise StoreError(t("store.lock_unusable", path=self._lock_path)) from exc

    def _check_format(self) -> None:
        path = self.root / "format.json"
        try:
            found = read_json(path, lambda d: isinstance(d, dict) and isinstance(d.get("version"), int))
        except StoreCorruptError:  # a copy is kept; the version is written again below (nothing else is in it)
            found = None
        if found is not None and found["version"] > FORMAT["version"]:
            raise StoreError(t("store.newer_format", path=self.root, version=found["version"]))
        if found is None or found["version"] < FORMAT["version"]:
            with self.locked():
                if found is None or found["version"] < 2:
                    self._migrate_v1()
                self._migrate_v2()  # also for a damaged format.json: rebuilding the derived indexes is harmless
                write_json(path, FORMAT)

    def _migrate_v1(self) -> None:
        """Stores made by the first release have no live-state files: make them for in-progress attempts."""
        for shard in (self.root / "index").glob("*.json"):
            for row in self._shard_rows(shard).values():
                live = self._live_path(row["attempt_id"])
                if row["status"] == AttemptStatus.IN_PROGRESS and not live.exists():
                    write_json(live, {"deadline": row["deadline"], "lease": None})

    def _migrate_v2(self) -> None:
        """Version 3 adds the derived indexes (each trainee's attempts, the in-progress set): built from the index
        shards. A crash part-way leaves ``format.json`` at version 2, so the next open builds them again."""
        self._rebuild_derived(self._rows_from_shards(lambda _row: True))

    def _check_id(self, attempt_id: str) -> str:
        if not isinstance(attempt_id, str) or not ATTEMPT_ID.match(attempt_id):
            raise NotFoundError(t("store.bad_attempt_id", attempt=attempt_id))
        return attempt_id

    def _attempt_path(self, attempt_id: str) -> Path:
        path = self._paths.get(attempt_id)
        if path is None:  # made once per attempt: every answer save needs it (and the journal and live paths)
            path = self.root / "attempts" / attempt_id[:2] / f"{self._check_id(attempt_id)}.json"
            if len(self._paths) >= PATH_CACHE_SIZE:
                self._paths.clear()
            self._paths[attempt_id] = path
        return path

    def _journal_path(self, attempt_id: str) -> Path:
        return self._attempt_path(attempt_id).with_suffix(".journal")

    def _live_path(self, attempt_id: str) -> Path:
        return self._attempt_path(attempt_id).with_suffix(".live")

    def _staging_path(self, attempt_id: str) -> Path:
        return self.root / "staging" / f"{self._check_id(attempt_id)}.json"

    def _effects_path(self, attempt_id: str) -> Path:
        return self.root / "effects" / f"{self._check_id(attempt_id)}.json"

    def _shard_path(self, attempt_id: str) -> Path:
        return self.root / "index" / f"{attempt_id[:2]}.json"

    # -- the index ----------------------------------------------------------------------------------------------

    def _shard_rows(self, shard: Path) -> dict[str, dict[str, Any]]:
        """The rows of one index shard by attempt id. A damaged shard is rebuilt from the attempt files (the index
        holds nothing else), after a copy of it is kept."""
        try:
            data = read_json(shard, _is_shard)
        except StoreCorruptError:
            with self.locked():
                rows = self._rebuild_shard(shard.stem)
            return rows
        rows = (data or {}).get("_default", {})
        return {row["attempt_id"]: row for row in rows.values()}

    def _rebuild_shard(self, prefix: str) -> dict[str, dict[str, Any]]:
        """The shard rebuilt from its attempt files. An attempt file that cannot be read leaves the shard as it is
        and raises :class:`StoreError` naming it: a shard without its row would let the attempt go uncounted."""
        rows: dict[str, dict[str, Any]] = {}
        for path in sorted((self.root / "attempts" / prefix).glob("*.json")):
            if ATTEMPT_ID.match(path.stem):
                rows[path.stem] = self._read_attempt_file(path.stem).to_json(summary=True)
        self._write_shard(prefix, rows)
        return rows

    def _write_shard(self, prefix: str, rows: dict[str, dict[str, Any]]) -> None:
        write_json(
            self.root / "index" / f"{prefix}.json", {"_default": {str(i): r for i, r in enumerate(rows.values(), 1)}}
        )

    def _index_row(self, attempt_id: str) -> dict[str, Any] | None:
        return self._shard_rows(self._shard_path(attempt_id)).get(attempt_id)

    def _write_index(self, attempt: Attempt) -> None:
        """Write the attempt's index row, then its rows in the derived indexes (under the lock)."""
        rows = self._shard_rows(self._shard_path(attempt.attempt_id))
        row = attempt.to_json(summary=True)
        rows[attempt.attempt_id] = row
        self._write_shard(attempt.attempt_id[:2], rows)
        self._write_derived(row)

    def _indexed(self, attempt: Attempt) -> bool:
        """Whether every index holds the attempt's current summary (a crash between their writes leaves one
        behind; the caller then writes them again)."""
        row = attempt.to_json(summary=True)
        in_open = self._open_rows().get(attempt.attempt_id)
        return (
            self._index_row(attempt.attempt_id) == row
            and self._trainee_rows(attempt.trainee.id).get(attempt.attempt_id) == row
            and (in_open is None if attempt.closed else in_open == row)
        )

    # -- derived indexes: one trainee's attempts, the attempts in progress ----------------------------------------
    #
    # Both hold copies of index rows, written after the row itself (see docs/storage.md for the crash table), so
    # start, resume and the home screen read one small file however many attempts the store holds. A damaged one
    # is rebuilt from the index shards (which are rebuilt from the attempt files); `exam store repair` rebuilds all.

    def _trainee_index_path(self, trainee_id: str) -> Path:
        digest = hashlib.sha256(trainee_id.encode("utf-8")).hexdigest()
        return self.root / "trainees" / digest[:2] / f"{digest[2:34]}.json"

    def _summary_map(self, path: Path, rebuild: Callable[[], dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
        try:
            data = read_json(path, _is_summary_map)
        except StoreCorruptError:  # a copy is kept; the file holds nothing the index shards do not
            with self.locked():
                rows = rebuild()
                self._write_summary_map(path, rows)
            return rows
        return dict(data["attempts"]) if data else {}

    def _write_summary_map(self, path: Path, rows: dict[str, dict[str, Any]]) -> None:
        make_private_dir(path.parent)
        write_json(path, {"attempts": rows})

    def _trainee_rows(self, trainee_id: str) -> dict[str, dict[str, Any]]:
        """The index rows of one trainee's attempts by attempt id (from the trainee's index file)."""
        return self._summary_map(
            self._trainee_index_path(trainee_id),
            lambda: self._rows_from_shards(lambda row: row["trainee"]["id"] == trainee_id),
        )

    def _open_rows(self) -> dict[str, dict[str, Any]]:
        """The index rows of the attempts in progress by attempt id (from the in-progress set)."""
        return self._summary_map(
            self.root / IN_PROGRESS,
            lambda: self._rows_from_shards(lambda row: row["status"] == AttemptStatus.IN_PROGRESS.value),
        )

    def _rows_from_shards(self, keep: Callable[[dict[str, Any]], bool]) -> dict[str, dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for shard in sorted((self.root / "index").glob("*.json")):
            for attempt_id, row in self._shard_rows(shard).items():
                with contextlib.suppress(KeyError, TypeError):  # a malformed row: listed as unreadable elsewhere
                    if keep(row):
                        rows[attempt_id] = row
        return rows

    def _write_derived(self, row: dict[str, Any]) -> None:
        """Bring the derived indexes in step with one index row (under the lock); writes only what changed.

        The trainee's file is written last: until it holds the new row, the trainee's next start sees the attempt
        as it was, and finishing that (see :meth:`finalise`) writes every index again. So a crash between these
        writes never leaves an index behind without something that puts it right.
        """
        attempt_id = row["attempt_id"]
        open_rows = self._open_rows()
        if row["status"] == AttemptStatus.IN_PROGRESS.value:
            if open_rows.get(attempt_id) != row:
                open_rows[attempt_id] = row
                self._write_summary_map(self.root / IN_PROGRESS, open_rows)
        elif attempt_id in open_rows:
            del open_rows[attempt_id]
            self._write_summary_map(self.root / IN_PROGRESS, open_rows)
        path = self._trainee_index_path(row["trainee"]["id"])
        mine = self._trainee_rows(row["trainee"]["id"])
        if mine.get(attempt_id) != row:
            mine[attempt_id] = row
            self._write_summary_map(path, mine)

    def _rebuild_derived(self, rows: dict[str, dict[str, Any]]) -> None:
        """Write every derived index from ``rows`` (all index rows), removing trainee files nobody has now."""
        by_trainee: dict[Path, dict[str, dict[str, Any]]] = {}
        open_rows: dict[str, dict[str, Any]] = {}
        for attempt_id, row in rows.items():
            try:
                by_trainee.setdefault(self._trainee_index_path(str(row["trainee"]["id"])), {})[attempt_id] = row
                if row["status"] == AttemptStatus.IN_PROGRESS.value:
                    open_rows[attempt_id] = row
            except (KeyError, TypeError):
                continue
        for old in (self.root / "trainees").glob("*/*.json"):
            if old not in by_trainee and old.is_file():
                old.unlink()
        for path, mine in by_trainee.items():
            self._write_summary_map(path, mine)
        self._write_summary_map(self.root / IN_PROGRESS, open_rows)

    # -- attempt files --------------------------------------------------------------------------------------------

    def _read_attempt_file(self, attempt_id: str, path: Path | None = None) -> Attempt:
        path = path or self._attempt_path(attempt_id)
        data = read_json(path, _is_attempt_document)
        if data is None:
            staged = self._staging_path(attempt_id)
            if path != staged and staged.exists() and self._index_row(attempt_id) is not None:
                return self._read_attempt_file(attempt_id, staged)  # created; the final rename did not happen yet
            raise NotFoundError(t("store.attempt_not_found", attempt=attempt_id))
        record = next(iter(data["attempt"].values()))
        try:
            attempt = snapshots.read_attempt(record, functools.partial(self._load_snapshots, attempt_id))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise corrupt(path, read_bytes(path) or b"", t("store.not_an_attempt", error=exc)) from exc
        if attempt.attempt_id != attempt_id:
            raise corrupt(path, read_bytes(path) or b"", t("store.not_an_attempt", error=attempt.attempt_id))
        return attempt

    def _write_attempt_file(self, attempt: Attempt, path: Path | None = None) -> None:
        path = path or self._attempt_path(attempt.attempt_id)
        make_private_dir(path.parent)
        record = attempt.to_json()
        if not attempt.closed:
            record["responses"] = {}  # the journal holds them while the attempt is open
        stored, questions = snapshots.split_record(record)
        # The snapshots first (durable), so an attempt never refers to one that is not there.
        self._write_snapshots(questions)
        # One atomic write of the whole TinyDB document (table "attempt", doc id 1).
        write_json(path, {"attempt": {"1": stored}})

    # -- question snapshots (exam.store.snapshots) ------------------------------------------------------------------

    def _snapshot_path(self, digest: str) -> Path:
        # One flat folder (at most one file per bank question ever drawn): a start's new snapshots cost one folder
        # sync, not one per hash-prefix folder.
        return self.root / "questions" / f"{digest}.json"

    def _write_snapshots(self, questions: dict[str, dict[str, Any]]) -> None:
        """Write the snapshots not stored yet; the file's bytes are the canonical JSON its name is the digest of."""
        new: dict[Path, bytes] = {}
        for digest, record in questions.items():
            if digest in self._snapshots_present:
                continue
            path = self._snapshot_path(digest)
            if not path.is_file():
                new[path] = snapshots.canonical_json(record)
        write_new_files(new)
        self._snapshots_present.update(questions)

    def _load_snapshots(self, attempt_id: str, digests: list[str]) -> dict[str, Question]:
        """Parse the snapshot files of ``digests`` (checked against their names); a missing or damaged one is one
        :class:`StoreError` naming the file and the attempt (not a damaged attempt: repair must keep the attempt)."""
        loaded: dict[str, Question] = {}
        for digest in digests:
            if not SNAPSHOT_DIGEST.match(str(digest)):
                raise ValueError(f"not a snapshot reference: {digest!r}")  # the attempt file itself is damaged
            path = self._snapshot_path(digest)
            try:
                raw = read_bytes(path)
                if raw is None:
                    raise ValueError(t("store.snapshot_missing"))
                loaded[digest] = snapshots.parse_snapshot_bytes(digest, raw)
            except (ValueError, StoreError) as exc:
                raise StoreError(t("store.snapshot_damaged", attempt=attempt_id, path=path, error=exc)) from exc
            self._snapshots_present.add(digest)
        return loaded

    def _read_journal(self, attempt_id: str) -> dict[str, dict[str, Any]]:
        """Replay the journal: last response per question wins; torn or damaged lines are skipped."""
        raw = read_bytes(self._journal_path(attempt_id)) or b""
        responses: dict[str, dict[str, Any]] = {}
        for line in raw.split(b"\n"):
            entry = _journal_entry(line)
            if entry is not None:
                responses[entry["q"]] = {"response": entry["r"], "at": entry["t"]}
        return responses

    def _read_live(self, attempt_id: str) -> LiveState | None:
        """The live state, ``None`` once closed. A damaged live file is rebuilt from the attempt file (its deadline
        is kept there too), without a lease: the window holding it takes it again at its next heartbeat."""
        try:
            data = read_json(self._live_path(attempt_id), _is_live)
        except StoreCorruptError:
            data = None
            damaged = True
        else:
            damaged = False
        if data is None:
            # Missing (deleted by hand) or damaged: rebuilt from the attempt file while the attempt is open. Closing
            # writes the closed attempt file before it removes the live file, so a closed attempt stays closed.
            with self.locked():
                try:
                    attempt = self._read_attempt_file(attempt_id)
                except NotFoundError:
                    return None
                if attempt.closed or not (damaged or self._journal_path(attempt_id).exists()):
                    return None
                state = LiveState(attempt.deadline)
                self._write_live(attempt_id, state)
                return state
        return live_from_json(data)

    def _write_live(self, attempt_id: str, state: LiveState) -> None:
        write_json(self._live_path(attempt_id), live_to_json(state))

    # -- crash recovery -------------------------------------------------------------------------------------------

    def _recover_staging(self) -> list[str]:
        """Finish or undo creations a crash interrupted (under the lock); returns the files removed."""
        removed: list[str] = []
        for staged in sorted((self.root / "staging").glob("*.json")):
            attempt_id = staged.stem
            if not ATTEMPT_ID.match(attempt_id):
                continue
            final = self._attempt_path(attempt_id)
            if final.exists():  # moved already, and perhaps closed since: the staged copy is stale
                staged.unlink()
                continue
            row = self._index_row(attempt_id)
            if row is not None:
                self._write_derived(row)  # a crash may have come before the derived indexes were written
                make_private_dir(final.parent)
                os.replace(staged, final)
                fsync_dir(final.parent)
                continue
            for leftover in (staged, self._journal_path(attempt_id), self._live_path(attempt_id)):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
                    removed.append(str(leftover))
        return removed

    # -- AttemptStore: attempts -------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def serialised(self, trainee_id: str, paper_id: str) -> Iterator[None]:
        with self.locked():
            self._recover_staging()
            yield

    def create_attempt(self, attempt: Attempt) -> Attempt:
        attempt_id = self._check_id(attempt.attempt_id)
        if attempt.closed or attempt.drawn is None:
            raise ValueError("create_attempt() takes a new in-progress attempt with its drawn paper")
        attempt = replace(attempt, responses={})
        with self.locked():
            final = self._attempt_path(attempt_id)
            if final.exists() or self._staging_path(attempt_id).exists():
                raise StoreError(t("store.attempt_exists", attempt=attempt_id))
            make_private_dir(final.parent)
            # 1. the whole attempt, in staging: invisible until step 4
            self._write_attempt_file(attempt, self._staging_path(attempt_id))
            # 2. an empty journal and 3. the live state (deadline, no lease yet)
            journal = self._journal_path(attempt_id)
            try:
                fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
                os.fsync(fd)
                os.close(fd)
            except OSError as exc:
                raise StoreError(os_message(exc, journal)) from exc
            self._write_live(attempt_id, LiveState(attempt.deadline))
            # 4. the index row: from here on the attempt exists; then its rows in the derived indexes
            self._write_index(attempt)
            # 5. move the attempt file into place (a crash before this is finished by _recover_staging)
            os.replace(self._staging_path(attempt_id), final)
            fsync_dir(final.parent)
            fsync_dir(self.root / "staging")
        return attempt

    def live_state(self, attempt_id: str) -> LiveState:
        state = self._read_live(attempt_id)
        if state is None:
            raise AttemptClosedError(t("store.attempt_closed", attempt=attempt_id))
        return state

    def save_answer(
        self,
        attempt_id: str,
        question_id: str,
        value: Any,
        at: str,
        check: Callable[[LiveState], None] | None = None,
    ) -> None:
        line = json.dumps({"q": question_id, "r": value, "t": at}, ensure_ascii=False, separators=(",", ":"))
        journal = self._journal_path(attempt_id)

        def guard() -> None:
            if check is not None:
                check(self.live_state(attempt_id))

        data = line.encode("utf-8") + b"\n"
        try:
            try:
                append_durably(journal, data, self.journal_lock_timeout, guard)
            except FileNotFoundError:
                if not self._restore_lost_journal(attempt_id):
                    raise AttemptClosedError(t("store.attempt_closed", attempt=attempt_id)) from None
                append_durably(journal, data, self.journal_lock_timeout, guard)
        except FileNotFoundError:
            raise AttemptClosedError(t("store.attempt_closed", attempt=attempt_id)) from None
        except OSError as exc:
            raise StoreError(os_message(exc, journal)) from exc

    def _restore_lost_journal(self, attempt_id: str) -> bool:
        """The journal of an attempt still in progress is gone (deleted by hand, a damaged disk): start a new one so
        the trainee can go on. Closing removes the live state before the journal, so a closed attempt never gets
        one back. Returns whether the attempt is still open."""
        with self.locked():
            journal = self._journal_path(attempt_id)
            if journal.exists():
                return True
            if not self._live_path(attempt_id).exists() or self._read_attempt_file(attempt_id).closed:
                return False
            fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            os.fsync(fd)
            os.close(fd)
            fsync_dir(journal.parent)
            return True

    def get_attempt(self, attempt_id: str) -> Attempt:
        attempt = self._read_attempt_file(attempt_id)
        if attempt.closed:
            return attempt
        from exam.attempts import Response

        responses = {qid: Response(r["response"], r["at"]) for qid, r in self._read_journal(attempt_id).items()}
        live = self._read_live(attempt_id)
        return replace(attempt, responses=responses, deadline=live.deadline if live else attempt.deadline)

    def finalise(
        self,
        attempt_id: str,
        finish: Callable[[Attempt], Attempt],
        check: Callable[[LiveState], None] | None = None,
    ) -> tuple[Attempt, bool]:
        journal = self._journal_path(attempt_id)
        # The exclusive journal lock waits (bounded) for answers being appended right now and makes later ones
        # fail, so every acknowledged answer is in what ``finish`` grades.
        with self.locked(), exclusive_file(journal, self.journal_lock_timeout):
            attempt = self.get_attempt(attempt_id)
            if attempt.closed:
                # A crash after the closed attempt was written leaves a stale index row or journal: finish the job.
                if not self._indexed(attempt):
                    self._write_index(attempt)
                self._drop_open_files(attempt_id)
                return attempt, False
            if check is not None:
                check(self.live_state(attempt_id))
            closed = finish(attempt)
            if not closed.closed:  # not due after all (the deadline moved): nothing is written
                return attempt, False
            write_json(self._effects_path(attempt_id), list(EFFECTS))  # 1. what is still to be done
            self._write_attempt_file(closed)  # 2. the closed attempt: from here on it is handed in
            self._write_index(closed)  # 3. its index row
            self._drop_open_files(attempt_id)  # 4. journal and live state
            return closed, True

    def _drop_open_files(self, attempt_id: str) -> None:
        # The live state goes first: a save that finds the journal gone and the live state still there restores
        # the journal (see _restore_lost_journal), which must never happen to a closed attempt.
        for path in (self._live_path(attempt_id), self._journal_path(attempt_id)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        fsync_dir(self._attempt_path(attempt_id).parent)

    def pending_effects(self) -> dict[str, tuple[str, ...]]:
        folder = self.root / "effects"
        if not any(folder.iterdir()):
            return {}
        pending: dict[str, tuple[str, ...]] = {}
        with self.locked():
            for path in sorted(folder.glob("*.json")):
                attempt_id = path.stem
                if not ATTEMPT_ID.match(attempt_id) or not path.is_file():
                    continue  # not ours, or a folder in the way: `exam store repair` reports it
                try:
                    effects = read_json(path, _is_effects) or []
                except StoreCorruptError:
                    set_aside(path)
                    effects = list(EFFECTS)  # redo all: the 错题本 is idempotent, the notification may repeat
                try:
                    closed = self._read_attempt_file(attempt_id).closed
                except NotFoundError:
                    closed = False
                except StoreError:
                    continue  # the attempt cannot be read now; its effects wait
                if not closed:  # a crash before the close was written: nothing happened
                    path.unlink(missing_ok=True)
                elif effects:
                    pending[attempt_id] = tuple(effects)
                else:
                    path.unlink(missing_ok=True)
        return pending

    def effect_done(self, attempt_id: str, effect: str) -> bool:
        path = self._effects_path(attempt_id)
        with self.locked():
            try:
                pending = read_json(path, _is_effects) or []
            except StoreCorruptError:
                pending = list(EFFECTS)
            if effect not in pending:
                return False
            remaining = [e for e in pending if e != effect]
            if remaining:
                write_json(path, remaining)
            else:
                path.unlink(missing_ok=True)
                fsync_dir(path.parent)
            return True

    def update_attempt(self, attempt_id: str, change: Callable[[Attempt], Attempt]) -> Attempt:
        with self.locked(), exclusive_file(self._journal_path(attempt_id), self.journal_lock_timeout):
            before = self.get_attempt(attempt_id)
            attempt = change(before)
            if attempt is before:
                return attempt
            if attempt.closed != before.closed:
                raise ValueError("update_attempt() cannot open or close an attempt; use finalise()")
            if attempt.closed:
                self._add_pending_seal(attempt_id)  # its new seal: carried out like the effects of closing
            self._write_attempt_file(attempt)
            self._write_index(attempt)
            if not attempt.closed and attempt.deadline != before.deadline:
                live = self._read_live(attempt_id)
                state = replace(live, deadline=attempt.deadline) if live else LiveState(attempt.deadline)
                self._write_live(attempt_id, state)
            return attempt

    def list_attempts(
        self, paper: str | None = None, trainee_id: str | None = None, status: str | None = None
    ) -> Listing:
        rows: list[Attempt] = []
        unreadable: list[str] = []
        sources: list[tuple[Path, Callable[[], dict[str, dict[str, Any]]]]]
        if trainee_id:  # one small file, however many attempts the store holds
            sources = [(self._trainee_index_path(trainee_id), lambda: self._trainee_rows(trainee_id))]
        elif status == AttemptStatus.IN_PROGRESS:
            sources = [(self.root / IN_PROGRESS, self._open_rows)]
        else:
            shards = sorted((self.root / "index").glob("*.json"))
            sources = [(shard, functools.partial(self._shard_rows, shard)) for shard in shards]
        for shard, read in sources:
            try:
                found = read()
            except StoreError:  # cannot be opened (permissions, a folder in its place): say so, go on
                unreadable.append(str(shard))
                continue
            for row in found.values():
                try:
                    summary = Attempt.from_json(row)
                except (KeyError, ValueError, TypeError, AttributeError):
                    unreadable.append(f"{shard} [{row.get('attempt_id')}]")
                    continue
                if paper and summary.paper != paper:
                    continue
                if trainee_id and summary.trainee.id != trainee_id:
                    continue
                if status and summary.status != status:
                    continue
                rows.append(summary)
        listing = Listing(sorted(rows, key=lambda r: (r.started_at, r.attempt_id)))
        listing.unreadable = tuple(unreadable)
        return listing

    def import_attempts(self, attempts: Iterable[Attempt]) -> tuple[int, int]:
        added = skipped = 0
        with self.locked():
            for attempt in attempts:
                attempt_id = self._check_id(attempt.attempt_id)
                if self._attempt_path(attempt_id).exists():
                    skipped += 1
                    continue
                if not attempt.closed:
                    raise StoreError(t("store.import_in_progress", attempt=attempt_id))
                self._add_pending_seal(attempt_id)
                self._write_attempt_file(attempt)
                self._write_index(attempt)
                added += 1
        return added, skipped

    def _add_pending_seal(self, attempt_id: str) -> None:
        """Add ``seal`` to the attempt's pending effects (under the lock), before the change it seals is written."""
        path = self._effects_path(attempt_id)
        try:
            pending = read_json(path, _is_effects) or []
        except StoreCorruptError:
            pending = list(EFFECTS)
        if "seal" not in pending:
            write_json(path, ["seal", *pending])

    # -- seals ----------------------------------------------------------------------------------------------------

    def seal_key_path(self) -> Path:
        return self.root / "seal.key"

    def _seal_log_path(self) -> Path:
        return self.root / "seals.jsonl"

    def seal_log(self) -> list[Any]:
        raw = read_bytes(self._seal_log_path()) or b""
        records: list[Any] = []
        lines = raw.split(b"\n")
        if lines and not lines[-1].strip():
            lines.pop()
        for line in lines:
            records.append(_seal_record(line))
        return records

    def seal_head(self) -> dict[str, Any] | None:
        head = self._seal_tail()[1]
        return head if isinstance(head, dict) else None

    def latest_seal(self, attempt_id: str) -> dict[str, Any] | None:
        head = self.seal_head()
        if head is not None and head.get("attempt_id") == attempt_id:
            return head
        cached = self.get_record(SEAL_LATEST, attempt_id)
        return cached if isinstance(cached, dict) else None

    def _seal_tail(self) -> tuple[int, Any]:
        """``(size of the whole lines, last record)`` of the seal log, reading only its end; a torn last line (a
        crash during an append) is not counted."""
        path = self._seal_log_path()
        try:
            with open(path, "rb") as log:
                size = log.seek(0, os.SEEK_END)
                chunk = 4096
                while True:
                    start = max(0, size - chunk)
                    log.seek(start)
                    tail = log.read(size - start)
                    end = tail.rfind(b"\n")
                    whole = start + end + 1 if end >= 0 else 0
                    begin = tail.rfind(b"\n", 0, end) if end >= 0 else -1
                    if begin >= 0 or start == 0:
                        return whole, _seal_record(tail[begin + 1 : end]) if end >= 0 else None
                    chunk *= 4
        except FileNotFoundError:
            return 0, None
        except OSError as exc:
            raise StoreError(os_message(exc, path, reading=True)) from exc

    def append_seals(self, make: SealMaker) -> list[dict[str, Any]]:
        path = self._seal_log_path()
        with self.locked():
            whole, head = self._seal_tail()
            try:
                if path.exists() and path.stat().st_size != whole:
                    # A crash in the middle of an append: that record was never acknowledged (its effect is still
                    # pending), so the torn tail is cut off rather than glued to the next record.
                    os.truncate(path, whole)
            except OSError as exc:
                raise StoreError(os_message(exc, path)) from exc
            head = head if isinstance(head, dict) else None

            def latest(attempt_id: str) -> dict[str, Any] | None:
                if head is not None and head.get("attempt_id") == attempt_id:
                    return head  # also right after a crash that left the lookup behind the log
                cached = self.get_record(SEAL_LATEST, attempt_id)
                return cached if isinstance(cached, dict) else None

            records = make(head, latest)
            if not records:
                return []
            data = b"".join(
                json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"
                for r in records
            )
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
                try:
                    view = memoryview(data)
                    while view:  # a short write (a full disk) must not pass as done
                        view = view[os.write(fd, view) :]
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                raise StoreError(os_message(exc, path)) from exc
            if not whole:
                fsync_dir(self.root)
            # The lookup of each attempt's last record (a cache: verify reads the log itself).
            self._put_records(SEAL_LATEST, {r["attempt_id"]: r for r in records})
            return records

    def _put_records(self, table: str, values: dict[str, Any]) -> None:
        """Store many records of one table with one write per shard (under the lock)."""
        by_shard: dict[str, dict[str, Any]] = {}
        for key, value in values.items():
            by_shard.setdefault(hashlib.sha1(key.encode("utf-8")).hexdigest()[:2], {})[key] = value
        folder = self._records_dir(table)
        make_private_dir(folder)
        for shard, items in by_shard.items():
            path = folder / f"{shard}.json"
            rows: dict[str, Any] = (read_json(path, _is_record_shard) or {}).get("_default", {})
            ids = {row["key"]: doc_id for doc_id, row in rows.items()}
            next_id = max((int(i) for i in rows if i.isdigit()), default=0) + 1
            for key, value in items.items():
                if key in ids:
                    rows[ids[key]] = {"key": key, "value": value}
                else:
                    rows[str(next_id)] = {"key": key, "value": value}
                    next_id += 1
            write_json(path, {"_default": rows})

    # -- leases ---------------------------------------------------------------------------------------------------

    def acquire_lease(self, attempt_id: str, lease: Lease, takeover: bool, is_live: Callable[[Lease], bool]) -> None:
        with self.locked(), exclusive_file(self._journal_path(attempt_id), self.journal_lock_timeout) as exists:
            if not exists:
                raise AttemptClosedError(t("store.attempt_closed", attempt=attempt_id))
            state = self.live_state(attempt_id)
            current = state.lease
            held = current is not None and current.holder != lease.holder and is_live(current)
            if held and not takeover:
                assert current is not None
                raise LeaseHeldError(t("lease.held", where=current.label), current.label)
            self._write_live(attempt_id, replace(state, lease=lease))

    def renew_lease(self, attempt_id: str, lease: Lease) -> None:
        with exclusive_file(self._journal_path(attempt_id), self.journal_lock_timeout) as exists:
            if not exists:
                raise AttemptClosedError(t("store.attempt_closed", attempt=attempt_id))
            state = self.live_state(attempt_id)
            if state.lease is not None and state.lease.holder != lease.holder:
                raise LeaseLostError(t("lease.lost", where=state.lease.label))
            # No lease at all (a rebuilt live file): nobody else holds it, so this window takes it again.
            self._write_live(attempt_id, replace(state, lease=lease))

    def release_lease(self, attempt_id: str, holder: str) -> None:
        with exclusive_file(self._journal_path(attempt_id), self.journal_lock_timeout) as exists:
            if not exists:
                return
            state = self._read_live(attempt_id)
            if state is not None and state.lease is not None and state.lease.holder == holder:
                latest = max(state.lease.heartbeat, state.seen or state.lease.heartbeat)
                gone = replace(state, lease=None, seen=latest, seen_boot=state.lease.boot, seen_mono=state.lease.mono)
                self._write_live(attempt_id, gone)

    # -- repair ---------------------------------------------------------------------------------------------------

    def repair(self) -> RepairReport:
        """Rebuild the index from the attempt files (``exam store repair``).

        Damaged attempt files and record shards are moved aside (kept as ``NAME.corrupt-<hash>``, never deleted);
        files that merely cannot be opened are listed and left alone; leftovers of unfinished creations and
        journals or live files without an attempt are removed.
        """
        with self.locked():
            removed = self._recover_staging()
            old_rows: dict[str, dict[str, Any]] = {}
            for shard in (self.root / "index").glob("*.json"):
                with contextlib.suppress(StoreError):
                    data = read_json(shard, _is_shard) or {}
                    old_rows.update({r["attempt_id"]: r for r in data.get("_default", {}).values()})
            shards: dict[str, dict[str, dict[str, Any]]] = {}
            set_aside_files: list[str] = []
            unreadable: list[str] = []
            for path in sorted((self.root / "attempts").glob("*/*.json")):
                if not ATTEMPT_ID.match(path.stem):
                    continue
                try:
                    attempt = self._read_attempt_file(path.stem)
                except StoreCorruptError:
                    set_aside_files.append(str(set_aside(path)))
                    continue
                except StoreError:  # cannot be opened: intact as far as we know, so its index row stays
                    unreadable.append(str(path))
                    if path.stem in old_rows:
                        shards.setdefault(path.stem[:2], {})[path.stem] = old_rows[path.stem]
                    continue
                shards.setdefault(path.stem[:2], {})[path.stem] = attempt.to_json(summary=True)
                if attempt.closed:  # a kill during the close left these behind
                    for leftover in (self._live_path(path.stem), self._journal_path(path.stem)):
                        if leftover.is_file():
                            leftover.unlink()
                            removed.append(str(leftover))
            for leftover in sorted((self.root / "attempts").glob("*/*")):
                if leftover.suffix in (".journal", ".live") and not leftover.with_suffix(".json").exists():
                    if str(leftover.with_suffix(".json")) in unreadable:
                        continue
                    leftover.unlink()
                    removed.append(str(leftover))
            for old in (self.root / "index").glob("*.json"):
                if old.stem not in shards and old.is_file():
                    old.unlink()
            for prefix, rows in shards.items():
                try:
                    self._write_shard(prefix, rows)
                except StoreError:  # a folder in the way, say: reported, the other shards still rebuilt
                    unreadable.append(str(self.root / "index" / f"{prefix}.json"))
            try:
                self._rebuild_derived({k: row for rows in shards.values() for k, row in rows.items()})
            except StoreError as exc:  # reported; the next change of each attempt writes its rows again
                unreadable.append(str(exc))
            for entry in (self.root / "effects").iterdir():
                if not entry.is_file():
                    unreadable.append(str(entry))
            for table in (self.root / "records").iterdir() if (self.root / "records").is_dir() else ():
                for shard in table.glob("*.json"):
                    try:
                        read_json(shard, _is_record_shard)
                    except StoreCorruptError:
                        set_aside_files.append(str(set_aside(shard)))
                    except StoreError:
                        unreadable.append(str(shard))
            return RepairReport(
                sum(len(rows) for rows in shards.values()), tuple(set_aside_files), tuple(unreadable), tuple(removed)
            )

    # -- small records ------------------------------------------------------------------------------------------------

    def _records_dir(self, table: str) -> Path:
        if not re.fullmatch(r"[a-z_]+", table):
            raise ValueError(table)
        return self.root / "records" / table

    def _records(self, table: str, key: str) -> TinyDB:
        # One shard per hash prefix of the key: a trainee's 错题本 is rewritten without rewriting everyone else's.
        shard = hashlib.sha1(key.encode("utf-8")).hexdigest()[:2]
        return TinyDB(self._records_dir(table) / f"{shard}.json", storage=RecordShardStorage)

    def get_record(self, table: str, key: str) -> Any:
        row = self._records(table, key).get(Query().key == key)
        return row["value"] if isinstance(row, dict) and "value" in row else None

    def put_record(self, table: str, key: str, value: Any) -> None:
        self.update_record(table, key, lambda _old: value)

    def put_records(self, table: str, values: Mapping[str, Any]) -> None:
        if values:
            with self.locked():
                self._put_records(table, dict(values))

    def update_record(self, table: str, key: str, change: Callable[[Any], Any]) -> Any:
        with self.locked():
            make_private_dir(self._records_dir(table))
            db = self._records(table, key)
            row = db.get(Query().key == key)
            value = change(row["value"] if isinstance(row, dict) and "value" in row else None)
            db.upsert({"key": key, "value": value}, Query().key == key)
            return value

    def all_records(self, table: str) -> dict[str, Any]:
        rows: dict[str, Any] = {}
        for shard in sorted(self._records_dir(table).glob("*.json")):
            for row in (read_json(shard, _is_record_shard) or {}).get("_default", {}).values():
                rows[row["key"]] = row["value"]
        return dict(sorted(rows.items()))

    def record_tables(self) -> list[str]:
        folder = self.root / "records"
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and re.fullmatch(r"[a-z_]+", p.name))


def _seal_record(line: bytes) -> dict[str, Any] | None:
    """One line of the seal log, or ``None`` when it is not a JSON object."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return record if isinstance(record, dict) else None


def _is_record_shard(data: Any) -> bool:
    rows = data.get("_default", {}) if isinstance(data, dict) and set(data) <= {"_default"} else None
    return isinstance(rows, dict) and all(isinstance(r, dict) and {"key", "value"} <= r.keys() for r in rows.values())


class RecordShardStorage(AtomicJSONStorage):
    """A records shard: TinyDB's layout with ``{key, value}`` rows; anything else is damage, never read as empty."""

    def read(self) -> dict[str, dict[str, Any]] | None:
        return read_json(self.path, _is_record_shard)  # type: ignore[no-any-return]


__all__ = ["CORRUPT_MARK", "Listing", "RepairReport", "TinyDBAttemptStore"]
