"""The storage interface the service uses. Another backend implements :class:`AttemptStore`.

Only :class:`~exam.service.ExamService` calls a store; everything else goes through the service. Attempts cross
this boundary as :class:`~exam.attempts.Attempt` objects; how they are laid out on disk is the backend's affair.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from exam.attempts import Attempt, from_iso, to_iso
from exam.errors import NotFoundError

EFFECTS = ("seal", "wrong_book", "notify")
"""Side effects of closing an attempt, in the order they are carried out (see :meth:`AttemptStore.finalise`).
``seal`` appends the attempt's seal to the seal log (:mod:`exam.seals`); it is also the one effect pending after a
closed attempt is changed (:meth:`AttemptStore.update_attempt`) or imported."""

SealMaker = Callable[["dict[str, Any] | None", Callable[[str], "dict[str, Any] | None"]], "list[dict[str, Any]]"]
"""Called under the store's lock with the last record of the seal log (``None``: empty) and a lookup of the last
record of an attempt; returns the records to append (possibly none)."""


@dataclass(frozen=True)
class Lease:
    """Who may write to an in-progress attempt: one window (session) at a time.

    ``holder`` is a random session token; ``label`` says where that window runs (host, process) for the message a
    second window shows; ``heartbeat`` is the session's time when the holder last said it is alive. ``host``,
    ``pid``, ``boot`` (the kernel's boot id) and ``mono`` (the boot-time clock, seconds) let another process on the
    same machine judge the lease's age without trusting the wall clock, and see that its process is gone.
    """

    holder: str
    label: str
    heartbeat: datetime
    host: str = ""
    pid: int = 0
    boot: str = ""
    mono: float = 0.0


@dataclass(frozen=True)
class LiveState:
    """The small, often-read part of an in-progress attempt: its stored deadline, its lease (if any), and ``seen``:
    the latest session time any window recorded for it (time never runs backwards for an attempt)."""

    deadline: datetime
    lease: Lease | None = None
    seen: datetime | None = None
    seen_boot: str = ""
    seen_mono: float = 0.0
    """Where ``seen`` was taken on the boot clock (``seen_boot`` the boot's id), so a window on the same boot can
    measure the real time since, whatever the wall clock says."""


def live_to_json(state: LiveState) -> dict[str, Any]:
    """The stored form of a :class:`LiveState` (the same in every backend).

    ``seen`` becomes the latest of the recorded ``seen`` and the lease's heartbeat; when the heartbeat is the newer,
    its boot clock reading is recorded with it.
    """
    lease = state.lease
    seen = max((moment for moment in (state.seen, lease.heartbeat if lease else None) if moment), default=None)
    fresh = lease is not None and (state.seen is None or lease.heartbeat >= state.seen)
    record: dict[str, Any] = {
        "deadline": to_iso(state.deadline),
        "lease": None,
        "seen": to_iso(seen) if seen else None,
        "seen_boot": lease.boot if fresh and lease else state.seen_boot,
        "seen_mono": lease.mono if fresh and lease else state.seen_mono,
    }
    if lease:
        record["lease"] = {
            "holder": lease.holder,
            "label": lease.label,
            "heartbeat": to_iso(lease.heartbeat),
            "host": lease.host,
            "pid": lease.pid,
            "boot": lease.boot,
            "mono": lease.mono,
        }
    return record


def live_from_json(data: dict[str, Any]) -> LiveState:
    """The reverse of :func:`live_to_json`. Raises ``KeyError``/``ValueError`` for a malformed record."""
    lease = data.get("lease")
    return LiveState(
        deadline=from_iso(data["deadline"]),
        lease=Lease(
            lease["holder"],
            lease.get("label", ""),
            from_iso(lease["heartbeat"]),
            str(lease.get("host", "")),
            int(lease.get("pid", 0)),
            str(lease.get("boot", "")),
            float(lease.get("mono", 0.0)),
        )
        if lease
        else None,
        seen=from_iso(data["seen"]) if data.get("seen") else None,
        seen_boot=str(data.get("seen_boot") or ""),
        seen_mono=float(data.get("seen_mono") or 0.0),
    )


class AttemptStore(ABC):
    """Attempts, answers and the small records (错题本, roster, settings) of one installation.

    Every method that writes returns only once the data is durable. Methods raise
    :class:`~exam.errors.StoreError` (or a subclass) with a message naming the file or server and the recovery;
    :class:`~exam.errors.NotFoundError` for an unknown attempt; never a bare ``OSError`` or ``KeyError``.
    """

    # -- attempts ----------------------------------------------------------------------------------------------

    @abstractmethod
    @contextlib.contextmanager
    def serialised(self, trainee_id: str, paper_id: str) -> Iterator[None]:
        """Hold the lock under which one trainee's attempts at one paper are checked and created.

        Inside it the caller lists the trainee's attempts, decides, and calls :meth:`create_attempt`; any number
        of processes doing this at once end with one attempt. The wait is bounded (``StoreBusyError``).
        """

    @abstractmethod
    def create_attempt(self, attempt: Attempt) -> Attempt:
        """Store a new in-progress attempt (with its drawn paper); crash-atomic: after a crash at any point the
        attempt either exists completely (indexed, with an empty answer journal) or not at all."""

    @abstractmethod
    def live_state(self, attempt_id: str) -> LiveState:
        """The stored deadline and lease of an in-progress attempt; ``AttemptClosedError`` once closed."""

    @abstractmethod
    def save_answer(
        self,
        attempt_id: str,
        question_id: str,
        value: Any,
        at: str,
        check: Callable[[LiveState], None] | None = None,
    ) -> None:
        """Record one response durably.

        ``check`` is called with the stored :class:`LiveState` under the attempt's lock, just before the write;
        it raises to refuse the save (time up, lease lost). Raises ``AttemptClosedError`` once the attempt is closed,
        even when the close happens while this call waits.
        """

    @abstractmethod
    def get_attempt(self, attempt_id: str) -> Attempt:
        """The whole attempt; for an in-progress one with every acknowledged response and the stored deadline."""

    @abstractmethod
    def finalise(
        self,
        attempt_id: str,
        finish: Callable[[Attempt], Attempt],
        check: Callable[[LiveState], None] | None = None,
    ) -> tuple[Attempt, bool]:
        """Close an attempt exactly once.

        ``check`` gets the stored :class:`LiveState` under the attempt's lock and may raise to refuse (a window that
        lost its lease). ``finish`` gets the in-progress attempt (all saved responses) under the lock and returns it
        graded and closed — or unchanged, still open, to leave it open (the stored deadline moved meanwhile). A
        closed attempt is written together with the pending side effects :data:`EFFECTS`, which the caller then
        carries out and acknowledges with :meth:`effect_done`. Returns ``(attempt, True)`` when this call closed it,
        ``(stored attempt, False)`` otherwise.
        """

    @abstractmethod
    def pending_effects(self) -> dict[str, tuple[str, ...]]:
        """Side effects of closed attempts not yet carried out (a process died in between): attempt id → effects."""

    @abstractmethod
    def effect_done(self, attempt_id: str, effect: str) -> bool:
        """Record that one side effect of closing ``attempt_id`` has been carried out; returns whether it was still
        pending (``False``: another process took it first — do not carry it out again)."""

    @abstractmethod
    def update_attempt(self, attempt_id: str, change: Callable[[Attempt], Attempt]) -> Attempt:
        """Apply ``change`` to the stored attempt under its lock (regrading, marking, extra time); returns it.

        A changed *closed* attempt is written together with a pending ``seal`` effect (its new seal), which the
        caller then carries out like the effects of closing."""

    @abstractmethod
    def list_attempts(
        self, paper: str | None = None, trainee_id: str | None = None, status: str | None = None
    ) -> list[Attempt]:
        """Summaries (no paper, responses or answers), oldest first."""

    def iter_attempts(
        self, paper: str | None = None, trainee_id: str | None = None, status: str | None = None
    ) -> Iterator[Attempt]:
        """Whole attempts (paper, responses, answers, history) matching the filters, oldest first, read one at a
        time so a report over thousands of attempts holds one in memory. An attempt removed between the listing and
        its reading is left out.

        Raises:
            StoreError: An attempt cannot be read (damaged file, lost connection).
        """
        for summary in self.list_attempts(paper=paper, trainee_id=trainee_id, status=status):
            try:
                yield self.get_attempt(summary.attempt_id)
            except NotFoundError:
                continue

    @abstractmethod
    def import_attempts(self, attempts: Iterable[Attempt]) -> tuple[int, int]:
        """Add closed attempts from another machine; returns ``(added, skipped as already present)``. Each added
        attempt is written with a pending ``seal`` effect."""

    # -- leases: one writer per attempt ---------------------------------------------------------------------------

    @abstractmethod
    def acquire_lease(self, attempt_id: str, lease: Lease, takeover: bool, is_live: Callable[[Lease], bool]) -> None:
        """Make ``lease`` the attempt's writer.

        Refused with ``LeaseHeldError`` (naming the holder) when another holder's lease is still live (``is_live``,
        the service's judgement) and ``takeover`` is false. Taking over waits for answers being written and makes
        the old holder's later saves fail.
        """

    @abstractmethod
    def renew_lease(self, attempt_id: str, lease: Lease) -> None:
        """Refresh the heartbeat; ``LeaseLostError`` when another window has taken the attempt over."""

    @abstractmethod
    def release_lease(self, attempt_id: str, holder: str) -> None:
        """Give the attempt up (the window closes); no effect if ``holder`` no longer holds it."""

    # -- seals: an append-only log (see exam.seals) -------------------------------------------------------------------

    @abstractmethod
    def seal_key_path(self) -> Path:
        """Where the seal key file is (beside the store; created by :func:`exam.seals.load_or_create_key`)."""

    @abstractmethod
    def seal_head(self) -> dict[str, Any] | None:
        """The last record of the seal log (``None`` when it is empty); cheap: read at every close."""

    @abstractmethod
    def latest_seal(self, attempt_id: str) -> dict[str, Any] | None:
        """The last seal record of an attempt as the store keeps it for quick lookup (``None``: never sealed). Not
        proof of anything by itself: callers check its MAC."""

    @abstractmethod
    def append_seals(self, make: SealMaker) -> list[dict[str, Any]]:
        """Under the store's writer lock, call ``make(head, latest)`` — the last record of the log and a lookup of an
        attempt's last record — and append the records it returns in one durable write; returns them. Records are
        never changed or removed. The cost must not grow with the length of the log (it runs at every close)."""

    @abstractmethod
    def seal_log(self) -> list[Any]:
        """Every record of the seal log in order; a line that is not a JSON object is returned as ``None`` (the
        verifier reports it). An empty list when the store has never been sealed."""

    # -- small records ----------------------------------------------------------------------------------------------

    @abstractmethod
    def get_record(self, table: str, key: str) -> Any:
        """A small per-trainee or per-installation record (错题本, roster, settings), or ``None``."""

    @abstractmethod
    def put_record(self, table: str, key: str, value: Any) -> None:
        """Store such a record durably."""

    def put_records(self, table: str, values: Mapping[str, Any]) -> None:
        """Store many records of one table durably (``key → value``); a backend may do it in one write. A crash may
        leave some stored and not others (each record is whole)."""
        for key, value in values.items():
            self.put_record(table, key, value)

    @abstractmethod
    def update_record(self, table: str, key: str, change: Callable[[Any], Any]) -> Any:
        """Read-modify-write one record under the lock (``change`` gets ``None`` when absent); returns the result."""

    @abstractmethod
    def all_records(self, table: str) -> dict[str, Any]:
        """Every record of ``table``, ordered by key."""

    @abstractmethod
    def record_tables(self) -> list[str]:
        """The names of the record tables that hold records, sorted (``exam store copy`` copies each)."""
