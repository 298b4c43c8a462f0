"""The results store on PostgreSQL (psycopg 3): for a province-wide exam, several servers in front of one database.

Installed with the ``postgres`` extra (``pip install "township-exam[postgres]"``) and found like any other store
backend, through the ``exam.stores`` entry point group (``postgresql = "exam_store_postgres:open_store"``), so the
core never imports the driver. ``exam --db postgresql://user@host/dbname`` (or ``EXAM_DB``) selects it.

Every guarantee of the folder store holds, by the database's own means (docs/storage.md):

* one attempt per (trainee, paper, attempt number): a unique index; starting is serialised per trainee and paper by
  an advisory lock, so 20 processes starting at once end with one attempt;
* an answer is acknowledged only after its transaction commits; the attempt's live row is locked (``FOR UPDATE``)
  while the service's check (lease, deadline) runs and the answer is written;
* closing is one transaction: the graded attempt, the pending side effects, and the live row and answers removed;
  the side effects are acknowledged one by one (``DELETE … RETURNING``), so each is carried out once;
* one writer per attempt: the lease lives in the live row and changes under its lock;
* the schema is created and migrated by the app (:data:`MIGRATIONS`, versioned, under an advisory lock);
* each drawn question is stored once (``exam_questions``, keyed by the SHA-256 of its canonical JSON) and written
  in the same transaction as the first attempt that refers to it (:mod:`exam.store.snapshots`).

A server that cannot be reached, or stops answering, gives a :class:`~exam.errors.StoreError` naming the server
(never its password) and what to check; nothing is acknowledged that was not stored.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from exam.attempts import Attempt, AttemptStatus, Response
from exam.errors import AttemptClosedError, LeaseHeldError, LeaseLostError, NotFoundError, StoreBusyError, StoreError
from exam.i18n import t
from exam.models import Question
from exam.store import redacted, snapshots
from exam.store.base import EFFECTS, AttemptStore, Lease, LiveState, SealMaker, live_from_json, live_to_json

SCHEMES = ("postgresql", "postgres")
PAGE_SIZE = 200
"""Attempts read per query by :meth:`PostgresAttemptStore.iter_attempts` (one page in memory at a time)."""
LOCK_TIMEOUT_SECONDS = 10
"""How long a start waits for another process starting the same paper for the same trainee (``StoreBusyError``)."""
CONNECT_TIMEOUT_SECONDS = 10
_MIGRATION_LOCK = 7_302_025_001
"""Advisory lock key held while the schema is created or migrated (any constant unique to this app)."""
_SEAL_LOCK = 7_302_025_002
"""Advisory lock key held while seal records are appended (one writer of the chain at a time)."""
SEAL_KEY_VARIABLE = "EXAM_SEAL_KEY"
"""The seal key file of a database store; by default one per database in the user's config folder. Servers sharing
one database must use the same key file (copy it, 0600, or point this variable at it)."""

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE exam_attempts (
            attempt_id  text PRIMARY KEY,
            trainee_id  text NOT NULL,
            paper       text NOT NULL,
            attempt_no  integer NOT NULL,
            status      text NOT NULL,
            started_at  timestamptz NOT NULL,
            imported    boolean NOT NULL DEFAULT false,
            summary     jsonb NOT NULL,
            record      jsonb NOT NULL
        );
        CREATE UNIQUE INDEX exam_attempts_one_per_number ON exam_attempts (trainee_id, paper, attempt_no)
            WHERE NOT imported;
        CREATE INDEX exam_attempts_by_paper ON exam_attempts (paper, trainee_id);
        CREATE INDEX exam_attempts_by_trainee ON exam_attempts (trainee_id);
        CREATE INDEX exam_attempts_by_status ON exam_attempts (status);
        CREATE TABLE exam_live (
            attempt_id  text PRIMARY KEY REFERENCES exam_attempts ON DELETE CASCADE,
            state       jsonb NOT NULL
        );
        CREATE TABLE exam_answers (
            attempt_id  text NOT NULL REFERENCES exam_attempts ON DELETE CASCADE,
            question_id text NOT NULL,
            response    jsonb,
            at          text NOT NULL,
            PRIMARY KEY (attempt_id, question_id)
        );
        CREATE TABLE exam_effects (
            attempt_id  text NOT NULL REFERENCES exam_attempts ON DELETE CASCADE,
            effect      text NOT NULL,
            PRIMARY KEY (attempt_id, effect)
        );
        CREATE TABLE exam_records (
            tbl         text NOT NULL,
            key         text NOT NULL,
            value       jsonb,
            PRIMARY KEY (tbl, key)
        );
        """,
    ),
    (
        2,
        """
        CREATE TABLE exam_seals (
            seq         bigserial PRIMARY KEY,
            attempt_id  text,
            record      jsonb NOT NULL
        );
        CREATE INDEX exam_seals_by_attempt ON exam_seals (attempt_id, seq DESC);
        """,
    ),
    (
        3,
        # Question snapshots stored once by digest (exam.store.snapshots); attempts written from now on refer to
        # them, older rows keep theirs inline and read as before. The snapshot is the canonical JSON as text, so its
        # SHA-256 is checked on the very bytes. The (started_at, attempt_id) index serves listings in start order
        # and the pages of iter_attempts.
        """
        CREATE TABLE exam_questions (
            digest      text PRIMARY KEY,
            snapshot    text NOT NULL
        );
        CREATE INDEX exam_attempts_by_start ON exam_attempts (started_at, attempt_id);
        """,
    ),
)
"""Versioned schema migrations, applied in order by :meth:`PostgresAttemptStore.migrate`; never edit one that has
shipped, add the next."""


def open_store(url: str) -> PostgresAttemptStore:
    """The entry point of the ``exam.stores`` group: a store for a ``postgresql://`` URL.

    Raises:
        StoreError: psycopg is not installed (with the pip command), or the server cannot be reached.
    """
    return PostgresAttemptStore(url)


class Listing(list[Attempt]):
    """Attempt summaries; ``unreadable`` names rows that could not be read (a listing never omits one silently)."""

    unreadable: tuple[str, ...] = ()


class PostgresAttemptStore(AttemptStore):
    """:class:`~exam.store.base.AttemptStore` on PostgreSQL. One connection per store, used by one thread at a time
    (a lock), plus the session-level advisory locks of :meth:`serialised`."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg  # noqa: F401  (only to say clearly that the extra is missing)
        except ImportError as exc:
            raise StoreError(t("pg.no_driver")) from exc
        self.url = url
        self.where = redacted(url)
        self._lock = threading.RLock()
        self._connection: Any = None
        self.migrate()

    # -- connection and errors --------------------------------------------------------------------------------------

    def _connect(self) -> Any:
        import psycopg

        if self._connection is None or self._connection.closed:
            try:
                self._connection = psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_SECONDS)
            except psycopg.Error as exc:
                raise StoreError(t("pg.unreachable", where=self.where, error=_first_line(exc))) from exc
        return self._connection

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A cursor in one transaction: committed when the block ends, rolled back if it raises. Driver errors
        become :class:`StoreError` (a lost connection is dropped and opened again on the next call)."""
        import psycopg

        with self._lock:
            connection = self._connect()
            try:
                with connection.transaction(), connection.cursor() as cursor:
                    yield cursor
            except psycopg.errors.LockNotAvailable as exc:
                raise StoreBusyError(t("pg.busy", where=self.where)) from exc
            except psycopg.OperationalError as exc:
                with contextlib.suppress(Exception):
                    connection.close()
                self._connection = None
                raise StoreError(t("pg.unreachable", where=self.where, error=_first_line(exc))) from exc
            except psycopg.Error as exc:
                raise StoreError(t("pg.failed", where=self.where, error=_first_line(exc))) from exc

    def close(self) -> None:
        """Close the connection (the store opens it again when used)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def migrate(self) -> int:
        """Create or migrate the schema to the latest of :data:`MIGRATIONS`; returns the version now in place."""
        with self._transaction() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            cursor.execute("CREATE TABLE IF NOT EXISTS exam_schema (version integer NOT NULL)")
            cursor.execute("SELECT max(version) FROM exam_schema")
            current = cursor.fetchone()[0] or 0
            for version, sql in MIGRATIONS:
                if version > current:
                    cursor.execute(sql)
                    cursor.execute("INSERT INTO exam_schema (version) VALUES (%s)", (version,))
                    current = version
            return int(current)

    # -- attempts ---------------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def serialised(self, trainee_id: str, paper_id: str) -> Iterator[None]:
        key = f"{trainee_id}\x1f{paper_id}"
        with self._transaction() as cursor:
            cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'")
            cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (key,))
            cursor.execute("SET lock_timeout = 0")
        try:
            yield
        finally:
            with self._transaction() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))

    def create_attempt(self, attempt: Attempt) -> Attempt:
        import psycopg
        from psycopg.types.json import Jsonb

        if attempt.closed or attempt.drawn is None:
            raise ValueError("create_attempt() takes a new in-progress attempt with its drawn paper")
        attempt = replace(attempt, responses={})
        try:
            with self._transaction() as cursor:
                cursor.execute(
                    "INSERT INTO exam_attempts (attempt_id, trainee_id, paper, attempt_no, status, started_at, "
                    "summary, record) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    (attempt.attempt_id, attempt.trainee.id, attempt.paper, attempt.attempt_no, attempt.status.value,
                     attempt.started_at, Jsonb(attempt.to_json(summary=True)), Jsonb(self._stored(cursor, attempt))),
                )  # fmt: skip
                cursor.execute(
                    "INSERT INTO exam_live (attempt_id, state) VALUES (%s, %s)",
                    (attempt.attempt_id, Jsonb(live_to_json(LiveState(attempt.deadline)))),
                )
        except StoreError as exc:
            if isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
                raise StoreError(t("store.attempt_exists", attempt=attempt.attempt_id)) from exc
            raise
        return attempt

    def _live(self, cursor: Any, attempt_id: str, lock: bool = False) -> LiveState | None:
        cursor.execute(
            "SELECT state FROM exam_live WHERE attempt_id = %s" + (" FOR UPDATE" if lock else ""), (attempt_id,)
        )
        row = cursor.fetchone()
        return live_from_json(row[0]) if row else None

    def live_state(self, attempt_id: str) -> LiveState:
        with self._transaction() as cursor:
            state = self._live(cursor, attempt_id)
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
        from psycopg.types.json import Jsonb

        with self._transaction() as cursor:
            state = self._live(cursor, attempt_id, lock=True)
            if state is None:
                raise AttemptClosedError(t("store.attempt_closed", attempt=attempt_id))
            if check is not None:
                check(state)
            cursor.execute(
                "INSERT INTO exam_answers (attempt_id, question_id, response, at) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (attempt_id, question_id) DO UPDATE SET response = EXCLUDED.response, at = EXCLUDED.at",
                (attempt_id, question_id, Jsonb(value), at),
            )

    def _get(self, cursor: Any, attempt_id: str, lock: bool = False) -> Attempt:
        cursor.execute(
            "SELECT record FROM exam_attempts WHERE attempt_id = %s" + (" FOR UPDATE" if lock else ""), (attempt_id,)
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFoundError(t("store.attempt_not_found", attempt=attempt_id))
        attempt = self._attempt(cursor, attempt_id, row[0])
        if attempt.closed:
            return attempt
        cursor.execute(
            "SELECT question_id, response, at FROM exam_answers WHERE attempt_id = %s ORDER BY question_id",
            (attempt_id,),
        )
        responses = {qid: Response(response, at) for qid, response, at in cursor.fetchall()}
        live = self._live(cursor, attempt_id)
        return replace(attempt, responses=responses, deadline=live.deadline if live else attempt.deadline)

    def get_attempt(self, attempt_id: str) -> Attempt:
        with self._transaction() as cursor:
            return self._get(cursor, attempt_id)

    # -- question snapshots (exam.store.snapshots) --------------------------------------------------------------------

    def _stored(self, cursor: Any, attempt: Attempt) -> dict[str, Any]:
        """The attempt's record as stored, its question snapshots written first (in the same transaction)."""
        record = attempt.to_json()
        if not attempt.closed:
            record["responses"] = {}  # exam_answers holds them while the attempt is open
        stored, questions = snapshots.split_record(record)
        if questions:
            # In digest order: two trainees starting a paper at once draw shared questions in their own orders, and
            # inserting the same snapshots in different orders deadlocked the two transactions.
            cursor.executemany(
                "INSERT INTO exam_questions (digest, snapshot) VALUES (%s, %s) ON CONFLICT (digest) DO NOTHING",
                [(digest, snapshots.canonical_json(q).decode("utf-8")) for digest, q in sorted(questions.items())],
            )
        return stored

    def _attempt(self, cursor: Any, attempt_id: str, record: dict[str, Any]) -> Attempt:
        """The attempt a stored record describes, its drawn questions joined from ``exam_questions`` (parsed once
        per process: :data:`exam.store.snapshots.SHARED`)."""

        def load(digests: list[str]) -> dict[str, Question]:
            cursor.execute("SELECT digest, snapshot FROM exam_questions WHERE digest = ANY(%s)", (digests,))
            found = dict(cursor.fetchall())
            loaded: dict[str, Question] = {}
            for digest in digests:
                where = f"{self.where} exam_questions[{digest}]"
                try:
                    if digest not in found:
                        raise ValueError(t("store.snapshot_missing"))
                    loaded[digest] = snapshots.parse_snapshot_bytes(digest, str(found[digest]).encode("utf-8"))
                except ValueError as exc:
                    raise StoreError(t("store.snapshot_damaged", attempt=attempt_id, path=where, error=exc)) from exc
            return loaded

        return snapshots.read_attempt(record, load)

    def _write(self, cursor: Any, attempt: Attempt) -> None:
        from psycopg.types.json import Jsonb

        cursor.execute(
            "UPDATE exam_attempts SET status = %s, summary = %s, record = %s WHERE attempt_id = %s",
            (attempt.status.value, Jsonb(attempt.to_json(summary=True)), Jsonb(self._stored(cursor, attempt)),
             attempt.attempt_id),
        )  # fmt: skip

    def finalise(
        self,
        attempt_id: str,
        finish: Callable[[Attempt], Attempt],
        check: Callable[[LiveState], None] | None = None,
    ) -> tuple[Attempt, bool]:
        with self._transaction() as cursor:
            cursor.execute("SELECT 1 FROM exam_attempts WHERE attempt_id = %s FOR UPDATE", (attempt_id,))
            state = self._live(cursor, attempt_id, lock=True)
            attempt = self._get(cursor, attempt_id)
            if attempt.closed:
                return attempt, False
            if check is not None and state is not None:
                check(state)
            closed = finish(attempt)
            if not closed.closed:
                return attempt, False
            self._write(cursor, closed)
            cursor.executemany(
                "INSERT INTO exam_effects (attempt_id, effect) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                [(attempt_id, effect) for effect in EFFECTS],
            )
            cursor.execute("DELETE FROM exam_live WHERE attempt_id = %s", (attempt_id,))
            cursor.execute("DELETE FROM exam_answers WHERE attempt_id = %s", (attempt_id,))
            return closed, True

    def pending_effects(self) -> dict[str, tuple[str, ...]]:
        with self._transaction() as cursor:
            cursor.execute("SELECT attempt_id, effect FROM exam_effects ORDER BY attempt_id")
            rows = cursor.fetchall()
        pending: dict[str, list[str]] = {}
        for attempt_id, effect in rows:
            pending.setdefault(attempt_id, []).append(effect)
        order = {effect: index for index, effect in enumerate(EFFECTS)}
        return {key: tuple(sorted(effects, key=lambda e: order.get(e, len(order)))) for key, effects in pending.items()}

    def effect_done(self, attempt_id: str, effect: str) -> bool:
        with self._transaction() as cursor:
            cursor.execute(
                "DELETE FROM exam_effects WHERE attempt_id = %s AND effect = %s RETURNING 1", (attempt_id, effect)
            )
            return cursor.fetchone() is not None

    def update_attempt(self, attempt_id: str, change: Callable[[Attempt], Attempt]) -> Attempt:
        from psycopg.types.json import Jsonb

        with self._transaction() as cursor:
            cursor.execute("SELECT 1 FROM exam_attempts WHERE attempt_id = %s FOR UPDATE", (attempt_id,))
            live = self._live(cursor, attempt_id, lock=True)
            before = self._get(cursor, attempt_id)
            attempt = change(before)
            if attempt is before:
                return attempt
            if attempt.closed != before.closed:
                raise ValueError("update_attempt() cannot open or close an attempt; use finalise()")
            stored = attempt if attempt.closed else replace(attempt, responses={})
            if attempt.closed:  # its new seal: carried out like the effects of closing
                cursor.execute(
                    "INSERT INTO exam_effects (attempt_id, effect) VALUES (%s, 'seal') ON CONFLICT DO NOTHING",
                    (attempt_id,),
                )
            self._write(cursor, stored)
            if not attempt.closed and attempt.deadline != before.deadline:
                state = replace(live, deadline=attempt.deadline) if live else LiveState(attempt.deadline)
                cursor.execute(
                    "UPDATE exam_live SET state = %s WHERE attempt_id = %s", (Jsonb(live_to_json(state)), attempt_id)
                )
            return attempt

    def list_attempts(
        self, paper: str | None = None, trainee_id: str | None = None, status: str | None = None
    ) -> Listing:
        clauses, values = [], []
        for column, value in (("paper", paper), ("trainee_id", trainee_id), ("status", status)):
            if value:
                clauses.append(f"{column} = %s")
                values.append(str(value))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self._transaction() as cursor:
            cursor.execute(
                f"SELECT attempt_id, summary FROM exam_attempts{where} ORDER BY started_at, attempt_id", values
            )
            rows = cursor.fetchall()
        listing = Listing()
        unreadable = []
        for attempt_id, summary in rows:
            try:
                listing.append(Attempt.from_json(summary))
            except (KeyError, ValueError, TypeError, AttributeError):
                unreadable.append(f"{self.where} [{attempt_id}]")
        listing.unreadable = tuple(unreadable)
        return listing

    def iter_attempts(
        self, paper: str | None = None, trainee_id: str | None = None, status: str | None = None
    ) -> Iterator[Attempt]:
        """Whole attempts in start order, read in pages of :data:`PAGE_SIZE` (one short transaction each, resumed
        after the last attempt read: keyset paging on the ``(started_at, attempt_id)`` index), so the connection is
        never held between pages and one page is in memory at a time. Question snapshots are parsed once."""
        clauses, values = [], []
        for column, value in (("paper", paper), ("trainee_id", trainee_id), ("status", status)):
            if value:
                clauses.append(f"{column} = %s")
                values.append(str(value))
        after: tuple[Any, str] | None = None
        while True:
            where = list(clauses)
            params: list[Any] = list(values)
            if after is not None:
                where.append("(started_at, attempt_id) > (%s, %s)")
                params.extend(after)
            sql = (
                "SELECT attempt_id, started_at, status, record FROM exam_attempts"
                + (" WHERE " + " AND ".join(where) if where else "")
                + " ORDER BY started_at, attempt_id LIMIT %s"
            )
            with self._transaction() as cursor:
                cursor.execute(sql, (*params, PAGE_SIZE))
                rows = cursor.fetchall()
                page = [
                    self._get(cursor, attempt_id)  # in progress: its answers and live deadline too
                    if row_status == AttemptStatus.IN_PROGRESS.value
                    else self._attempt(cursor, attempt_id, record)
                    for attempt_id, _started, row_status, record in rows
                ]
            yield from page
            if len(rows) < PAGE_SIZE:
                return
            after = (rows[-1][1], rows[-1][0])

    def import_attempts(self, attempts: Iterable[Attempt]) -> tuple[int, int]:
        from psycopg.types.json import Jsonb

        added = skipped = 0
        with self._transaction() as cursor:
            for attempt in attempts:
                if not attempt.closed:
                    raise StoreError(t("store.import_in_progress", attempt=attempt.attempt_id))
                cursor.execute(
                    "INSERT INTO exam_attempts (attempt_id, trainee_id, paper, attempt_no, status, started_at, "
                    "imported, summary, record) VALUES (%s, %s, %s, %s, %s, %s, true, %s, %s) "
                    "ON CONFLICT (attempt_id) DO NOTHING",
                    (attempt.attempt_id, attempt.trainee.id, attempt.paper, attempt.attempt_no, attempt.status.value,
                     attempt.started_at, Jsonb(attempt.to_json(summary=True)), Jsonb(self._stored(cursor, attempt))),
                )  # fmt: skip
                if cursor.rowcount:
                    added += 1
                    cursor.execute(
                        "INSERT INTO exam_effects (attempt_id, effect) VALUES (%s, 'seal') ON CONFLICT DO NOTHING",
                        (attempt.attempt_id,),
                    )
                else:
                    skipped += 1
        return added, skipped

    # -- seals: an append-only log (exam.seals) ------------------------------------------------------------------------

    def seal_key_path(self) -> Path:
        """``EXAM_SEAL_KEY``, or ``<config folder>/seal-keys/<host>-<port>-<database>.key`` (folder made 0700)."""
        configured = os.environ.get(SEAL_KEY_VARIABLE)
        if configured:
            return Path(configured).expanduser()
        from platformdirs import user_config_dir

        parts = urlsplit(self.url)
        name = f"{parts.hostname or 'local'}-{parts.port or 5432}-{parts.path.strip('/') or 'exam'}.key"
        folder = Path(user_config_dir("township-exam")) / "seal-keys"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder / "".join(c if c.isalnum() or c in "-._" else "_" for c in name)

    def seal_head(self) -> dict[str, Any] | None:
        with self._transaction() as cursor:
            cursor.execute("SELECT record FROM exam_seals ORDER BY seq DESC LIMIT 1")
            row = cursor.fetchone()
        return row[0] if row and isinstance(row[0], dict) else None

    def latest_seal(self, attempt_id: str) -> dict[str, Any] | None:
        with self._transaction() as cursor:
            return self._latest_seal(cursor, attempt_id)

    def _latest_seal(self, cursor: Any, attempt_id: str) -> dict[str, Any] | None:
        cursor.execute("SELECT record FROM exam_seals WHERE attempt_id = %s ORDER BY seq DESC LIMIT 1", (attempt_id,))
        row = cursor.fetchone()
        return row[0] if row and isinstance(row[0], dict) else None

    def append_seals(self, make: SealMaker) -> list[dict[str, Any]]:
        from psycopg.types.json import Jsonb

        with self._transaction() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_SEAL_LOCK,))
            cursor.execute("SELECT record FROM exam_seals ORDER BY seq DESC LIMIT 1")
            row = cursor.fetchone()
            head = row[0] if row and isinstance(row[0], dict) else None
            records = make(head, lambda attempt_id: self._latest_seal(cursor, attempt_id))
            for record in records:
                cursor.execute(
                    "INSERT INTO exam_seals (attempt_id, record) VALUES (%s, %s)",
                    (record.get("attempt_id"), Jsonb(record)),
                )
            return records

    def seal_log(self) -> list[Any]:
        with self._transaction() as cursor:
            cursor.execute("SELECT record FROM exam_seals ORDER BY seq")
            return [row[0] if isinstance(row[0], dict) else None for row in cursor.fetchall()]

    # -- leases -------------------------------------------------------------------------------------------------------

    def _set_live(self, cursor: Any, attempt_id: str, state: LiveState) -> None:
        from psycopg.types.json import Jsonb

        cursor.execute(
            "UPDATE exam_live SET state = %s WHERE attempt_id = %s", (Jsonb(live_to_json(state)), attempt_id)
        )

    def acquire_lease(self, attempt_id: str, lease: Lease, takeover: bool, is_live: Callable[[Lease], bool]) -> None:
        with self._transaction() as cursor:
            state = self._live(cursor, attempt_id, lock=True)
            if state is None:
                raise AttemptClosedError(t("store.attempt_closed", attempt=attempt_id))
            current = state.lease
            held = current is not None and current.holder != lease.holder and is_live(current)
            if held and not takeover:
                assert current is not None
                raise LeaseHeldError(t("lease.held", where=current.label), current.label)
            self._set_live(cursor, attempt_id, replace(state, lease=lease))

    def renew_lease(self, attempt_id: str, lease: Lease) -> None:
        with self._transaction() as cursor:
            state = self._live(cursor, attempt_id, lock=True)
            if state is None:
                raise AttemptClosedError(t("store.attempt_closed", attempt=attempt_id))
            if state.lease is not None and state.lease.holder != lease.holder:
                raise LeaseLostError(t("lease.lost", where=state.lease.label))
            self._set_live(cursor, attempt_id, replace(state, lease=lease))

    def release_lease(self, attempt_id: str, holder: str) -> None:
        with self._transaction() as cursor:
            state = self._live(cursor, attempt_id, lock=True)
            if state is not None and state.lease is not None and state.lease.holder == holder:
                latest = max(state.lease.heartbeat, state.seen or state.lease.heartbeat)
                gone = replace(state, lease=None, seen=latest, seen_boot=state.lease.boot, seen_mono=state.lease.mono)
                self._set_live(cursor, attempt_id, gone)

    # -- small records ----------------------------------------------------------------------------------------------

    def get_record(self, table: str, key: str) -> Any:
        with self._transaction() as cursor:
            cursor.execute("SELECT value FROM exam_records WHERE tbl = %s AND key = %s", (table, key))
            row = cursor.fetchone()
        return row[0] if row else None

    def put_record(self, table: str, key: str, value: Any) -> None:
        from psycopg.types.json import Jsonb

        with self._transaction() as cursor:
            cursor.execute(
                "INSERT INTO exam_records (tbl, key, value) VALUES (%s, %s, %s) "
                "ON CONFLICT (tbl, key) DO UPDATE SET value = EXCLUDED.value",
                (table, key, Jsonb(value)),
            )

    def put_records(self, table: str, values: Mapping[str, Any]) -> None:
        from psycopg.types.json import Jsonb

        if not values:
            return
        with self._transaction() as cursor:
            cursor.executemany(
                "INSERT INTO exam_records (tbl, key, value) VALUES (%s, %s, %s) "
                "ON CONFLICT (tbl, key) DO UPDATE SET value = EXCLUDED.value",
                [(table, key, Jsonb(value)) for key, value in values.items()],
            )

    def update_record(self, table: str, key: str, change: Callable[[Any], Any]) -> Any:
        from psycopg.types.json import Jsonb

        with self._transaction() as cursor:
            # The advisory lock serialises a record that does not exist yet (there is no row to lock).
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 1))", (f"{table}\x1f{key}",))
            cursor.execute("SELECT value FROM exam_records WHERE tbl = %s AND key = %s", (table, key))
            row = cursor.fetchone()
            value = change(row[0] if row else None)
            cursor.execute(
                "INSERT INTO exam_records (tbl, key, value) VALUES (%s, %s, %s) "
                "ON CONFLICT (tbl, key) DO UPDATE SET value = EXCLUDED.value",
                (table, key, Jsonb(value)),
            )
            return value

    def all_records(self, table: str) -> dict[str, Any]:
        with self._transaction() as cursor:
            cursor.execute("SELECT key, value FROM exam_records WHERE tbl = %s ORDER BY key", (table,))
            return {key: value for key, value in cursor.fetchall()}

    def record_tables(self) -> list[str]:
        with self._transaction() as cursor:
            cursor.execute("SELECT DISTINCT tbl FROM exam_records ORDER BY tbl")
            return [row[0] for row in cursor.fetchall()]


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
