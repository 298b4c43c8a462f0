"""The storage interface the rest of the program uses. Another backend implements :class:`AttemptStore`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any

AttemptDict = dict[str, Any]
"""An attempt in the documented ``exam results --format jsonl`` shape, plus ``drawn`` (the paper snapshot)."""

STATUSES = ("in_progress", "submitted", "auto_submitted")


class AttemptStore(ABC):
    """Attempts, answers and the trainee's own records (错题本, roster).

    Every method that writes returns only once the data is durable on disk.
    """

    @abstractmethod
    def create_attempt(self, attempt: AttemptDict) -> None:
        """Store a new in-progress attempt (with ``attempt_id``, ``trainee``, ``paper``, ``deadline``, ``drawn``)."""

    @abstractmethod
    def save_answer(self, attempt_id: str, question_id: str, response: Any, at: str) -> None:
        """Record one response durably; raises :class:`~exam.errors.AttemptClosedError` once submitted."""

    @abstractmethod
    def get_attempt(self, attempt_id: str) -> AttemptDict:
        """The attempt with every acknowledged answer (``answers`` keyed by question id in ``responses``)."""

    @abstractmethod
    def finalise(self, attempt_id: str, finish: Callable[[AttemptDict], AttemptDict]) -> tuple[AttemptDict, bool]:
        """Close an attempt exactly once.

        ``finish`` gets the in-progress attempt (with all saved responses) under the store's lock and returns the
        graded, closed attempt, which is stored. Returns ``(attempt, True)`` when this call closed it, or the stored
        attempt and ``False`` when it was already closed.
        """

    @abstractmethod
    def update_attempt(self, attempt_id: str, change: Callable[[AttemptDict], AttemptDict]) -> AttemptDict:
        """Apply ``change`` to a closed or open attempt under the lock (regrading, extra time)."""

    @abstractmethod
    def list_attempts(
        self, paper: str | None = None, trainee_id: str | None = None, status: str | None = None
    ) -> list[AttemptDict]:
        """Summaries (no ``drawn``, no ``answers``), oldest first."""

    @abstractmethod
    def import_attempts(self, attempts: Iterable[AttemptDict]) -> tuple[int, int]:
        """Add closed attempts from another machine; returns ``(added, skipped as already present)``."""

    @abstractmethod
    def get_record(self, table: str, key: str) -> Any:
        """A small per-trainee or per-installation record (错题本, roster, settings), or ``None``."""

    @abstractmethod
    def put_record(self, table: str, key: str, value: Any) -> None:
        """Store such a record durably."""

    @abstractmethod
    def all_records(self, table: str) -> dict[str, Any]:
        """Every record of ``table``."""
