"""The store contract, on every backend (``location`` is a folder or a PostgreSQL URL): what the service relies on.

Lifecycle through :class:`~exam.service.ExamService` (start, answer, lease, submit, side effects once, regrade-style
updates, records), concurrency with 20 processes, a writer killed mid-save, and an unreachable or vanishing server.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from exam.attempts import AttemptStatus
from exam.errors import AttemptClosedError, LeaseHeldError, StoreError
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import AttemptStore, open_store
from exam.store.base import EFFECTS, Lease
from tests.conftest import FakeClock
from tests.core._support import tiny_registry

PROCESSES = 20


def service_at(location: str, clock: FakeClock) -> ExamService:
    return ExamService(tiny_registry(), open_store(location), clock, clock.monotonic)


def test_an_attempt_lives_and_closes_the_same_on_every_backend(location: str, clock: FakeClock) -> None:
    """Start (resumed, not duplicated), answers (last one wins), deadline and lease in the live state, submit once,
    both side effects pending once and acknowledged once, a closed attempt refuses answers, updates keep it closed."""
    service = service_at(location, clock)
    paper = next(iter(service.registry.papers))
    trainee = Trainee("张三", "T001", "城关镇")
    attempt = service.start_attempt(paper, trainee)
    assert service.start_attempt(paper, trainee).attempt_id == attempt.attempt_id
    questions = attempt.paper_snapshot.questions
    first = questions[0].question
    other = next(letter for letter in "ABCD" if letter != first.answer) if first.type == "single" else first.answer
    service.save_answer(attempt.attempt_id, first.id, other)
    service.save_answer(attempt.attempt_id, first.id, first.answer)
    stored = service.store.get_attempt(attempt.attempt_id)
    assert stored.responses[first.id].value == first.answer
    live = service.store.live_state(attempt.attempt_id)
    assert live.deadline == attempt.deadline and live.lease is None
    lease = Lease("holder-1", "窗口一", clock.now)
    service.store.acquire_lease(attempt.attempt_id, lease, False, lambda _: True)
    with pytest.raises(LeaseHeldError):
        service.store.acquire_lease(attempt.attempt_id, Lease("holder-2", "窗口二", clock.now), False, lambda _: True)
    service.store.release_lease(attempt.attempt_id, "holder-1")
    clock.advance(minutes=3)
    closed, now = service.submit(attempt.attempt_id)
    assert now and closed.status == AttemptStatus.SUBMITTED and closed.score is not None
    assert service.submit(attempt.attempt_id)[1] is False
    with pytest.raises(AttemptClosedError):
        service.store.save_answer(attempt.attempt_id, first.id, first.answer, "later")
    assert service.store.pending_effects() == {}  # carried out by submit, each once
    reopened = open_store(location)
    listed = reopened.list_attempts(paper=paper, trainee_id="T001")
    assert [a.attempt_id for a in listed] == [attempt.attempt_id]
    assert listed[0].status == AttemptStatus.SUBMITTED and listed[0].score == closed.score
    assert reopened.list_attempts(status="in_progress") == []
    marked = reopened.update_attempt(attempt.attempt_id, lambda a: a.with_history())
    assert marked.closed


def test_side_effects_are_pending_until_acknowledged_once(location: str, clock: FakeClock) -> None:
    """finalise() writes the close and its pending effects together; each effect_done() succeeds exactly once."""
    store = open_store(location)
    service = ExamService(tiny_registry(), store, clock, clock.monotonic)
    attempt = service.start_attempt(next(iter(service.registry.papers)), Trainee("李四", "T002"))
    closed, now = store.finalise(attempt.attempt_id, lambda a: service_close(service, a))
    assert now and closed.closed
    pending = store.pending_effects()
    assert set(pending) == {attempt.attempt_id} and pending[attempt.attempt_id] == EFFECTS
    for effect in EFFECTS:
        assert store.effect_done(attempt.attempt_id, effect) is True
        assert store.effect_done(attempt.attempt_id, effect) is False
    assert store.pending_effects() == {}
    assert store.finalise(attempt.attempt_id, lambda a: a)[1] is False


def service_close(service: ExamService, attempt: Any) -> Any:
    from dataclasses import replace

    return replace(attempt, status=AttemptStatus.SUBMITTED, submitted_at=attempt.started_at, score=0.0, answers=())


def test_records_read_modify_write_and_list_in_key_order(location: str) -> None:
    """get/put/update/all_records: absent is None, update sees the stored value, all_records orders by key."""
    store = open_store(location)
    assert store.get_record("wrong_book", "T1") is None
    store.put_record("wrong_book", "T2", {"items": ["q1"]})
    assert store.update_record("wrong_book", "T1", lambda old: {"items": [*(old or {}).get("items", []), "q9"]}) == {
        "items": ["q9"]
    }
    assert store.update_record("wrong_book", "T1", lambda old: {"items": [*old["items"], "q8"]}) == {
        "items": ["q9", "q8"]
    }
    assert list(store.all_records("wrong_book")) == ["T1", "T2"]
    assert open_store(location).get_record("wrong_book", "T2") == {"items": ["q1"]}


def _start_same(location: str, now: datetime, barrier: Any, results: Any) -> None:
    try:
        clock = FakeClock(now)
        service = ExamService(tiny_registry(), open_store(location), clock, clock.monotonic)
        barrier.wait()
        attempt = service.start_attempt(next(iter(service.registry.papers)), Trainee("王五", "T005"))
        results.put((attempt.attempt_id, None))
    except BaseException as exc:
        results.put(("", f"{type(exc).__name__}: {exc}"))


def _start_own(location: str, now: datetime, registry: Registry, barrier: Any, results: Any) -> None:
    try:
        clock = FakeClock(now)
        service = ExamService(registry, open_store(location), clock, clock.monotonic)
        barrier.wait()
        trainee = Trainee(f"学员{os.getpid()}", f"P{os.getpid()}")
        attempt = service.start_attempt("speech", trainee)  # 30 of the speech bank's questions, shuffled
        results.put((attempt.attempt_id, None))
    except BaseException as exc:
        results.put(("", f"{type(exc).__name__}: {exc}"))


def _count_up(location: str, barrier: Any, results: Any) -> None:
    try:
        store = open_store(location)
        barrier.wait()
        for _ in range(10):
            store.update_record("counters", "room", lambda old: (old or 0) + 1)
        results.put(None)
    except BaseException as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def _run(target: Any, args: tuple[Any, ...]) -> list[Any]:
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args[:1], *args[1:], barrier, results)) for _ in range(PROCESSES)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=240) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    return outcomes


@pytest.mark.slow
def test_twenty_processes_starting_one_paper_end_with_one_attempt(location: str, clock: FakeClock) -> None:
    """20 processes start the same paper for the same trainee at once: one attempt, which all of them get."""
    open_store(location)  # created (or migrated) once, as the first process would
    outcomes = _run(_start_same, (location, clock.now))
    assert [error for _, error in outcomes if error] == []
    assert len({attempt_id for attempt_id, _ in outcomes}) == 1
    assert len(open_store(location).list_attempts()) == 1


@pytest.mark.slow
def test_twenty_trainees_starting_one_paper_at_once_all_start(
    location: str, clock: FakeClock, registry: Registry
) -> None:
    """20 trainees start the same paper at the same moment: each draws the shared questions in its own order, and
    their snapshots (stored once, shared) must not deadlock the starts (PostgreSQL did: "deadlock detected" between
    two inserts of the same snapshots in different orders, shown to the trainee as a lost connection)."""
    open_store(location)
    outcomes = _run(_start_own, (location, clock.now, registry))
    assert [error for _, error in outcomes if error] == []
    store = open_store(location)
    assert len({attempt_id for attempt_id, _ in outcomes}) == len(store.list_attempts()) == PROCESSES
    assert all(store.get_attempt(attempt_id).drawn is not None for attempt_id, _ in outcomes)


@pytest.mark.slow
def test_twenty_processes_updating_one_record_lose_no_update(location: str) -> None:
    """20 processes × 10 read-modify-writes of one counter: 200, none lost."""
    open_store(location)
    outcomes = _run(_count_up, (location,))
    assert [error for error in outcomes if error] == []
    assert open_store(location).get_record("counters", "room") == PROCESSES * 10


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from exam.service import ExamService
    from exam.store import open_store
    from exam.models import Trainee
    from tests.core._support import tiny_registry

    location, attempt_id = sys.argv[1], sys.argv[2]
    service = ExamService(tiny_registry(), open_store(location), lambda: datetime.now(timezone.utc))
    question = service.store.get_attempt(attempt_id).paper_snapshot.questions[0].question
    n = 0
    while True:
        n += 1
        service.store.save_answer(attempt_id, question.id, f"answer {n}", f"t{n}")
        print(n, flush=True)  # acknowledged: stored
    """
)


@pytest.mark.slow
def test_a_writer_killed_mid_save_loses_no_acknowledged_answer(location: str, clock: FakeClock) -> None:
    """A process saving answers as fast as it can is killed (SIGKILL) after 50 acknowledgements: the stored answer
    is the last acknowledged one or a later one, never an older one, and the attempt still takes answers."""
    service = service_at(location, clock)
    attempt = service.start_attempt(next(iter(service.registry.papers)), Trainee("赵六", "T006"))
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, location, attempt.attempt_id],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert child.stdout is not None
    last = 0
    for line in child.stdout:
        last = int(line)
        if last >= 50:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    question = attempt.paper_snapshot.questions[0].question
    stored = open_store(location).get_attempt(attempt.attempt_id).responses[question.id].value
    assert int(str(stored).split()[1]) >= last
    reopened = open_store(location)
    reopened.save_answer(attempt.attempt_id, question.id, "after", "t-after")
    assert reopened.get_attempt(attempt.attempt_id).responses[question.id].value == "after"


def test_an_unreachable_server_is_one_clear_error_without_the_password() -> None:
    """Nothing listens on port 1: StoreError naming the server and what to check, the password replaced by ***."""
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://exam:s3cret@127.0.0.1:1/exam")
    message = str(caught.value)
    assert "127.0.0.1:1" in message and "s3cret" not in message and "***" in message
    assert "数据库" in message


def test_a_server_that_drops_the_connection_acknowledges_nothing_then_recovers(
    postgres_url: str, clock: FakeClock
) -> None:
    """The server ends the session (a restart, a network cut): the save in flight raises StoreError and is not
    stored; the next save reconnects and is stored."""
    import psycopg

    store = open_store(postgres_url)
    service = ExamService(tiny_registry(), store, clock, clock.monotonic)
    attempt = service.start_attempt(next(iter(service.registry.papers)), Trainee("钱七", "T007"))
    question = attempt.paper_snapshot.questions[0].question
    store.save_answer(attempt.attempt_id, question.id, "first", "t1")
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
    with pytest.raises(StoreError):
        store.save_answer(attempt.attempt_id, question.id, "lost", "t2")
    assert open_store(postgres_url).get_attempt(attempt.attempt_id).responses[question.id].value == "first"
    store.save_answer(attempt.attempt_id, question.id, "third", "t3")
    assert open_store(postgres_url).get_attempt(attempt.attempt_id).responses[question.id].value == "third"


def test_open_store_names_the_backends_for_an_unknown_scheme() -> None:
    """``mysql://…``: StoreError listing the installed backends and the extra to install."""
    with pytest.raises(StoreError) as caught:
        open_store("mysql://exam@db/exam")
    assert "mysql" in str(caught.value) and "postgresql" in str(caught.value)


def test_postgres_schema_is_versioned_and_migrating_again_is_a_no_op(postgres_url: str) -> None:
    """The schema is created at the latest version on first open; opening again applies nothing."""
    from exam_store_postgres import MIGRATIONS, PostgresAttemptStore

    store = open_store(postgres_url)
    assert isinstance(store, PostgresAttemptStore)
    assert store.migrate() == MIGRATIONS[-1][0]
    assert isinstance(open_store(postgres_url), AttemptStore)
    assert Counter(type(s).__name__ for s in (store,)) == {"PostgresAttemptStore": 1}
