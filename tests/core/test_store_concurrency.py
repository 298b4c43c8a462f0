"""20 processes each submitting 50 attempts at once to one store: 1,000 attempts, every file valid."""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from exam.models import Trainee
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.store.atomic import TEMP_MARK
from tests.conftest import FakeClock
from tests.core._support import new_attempt_record, tiny_registry

PROCESSES = 20
ATTEMPTS_EACH = 50

pytestmark = pytest.mark.slow


def submit_many(root: str, worker: int, now: datetime, barrier: Any, results: Any) -> None:
    """One process: create, answer and submit ATTEMPTS_EACH attempts, each for its own trainee, through the service
    (answers and submission) and the store (creation)."""
    try:
        service = ExamService(tiny_registry(), TinyDBAttemptStore(root), lambda: now)
        barrier.wait()
        submitted = []
        for i in range(ATTEMPTS_EACH):
            trainee = Trainee(f"学员{worker}-{i}", f"{worker:02}{i:03}")
            attempt = new_attempt_record(service.registry, trainee, now, f"{worker}-{i}")
            service.store.create_attempt(attempt)
            question = attempt.paper_snapshot.questions[0].question
            service.save_answer(attempt.attempt_id, question.id, question.answer)
            closed, closed_now = service.submit(attempt.attempt_id)
            assert closed_now and closed.status == "submitted"
            submitted.append(attempt.attempt_id)
        results.put((worker, submitted, None))
    except BaseException as exc:  # reported to the test rather than lost in a child's stderr
        results.put((worker, [], f"{type(exc).__name__}: {exc}"))


def test_twenty_processes_submitting_fifty_attempts_each(tmp_path: Path, clock: FakeClock) -> None:
    """All 1,000 attempts are listed exactly once, as submitted, and every file in the store is valid JSON."""
    root = tmp_path / "store"
    TinyDBAttemptStore(root)
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [
        ctx.Process(target=submit_many, args=(str(root), worker, clock.now, barrier, results))
        for worker in range(PROCESSES)
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=240) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    errors = [error for _, _, error in outcomes if error]
    assert errors == []
    submitted = [attempt_id for _, ids, _ in outcomes for attempt_id in ids]
    assert len(submitted) == len(set(submitted)) == PROCESSES * ATTEMPTS_EACH

    store = TinyDBAttemptStore(root)
    listed = store.list_attempts()
    assert len(listed) == PROCESSES * ATTEMPTS_EACH
    assert {a.attempt_id for a in listed} == set(submitted)
    assert Counter(a.status for a in listed) == {"submitted": PROCESSES * ATTEMPTS_EACH}
    assert all(a.score == 2 for a in listed)  # one right single-choice answer each
    for path in root.rglob("*.json"):
        assert TEMP_MARK not in path.name
        json.loads(path.read_bytes())
    assert not list(root.rglob("*.journal"))
    assert not list(root.rglob(f"*{TEMP_MARK}*"))
    assert len(list(root.glob("attempts/*/*.json"))) == PROCESSES * ATTEMPTS_EACH
    assert store.repair().attempts == PROCESSES * ATTEMPTS_EACH
