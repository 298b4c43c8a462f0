"""``exam stats`` reads each attempt's sealed answers, not the whole attempt (issue 17), and gives exactly the
figures the whole attempts give: every seal writes the answers it covers beside it (four JSON lists with a MAC under
the seal key), and a record is used only while it is the attempt's latest seal's and its MAC holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exam.attempts import Attempt
from exam.errors import StoreError
from exam.models import Trainee
from exam.seals import ANSWERS_TABLE, answers_columns, sealed_answers
from exam.service import ExamService
from exam.trainer.analysis import PaperStatistics
from exam.trainer.scoresheet import Selection, build_report, build_statistics
from tests.conftest import FakeClock
from tests.trainer._support import sit_paper
from tests.trainer.test_seals import edit_attempt


@pytest.fixture
def sat(service: ExamService, clock: FakeClock) -> list[Attempt]:
    """Nine trainees sit 讲话精神测试 with 0, 3, … 24 right; the first sits it again."""
    attempts = []
    for n in range(9):
        trainee = Trainee(f"学员{n}", f"33010{n}", ("城关镇", "东湖街道")[n % 2], "人大主席")
        attempts.append(sit_paper(service, clock, trainee, "speech", 3 * n))
    attempts.append(sit_paper(service, clock, attempts[0].trainee, "speech", 20))
    return attempts


def whole_reads(service: ExamService, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the attempts read whole (the statistics read them through ``ExamService.attempt``)."""
    read: list[str] = []
    original = service.attempt

    def counting(attempt_id: str) -> Attempt:
        read.append(attempt_id)
        return original(attempt_id)

    monkeypatch.setattr(service, "attempt", counting)
    return read


def same_figures(a: PaperStatistics, b: PaperStatistics) -> None:
    assert (a.attempts, a.mean, a.median) == (b.attempts, b.mean, b.median)
    assert a.sd == pytest.approx(b.sd, rel=1e-9) and a.cic == pytest.approx(b.cic, rel=1e-9)
    assert [i.question_id for i in a.items] == [i.question_id for i in b.items]
    for x, y in zip(a.items, b.items, strict=True):
        assert (x.type, x.attempts, x.options, x.unanswered) == (y.type, y.attempts, y.options, y.unanswered)
        assert x.flags == y.flags
        for name in ("facility", "sd", "discrimination", "efficiency"):
            assert getattr(x, name) == pytest.approx(getattr(y, name), rel=1e-9, abs=1e-9), name


def statistics(service: ExamService, all_attempts: bool = True, **kwargs: Any) -> Any:
    selection = Selection("speech", all_attempts=all_attempts)
    return build_statistics(service, selection, find_question=kwargs.get("find", service.find_question))


def test_every_seal_writes_the_answers_it_covers(service: ExamService, sat: list[Attempt]) -> None:
    found = sealed_answers(service.store, "speech")
    assert set(found) == {a.attempt_id for a in sat}
    for attempt in sat:
        columns = json.loads(found[attempt.attempt_id])
        assert columns["q"] == [a.question_id for a in attempt.answers]
        assert columns["p"] == [a.points for a in attempt.answers] and columns["r"] == [
            a.response for a in attempt.answers
        ]
        assert found[attempt.attempt_id] == answers_columns(attempt)
    assert sealed_answers(service.store, "another-paper") == {}


@pytest.mark.parametrize("all_attempts", [False, True])
def test_statistics_from_sealed_answers_equal_those_from_whole_attempts(
    service: ExamService, sat: list[Attempt], monkeypatch: pytest.MonkeyPatch, all_attempts: bool
) -> None:
    whole = build_report(service, Selection("speech", all_attempts=all_attempts), find_question=service.find_question)
    read = whole_reads(service, monkeypatch)
    fast = statistics(service, all_attempts)
    assert read == [] and fast.read_whole == 0  # every closed attempt had its record: none read whole
    same_figures(fast.statistics, whole.statistics)
    assert fast.statistics.attempts == (10 if all_attempts else 9)
    assert fast.questions == {q: whole.questions[q] for q in fast.questions}


def test_a_record_that_is_not_current_or_not_genuine_is_not_used(
    service: ExamService, sat: list[Attempt], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records changed by hand (more points with the MAC kept; a digest of another attempt), one missing and one
    that is not even an object: each of those attempts is read whole, and the figures are what the attempts hold.
    A mark seals its attempt again with a new record, which is used."""
    store = service.store
    edited, swapped, missing, junk = (a.attempt_id for a in sat[3:7])
    record = store.get_record(ANSWERS_TABLE, edited)
    columns = json.loads(record["columns"])
    columns["p"][0] = columns["m"][0] + 1  # more points than the question has
    store.put_record(ANSWERS_TABLE, edited, {**record, "columns": json.dumps(columns, ensure_ascii=False)})
    other = store.get_record(ANSWERS_TABLE, sat[7].attempt_id)
    store.put_record(ANSWERS_TABLE, swapped, other)  # a genuine record, of another attempt
    store.put_records(ANSWERS_TABLE, {missing: None, junk: ["x"]})
    marked = service.mark_answer(sat[8].attempt_id, "1", 0.0)
    assert sealed_answers(store, "speech")[marked.attempt_id] == answers_columns(marked)
    read = whole_reads(service, monkeypatch)
    fast = statistics(service)
    assert sorted(read) == sorted([edited, swapped, missing, junk]) and fast.read_whole == 4
    monkeypatch.undo()
    whole = build_report(service, Selection("speech", all_attempts=True), find_question=service.find_question)
    same_figures(fast.statistics, whole.statistics)


def test_a_pending_seal_means_the_record_is_not_trusted(
    service: ExamService, sat: list[Attempt], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a change whose seal is still to be made (a crash between the two), the attempt is read whole."""
    attempt_id = sat[2].attempt_id
    pending: dict[str, Any] = dict(service.store.pending_effects())
    pending[attempt_id] = ["seal"]
    monkeypatch.setattr(service.store, "pending_effects", lambda: pending)
    assert attempt_id not in sealed_answers(service.store, "speech")
    read = whole_reads(service, monkeypatch)
    statistics(service, all_attempts=False)
    assert read == [attempt_id]


def test_without_the_seal_key_every_attempt_is_read_whole(
    service: ExamService, sat: list[Attempt], monkeypatch: pytest.MonkeyPatch
) -> None:
    service.store.seal_key_path().unlink()
    assert sealed_answers(service.store, "speech") == {}
    read = whole_reads(service, monkeypatch)
    assert statistics(service).read_whole == len(read) == 10


def test_a_question_no_bank_has_is_shown_as_its_best_attempt_saw_it(service: ExamService, sat: list[Attempt]) -> None:
    gone = sat[0].answers[0].question_id
    find = service.find_question
    fast = statistics(service, False, find=lambda q: None if q == gone else find(q))
    seen = next(d.question for a in sat for d in (a.drawn.questions if a.drawn else ()) if d.id == gone)
    assert fast.questions[gone] == seen
    assert next(i for i in fast.statistics.items if i.question_id == gone).type == seen.type


def test_attempts_sealed_before_the_records_get_them_from_the_first_run(
    service: ExamService, sat: list[Attempt], store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store from before sealed answers (no records) is read whole once; the attempts that match their seals get
    their records then, so the next run reads none whole — except one edited on disk since it was sealed, which
    never gets a record (and is read whole every time)."""
    service.store.put_records(ANSWERS_TABLE, {a.attempt_id: None for a in sat})
    edited = sat[4].attempt_id

    def more_points(record: dict[str, Any]) -> None:
        record["answers"][0]["points"] = record["answers"][0]["max_points"] + 1

    edit_attempt(store_dir, edited, more_points, index=False)
    first = statistics(service)
    assert first.read_whole == 10
    assert set(sealed_answers(service.store, "speech")) == {a.attempt_id for a in sat} - {edited}
    read = whole_reads(service, monkeypatch)
    second = statistics(service)
    assert read == [edited] and second.read_whole == 1
    same_figures(second.statistics, first.statistics)


def test_a_store_that_cannot_be_written_still_gives_the_statistics(
    service: ExamService, sat: list[Attempt], monkeypatch: pytest.MonkeyPatch
) -> None:
    service.store.put_records(ANSWERS_TABLE, {a.attempt_id: None for a in sat})

    def refuse(table: str, values: Any) -> None:
        raise StoreError("磁盘已满")

    monkeypatch.setattr(service.store, "put_records", refuse)
    assert statistics(service).statistics.attempts == 10
