"""Shared by the score-sheet, analysis, regrade and results tests: a three-question paper whose keys a test can
change (as a trainer correcting a bank would), and a helper that sits a paper through the real ExamService."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from exam.attempts import Attempt
from exam.models import OPTION_LETTERS, Bank, Trainee
from exam.papers import PaperSpec, SectionSpec
from exam.plugins import Registry
from exam.service import ExamService
from tests._support import blank_key, choice_key, short_key
from tests.conftest import FakeClock
from tests.core._support import derive_registry

MINI_BANK = "mini"
MINI_PAPER = PaperSpec(
    id="mini",
    title="三题小测",
    time_limit=20,
    pass_mark=2,
    shuffle_questions=False,
    shuffle_options=False,
    sections=(SectionSpec(type="single", count=3, points=1, title="单项选择题", banks=(MINI_BANK,)),),
)
MINI_KEYS = {"mini:q1": "A", "mini:q2": "B", "mini:q3": "C"}


def mini_registry(registry: Registry, keys: Mapping[str, str] = MINI_KEYS) -> Registry:
    """The built-in registry plus bank ``mini`` (three single-choice questions, 1 point each, keys ``keys``) and
    paper ``mini`` drawing all three in a fixed order with options unshuffled. The shared registry is not changed."""
    singles = [q for q in registry.banks["speech"].questions if q.type == "single" and len(q.options) == 4][:3]
    questions = tuple(
        dataclasses.replace(q, id=f"{MINI_BANK}:q{i}", bank=MINI_BANK, answer=keys[f"{MINI_BANK}:q{i}"])
        for i, q in enumerate(singles, 1)
    )
    bank = Bank(MINI_BANK, "三题小测题库", "1.0", questions)
    return derive_registry(registry, banks={MINI_BANK: bank}, papers={MINI_PAPER.id: MINI_PAPER})


def sit(
    service: ExamService,
    clock: FakeClock,
    trainee: Trainee,
    paper: str,
    responses: Mapping[str, Any],
    minutes: float = 5,
    auto: bool = False,
) -> Attempt:
    """Start ``paper``, save ``responses`` (question id -> response; ``None`` leaves it blank), let ``minutes`` pass
    and submit (``auto``: the time limit runs out instead, and the timer closes the attempt)."""
    attempt = service.start_attempt(paper, trainee)
    for question_id, response in responses.items():
        if response is not None:
            service.save_answer(attempt.attempt_id, question_id, response)
    closed = _close(service, clock, attempt, minutes, auto)
    clock.advance(minutes=1)
    return closed


def _close(service: ExamService, clock: FakeClock, attempt: Attempt, minutes: float, auto: bool) -> Attempt:
    if not auto:
        clock.advance(minutes=minutes)
        return service.submit(attempt.attempt_id)[0]
    clock.now = attempt.deadline
    closed = service.close_if_due(attempt.attempt_id)
    assert closed is not None
    return closed


def right_answers(service: ExamService, attempt: Attempt, correct: int | None = None) -> dict[str, Any]:
    """Responses for a drawn paper: the key for the first ``correct`` questions (all by default), a wrong answer
    for the rest (the short answer always gets its reference text)."""
    answers: dict[str, Any] = {}
    drawn = attempt.paper_snapshot
    for index, item in enumerate(drawn.questions):
        question = item.question
        right = correct is None or index < correct
        if question.type == "single":
            answers[item.id] = question.answer if right else next(x for x in "ABCD" if x != question.answer)
        elif question.type == "multiple":
            keys = choice_key(question)
            wrong = [x for x in OPTION_LETTERS[: len(question.options)] if x not in keys][:1] or None
            answers[item.id] = list(keys) if right else wrong
        elif question.type == "judge":
            answers[item.id] = question.answer if right else not question.answer
        elif question.type == "blank":
            accepted = blank_key(question)
            answers[item.id] = [group[0] for group in accepted] if right else ["?"] * len(accepted)
        elif question.type == "short":
            answers[item.id] = short_key(question).reference
    return answers


def sit_paper(
    service: ExamService, clock: FakeClock, trainee: Trainee, paper: str, correct: int | None = None, **kwargs: Any
) -> Attempt:
    """Sit a built-in paper answering the first ``correct`` questions right (see :func:`right_answers`)."""
    attempt = service.start_attempt(paper, trainee)
    answers = right_answers(service, attempt, correct)
    for question_id, response in answers.items():
        service.save_answer(attempt.attempt_id, question_id, response)
    closed = _close(service, clock, attempt, kwargs.get("minutes", 5), kwargs.get("auto", False))
    clock.advance(minutes=1)
    return closed
