"""``exam store copy``: every attempt and record of one store into another, checked after the copy.

Moving from the embedded folder store to PostgreSQL (or back, or between servers) is one command. The target must be
empty, and no attempt may be in progress in the source (an exam under way keeps writing to where it started): the
copy is then exact, and it is verified by reading both stores back — the same attempts (each equal, field by field,
to its source), the same record tables with the same records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from exam.attempts import Attempt
from exam.errors import StoreError
from exam.i18n import t
from exam.store.base import AttemptStore

BATCH = 200
"""Attempts written per call of :meth:`AttemptStore.import_attempts` (one transaction on a server)."""

Progress = Callable[[Sequence[Attempt]], Iterable[Attempt]]


@dataclass(frozen=True)
class CopyReport:
    """What was copied: attempts, and records per table."""

    attempts: int
    records: dict[str, int]


def copy_store(source: AttemptStore, target: AttemptStore, progress: Progress | None = None) -> CopyReport:
    """Copy every closed attempt and every record of ``source`` into the empty ``target``, then verify.

    Raises:
        StoreError: the target is not empty; attempts are in progress in the source (named, up to ten); or the
            verification found a difference (named): nothing in the source is changed in any case.
    """
    if target.list_attempts() or target.record_tables():
        raise StoreError(t("copy.target_not_empty"))
    summaries = source.list_attempts()
    open_ones = [s for s in summaries if not s.closed]
    if open_ones:
        names = "、".join(f"{s.trainee.name}（{s.trainee.id}）" for s in open_ones[:10])
        raise StoreError(t("copy.in_progress", count=len(open_ones), names=names))
    loading = progress(summaries) if progress else summaries
    batch: list[Attempt] = []
    for summary in loading:
        batch.append(source.get_attempt(summary.attempt_id))
        if len(batch) >= BATCH:
            target.import_attempts(batch)
            batch = []
    if batch:
        target.import_attempts(batch)
    records: dict[str, int] = {}
    for table in source.record_tables():
        rows = source.all_records(table)
        for key, value in rows.items():
            target.put_record(table, key, value)
        records[table] = len(rows)
    verify_copy(source, target)
    return CopyReport(len(summaries), records)


def verify_copy(source: AttemptStore, target: AttemptStore) -> None:
    """Both stores hold the same attempts (equal as stored) and the same records. Raises :class:`StoreError` naming
    the first differences."""
    problems: list[str] = []
    mine = {s.attempt_id for s in source.list_attempts()}
    theirs = {s.attempt_id for s in target.list_attempts()}
    for attempt_id in sorted(mine - theirs)[:5]:
        problems.append(t("copy.missing", attempt=attempt_id))
    for attempt_id in sorted(theirs - mine)[:5]:
        problems.append(t("copy.extra", attempt=attempt_id))
    for attempt_id in sorted(mine & theirs):
        if source.get_attempt(attempt_id).to_json() != target.get_attempt(attempt_id).to_json():
            problems.append(t("copy.differs", attempt=attempt_id))
            if len(problems) >= 10:
                break
    for table in sorted(set(source.record_tables()) | set(target.record_tables())):
        if source.all_records(table) != target.all_records(table):
            problems.append(t("copy.records_differ", table=table))
    if problems:
        raise StoreError(t("copy.not_verified", problems="；".join(problems)))
