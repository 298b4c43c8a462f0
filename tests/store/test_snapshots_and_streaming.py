"""Issue 17 on every backend: attempts stored with their drawn questions by reference read back field for field,
one snapshot per question is shared between attempts, and ``iter_attempts`` streams whole attempts in start order."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from exam.attempts import Attempt, AttemptStatus
from exam.errors import StoreError
from exam.models import Trainee
from exam.service import ExamService
from exam.store import open_store
from exam.store import snapshots as snapshot_module
from tests.conftest import FakeClock
from tests.core._support import tiny_registry


def _sit(service: ExamService, trainee: Trainee, close: bool, seed: str | None = None) -> Attempt:
    paper = next(iter(service.registry.papers))
    attempt = service.start_attempt(paper, trainee, seed)
    for item in attempt.paper_snapshot.questions:
        question = item.question
        service.save_answer(attempt.attempt_id, question.id, question.answer)
    return service.submit(attempt.attempt_id)[0] if close else service.attempt(attempt.attempt_id)


def test_attempts_read_back_exactly_as_written(location: str, clock: FakeClock) -> None:
    """An open and a closed attempt, written with their questions by reference, read back (cold cache, new store
    object) with the same ``to_json()`` — what seals, exports and copies use."""
    service = ExamService(tiny_registry(), open_store(location), clock, clock.monotonic)
    closed = _sit(service, Trainee("张三", "T001"), close=True)
    clock.advance(minutes=1)
    still_open = _sit(service, Trainee("李四", "T002"), close=False)
    snapshot_module.SHARED.clear()
    reopened = open_store(location)
    assert reopened.get_attempt(closed.attempt_id).to_json() == closed.to_json()
    assert reopened.get_attempt(still_open.attempt_id).to_json() == still_open.to_json()
    assert ExamService(tiny_registry(), reopened, clock, clock.monotonic).verify_seals().ok


def test_iter_attempts_streams_whole_attempts_in_start_order_with_filters(location: str, clock: FakeClock) -> None:
    """``iter_attempts`` gives the same whole attempts as ``get_attempt``, oldest first, honouring each filter;
    more attempts than one page (PostgreSQL reads 200 per query) are all given, once."""
    store = open_store(location)
    service = ExamService(tiny_registry(), store, clock, clock.monotonic)
    first = _sit(service, Trainee("张三", "T001"), close=True)
    clock.advance(minutes=1)
    second = _sit(service, Trainee("李四", "T002"), close=False)
    copies = [
        replace(first, attempt_id=uuid.uuid4().hex, trainee=Trainee(f"学员{i}", f"C{i:03d}"),
                started_at=first.started_at - timedelta(minutes=i + 1))
        for i in range(230)
    ]  # fmt: skip
    service.import_attempts(copies)
    snapshot_module.SHARED.clear()
    streamed = list(store.iter_attempts())
    expected = [a.attempt_id for a in store.list_attempts()]
    assert [a.attempt_id for a in streamed] == expected and len(expected) == 232
    assert streamed[-1].to_json() == second.to_json()
    assert streamed[-2].to_json() == first.to_json()
    assert [a.attempt_id for a in store.iter_attempts(trainee_id="T002")] == [second.attempt_id]
    assert [a.attempt_id for a in store.iter_attempts(status=AttemptStatus.IN_PROGRESS)] == [second.attempt_id]
    # One parsed question object per snapshot, shared by every attempt that drew it.
    ids = {id(item.question) for a in streamed for item in a.paper_snapshot.questions}
    assert len(ids) == len({item.question.id for a in streamed for item in a.paper_snapshot.questions})


def test_postgres_stores_each_question_once_and_names_a_damaged_snapshot(postgres_url: str, clock: FakeClock) -> None:
    """Two attempts drawing the same questions: one ``exam_questions`` row per question; a row edited by hand is
    one StoreError naming the table, the digest and the attempt."""
    import psycopg

    service = ExamService(tiny_registry(), open_store(postgres_url), clock, clock.monotonic)
    one = _sit(service, Trainee("张三", "T001"), close=True, seed="same")
    two = _sit(service, Trainee("李四", "T002"), close=True, seed="same")
    drawn = {item.question.id for item in one.paper_snapshot.questions}
    assert drawn == {item.question.id for item in two.paper_snapshot.questions}
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        count = admin.execute("SELECT count(*) FROM exam_questions").fetchone()
        assert count is not None and count[0] == len(drawn)
        row = admin.execute("SELECT digest FROM exam_questions LIMIT 1").fetchone()
        assert row is not None
        edit = 'UPDATE exam_questions SET snapshot = replace(snapshot, \'"stem":"\', \'"stem":"改\') WHERE digest = %s'
        admin.execute(edit, (row[0],))
    snapshot_module.SHARED.clear()
    with pytest.raises(StoreError) as info:
        open_store(postgres_url).get_attempt(one.attempt_id)
    assert "exam_questions" in str(info.value) and row[0] in str(info.value) and one.attempt_id in str(info.value)


def test_postgres_listing_queries_use_indexes(postgres_url: str) -> None:
    """The queries of start, resume, home and the sweep are answered from an index, not a scan of every attempt
    (planner told not to scan sequentially, as it would for a table this small)."""
    import psycopg

    open_store(postgres_url)
    queries = (
        "SELECT attempt_id, summary FROM exam_attempts WHERE trainee_id = 'T1' ORDER BY started_at, attempt_id",
        "SELECT attempt_id, summary FROM exam_attempts WHERE paper = 'p' AND trainee_id = 'T1' ORDER BY started_at",
        "SELECT attempt_id, summary FROM exam_attempts WHERE status = 'in_progress' ORDER BY started_at, attempt_id",
        "SELECT attempt_id FROM exam_attempts WHERE (started_at, attempt_id) > (now(), 'x') "
        "ORDER BY started_at, attempt_id LIMIT 200",
        "SELECT digest, snapshot FROM exam_questions WHERE digest = ANY(ARRAY['a', 'b'])",
    )
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("SET enable_seqscan = off")
        for query in queries:
            plan = "\n".join(row[0] for row in connection.execute(f"EXPLAIN {query}").fetchall())
            assert "Seq Scan" not in plan, (query, plan)
