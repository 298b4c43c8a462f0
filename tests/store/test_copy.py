"""``exam store copy``: a store of 1,000 attempts with its records goes to PostgreSQL and back with nothing lost."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from exam.attempts import Attempt, AttemptStatus, Response
from exam.cli import main
from exam.errors import StoreError
from exam.models import Trainee
from exam.store import open_store
from exam.store.copy import copy_store
from tests.conftest import FakeClock
from tests.core._support import new_attempt_record, tiny_registry

COUNT = 1000


def closed_attempts(clock: FakeClock, count: int) -> list[Attempt]:
    """``count`` submitted attempts of the tiny paper, each with a response and a score, by 100 trainees."""
    registry = tiny_registry()
    attempts = []
    for n in range(count):
        trainee = Trainee(f"学员{n % 100}", f"T{n % 100:03d}", f"单位{n % 7}")
        start = clock.now + timedelta(minutes=n)
        attempt = new_attempt_record(registry, trainee, start, f"seed-{n}")
        question = attempt.paper_snapshot.questions[0].question
        attempts.append(
            replace(
                attempt,
                status=AttemptStatus.SUBMITTED,
                submitted_at=start + timedelta(minutes=5),
                score=float(n % 3),
                attempt_no=n // 100 + 1,
                responses={question.id: Response(question.answer, "t")},
            )
        )
    return attempts


def fill(location: str, attempts: list[Attempt]) -> None:
    store = open_store(location)
    store.import_attempts(attempts)
    for n in range(100):
        store.put_record("wrong_book", f"T{n:03d}", {"items": [f"q{n}"], "streak": {"q1": n % 2}})
        store.put_record("roster", f"T{n:03d}", {"name": f"学员{n}", "id": f"T{n:03d}", "unit": f"单位{n % 7}"})
    store.put_record("settings", "trainer_passphrase", {"hash": "abc", "salt": "def"})


@pytest.mark.slow
def test_a_store_of_1000_attempts_goes_to_postgres_and_back_unchanged(
    tmp_path: Path, postgres_url: str, clock: FakeClock
) -> None:
    """Folder → PostgreSQL → a new folder: the same 1,000 attempts, equal field by field, the same records, and the
    same seal chain, which verifies with every attempt sealed in each store."""
    from exam.seals import seal_existing, verify_store

    source = str(tmp_path / "source")
    fill(source, closed_attempts(clock, COUNT))
    assert len(seal_existing(open_store(source), clock.now)) == COUNT
    report = copy_store(open_store(source), open_store(postgres_url))
    assert report.attempts == COUNT
    assert report.records == {"roster": 100, "sealed_answers": COUNT, "settings": 1, "wrong_book": 100}
    back = str(tmp_path / "back")
    copy_store(open_store(postgres_url), open_store(back))
    first, last = open_store(source), open_store(back)
    assert len(last.list_attempts()) == COUNT
    for summary in first.list_attempts():
        assert last.get_attempt(summary.attempt_id).to_json() == first.get_attempt(summary.attempt_id).to_json()
    for table in ("roster", "settings", "wrong_book"):
        assert last.all_records(table) == first.all_records(table)
    for store in (open_store(postgres_url), last):
        verified = verify_store(store)
        assert verified.ok and verified.sealed == COUNT
    assert last.seal_log() == first.seal_log()


def test_copy_refuses_a_non_empty_target_or_attempts_in_progress(
    location: str, tmp_path: Path, clock: FakeClock
) -> None:
    """The target must be empty, and an exam under way in the source stops the copy, naming the trainee."""
    source = str(tmp_path / "src")
    fill(source, closed_attempts(clock, 3))
    target = open_store(location)
    target.put_record("roster", "X", {"name": "已有"})
    with pytest.raises(StoreError, match="不是空的"):
        copy_store(open_store(source), target)
    running = open_store(str(tmp_path / "running"))
    running.create_attempt(new_attempt_record(tiny_registry(), Trainee("在考者", "T900"), clock.now, "s"))
    with pytest.raises(StoreError, match="在考者"):
        copy_store(running, open_store(str(tmp_path / "empty")))


def test_exam_store_copy_then_the_trainer_reads_the_results_from_postgres(
    tmp_path: Path, postgres_url: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """``exam store copy --to postgresql://…`` prints the counts; ``exam --db postgresql://… results`` lists them."""
    source = tmp_path / "store"
    fill(str(source), closed_attempts(clock, 12))
    assert main(["--db", str(source), "store", "copy", "--to", postgres_url]) == 0
    out = capsys.readouterr().out
    assert "12" in out and "wrong_book 100" in out
    assert main(["--db", postgres_url, "results", "--format", "jsonl"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 12
