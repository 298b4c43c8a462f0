"""The TinyDB store: atomic 0600 files, corrupt files kept and reported, resume after a crash, exactly-once submit."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import threading
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from exam.attempts import Attempt, AttemptStatus
from exam.cli import main
from exam.errors import AttemptClosedError, StoreBusyError, StoreCorruptError, StoreError
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import ExamService, public_attempt
from exam.store import AttemptStore, TinyDBAttemptStore
from exam.store.atomic import TEMP_MARK
from tests.conftest import FakeClock
from tests.core._support import tiny_registry, with_submission_listener

PAPER = "tiny"


@pytest.fixture
def tiny() -> Registry:
    return tiny_registry()


@pytest.fixture
def svc(tiny: Registry, store: TinyDBAttemptStore, clock: FakeClock) -> ExamService:
    return ExamService(tiny, store, clock, clock.monotonic)


def answer_all(service: ExamService, attempt: Attempt, right: bool = True) -> dict[str, Any]:
    """Answer every question of the tiny paper (right or wrong); returns {question id: response}."""
    given = {}
    for item in attempt.paper_snapshot.questions:
        question = item.question
        if question.type == "single":
            response = question.answer if right else "A"
        else:
            response = question.answer if right else not question.answer
        given[question.id] = service.save_answer(attempt.attempt_id, question.id, response)
    return given


def test_store_implements_the_attempt_store_interface(store: TinyDBAttemptStore) -> None:
    """The TUI and CLI depend on AttemptStore only; the TinyDB store is one implementation of it."""
    assert isinstance(store, AttemptStore)


def test_files_are_created_0600_and_folders_0700(svc: ExamService, trainee: Trainee, store_dir: Path) -> None:
    """Every file the store writes (attempt, journal, index, records, lock) is private to the user."""
    attempt = svc.start_attempt(PAPER, trainee)
    answer_all(svc, attempt, right=False)
    svc.set_extra_minutes(PAPER, "other", 5)
    journal = next(store_dir.glob("attempts/*/*.journal"))
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    svc.submit(attempt.attempt_id)  # writes the 错题本 record too
    files = [p for p in store_dir.rglob("*") if p.is_file()]
    assert {p.parent.name for p in files} >= {"index", "wrong_book", "extra_time", store_dir.name}
    assert stat.S_IMODE(store_dir.stat().st_mode) == 0o700
    assert any(p.suffix == ".lock" for p in files) and any(p.parent.parent.name == "attempts" for p in files)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in [p for p in store_dir.rglob("*") if p.is_dir()]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_stale_temp_files_are_cleaned_at_start(store_dir: Path) -> None:
    """A temp file left by a crashed writer is removed when the store opens; a fresh one (a live writer) is kept."""
    TinyDBAttemptStore(store_dir)
    stale = store_dir / "index" / f".ab.json{TEMP_MARK}999-dead"
    fresh = store_dir / "index" / f".cd.json{TEMP_MARK}998-beef"
    stale.write_bytes(b'{"half": ')
    fresh.write_bytes(b'{"half": ')
    old = time.time() - 3600
    os.utime(stale, (old, old))
    TinyDBAttemptStore(store_dir)
    assert not stale.exists()
    assert fresh.exists()


def test_failed_write_leaves_the_previous_file_intact(
    svc: ExamService, trainee: Trainee, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails half-way (here: the disk fills up at fsync) leaves the old file as it was, no temp file,
    and a message saying nothing saved was lost; the next try succeeds."""
    import errno

    attempt = svc.start_attempt(PAPER, trainee)
    path = next(store_dir.glob("attempts/*/*.json"))
    before = path.read_bytes()

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(StoreError) as info:
        svc.submit(attempt.attempt_id)
    assert "磁盘已满" in str(info.value)
    assert path.read_bytes() == before
    assert not list(store_dir.rglob(f"*{TEMP_MARK}*"))
    monkeypatch.undo()
    assert svc.submit(attempt.attempt_id)[1] is True
    assert json.loads(path.read_bytes())["attempt"]["1"]["status"] == "submitted"


# -- corrupt files ---------------------------------------------------------------------------------------------------


def test_damaged_index_shard_is_kept_and_rebuilt_from_the_attempt_files(
    svc: ExamService, trainee: Trainee, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The index holds nothing the attempt files do not: a damaged shard is copied aside once (0600, bytes as they
    were) and rebuilt, so the listing still shows every attempt and the attempt can be submitted."""
    attempt = svc.start_attempt(PAPER, trainee)
    shard = store_dir / "index" / f"{attempt.attempt_id[:2]}.json"
    damaged = shard.read_bytes()[:-7]
    shard.write_bytes(damaged)
    assert [a.attempt_id for a in svc.store.list_attempts()] == [attempt.attempt_id]
    assert [a.attempt_id for a in svc.store.list_attempts()] == [attempt.attempt_id]
    kept = list(shard.parent.glob(f"{shard.name}.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert svc.submit(attempt.attempt_id)[1] is True

    assert main(["--db", str(store_dir), "store", "repair"]) == 0
    assert "1" in capsys.readouterr().out
    assert [a.attempt_id for a in TinyDBAttemptStore(store_dir).list_attempts()] == [attempt.attempt_id]


def test_corrupt_attempt_file_is_reported_and_set_aside_by_repair(
    svc: ExamService, trainee: Trainee, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unreadable attempt file is reported, not replaced; repair sets it aside (kept) and indexes the rest."""
    first = svc.start_attempt(PAPER, trainee)
    svc.submit(first.attempt_id)
    second = svc.start_attempt(PAPER, Trainee("李四", "2"))
    path = store_dir / "attempts" / first.attempt_id[:2] / f"{first.attempt_id}.json"
    path.write_bytes(b"\x00\x00garbage")
    with pytest.raises(StoreCorruptError):
        svc.store.get_attempt(first.attempt_id)
    assert path.read_bytes() == b"\x00\x00garbage"

    assert main(["--db", str(store_dir), "store", "repair"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and first.attempt_id in captured.err
    assert not path.exists()
    aside = list(path.parent.glob(f"{path.name}.corrupt-*"))
    assert aside and all(p.read_bytes() == b"\x00\x00garbage" for p in aside)
    assert [a.attempt_id for a in TinyDBAttemptStore(store_dir).list_attempts()] == [second.attempt_id]


def test_corrupt_records_file_is_never_overwritten(store: TinyDBAttemptStore, store_dir: Path) -> None:
    """A damaged records file makes reads and writes fail loudly; its bytes are left for recovery."""
    store.put_record("roster", "a", 1)
    (path,) = (store_dir / "records" / "roster").glob("*.json")
    path.write_bytes(b'{"_default": {"1": {"key": "a", "val')
    with pytest.raises(StoreCorruptError):
        store.put_record("roster", "a", 2)
    with pytest.raises(StoreCorruptError):
        store.all_records("roster")
    with pytest.raises(StoreCorruptError):
        store.get_record("roster", "a")
    assert path.read_bytes() == b'{"_default": {"1": {"key": "a", "val'


def test_corrupt_store_is_one_message_in_the_cli(
    svc: ExamService, trainee: Trainee, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`exam results --format jsonl` on a store whose attempt file is damaged prints one message naming the file
    and the repair command."""
    attempt = svc.start_attempt(PAPER, trainee)
    next(store_dir.glob("attempts/*/*.json")).write_bytes(b"{")
    assert main(["--db", str(store_dir), "results", "--format", "jsonl"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "exam store repair" in err and len(err.strip().splitlines()) == 1
    assert attempt.attempt_id in err


# -- resume, deadline, exactly once ----------------------------------------------------------------------------------


def test_deadline_is_stored_as_an_absolute_time(svc: ExamService, trainee: Trainee, clock: FakeClock) -> None:
    """The deadline is start + time limit (+ extra minutes), stored as an absolute ISO time with its offset."""
    svc.set_extra_minutes(PAPER, trainee.id, 7)
    attempt = svc.start_attempt(PAPER, trainee)
    assert attempt.started_at == clock.now
    assert attempt.deadline == clock.now + timedelta(minutes=30 + 7)
    assert attempt.to_json()["deadline"].endswith("+08:00")
    clock.advance(hours=2)  # the stored deadline does not move with the clock
    assert svc.store.get_attempt(attempt.attempt_id).deadline == attempt.deadline


def test_resume_after_crash_keeps_deadline_and_answers(
    tiny: Registry, store_dir: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """After the program dies, starting the same paper resumes the same attempt: same deadline, every saved answer."""
    first = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    attempt = first.start_attempt(PAPER, trainee)
    given = answer_all(first, attempt)
    del first  # the "crash": nothing is flushed or closed

    clock.advance(minutes=10)
    second = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    resumed = second.start_attempt(PAPER, trainee)
    assert resumed.attempt_id == attempt.attempt_id
    assert resumed.deadline == attempt.deadline
    assert {qid: r.value for qid, r in resumed.responses.items()} == given
    assert second.seconds_left(resumed) == 20 * 60
    assert second.in_progress_for(trainee).attempt_id == attempt.attempt_id  # type: ignore[union-attr]


def test_deadline_passed_while_down_auto_submits_exactly_once(
    tiny: Registry, store_dir: Path, clock: FakeClock, trainee: Trainee, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the deadline passed while the program was down, the attempt is finalised as auto_submitted once, with
    what was saved, stamped with the deadline; the submission event fires once."""
    tiny, events = with_submission_listener(tiny)
    first = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    attempt = first.start_attempt(PAPER, trainee)
    answer_all(first, attempt, right=True)
    del first

    clock.advance(minutes=45)
    second = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    assert second.in_progress_for(trainee) is None
    assert second.finalise_expired() == []
    third = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    assert third.finalise_expired() == []
    (done,) = third.history(trainee)
    stored = third.store.get_attempt(attempt.attempt_id)
    assert done.status == stored.status == "auto_submitted"
    assert stored.submitted_at == attempt.deadline
    assert stored.score == stored.max_score == 5
    assert len(events) == 1 and events[0]["status"] == "auto_submitted" and events[0]["score"] == 5


def test_answer_after_the_deadline_is_refused_and_submits(svc: ExamService, trainee: Trainee, clock: FakeClock) -> None:
    """An answer given after the deadline is refused (AttemptClosedError) and the attempt is auto-submitted."""
    attempt = svc.start_attempt(PAPER, trainee)
    question_id = attempt.paper_snapshot.questions[0].question.id
    clock.advance(minutes=30)
    with pytest.raises(AttemptClosedError):
        svc.save_answer(attempt.attempt_id, question_id, "A")
    assert svc.store.get_attempt(attempt.attempt_id).status == "auto_submitted"
    with pytest.raises(AttemptClosedError):
        svc.store.save_answer(attempt.attempt_id, question_id, "A", "later")


def test_submit_twice_closes_once(svc: ExamService, trainee: Trainee) -> None:
    """A second submit returns the stored result and False; the score does not change."""
    attempt = svc.start_attempt(PAPER, trainee)
    answer_all(svc, attempt)
    closed, now = svc.submit(attempt.attempt_id)
    again, now_again = svc.submit(attempt.attempt_id)
    assert (now, now_again) == (True, False)
    assert again.status == "submitted" and again.score == closed.score == 5


def _race_submit(root: str, attempt_id: str, now: Any, barrier: Any, results: Any) -> None:
    service = ExamService(tiny_registry(), TinyDBAttemptStore(root), lambda: now)
    barrier.wait()
    attempt, closed_now = service.submit(attempt_id)
    results.put((closed_now, attempt.status, attempt.submitted_at, attempt.score))


def test_submit_is_exactly_once_when_processes_race(
    svc: ExamService, trainee: Trainee, store_dir: Path, clock: FakeClock
) -> None:
    """Eight processes submitting the same attempt at the same moment: exactly one closes it, all see one result."""
    attempt = svc.start_attempt(PAPER, trainee)
    answer_all(svc, attempt)
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(8), ctx.Queue()
    procs = [
        ctx.Process(target=_race_submit, args=(str(store_dir), attempt.attempt_id, clock.now, barrier, results))
        for _ in range(8)
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert sum(closed for closed, *_ in outcomes) == 1
    assert len({tuple(rest) for _, *rest in outcomes}) == 1
    assert svc.store.get_attempt(attempt.attempt_id).status == "submitted"


def test_answer_saved_while_submitting_is_never_acknowledged_and_lost(
    svc: ExamService, trainee: Trainee, store_dir: Path
) -> None:
    """An answer saved (by another store handle) while the attempt is being finalised is either part of the graded
    attempt or refused with AttemptClosedError; never acknowledged and then dropped."""
    attempt = svc.start_attempt(PAPER, trainee)
    attempt_id = attempt.attempt_id
    question_id = attempt.paper_snapshot.questions[0].question.id
    other = TinyDBAttemptStore(store_dir)
    outcome: list[object] = []
    savers: list[threading.Thread] = []

    def late_save() -> None:
        try:
            other.save_answer(attempt_id, question_id, "B", "late")
            outcome.append("acknowledged")
        except AttemptClosedError as exc:
            outcome.append(exc)

    def finish(current: Attempt) -> Attempt:
        saver = threading.Thread(target=late_save)
        savers.append(saver)
        saver.start()
        saver.join(timeout=0.5)  # gives an unfenced append the chance to slip in; a fenced one waits for us
        return replace(current, status=AttemptStatus.SUBMITTED, submitted_at=current.started_at, score=0, passed=False)

    svc.store.finalise(attempt_id, finish)
    savers[0].join(timeout=30)
    assert outcome, "the late save never returned"
    if outcome[0] == "acknowledged":
        assert question_id in svc.store.get_attempt(attempt_id).responses
    else:
        assert isinstance(outcome[0], AttemptClosedError)


def test_torn_journal_tail_does_not_swallow_the_next_answer(
    svc: ExamService, trainee: Trainee, store_dir: Path
) -> None:
    """A crash in the middle of an append leaves a torn line without newline; the answer acknowledged after the
    restart is still read back, and the torn one is ignored."""
    attempt = svc.start_attempt(PAPER, trainee)
    first, second = (item.question.id for item in attempt.paper_snapshot.questions[:2])
    svc.save_answer(attempt.attempt_id, first, "A")
    journal = next(store_dir.glob("attempts/*/*.journal"))
    with journal.open("ab") as handle:
        handle.write(b'{"q":"b:s1","r":"C","t":"2026-11-26T09:0')
    svc.save_answer(attempt.attempt_id, second, "B")
    responses = svc.store.get_attempt(attempt.attempt_id).responses
    assert {qid: r.value for qid, r in responses.items()} == {first: "A", second: "B"}


def test_crash_between_closing_and_indexing_is_repaired_by_the_next_submit(
    svc: ExamService, store: TinyDBAttemptStore, trainee: Trainee, store_dir: Path
) -> None:
    """If the program dies after writing the closed attempt but before updating the index, the next submit (or
    the auto-submit sweep) brings the index up to date instead of offering the attempt for resuming forever."""
    attempt = svc.start_attempt(PAPER, trainee)
    closed = replace(attempt, status=AttemptStatus.SUBMITTED, submitted_at=attempt.started_at, score=0, passed=False)
    store._write_attempt_file(closed)  # the crash: index and journal untouched
    assert svc.store.list_attempts(status="in_progress")
    _, closed_now = svc.submit(attempt.attempt_id)
    assert closed_now is False
    assert svc.store.list_attempts(status="in_progress") == []
    assert not list(store_dir.glob("attempts/*/*.journal"))
    assert svc.in_progress_for(trainee) is None


def test_lock_held_too_long_is_a_store_busy_error(store_dir: Path) -> None:
    """A writer that cannot get the store lock in time gets StoreBusyError (a message, not a hang)."""
    store = TinyDBAttemptStore(store_dir, lock_timeout=0.2)
    with FileLock(str(store_dir / "store.lock")), pytest.raises(StoreBusyError) as info:
        store.put_record("roster", "a", 1)
    assert str(store_dir) in str(info.value)


def test_records_round_trip(store: TinyDBAttemptStore) -> None:
    """Small records are stored per table and key, overwritten by key, and listed per table."""
    store.put_record("roster", "1", {"name": "张三"})
    store.put_record("roster", "2", {"name": "李四"})
    store.put_record("roster", "1", {"name": "张三丰"})
    assert store.get_record("roster", "1") == {"name": "张三丰"}
    assert store.get_record("roster", "3") is None
    assert store.all_records("roster") == {"1": {"name": "张三丰"}, "2": {"name": "李四"}}


def test_import_skips_attempts_already_present(svc: ExamService, trainee: Trainee, tmp_path: Path) -> None:
    """Importing closed attempts from another machine adds new ones and skips those already present."""
    attempt = svc.start_attempt(PAPER, trainee)
    closed, _ = svc.submit(attempt.attempt_id)
    other = TinyDBAttemptStore(tmp_path / "other")
    assert other.import_attempts([closed]) == (1, 0)
    assert other.import_attempts([closed]) == (0, 1)
    assert public_attempt(other.get_attempt(attempt.attempt_id)) == public_attempt(closed)


def test_list_attempts_filters_and_orders(tiny: Registry, store: TinyDBAttemptStore, clock: FakeClock) -> None:
    """Attempts are listed oldest first and can be filtered by paper, trainee and status."""
    service = ExamService(tiny, store, clock, clock.monotonic)
    ids = []
    for n in range(3):
        attempt = service.start_attempt(PAPER, Trainee(f"学员{n}", str(n)))
        ids.append(attempt.attempt_id)
        clock.advance(minutes=1)
    service.submit(ids[1])
    assert [a.attempt_id for a in store.list_attempts()] == ids
    assert [a.attempt_id for a in store.list_attempts(status="submitted")] == [ids[1]]
    assert [a.attempt_id for a in store.list_attempts(trainee_id="2")] == [ids[2]]
    assert store.list_attempts(paper="other") == []
    assert all(a.drawn is None for a in store.list_attempts())


def test_journal_lines_are_plain_json(svc: ExamService, trainee: Trainee, store_dir: Path) -> None:
    """Each saved answer is one JSON line {q, r, t} (the documented journal format)."""
    attempt = svc.start_attempt(PAPER, trainee)
    answer_all(svc, attempt)
    journal = next(store_dir.glob("attempts/*/*.journal"))
    lines = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3 and all(set(line) == {"q", "r", "t"} for line in lines)
