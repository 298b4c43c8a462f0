"""Regrading after a key correction, trainer marking of short answers, and per-trainee extra time."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

from exam.attempts import Attempt
from exam.cli import main
from exam.context import AppContext
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.trainer.extra_time import grant_extra_time
from exam.trainer.regrade import MarkingError, apply_regrade, mark_answer, plan_regrade, resolve_attempt
from tests.conftest import FakeClock
from tests.core._support import derive_registry
from tests.trainer._support import MINI_KEYS, mini_registry, sit, sit_paper

WRONG_KEY_RESPONSES = [  # (q1, q2, q3); the bank says q3 is C, the corrected key is D
    ("A", "B", "D"),
    ("A", "B", "C"),
    ("A", "C", "D"),
]


@pytest.fixture
def sat(registry: Registry, store: TinyDBAttemptStore, clock: FakeClock) -> list[Attempt]:
    """Three trainees sit the three-question paper while q3's key is still wrong (C)."""
    service = ExamService(mini_registry(registry), store, clock, clock.monotonic)
    return [
        sit(service, clock, Trainee(f"学员{n}", f"T{n}"), "mini", {f"mini:q{i}": r for i, r in enumerate(row, 1)})
        for n, row in enumerate(WRONG_KEY_RESPONSES, 1)
    ]


@pytest.fixture
def corrected(registry: Registry, store: TinyDBAttemptStore, clock: FakeClock) -> ExamService:
    """The service after the trainer corrected q3's key in the bank to D."""
    return ExamService(mini_registry(registry, {**MINI_KEYS, "mini:q3": "D"}), store, clock, clock.monotonic)


def test_plan_shows_old_and_new_scores_and_changes_nothing(
    sat: list[Attempt], corrected: ExamService, store: TinyDBAttemptStore
) -> None:
    """A dry run lists old -> new per attempt from the stored responses and leaves every stored attempt as it was."""
    before = [copy.deepcopy(store.get_attempt(a.attempt_id)) for a in sat]
    assert [a.score for a in before] == [2, 3, 1]
    plan = plan_regrade(corrected, "mini")
    assert [(c.trainee_id, c.old_score, c.new_score) for c in plan] == [("T1", 2, 3), ("T2", 3, 2), ("T3", 1, 2)]
    assert [(q.question_id, q.old, q.new) for q in plan[1].changes] == [("mini:q3", 1.0, 0.0)]
    assert (plan[2].old_passed, plan[2].new_passed) == (False, True)
    assert [store.get_attempt(a.attempt_id) for a in sat] == before


def test_apply_rescores_records_history_and_keeps_the_snapshot(
    sat: list[Attempt], corrected: ExamService, store: TinyDBAttemptStore
) -> None:
    """Applying changes score and pass, appends who/when/old/new/reason, and keeps the paper the trainee saw."""
    count = apply_regrade(corrected, plan_regrade(corrected, "mini"), by="培训组", reason="第3题答案更正为D")
    assert count == 3
    after = [store.get_attempt(a.attempt_id) for a in sat]
    assert [a.score for a in after] == [3, 2, 2]
    assert [a.passed for a in after] == [True, True, True]
    entry = after[0].history[-1]
    assert entry.action == "regrade"
    assert (entry.by, entry.detail["old"], entry.detail["new"], entry.detail["reason"]) == (
        "培训组",
        2,
        3,
        "第3题答案更正为D",
    )
    assert entry.at == "2026-11-26T09:18:00+08:00"
    assert entry.detail["questions"] == [{"question_id": "mini:q3", "old": 0.0, "new": 1.0}]
    snapshot = {q.question.id: q.question.answer for q in after[0].paper_snapshot.questions}
    assert snapshot["mini:q3"] == "C"  # what the trainee was shown stays on record
    assert store.list_attempts(paper="mini")[0].score == 3  # the index (exam results) agrees
    assert not any(c.changed for c in plan_regrade(corrected, "mini"))  # a second run changes nothing


def test_cli_dry_run_then_yes(
    sat: list[Attempt], corrected: ExamService, store_dir: Path, store: TinyDBAttemptStore,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """``exam regrade --dry-run`` prints old -> new and changes nothing; ``--yes`` applies without asking."""
    monkeypatch.setattr(AppContext, "registry", property(lambda self: corrected.registry))
    assert main(["--db", str(store_dir), "regrade", "--paper", "mini", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "mini:q3: 0 → 1" in out and "3 份答卷分数有变化" in out and "试运行" in out
    assert [store.get_attempt(a.attempt_id).score for a in sat] == [2, 3, 1]
    assert main(["--db", str(store_dir), "regrade", "--paper", "mini", "--yes", "--reason", "更正"]) == 0
    assert "已重新评分 3 份答卷" in capsys.readouterr().out
    assert [store.get_attempt(a.attempt_id).history[-1].detail["reason"] for a in sat] == ["更正"] * 3


def test_cli_regrade_asks_before_changing(
    sat: list[Attempt], corrected: ExamService, store_dir: Path, store: TinyDBAttemptStore,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Without --yes the trainer is asked; answering no leaves the scores."""
    monkeypatch.setattr(AppContext, "registry", property(lambda self: corrected.registry))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("n\n"))
    assert main(["--db", str(store_dir), "regrade", "--paper", "mini"]) == 0
    assert "没有修改" in capsys.readouterr().out
    assert [store.get_attempt(a.attempt_id).score for a in sat] == [2, 3, 1]


def short_attempt(service: ExamService, clock: FakeClock, trainee: Trainee) -> Attempt:
    attempt = sit_paper(service, clock, trainee, "constitution", correct=0)
    short = next(a for a in attempt.answers if a.type == "short")
    assert short.needs_review is True
    return attempt


def test_marking_a_short_answer_sets_points_and_records_it(
    service: ExamService, clock: FakeClock, trainee: Trainee
) -> None:
    """Marking sets the points, clears needs_review, recomputes the score and records who/old/new/note."""
    attempt = short_attempt(service, clock, trainee)
    short = next(a for a in attempt.answers if a.type == "short")
    updated = mark_answer(service, attempt.attempt_id, short.question_id, 7.5, note="要点基本齐全", by="王老师")
    marked = next(a for a in updated.answers if a.question_id == short.question_id)
    assert (marked.points, marked.needs_review, marked.marked_by) == (7.5, False, "王老师")
    assert attempt.score is not None
    assert updated.score == pytest.approx(attempt.score - short.points + 7.5)
    entry = updated.history[-1]
    assert (
        entry.action,
        entry.detail["question_id"],
        entry.detail["old"],
        entry.detail["new"],
        entry.detail["reason"],
    ) == (
        "mark",
        short.question_id,
        short.points,
        7.5,
        "要点基本齐全",
    )
    assert service.store.get_attempt(attempt.attempt_id).score == updated.score


def test_marking_by_question_number_and_range_checks(service: ExamService, clock: FakeClock, trainee: Trainee) -> None:
    """A question can be given by its number on the paper; points outside 0..max and unknown questions fail."""
    attempt = short_attempt(service, clock, trainee)
    number = len(attempt.answers)  # the short answer is the last section
    with pytest.raises(MarkingError, match="0 到 10"):
        mark_answer(service, attempt.attempt_id, str(number), 11)
    with pytest.raises(MarkingError):
        mark_answer(service, attempt.attempt_id, "999", 1)
    updated = mark_answer(service, attempt.attempt_id, str(number), 10)
    assert updated.answers[-1].points == 10


def test_an_open_attempt_cannot_be_marked(service: ExamService, trainee: Trainee) -> None:
    """Marking waits for the submission."""
    attempt = service.start_attempt("speech", trainee)
    first = attempt.paper_snapshot.questions[0].id
    with pytest.raises(MarkingError):
        mark_answer(service, attempt.attempt_id, first, 1)


def test_regrade_keeps_a_trainers_mark(service: ExamService, clock: FakeClock, trainee: Trainee) -> None:
    """A hand mark is not overwritten by regrading."""
    attempt = short_attempt(service, clock, trainee)
    short = next(a for a in attempt.answers if a.type == "short")
    mark_answer(service, attempt.attempt_id, short.question_id, 0.5)
    assert not any(c.changed for c in plan_regrade(service, "constitution"))


def test_cli_mark_accepts_an_id_prefix(
    service: ExamService, clock: FakeClock, trainee: Trainee, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``exam mark`` takes the first characters of the attempt id shown by ``exam results``."""
    attempt = short_attempt(service, clock, trainee)
    number = str(len(attempt.answers))
    assert resolve_attempt(service, attempt.attempt_id[:8]) == attempt.attempt_id
    assert main(["--db", str(store_dir), "mark", attempt.attempt_id[:8], number, "6", "--note", "好"]) == 0
    assert "张三" in capsys.readouterr().out
    assert service.store.get_attempt(attempt.attempt_id).answers[-1].points == 6
    assert main(["--db", str(store_dir), "pending"]) == 0
    assert "没有待评分" in capsys.readouterr().out
    assert main(["--db", str(store_dir), "mark", "ffffffff", number, "6"]) == 1
    assert "ffffffff" in capsys.readouterr().err


def test_extra_time_lengthens_the_next_attempt_and_one_under_way(
    service: ExamService, clock: FakeClock, trainee: Trainee
) -> None:
    """Extra minutes apply to a running attempt at once (recorded) and to the trainee's next attempt."""
    running = service.start_attempt("speech", trainee)  # 20 minutes: deadline 09:20
    assert grant_extra_time(service, "speech", trainee.id, 10, by="培训组") == 1
    extended = service.store.get_attempt(running.attempt_id)
    assert extended.to_json()["deadline"] == "2026-11-26T09:30:00+08:00"
    assert extended.history[-1].action == "extra_time"
    service.submit(running.attempt_id)
    nxt = service.start_attempt("speech", trainee)
    assert nxt.to_json()["deadline"] == "2026-11-26T09:30:00+08:00"  # still 09:00 on the fake clock, 20 + 10 minutes
    other = service.start_attempt("speech", Trainee("李四", "320199"))
    assert other.to_json()["deadline"] == "2026-11-26T09:20:00+08:00"


def test_cli_extra_time(
    service: ExamService, trainee: Trainee, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``exam extra-time`` stores the minutes (for a trainee not seen yet with ``--allow-new``); an unknown paper is
    a one-line error."""
    command = ["--db", str(store_dir), "extra-time", "--paper", "speech", "--trainee", trainee.id, "--minutes", "15"]
    assert main(command) == 1
    assert main([*command, "--allow-new"]) == 0
    assert "15" in capsys.readouterr().out
    assert service.extra_minutes("speech", trainee.id) == 15
    assert (
        main(["--db", str(store_dir), "extra-time", "--paper", "nope", "--trainee", trainee.id, "--minutes", "5"]) == 1
    )


def test_a_question_gone_from_the_bank_keeps_its_points_with_a_note(
    sat: list[Attempt], registry: Registry, store: TinyDBAttemptStore, clock: FakeClock
) -> None:
    """When a bank no longer has a question, regrading keeps the stored points and says so."""
    changed = mini_registry(registry, {**MINI_KEYS, "mini:q3": "D"})
    bank = changed.banks["mini"]
    shorter = derive_registry(changed, banks={"mini": dataclasses.replace(bank, questions=bank.questions[:2])})
    service = ExamService(shorter, store, clock, clock.monotonic)
    plan = plan_regrade(service, "mini")
    assert not any(c.changed for c in plan)
    assert all(any("mini:q3" in note for note in c.notes) for c in plan)
