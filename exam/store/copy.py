"""``exam store copy``: every attempt, record and seal of one store into another, checked after the copy.

Moving from the embedded folder store to PostgreSQL (or back, or between servers) is one command. The target must be
empty, no attempt may be in progress in the source (an exam under way keeps writing to where it started), and the
source must pass its tamper check (a tampered store is not moved silently). The copy is then exact — the attempts,
the records (错题本, roster, settings), the seal log in order and the seal key — and it is verified by reading both
stores back: the same attempts (each equal, field by field, to its source), the same records, and a seal chain that
verifies in the target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from exam.attempts import Attempt
from exam.errors import StoreError
from exam.i18n import t
from exam.store.base import AttemptStore

CACHE_TABLES = frozenset({"seal_latest"})
"""Record tables a backend keeps as a cache of something else (the folder store's lookup of each attempt's last
seal): not copied, not compared; the target keeps its own."""
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
    from exam.seals import read_key, verify_store

    if not verify_store(source).ok:
        raise StoreError(t("copy.source_not_verified"))
    log = source.seal_log()
    key = read_key(source.seal_key_path())
    if log and key is None:
        raise StoreError(t("copy.no_key", path=source.seal_key_path()))
    if key is not None:
        _copy_key(key, target)
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
        if table in CACHE_TABLES:
            continue
        rows = source.all_records(table)
        target.put_records(table, rows)
        records[table] = len(rows)
    if log:
        target.append_seals(lambda head, _latest: [] if head is not None else [r for r in log if r is not None])
    verify_copy(source, target)
    return CopyReport(len(summaries), records)


def _copy_key(key: bytes, target: AttemptStore) -> None:
    """The source's seal key becomes the target's (0600), so that every seal verifies there; a target with another
    key already is refused."""
    import os

    from exam.seals import read_key

    path = target.seal_key_path()
    existing = read_key(path)
    if existing is not None:
        if existing != key:
            raise StoreError(t("copy.other_key", path=path))
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)


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
    for table in sorted((set(source.record_tables()) | set(target.record_tables())) - CACHE_TABLES):
        if source.all_records(table) != target.all_records(table):
            problems.append(t("copy.records_differ", table=table))
    if [r for r in source.seal_log() if r is not None] != [r for r in target.seal_log() if r is not None]:
        problems.append(t("copy.seals_differ"))
    from exam.seals import verify_store

    if not verify_store(target).ok:
        problems.append(t("copy.target_not_verified"))
    if problems:
        raise StoreError(t("copy.not_verified", problems="；".join(problems)))
