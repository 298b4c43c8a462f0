"""The attempt's life with one owner: atomic start, one writer per attempt, time by the stored deadline and a
monotonic clock, crash-atomic creation and closing, side effects of closing exactly once, bounded lock waits."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import threading
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from exam.attempts import Attempt, AttemptStatus
from exam.errors import (
    AttemptClosedError,
    ExamError,
    LeaseHeldError,
    LeaseLostError,
    StoreBusyError,
    StoreError,
)
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import LEASE_STALE_SECONDS, ExamService, WrongBook
from exam.store import TinyDBAttemptStore
from exam.store.atomic import TEMP_MARK, exclusive_file
from exam.trainer.extra_time import grant_extra_time
from tests.conftest import FakeClock
from tests.core._support import derive_registry, tiny_registry, with_submission_listener

PAPER = "tiny"


@pytest.fixture
def tiny() -> Registry:
    return tiny_registry()


@pytest.fixture
def svc(tiny: Registry, store: TinyDBAttemptStore, clock: FakeClock) -> ExamService:
    return ExamService(tiny, store, clock, clock.monotonic)


def wrong_answers(service: ExamService, attempt: Attempt) -> dict[str, Any]:
    """Save a wrong answer to every question; returns {question id: response}."""
    given = {}
    for item in attempt.paper_snapshot.questions:
        question = item.question
        response = next(x for x in "ABCD" if x != question.answer) if question.type == "single" else not question.answer
        given[item.id] = service.save_answer(attempt.attempt_id, item.id, response)
    return given


# -- start is atomic ---------------------------------------------------------------------------------------------


def _start_same(root: str, now: datetime, barrier: Any, results: Any) -> None:
    try:
        service = ExamService(tiny_registry(), TinyDBAttemptStore(root), lambda: now)
        barrier.wait()
        results.put(service.start_attempt(PAPER, Trainee("张三", "320101")).attempt_id)
    except BaseException as exc:  # reported to the test rather than lost in a child's stderr
        results.put(f"error {type(exc).__name__}: {exc}")


@pytest.mark.slow
def test_twenty_processes_starting_the_same_paper_make_one_attempt(store_dir: Path, clock: FakeClock) -> None:
    """Twenty processes start the same paper for the same trainee at the same moment: one attempt exists, numbered
    1, and every process got (resumed) that one."""
    TinyDBAttemptStore(store_dir)
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(20), ctx.Queue()
    procs = [ctx.Process(target=_start_same, args=(str(store_dir), clock.now, barrier, results)) for _ in range(20)]
    for proc in procs:
        proc.start()
    got = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert not [g for g in got if g.startswith("error")], got
    listed = TinyDBAttemptStore(store_dir).list_attempts()
    assert len(listed) == 1 and listed[0].attempt_no == 1
    assert set(got) == {listed[0].attempt_id}


def test_attempts_allowed_are_checked_under_the_lock(
    tiny: Registry, store: TinyDBAttemptStore, clock: FakeClock
) -> None:
    """A paper with one attempt: after it is handed in, a second start is refused, however the calls interleave."""
    import dataclasses

    from exam.errors import ExamError

    once = derive_registry(tiny, papers={PAPER: dataclasses.replace(tiny.papers[PAPER], attempts=1)})
    service = ExamService(once, store, clock, clock.monotonic)
    trainee = Trainee("张三", "320101")
    first = service.start_attempt(PAPER, trainee)
    assert service.start_attempt(PAPER, trainee).attempt_id == first.attempt_id  # resumed, not a second one
    service.submit(first.attempt_id)
    with pytest.raises(ExamError):
        service.start_attempt(PAPER, trainee)
    assert len(store.list_attempts()) == 1


# -- one writer per attempt --------------------------------------------------------------------------------------


def test_second_window_is_refused_then_takes_over_and_the_first_becomes_read_only(
    tiny: Registry, store_dir: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """Window A holds the attempt; window B (another process's store handle) is refused with who holds it; B takes
    over; A's next save fails with LeaseLostError and A is read-only; the stored answers are exactly those each
    window saved while it held the lease."""
    a = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    b = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    attempt = a.start_attempt(PAPER, trainee)
    first, second = (q.id for q in attempt.paper_snapshot.questions[:2])
    window_a = a.open_attempt(attempt.attempt_id)
    a.save_answer(attempt.attempt_id, first, "A", window_a)
    with pytest.raises(LeaseHeldError) as held:
        b.open_attempt(attempt.attempt_id)
    assert window_a.label in str(held.value)
    viewer = b.open_attempt(attempt.attempt_id, read_only=True)
    with pytest.raises(LeaseLostError):
        b.save_answer(attempt.attempt_id, second, "B", viewer)
    window_b = b.open_attempt(attempt.attempt_id, takeover=True)
    b.save_answer(attempt.attempt_id, second, "C", window_b)
    with pytest.raises(LeaseLostError):
        a.save_answer(attempt.attempt_id, first, "D", window_a)
    assert not window_a.writable and window_a.lost_reason
    assert a.heartbeat(window_a).writable is False
    with pytest.raises(LeaseLostError):
        a.submit(attempt.attempt_id, window_a)
    stored = b.attempt(attempt.attempt_id)
    assert {q: r.value for q, r in stored.responses.items()} == {first: "A", second: "C"}
    assert [h.action for h in stored.history] == ["takeover"]


def test_a_lease_not_renewed_is_taken_without_asking(svc: ExamService, clock: FakeClock, trainee: Trainee) -> None:
    """A window that died (no heartbeat for the stale time) does not block the attempt."""
    attempt = svc.start_attempt(PAPER, trainee)
    svc.open_attempt(attempt.attempt_id)
    clock.advance(seconds=LEASE_STALE_SECONDS + 1)
    session = svc.open_attempt(attempt.attempt_id)
    assert session.writable


def _hold_and_save(root: str, attempt_id: str, question_id: str, now: datetime, barrier: Any, results: Any) -> None:
    service = ExamService(tiny_registry(), TinyDBAttemptStore(root), lambda: now)
    barrier.wait()
    try:
        session = service.open_attempt(attempt_id)
    except LeaseHeldError:
        results.put(("refused", os.getpid()))
        return
    service.save_answer(attempt_id, question_id, "B", session)
    results.put(("holder", os.getpid()))


@pytest.mark.slow
def test_two_processes_opening_one_attempt_get_one_writer(svc: ExamService, trainee: Trainee, store_dir: Path) -> None:
    """Two processes open the same attempt at once: exactly one becomes the writer, the other is refused."""
    attempt = svc.start_attempt(PAPER, trainee)
    question = attempt.paper_snapshot.questions[0].id
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    args = (str(store_dir), attempt.attempt_id, question, svc.clock(), barrier, results)
    procs = [ctx.Process(target=_hold_and_save, args=args) for _ in range(2)]
    for proc in procs:
        proc.start()
    outcomes = Counter(kind for kind, _ in (results.get(timeout=60) for _ in procs))
    for proc in procs:
        proc.join(timeout=60)
    assert outcomes == {"holder": 1, "refused": 1}


# -- time: the stored deadline, the session's monotonic clock -------------------------------------------------------


def test_extra_time_one_second_before_the_deadline_keeps_the_exam_open(
    svc: ExamService, clock: FakeClock, trainee: Trainee
) -> None:
    """The countdown reaches zero at the old deadline, but the stored deadline moved: nothing is closed."""
    attempt = svc.start_attempt(PAPER, trainee)
    session = svc.open_attempt(attempt.attempt_id)
    clock.advance(minutes=29, seconds=59)
    assert grant_extra_time(svc, PAPER, trainee.id, 5, by="培训组") == 1
    clock.advance(seconds=2)  # the screen's copy of the deadline has passed
    assert svc.close_if_due(attempt.attempt_id, session) is None
    assert session.seconds_left() == pytest.approx(5 * 60 - 1)
    question = attempt.paper_snapshot.questions[0].id
    assert svc.save_answer(attempt.attempt_id, question, "A", session) == "A"
    assert svc.attempt(attempt.attempt_id).status is AttemptStatus.IN_PROGRESS
    clock.advance(minutes=5)
    closed = svc.close_if_due(attempt.attempt_id, session)
    assert closed is not None and closed.status is AttemptStatus.AUTO_SUBMITTED
    assert closed.submitted_at == closed.deadline


def test_wall_clock_moved_back_grants_no_time_and_forward_closes_nothing_early(
    svc: ExamService, clock: FakeClock, trainee: Trainee
) -> None:
    """Clock set back an hour: the session's time still runs on, no minute is granted. Clock set a day forward
    (NTP after a dead battery): the running attempt stays open. Each jump is recorded once in the history."""
    attempt = svc.start_attempt(PAPER, trainee)
    session = svc.open_attempt(attempt.attempt_id)
    question = attempt.paper_snapshot.questions[0].id
    clock.advance(minutes=10)
    clock.jump(hours=-1)
    assert session.seconds_left() == pytest.approx(20 * 60)
    svc.heartbeat(session)
    svc.heartbeat(session)
    clock.advance(minutes=25)  # 35 minutes really passed: the time is up although the wall clock says 08:35
    with pytest.raises(AttemptClosedError):
        svc.save_answer(attempt.attempt_id, question, "A", session)
    closed = svc.attempt(attempt.attempt_id)
    assert closed.status is AttemptStatus.AUTO_SUBMITTED
    assert [h.action for h in closed.history] == ["clock_jump"]
    assert closed.history[0].detail["seconds"] == -3600

    other = svc.start_attempt(PAPER, Trainee("李四", "2"))
    session = svc.open_attempt(other.attempt_id)
    clock.advance(minutes=1)
    clock.jump(days=1)
    svc.heartbeat(session)
    assert svc.close_if_due(other.attempt_id, session) is None
    assert svc.finalise_expired() == []  # another process's sweep leaves a held attempt alone
    assert svc.save_answer(other.attempt_id, question, "B", session) == "B"
    assert svc.attempt(other.attempt_id).status is AttemptStatus.IN_PROGRESS
    assert [h.action for h in svc.attempt(other.attempt_id).history] == ["clock_jump"]


# -- crash-atomic create and close, side effects exactly once -------------------------------------------------------


class SimulatedKill(BaseException):
    """The process dies here: nothing after this point runs (a BaseException, so no ``except Exception`` sees it)."""


class KillAtWrite:
    """Counts the store's write points (atomic file writes, renames, unlinks under the store) and raises
    :class:`SimulatedKill` at write number ``at`` before it happens."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path, at: int | None) -> None:
        import exam.store.atomic as atomic

        self.count = 0
        self.at = at
        real_write, real_replace, real_unlink = atomic.atomic_write_bytes, os.replace, Path.unlink

        def point() -> None:
            self.count += 1
            if self.at is not None and self.count == self.at:
                raise SimulatedKill(self.count)

        def write(path: Path, data: bytes) -> None:
            point()
            real_write(path, data)

        def rename(src: Any, dst: Any) -> None:
            if str(root) in str(dst):
                point()
            real_replace(src, dst)

        def unlink(path: Path, missing_ok: bool = False) -> None:
            if str(root) in str(path):
                point()
            real_unlink(path, missing_ok=missing_ok)

        monkeypatch.setattr(atomic, "atomic_write_bytes", write)
        monkeypatch.setattr(os, "replace", rename)
        monkeypatch.setattr(Path, "unlink", unlink)


def _sit(service: ExamService, trainee: Trainee) -> str | None:
    attempt = service.start_attempt(PAPER, trainee)
    wrong_answers(service, attempt)
    service.submit(attempt.attempt_id)
    return attempt.attempt_id


def test_a_kill_at_every_write_point_leaves_no_orphan_and_side_effects_happen_once(
    tiny: Registry, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start, answer and hand in a paper, killing the process before each write in turn (fault injection at every
    write point of create, save and close). After a restart: no file of an attempt that never became real, no
    attempt without an index row, one attempt for the trainee, and once it is handed in, its wrong answers are in
    the 错题本 exactly once and plugins were notified exactly once."""
    trainee = Trainee("张三", "320101")
    with monkeypatch.context() as patch:
        counter = KillAtWrite(patch, tmp_path, None)
        _sit(ExamService(tiny, TinyDBAttemptStore(tmp_path / "dry"), clock, clock.monotonic), trainee)
        points = counter.count
    assert points >= 10
    for at in range(1, points + 1):
        root = tmp_path / f"kill-{at}"
        registry, events = with_submission_listener(tiny_registry())
        with monkeypatch.context() as patch:
            KillAtWrite(patch, root, at)
            with pytest.raises(SimulatedKill):
                _sit(ExamService(registry, TinyDBAttemptStore(root), clock, clock.monotonic), trainee)
        # The restart: a new process opens the store and the trainee starts the paper again.
        store = TinyDBAttemptStore(root)
        service = ExamService(registry, store, clock, clock.monotonic)
        attempt = service.start_attempt(PAPER, trainee)
        if not attempt.closed:
            wrong_answers(service, attempt)
            service.submit(attempt.attempt_id)
        service.complete_pending_effects()
        listed = store.list_attempts()
        files = sorted(p.stem for p in root.glob("attempts/*/*.json"))
        assert files == sorted(a.attempt_id for a in listed), f"orphan after a kill at write {at}"
        assert not [p for p in (root / "staging").iterdir() if TEMP_MARK not in p.name], at  # temps: cleaned later
        # The derived indexes (the trainee's attempts, the in-progress set) agree with the shards after any kill.
        assert store.list_attempts(trainee_id=trainee.id) == listed, at
        assert store.list_attempts(status=AttemptStatus.IN_PROGRESS) == [], at
        assert store.repair().attempts == len(listed)
        closed = [a for a in listed if a.closed]
        assert len([a for a in listed if not a.closed]) == 0, at
        book = WrongBook.from_json(store.get_record("wrong_book", trainee.id))
        assert sorted(book.applied) == sorted(a.attempt_id for a in closed), at
        expected = Counter(
            answer.question_id
            for summary in closed
            for answer in store.get_attempt(summary.attempt_id).answers
            if answer.points < answer.max_points
        )
        assert {qid: entry["wrong"] for qid, entry in book.entries.items()} == dict(expected), at
        assert Counter(e["attempt_id"] for e in events) == {a.attempt_id: 1 for a in closed}, at
        assert store.pending_effects() == {}


def test_a_failed_close_is_completed_by_the_next_start(
    svc: ExamService, store: TinyDBAttemptStore, trainee: Trainee, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while the 错题本 is written after the close: the attempt is handed in, nobody's start fails
    for it, and the next start records the 错题本 entries and notifies the plugins, once."""
    listening, events = with_submission_listener(svc.registry)
    monkeypatch.setattr(svc, "registry", listening)
    attempt = svc.start_attempt(PAPER, trainee)
    wrong_answers(svc, attempt)
    real = store.update_record

    def full(table: str, key: str, change: Any) -> Any:
        if table == "wrong_book":
            raise StoreError("磁盘已满")
        return real(table, key, change)

    monkeypatch.setattr(store, "update_record", full)
    closed, closed_now = svc.submit(attempt.attempt_id)  # handed in: the 错题本 waits, the trainee is not told "failed"
    assert closed_now and closed.closed and events == []
    assert svc.start_attempt(PAPER, Trainee("王五", "3"))  # nor does anybody else's start fail for it
    monkeypatch.setattr(store, "update_record", real)
    again, closed_now = svc.submit(attempt.attempt_id)  # a retry from the screen changes nothing
    assert closed_now is False and again.closed
    svc.start_attempt(PAPER, Trainee("李四", "2"))
    assert [e["attempt_id"] for e in events] == [attempt.attempt_id]
    assert WrongBook.from_json(store.get_record("wrong_book", trainee.id)).applied == [attempt.attempt_id]


# -- bounded waits ---------------------------------------------------------------------------------------------------


def test_a_stuck_journal_lock_is_a_bounded_wait_that_names_the_file(
    tiny: Registry, store_dir: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """A window stopped while writing an answer holds the journal lock: closing waits a bounded time, then says
    which file is busy, and other trainees' starts are not blocked meanwhile."""
    store = TinyDBAttemptStore(store_dir, journal_lock_timeout=0.2)
    service = ExamService(tiny, store, clock, clock.monotonic)
    attempt = service.start_attempt(PAPER, trainee)
    journal = next(store_dir.glob("attempts/*/*.journal"))
    held = threading.Event()
    release = threading.Event()

    def stuck_writer() -> None:
        with exclusive_file(journal, 5):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=stuck_writer)
    thread.start()
    held.wait(5)
    try:
        with pytest.raises(StoreBusyError) as info:
            service.submit(attempt.attempt_id)
        assert str(journal) in str(info.value)
        assert service.start_attempt(PAPER, Trainee("李四", "2")).attempt_id != attempt.attempt_id
    finally:
        release.set()
        thread.join()
    assert service.submit(attempt.attempt_id)[1] is True


def test_a_failed_directory_fsync_is_an_error(store: TinyDBAttemptStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """An I/O error syncing the folder after a rename is reported, not passed off as saved."""

    real = os.fsync

    def failing(fd: int) -> None:
        import stat

        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "Input/output error")
        real(fd)

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(StoreError):
        store.put_record("roster", "a", 1)


# -- the record and its scoring --------------------------------------------------------------------------------------


def test_a_first_release_store_is_migrated_and_its_attempts_read(
    svc: ExamService, store_dir: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """A store written by the first release (no format.json, records without ``schema``, no live file for an
    attempt in progress) opens: the attempt is read, answers can be saved against its deadline, and the store is
    marked with the current format version."""
    import json

    from exam.store.tinydb_store import FORMAT

    attempt = svc.start_attempt(PAPER, trainee)
    path = next(store_dir.glob("attempts/*/*.json"))
    data = json.loads(path.read_bytes())
    record = data["attempt"]["1"]
    for key in ("schema", "attempt_no", "origin"):
        record.pop(key)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (store_dir / "format.json").unlink()
    next(store_dir.glob("attempts/*/*.live")).unlink()
    reopened = ExamService(tiny_registry(), TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    assert json.loads((store_dir / "format.json").read_bytes())["version"] == FORMAT["version"]
    again = reopened.attempt(attempt.attempt_id)
    assert again.attempt_no == 1 and again.deadline == attempt.deadline
    question = again.paper_snapshot.questions[0].id
    assert reopened.save_answer(attempt.attempt_id, question, "A") == "A"


def test_submit_regrade_mark_and_practice_score_alike(svc: ExamService, clock: FakeClock, trainee: Trainee) -> None:
    """One scoring rule: a response earns the same points whether scored at submission, by regrading, or in
    practice; a hand mark is rounded by the same rule."""
    from exam.scoring import clamp_points
    from exam.trainer.regrade import mark_answer, regrade_answers

    attempt = svc.start_attempt(PAPER, trainee)
    given = wrong_answers(svc, attempt)
    closed, _ = svc.submit(attempt.attempt_id)
    answers, changes, _ = regrade_answers(svc, closed)
    assert changes == [] and answers == closed.answers
    for item in closed.paper_snapshot.questions:
        points, _ = svc.practice_answer(trainee, item.question, given[item.id])
        assert points == next(a.points for a in closed.answers if a.question_id == item.id)
    assert clamp_points(1.005, 2) == 1.0 and clamp_points(2.5, 2) == 2.0 and clamp_points(float("nan"), 2) == 0.0
    marked = mark_answer(svc, closed.attempt_id, "1", 0.125, by="王老师")
    assert marked.answers[0].points == clamp_points(0.125, marked.answers[0].max_points)
    assert marked.score == round(sum(a.points for a in marked.answers), 2)


# -- found by trying to break it --------------------------------------------------------------------------------------


def test_reopening_after_the_clock_was_set_back_grants_no_time(
    tiny: Registry, store_dir: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """Use 25 minutes, close the app, set the clock back an hour, open the attempt again: 5 minutes are left, and the
    jump is in the history. The new window starts from the latest time recorded for the attempt."""
    first = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    attempt = first.start_attempt(PAPER, trainee)
    session = first.open_attempt(attempt.attempt_id)
    clock.advance(minutes=25)
    first.heartbeat(session)
    clock.jump(hours=-1)
    clock.advance(seconds=1)
    second = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    reopened = second.open_attempt(attempt.attempt_id, takeover=True)
    assert reopened.seconds_left() == pytest.approx(5 * 60, abs=2)
    assert [h.action for h in second.attempt(attempt.attempt_id).history][-1] == "clock_jump"


def test_a_window_that_lost_the_attempt_cannot_hand_it_in(
    tiny: Registry, store_dir: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """Window A still believes it holds the attempt (no heartbeat since B took over): its submit is refused under the
    lock, and B's answers stay open for B."""
    a = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    b = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    attempt = a.start_attempt(PAPER, trainee)
    window_a = a.open_attempt(attempt.attempt_id)
    b.open_attempt(attempt.attempt_id, takeover=True)
    assert window_a.writable  # A has not noticed yet
    with pytest.raises(LeaseLostError):
        a.submit(attempt.attempt_id, window_a)
    assert not b.attempt(attempt.attempt_id).closed


def test_extra_time_written_while_the_close_waits_for_the_lock_keeps_the_exam_open(
    svc: ExamService, store: TinyDBAttemptStore, clock: FakeClock, trainee: Trainee, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window reads the old deadline (passed), then the trainer's extra time is written before the close gets
    the lock: the close re-reads the stored deadline under the lock and leaves the attempt open."""
    attempt = svc.start_attempt(PAPER, trainee)
    session = svc.open_attempt(attempt.attempt_id)
    clock.advance(minutes=29, seconds=59)
    stale = store.live_state(attempt.attempt_id)  # what the window read just before
    grant_extra_time(svc, PAPER, trainee.id, 10, by="培训组")  # lands between the read and the close
    clock.advance(seconds=2)
    monkeypatch.setattr(store, "live_state", lambda attempt_id: stale)
    assert svc.close_if_due(attempt.attempt_id, session) is None
    monkeypatch.undo()
    assert svc.attempt(attempt.attempt_id).status is AttemptStatus.IN_PROGRESS


def test_a_forward_jump_seen_by_another_process_does_not_close_a_running_exam(
    tiny: Registry, store_dir: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """A window holds the attempt; another process's wall clock is a day ahead when it sweeps for expired attempts
    (a trainer's export): the lease is judged by the boot clock on the same machine, so nothing is closed."""
    window = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    attempt = window.start_attempt(PAPER, trainee)
    window.open_attempt(attempt.attempt_id)
    ahead = FakeClock(clock.now)
    ahead.elapsed = clock.elapsed
    ahead.jump(days=1)
    sweeper = ExamService(tiny, TinyDBAttemptStore(store_dir), ahead, ahead.monotonic)
    assert sweeper.finalise_expired() == []
    assert sweeper.attempt(attempt.attempt_id).status is AttemptStatus.IN_PROGRESS


def test_a_close_after_a_crash_between_index_and_rename_is_not_undone(
    svc: ExamService, store: TinyDBAttemptStore, store_dir: Path, trainee: Trainee
) -> None:
    """A kill after the index row but before the attempt file left staging: the attempt is closed (a sweep, a
    sign-in) before any start recovers it; the stale staged copy must not bring it back as 作答中."""
    attempt = svc.start_attempt(PAPER, trainee)
    final = next(store_dir.glob("attempts/*/*.json"))
    os.replace(final, store_dir / "staging" / final.name)  # the state the crash leaves
    closed, _ = svc.submit(attempt.attempt_id)
    assert closed.closed
    svc.start_attempt(PAPER, Trainee("李四", "2"))  # runs the staging recovery
    assert svc.attempt(attempt.attempt_id).status is AttemptStatus.SUBMITTED
    assert store.repair().attempts == 2
    assert [a.status for a in store.list_attempts(trainee_id=trainee.id)] == [AttemptStatus.SUBMITTED]


def test_repair_keeps_the_row_of_an_attempt_it_cannot_open_and_start_refuses_to_guess(
    svc: ExamService, store: TinyDBAttemptStore, store_dir: Path, trainee: Trainee
) -> None:
    """An attempt file that cannot be opened keeps its index row through repair (it is listed as unreadable), and a
    start whose count of attempts is incomplete refuses rather than allowing an extra attempt."""
    import dataclasses
    import shutil

    once = dataclasses.replace(svc.registry.papers[PAPER], attempts=1)
    svc = ExamService(derive_registry(svc.registry, papers={PAPER: once}), store, svc.clock, svc.monotonic)
    attempt = svc.start_attempt(PAPER, trainee)
    svc.submit(attempt.attempt_id)
    path = next(store_dir.glob("attempts/*/*.json"))
    saved = path.read_bytes()
    path.unlink()
    path.mkdir()
    report = store.repair()
    assert str(path) in report.unreadable
    assert [a.attempt_id for a in store.list_attempts()] == [attempt.attempt_id]
    # Start counts from the trainee's own index file (it never reads the shards): that is the one to block.
    (shard,) = store_dir.glob("trainees/*/*.json")
    shutil.rmtree(path)
    path.write_bytes(saved)
    shard.unlink()
    shard.mkdir()
    with pytest.raises(StoreError) as info:
        svc.start_attempt(PAPER, trainee)
    assert str(shard) in str(info.value)
    shard.rmdir()
    store.repair()
    with pytest.raises(ExamError):  # the one attempt is used
        svc.start_attempt(PAPER, trainee)


def test_damaged_live_effects_format_and_records_do_not_lock_anyone_out(
    svc: ExamService, store: TinyDBAttemptStore, store_dir: Path, trainee: Trainee, clock: FakeClock
) -> None:
    """A damaged live file is rebuilt from the attempt file; a folder in place of an effects file does not stop
    starts; a damaged format.json is rewritten; a badly shaped 错题本 or extra-time value is read as empty."""
    attempt = svc.start_attempt(PAPER, trainee)
    live = next(store_dir.glob("attempts/*/*.live"))
    for damage in (b'{"deadline": "2026-11-26T09:30:00", "lease": null}', b'{"lease": {"label": "x"}}', b"\x00"):
        live.write_bytes(damage)
        assert svc.start_attempt(PAPER, trainee).attempt_id == attempt.attempt_id
        assert svc.store.live_state(attempt.attempt_id).deadline == attempt.deadline
    (store_dir / "effects" / f"{'0' * 32}.json").mkdir()
    assert svc.start_attempt(PAPER, Trainee("李四", "2"))
    (store_dir / "format.json").write_bytes(b'{"version": "2"}')
    TinyDBAttemptStore(store_dir)
    store.put_record("wrong_book", trainee.id, {"entries": {"q": 5, "b:s0": {}}, "applied": 5})
    assert svc.wrong_book(trainee) == []
    store.put_record("extra_time", f"{PAPER}|{trainee.id}", "abc")
    assert svc.extra_minutes(PAPER, trainee.id) == 0


def test_plugins_are_notified_without_the_store_lock_held(
    svc: ExamService, store: TinyDBAttemptStore, clock: FakeClock, trainee: Trainee, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A start that closes an expired attempt notifies the plugins after leaving the store lock, so a slow plugin
    cannot make other trainees' starts and submits wait."""
    held: list[bool] = []
    monkeypatch.setattr(Registry, "notify_submitted", lambda self, record: held.append(store._lock.is_locked))
    attempt = svc.start_attempt(PAPER, trainee)
    clock.advance(minutes=31)
    svc.start_attempt(PAPER, trainee)
    assert svc.attempt(attempt.attempt_id).closed
    assert held == [False]


def test_an_open_attempt_is_never_counted_in_the_wrong_book(
    svc: ExamService, store: TinyDBAttemptStore, store_dir: Path, trainee: Trainee
) -> None:
    """A damaged effects file for an attempt still in progress does not put it in the 错题本 or notify anyone; its
    wrong answers are counted when it is handed in."""
    registry, events = with_submission_listener(svc.registry)
    svc = ExamService(registry, store, svc.clock, svc.monotonic)
    attempt = svc.start_attempt(PAPER, trainee)
    wrong_answers(svc, attempt)
    (store_dir / "effects" / f"{attempt.attempt_id}.json").write_bytes(b"garbage")
    svc.start_attempt(PAPER, Trainee("李四", "2"))
    assert events == [] and store.get_record("wrong_book", trainee.id) is None
    svc.submit(attempt.attempt_id)
    book = WrongBook.from_json(store.get_record("wrong_book", trainee.id))
    assert book.applied == [attempt.attempt_id] and len(book.entries) == len(attempt.paper_snapshot.questions)
    assert [e["attempt_id"] for e in events] == [attempt.attempt_id]


def test_repair_removes_what_a_kill_during_a_close_left_behind(
    svc: ExamService, store: TinyDBAttemptStore, store_dir: Path, trainee: Trainee
) -> None:
    """A live file or journal beside a closed attempt (a kill after its index row) is removed by repair."""
    attempt = svc.start_attempt(PAPER, trainee)
    live = next(store_dir.glob("attempts/*/*.live"))
    kept = live.read_bytes()
    svc.submit(attempt.attempt_id)
    live.write_bytes(kept)
    (live.with_suffix(".journal")).write_bytes(b"")
    report = store.repair()
    assert str(live) in report.removed and not live.exists() and not live.with_suffix(".journal").exists()


def test_cancelling_and_granting_extra_time_again_does_not_double_it(
    svc: ExamService, clock: FakeClock, trainee: Trainee
) -> None:
    """10 minutes, taken back to 0, then 10 again: the running attempt has 10 extra minutes, not 20."""
    attempt = svc.start_attempt(PAPER, trainee)
    for minutes in (10, 0, 10):
        grant_extra_time(svc, PAPER, trainee.id, minutes, by="培训组")
    assert svc.attempt(attempt.attempt_id).deadline == attempt.deadline + timedelta(minutes=10)


def test_a_read_only_window_writes_nothing(svc: ExamService, clock: FakeClock, trainee: Trainee) -> None:
    """A viewer's heartbeat after a clock jump records nothing: only the writer's window does."""
    attempt = svc.start_attempt(PAPER, trainee)
    svc.open_attempt(attempt.attempt_id)
    viewer = svc.open_attempt(attempt.attempt_id, read_only=True)
    clock.jump(hours=2)
    svc.heartbeat(viewer)
    assert svc.attempt(attempt.attempt_id).history == ()


# -- found by trying to break it a second time ------------------------------------------------------------------------


def test_one_damaged_wrong_book_does_not_stop_the_room(
    svc: ExamService, store: TinyDBAttemptStore, store_dir: Path, trainee: Trainee
) -> None:
    """A trainee's 错题本 file is damaged: their paper is still handed in, and everyone else still starts."""
    store.put_record("wrong_book", trainee.id, {"entries": {}, "applied": []})
    (shard,) = (store_dir / "records" / "wrong_book").glob("*.json")
    attempt = svc.start_attempt(PAPER, trainee)
    wrong_answers(svc, attempt)
    shard.write_bytes(b"garbage")
    closed, closed_now = svc.submit(attempt.attempt_id)
    assert closed_now and closed.closed
    assert svc.start_attempt(PAPER, Trainee("李四", "2")).trainee.id == "2"
    assert store.pending_effects()  # the 错题本 update waits for the file to be mended


def test_a_deleted_live_file_is_rebuilt_and_the_attempt_stays_open(
    svc: ExamService, store_dir: Path, trainee: Trainee
) -> None:
    """The live file of an open attempt is deleted: it is rebuilt from the attempt file; the attempt is neither
    shown as handed in nor started twice, and the window keeps saving."""
    attempt = svc.start_attempt(PAPER, trainee)
    session = svc.open_attempt(attempt.attempt_id)
    next(store_dir.glob("attempts/*/*.live")).unlink()
    assert svc.heartbeat(session).writable
    assert svc.close_if_due(attempt.attempt_id, session) is None
    question = attempt.paper_snapshot.questions[0].id
    assert svc.save_answer(attempt.attempt_id, question, "A", session) == "A"
    assert svc.start_attempt(PAPER, trainee).attempt_id == attempt.attempt_id


def test_an_unreadable_attempt_behind_a_damaged_shard_is_never_uncounted(
    svc: ExamService, store_dir: Path, trainee: Trainee
) -> None:
    """An attempt file that cannot be opened and a damaged index shard together (and the trainee's own index file
    damaged, so it must be rebuilt from the shards): the shard is not rebuilt without the attempt's row, so a start
    refuses rather than allowing a retake."""
    attempt = svc.start_attempt(PAPER, trainee)
    svc.submit(attempt.attempt_id)
    path = next(store_dir.glob("attempts/*/*.json"))
    path.unlink()
    path.mkdir()
    (store_dir / "index" / f"{attempt.attempt_id[:2]}.json").write_bytes(b"garbage")
    next(store_dir.glob("trainees/*/*.json")).write_bytes(b"garbage")
    with pytest.raises(StoreError):
        svc.start_attempt(PAPER, trainee)


def test_a_notification_is_sent_once_however_many_processes_complete_it(
    svc: ExamService, store: TinyDBAttemptStore, trainee: Trainee, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same pending notification taken by two completers: only the one whose mark removed it notifies."""
    events: list[str] = []
    monkeypatch.setattr(Registry, "notify_submitted", lambda self, record: events.append(record["attempt_id"]))
    attempt = svc.start_attempt(PAPER, trainee)
    monkeypatch.setattr(svc, "complete_pending_effects", lambda only=None: 0)  # the close leaves them pending
    svc.submit(attempt.attempt_id)
    monkeypatch.undo()
    monkeypatch.setattr(Registry, "notify_submitted", lambda self, record: events.append(record["attempt_id"]))
    pending = store.pending_effects()
    monkeypatch.setattr(store, "pending_effects", lambda: pending)  # both completers saw the same list
    svc.complete_pending_effects()
    svc.complete_pending_effects()
    assert events == [attempt.attempt_id]


def test_time_passed_while_the_app_was_closed_counts_whatever_the_wall_clock_says(
    tiny: Registry, store_dir: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """Use 25 minutes, close the window; 50 minutes pass while the clock is set back an hour: reopening finds the
    time up. And a clock set a day forward while the window was closed does not close an attempt with time left."""
    first = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    attempt = first.start_attempt(PAPER, trainee)
    session = first.open_attempt(attempt.attempt_id)
    clock.advance(minutes=25)
    first.heartbeat(session)
    first.close_session(session)
    clock.jump(hours=-1)
    clock.advance(minutes=50)
    second = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    assert second.in_progress_for(trainee) is None
    assert second.attempt(attempt.attempt_id).status is AttemptStatus.AUTO_SUBMITTED

    other = second.start_attempt(PAPER, Trainee("李四", "2"))
    window = second.open_attempt(other.attempt_id)
    clock.advance(minutes=5)
    second.heartbeat(window)
    second.close_session(window)
    clock.jump(days=1)
    third = ExamService(tiny, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    resumed = third.in_progress_for(Trainee("李四", "2"))
    assert resumed is not None and resumed.attempt_id == other.attempt_id


def test_a_damaged_attempt_does_not_keep_the_others_open_and_a_bad_index_row_is_reported(
    svc: ExamService, store: TinyDBAttemptStore, store_dir: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """The sweep closes every expired attempt it can read; a badly shaped index row is listed as unreadable."""
    first = svc.start_attempt(PAPER, trainee)
    second = svc.start_attempt(PAPER, Trainee("李四", "2"))
    (store_dir / "attempts" / first.attempt_id[:2] / f"{first.attempt_id}.json").write_bytes(b"garbage")
    clock.advance(minutes=31)
    closed = svc.finalise_expired()
    assert [a.attempt_id for a in closed] == [second.attempt_id]
    shard = store_dir / "index" / f"{second.attempt_id[:2]}.json"
    data = json.loads(shard.read_bytes())
    row = next(r for r in data["_default"].values() if r["attempt_id"] == second.attempt_id)
    row["trainee"] = {}
    shard.write_text(json.dumps(data), encoding="utf-8")
    listing = store.list_attempts()
    assert listing.unreadable and second.attempt_id not in {a.attempt_id for a in listing}


def test_closed_while_away_names_each_expired_attempt_once(
    svc: ExamService, clock: FakeClock, trainee: Trainee
) -> None:
    """An attempt whose time ran out while no window held it is closed and returned by ``closed_while_away`` at the
    next call (the sign-in), once; attempts auto-submitted before the trainee's first such call are not told."""
    old = svc.start_attempt(PAPER, trainee)
    clock.advance(days=1)
    svc.finalise_expired()
    assert svc.attempt(old.attempt_id).status == AttemptStatus.AUTO_SUBMITTED
    assert svc.closed_while_away(trainee) == []  # from before the notice existed: the first call starts the record
    left = svc.start_attempt(PAPER, trainee)
    clock.advance(days=1)
    (told,) = svc.closed_while_away(trainee)
    assert told.attempt_id == left.attempt_id
    assert told.status == AttemptStatus.AUTO_SUBMITTED and told.score is not None
    assert svc.closed_while_away(trainee) == []
    assert svc.closed_while_away(Trainee("李四", "320102")) == []
