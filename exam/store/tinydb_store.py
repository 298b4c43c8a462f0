"""The default store: TinyDB files made crash-safe and multi-process-safe.

Layout of the store folder (``--db``/``EXAM_DB``, default: the platform's user data dir)::

    store.lock                   file lock serialising writers across processes
    index/<xx>.json              TinyDB: one summary row per attempt, sharded by the first two hex digits of the id
    attempts/<xx>/<id>.json      TinyDB: the whole attempt (paper snapshot, answers, scores, history)
    attempts/<xx>/<id>.journal   while in progress: one JSON line per answer, appended and fsynced
    records/<table>/<xx>.json    TinyDB: small records (错题本, roster, flags, trainer settings), sharded by the
                                 first two hex digits of the SHA-1 of the key

Saving an answer appends one line to the attempt's journal and fsyncs it, so its cost does not grow with the number
of stored attempts. Submitting folds the journal into the attempt file and updates one small index shard. Every
TinyDB write goes through :class:`~exam.store.atomic.AtomicJSONStorage` (temp file, fsync, ``os.replace``, fsync of
the folder). See docs/storage.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB

from exam.errors import AttemptClosedError, NotFoundError, StoreBusyError, StoreError
from exam.i18n import t
from exam.store.atomic import (
    FILE_MODE,
    AtomicJSONStorage,
    append_durably,
    atomic_write_bytes,
    cleanup_stale_temps,
    exclusive_file,
    fsync_dir,
    read_json,
)
from exam.store.base import AttemptDict, AttemptStore

ATTEMPT_ID = re.compile(r"^[0-9a-f]{32}$")
SUMMARY_KEYS = (
    "attempt_id", "trainee", "paper", "paper_title", "status", "started_at", "submitted_at", "deadline",
    "score", "max_score", "passed", "origin",
)  # fmt: skip
LOCK_TIMEOUT = 30.0
LOCK_POLL = 0.01
"""Seconds between tries for a busy lock (filelock's default, 0.05 s, idles most of the time when many write)."""


@dataclass(frozen=True)
class RepairReport:
    """What ``exam store repair`` did: how many attempts are indexed, and which unreadable files it set aside."""

    attempts: int
    set_aside: tuple[str, ...] = ()


def summary_of(attempt: AttemptDict) -> AttemptDict:
    return {key: attempt.get(key) for key in SUMMARY_KEYS}


_RECORD_START = b'{"q":'
"""How every journal record begins; inside a JSON string a quote is escaped, so these bytes start a record."""


def _journal_entry(line: bytes) -> dict[str, Any] | None:
    """One journal record, or ``None`` for a blank line or a torn one (a crash in the middle of an append).

    A torn record has no newline, so the next record (acknowledged later) is glued to it: that one is recovered
    from the last record start on the line.
    """
    for start in (0, line.rfind(_RECORD_START)):
        if start < 0 or not line[start:].strip():
            continue
        try:
            entry = json.loads(line[start:])
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(entry, dict) and {"q", "r", "t"} <= entry.keys():
            return entry
    return None


class TinyDBAttemptStore(AttemptStore):
    """Attempts in per-attempt TinyDB files with a sharded TinyDB index and per-attempt answer journals."""

    def __init__(self, root: str | os.PathLike[str], lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.root = Path(root)
        try:
            for sub in ("index", "attempts", "records"):
                (self.root / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StoreError(t("store.cannot_create", path=self.root, error=exc.strerror)) from exc
        self._lock = FileLock(str(self.root / "store.lock"), timeout=lock_timeout, mode=FILE_MODE)
        cleanup_stale_temps(self.root)

    # -- locking and paths -------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store-wide writer lock (re-entrant within a process)."""
        try:
            with self._lock.acquire(poll_interval=LOCK_POLL):
                yield
        except Timeout as exc:
            raise StoreBusyError(t("store.busy", seconds=f"{self._lock.timeout:.0f}", path=self.root)) from exc

    def _check_id(self, attempt_id: str) -> str:
        if not ATTEMPT_ID.match(attempt_id):
            raise NotFoundError(t("store.bad_attempt_id", attempt=attempt_id))
        return attempt_id

    def _attempt_path(self, attempt_id: str) -> Path:
        return self.root / "attempts" / attempt_id[:2] / f"{self._check_id(attempt_id)}.json"

    def _journal_path(self, attempt_id: str) -> Path:
        return self._attempt_path(attempt_id).with_suffix(".journal")

    def _index(self, attempt_id: str) -> TinyDB:
        return TinyDB(self.root / "index" / f"{attempt_id[:2]}.json", storage=AtomicJSONStorage)

    @staticmethod
    def _attempt_db(path: Path) -> TinyDB:
        return TinyDB(path, storage=AtomicJSONStorage)

    def _read_attempt_file(self, attempt_id: str) -> AttemptDict:
        path = self._attempt_path(attempt_id)
        data = read_json(path)
        if not data:
            raise NotFoundError(t("store.attempt_not_found", attempt=attempt_id))
        rows = list(data.get("attempt", {}).values()) if isinstance(data, dict) else []
        if len(rows) != 1 or not isinstance(rows[0], dict):
            raise StoreError(t("store.attempt_file_bad", path=path))
        return rows[0]  # type: ignore[no-any-return]

    def _write_attempt_file(self, attempt: AttemptDict) -> None:
        path = self._attempt_path(attempt["attempt_id"])
        path.parent.mkdir(exist_ok=True, mode=0o700)
        # One atomic write of the whole TinyDB document (table "attempt", doc id 1). TinyDB's truncate() + insert()
        # would be two writes, and a crash between them would leave an empty, unreadable attempt file.
        AtomicJSONStorage(path).write({"attempt": {"1": attempt}})

    def _write_index(self, attempt: AttemptDict) -> None:
        index = self._index(attempt["attempt_id"])
        index.upsert(summary_of(attempt), Query().attempt_id == attempt["attempt_id"])

    # -- answers journal -------------------------------------------------------------------------------------------

    def _read_journal(self, attempt_id: str) -> dict[str, Any]:
        """Replay the journal: last response per question wins; a torn final line (crash mid-write) is ignored."""
        responses: dict[str, Any] = {}
        try:
            raw = self._journal_path(attempt_id).read_bytes()
        except FileNotFoundError:
            return responses
        for line in raw.split(b"\n"):
            entry = _journal_entry(line)
            if entry is not None:
                responses[entry["q"]] = {"response": entry["r"], "at": entry["t"]}
        return responses

    # -- AttemptStore ------------------------------------------------------------------------------------------------

    def create_attempt(self, attempt: AttemptDict) -> None:
        attempt_id = self._check_id(attempt["attempt_id"])
        record = dict(attempt, status="in_progress", responses={})
        with self.locked():
            if self._attempt_path(attempt_id).exists():
                raise StoreError(t("store.attempt_exists", attempt=attempt_id))
            self._write_attempt_file(record)
            journal = self._journal_path(attempt_id)
            fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            os.fsync(fd)
            os.close(fd)
            fsync_dir(journal.parent)
            self._write_index(record)

    def save_answer(self, attempt_id: str, question_id: str, response: Any, at: str) -> None:
        line = json.dumps({"q": question_id, "r": response, "t": at}, ensure_ascii=False, separators=(",", ":"))
        try:
            append_durably(self._journal_path(attempt_id), line.encode("utf-8") + b"\n")
        except FileNotFoundError:
            raise AttemptClosedError(t("store.attempt_closed", attempt=attempt_id)) from None
        except OSError as exc:
            from exam.store.atomic import _os_message

            raise StoreError(_os_message(exc, self._journal_path(attempt_id))) from exc

    def get_attempt(self, attempt_id: str) -> AttemptDict:
        attempt = self._read_attempt_file(attempt_id)
        if attempt["status"] == "in_progress":
            attempt["responses"] = self._read_journal(attempt_id)
        return attempt

    def finalise(self, attempt_id: str, finish: Callable[[AttemptDict], AttemptDict]) -> tuple[AttemptDict, bool]:
        journal = self._journal_path(attempt_id)
        # The exclusive journal lock waits for answers being appended right now and makes later ones fail, so every
        # acknowledged answer is in what ``finish`` grades.
        with self.locked(), exclusive_file(journal):
            attempt = self.get_attempt(attempt_id)
            if attempt["status"] != "in_progress":
                # A crash between writing the closed attempt and the end of this method leaves a stale index row
                # (the attempt would be offered for resuming) and a journal; finish the job now.
                if self._index(attempt_id).get(Query().attempt_id == attempt_id) != summary_of(attempt):
                    self._write_index(attempt)
                with contextlib.suppress(FileNotFoundError):
                    journal.unlink()
                return attempt, False
            closed = finish(attempt)
            if closed["status"] == "in_progress":
                raise StoreError("finalise() must close the attempt")
            self._write_attempt_file(closed)
            self._write_index(closed)
            with contextlib.suppress(FileNotFoundError):
                journal.unlink()
            return closed, True

    def update_attempt(self, attempt_id: str, change: Callable[[AttemptDict], AttemptDict]) -> AttemptDict:
        with self.locked():
            attempt = change(self.get_attempt(attempt_id))
            self._write_attempt_file(attempt)
            self._write_index(attempt)
            return attempt

    def list_attempts(
        self, paper: str | None = None, trainee_id: str | None = None, status: str | None = None
    ) -> list[AttemptDict]:
        rows: list[AttemptDict] = []
        for shard in sorted((self.root / "index").glob("*.json")):
            data = read_json(shard) or {}
            rows.extend(data.get("_default", {}).values())
        if paper:
            rows = [r for r in rows if r["paper"] == paper]
        if trainee_id:
            rows = [r for r in rows if r["trainee"]["id"] == trainee_id]
        if status:
            rows = [r for r in rows if r["status"] == status]
        return sorted(rows, key=lambda r: (r["started_at"], r["attempt_id"]))

    def import_attempts(self, attempts: Iterable[AttemptDict]) -> tuple[int, int]:
        added = skipped = 0
        with self.locked():
            for attempt in attempts:
                attempt_id = self._check_id(attempt["attempt_id"])
                if self._attempt_path(attempt_id).exists():
                    skipped += 1
                    continue
                if attempt.get("status") == "in_progress":
                    raise StoreError(t("store.import_in_progress", attempt=attempt_id))
                self._write_attempt_file(attempt)
                self._write_index(attempt)
                added += 1
        return added, skipped

    def rebuild_index(self) -> int:
        """Rebuild every index shard from the attempt files (``exam store repair``); returns the attempt count."""
        return self.repair().attempts

    def repair(self) -> RepairReport:
        """Rebuild the index from the attempt files (``exam store repair``), setting unreadable ones aside.

        An attempt file that cannot be read is renamed to ``<id>.json.corrupt-<time>`` (kept, never deleted) and
        listed in the report; every readable attempt is indexed again.
        """
        with self.locked():
            shards: dict[str, list[AttemptDict]] = {}
            set_aside: list[str] = []
            for path in sorted((self.root / "attempts").glob("*/*.json")):
                if not ATTEMPT_ID.match(path.stem):
                    continue
                try:
                    attempt = self._read_attempt_file(path.stem)
                except (StoreError, NotFoundError):  # corrupt, empty, or not an attempt file at all
                    kept = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
                    os.replace(path, kept)
                    set_aside.append(str(kept))
                    continue
                shards.setdefault(path.stem[:2], []).append(summary_of(attempt))
            for old in (self.root / "index").glob("*.json"):
                if old.stem not in shards:
                    old.unlink()
            for shard, rows in shards.items():
                data = {"_default": {str(i): row for i, row in enumerate(rows, 1)}}
                atomic_write_bytes(
                    self.root / "index" / f"{shard}.json", json.dumps(data, ensure_ascii=False).encode("utf-8")
                )
            return RepairReport(sum(len(rows) for rows in shards.values()), tuple(set_aside))

    # -- small records ------------------------------------------------------------------------------------------------

    def _records_dir(self, table: str) -> Path:
        if not re.fullmatch(r"[a-z_]+", table):
            raise ValueError(table)
        return self.root / "records" / table

    def _records(self, table: str, key: str) -> TinyDB:
        # One shard per hash prefix of the key: a trainee's 错题本 or an attempt's flags is rewritten without
        # rewriting everyone else's, so the cost stays flat as trainees and attempts pile up.
        shard = hashlib.sha1(key.encode("utf-8")).hexdigest()[:2]
        return TinyDB(self._records_dir(table) / f"{shard}.json", storage=AtomicJSONStorage)

    def get_record(self, table: str, key: str) -> Any:
        row = self._records(table, key).get(Query().key == key)
        return row["value"] if row else None  # type: ignore[index,call-overload]

    def put_record(self, table: str, key: str, value: Any) -> None:
        with self.locked():
            self._records_dir(table).mkdir(exist_ok=True, mode=0o700)
            self._records(table, key).upsert({"key": key, "value": value}, Query().key == key)

    def all_records(self, table: str) -> dict[str, Any]:
        """Every record of ``table``, ordered by key."""
        rows: dict[str, Any] = {}
        for shard in sorted(self._records_dir(table).glob("*.json")):
            for row in (read_json(shard) or {}).get("_default", {}).values():
                rows[row["key"]] = row["value"]
        return dict(sorted(rows.items()))
