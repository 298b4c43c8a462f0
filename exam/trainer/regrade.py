"""Regrading after a key correction, and trainer marking (阅卷) of answers.

Regrading scores the stored responses again against the *current* bank question with the same id; the paper
snapshot stored with the attempt is left as the trainee saw it. Answers a trainer marked by hand keep their points.
Every change is appended to the attempt's history as a :class:`~exam.attempts.HistoryEntry`
(``{action, by, at, old, new, reason, ...}`` on disk).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial

from exam.attempts import Attempt, GradedAnswer, HistoryEntry, to_iso
from exam.errors import ExamError, NotFoundError
from exam.i18n import t
from exam.scoring import clamp_points, format_points, has_passed, score_answer, total_score
from exam.service import ExamService


class MarkingError(ExamError):
    """A trainer's mark cannot be applied (open attempt, unknown question, points out of range)."""


@dataclass(frozen=True)
class QuestionChange:
    question_id: str
    old: float
    new: float


@dataclass(frozen=True)
class RegradeChange:
    """What regrading does to one attempt (``changes`` is empty when nothing moves)."""

    attempt_id: str
    trainee_name: str
    trainee_id: str
    old_score: float
    new_score: float
    old_passed: bool | None
    new_passed: bool
    changes: tuple[QuestionChange, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def current_user() -> str:
    """Who is making the change, for the history (the login name; ``trainer`` when it cannot be told)."""
    try:
        return getpass.getuser() or "trainer"
    except Exception:  # no login name in some service environments
        return "trainer"


def regrade_answers(
    service: ExamService, attempt: Attempt
) -> tuple[tuple[GradedAnswer, ...], list[QuestionChange], list[str]]:
    """The attempt's answers scored against the current bank; returns ``(answers, changes, notes)`` (pure)."""
    drawn = attempt.paper_snapshot
    answers: list[GradedAnswer] = []
    changes: list[QuestionChange] = []
    notes: list[str] = []
    for answer in attempt.answers:
        if answer.marked_by:
            answers.append(answer)  # a trainer's mark stands
            continue
        qid = answer.question_id
        current = service.find_question(qid)
        item = next((q for q in drawn.questions if q.id == qid), None)
        if current is None:
            notes.append(t("regrade.note_missing", question=qid))
        elif item is not None and (current.type != item.question.type or current.type not in service.registry.types):
            notes.append(t("regrade.note_type", question=qid))
        elif item is not None:
            if current.options != item.question.options:
                notes.append(t("regrade.note_options", question=qid))
            qtype = service.registry.types[current.type]
            points = score_answer(qtype, current, answer.response, item.points, drawn.rules)
            if abs(points - answer.points) > 1e-9:
                changes.append(QuestionChange(qid, answer.points, points))
                answer = replace(answer, points=points)
        answers.append(answer)
    return tuple(answers), changes, notes


def plan_regrade(
    service: ExamService,
    paper: str,
    progress: Callable[[list[Attempt]], Iterable[Attempt]] | None = None,
) -> list[RegradeChange]:
    """What regrading every closed attempt of ``paper`` would change (nothing is written).

    Raises:
        TamperedError: An attempt of the paper fails its seal (``exam results verify`` names it): no regrade, not
            even a dry run, goes ahead over a tampered result.
    """
    service.paper(paper)
    summaries = [s for s in service.attempts(paper=paper) if s.closed]
    plan = []
    for summary in progress(summaries) if progress else summaries:
        attempt = service.attempt(summary.attempt_id)
        service.require_intact(attempt)
        plan.append(_change_for(service, attempt))
    return plan


def _change_for(service: ExamService, attempt: Attempt) -> RegradeChange:
    answers, changes, notes = regrade_answers(service, attempt)
    old_score = attempt.score or 0.0
    new_score = total_score(a.points for a in answers) if changes else old_score
    return RegradeChange(
        attempt_id=attempt.attempt_id,
        trainee_name=attempt.trainee.name,
        trainee_id=attempt.trainee.id,
        old_score=old_score,
        new_score=new_score,
        old_passed=attempt.passed,
        new_passed=has_passed(new_score, attempt.paper_snapshot.pass_mark) if changes else bool(attempt.passed),
        changes=tuple(changes),
        notes=tuple(notes),
    )


def apply_regrade(
    service: ExamService,
    plan: Iterable[RegradeChange],
    by: str | None = None,
    reason: str = "",
) -> int:
    """Regrade the attempts of ``plan`` that change, each under the store lock; returns how many changed.

    Each attempt is scored again from its stored state when written, so a mark made after the plan is kept.
    """
    who = by or current_user()
    count = 0
    for entry in plan:
        if not entry.changed:
            continue
        written: list[bool] = []
        service.update_attempt(entry.attempt_id, partial(_regraded, service, who, reason, written))
        count += bool(written)
    return count


def _regraded(service: ExamService, who: str, reason: str, written: list[bool], attempt: Attempt) -> Attempt:
    """The attempt regraded with a history record (run under the store lock); ``written`` tells if it changed."""
    answers, changes, _notes = regrade_answers(service, attempt)
    if not changes:
        return attempt
    score = total_score(a.points for a in answers)
    record = HistoryEntry(
        "regrade",
        to_iso(service.clock()),
        who,
        {
            "old": attempt.score,
            "new": score,
            "reason": reason,
            "questions": [{"question_id": c.question_id, "old": c.old, "new": c.new} for c in changes],
        },
    )
    written.append(True)
    passed = has_passed(score, attempt.paper_snapshot.pass_mark)
    return replace(attempt, answers=answers, score=score, passed=passed).with_history(record)


def resolve_attempt(service: ExamService, reference: str) -> str:
    """A full attempt id from the id or a unique prefix of it (``exam results`` shows the first 8 characters)."""
    reference = reference.strip().lower()
    if not reference:
        raise NotFoundError(t("mark.no_attempt", attempt=reference))
    matches = [s.attempt_id for s in service.attempts() if s.attempt_id.startswith(reference)]
    if not matches:
        raise NotFoundError(t("mark.no_attempt", attempt=reference))
    if len(matches) > 1:
        raise NotFoundError(t("mark.ambiguous", attempt=reference, count=len(matches)))
    return matches[0]


def mark_answer(
    service: ExamService,
    attempt_id: str,
    question: str,
    points: float,
    note: str = "",
    by: str | None = None,
) -> Attempt:
    """Set the points of one answer by hand (阅卷), clear ``needs_review`` and record it in the history.

    Args:
        service: The exam service (store and clock).
        attempt_id: The attempt (full id).
        question: The question id, or its number on the trainee's paper (1 = first question).
        points: From 0 to the question's points on this paper (rounded by :func:`exam.scoring.clamp_points`).
        note: Why (kept in the history).
        by: Who (default: the login name).

    Raises:
        MarkingError: the attempt is open, the question is not on it, or the points are out of range.
    """
    who = by or current_user()

    def change(attempt: Attempt) -> Attempt:
        if not attempt.closed:
            raise MarkingError(t("mark.open_attempt"))
        answers = list(attempt.answers)
        index = _answer_index(answers, question)
        answer = answers[index]
        if not 0 <= points <= answer.max_points:
            raise MarkingError(
                t("mark.out_of_range", points=format_points(points), max=format_points(answer.max_points))
            )
        answers[index] = replace(
            answer, points=clamp_points(float(points), answer.max_points), needs_review=False, marked_by=who
        )
        score = total_score(a.points for a in answers)
        record = HistoryEntry(
            "mark",
            to_iso(service.clock()),
            who,
            {
                "question_id": answer.question_id,
                "old": answer.points,
                "new": answers[index].points,
                "old_score": attempt.score,
                "new_score": score,
                "reason": note,
            },
        )
        passed = has_passed(score, attempt.paper_snapshot.pass_mark)
        return replace(attempt, answers=tuple(answers), score=score, passed=passed).with_history(record)

    return service.update_attempt(attempt_id, change)


def _answer_index(answers: list[GradedAnswer], question: str) -> int:
    reference = question.strip()
    for index, answer in enumerate(answers):
        if answer.question_id == reference:
            return index
    if reference.isdigit() and 1 <= int(reference) <= len(answers):
        return int(reference) - 1
    raise MarkingError(t("mark.no_question", question=reference, count=len(answers)))


def pending_reviews(service: ExamService, paper: str | None = None) -> list[tuple[Attempt, GradedAnswer]]:
    """``(attempt, answer)`` for every answer still waiting for a trainer's mark (简答题)."""
    pending: list[tuple[Attempt, GradedAnswer]] = []
    for summary in service.attempts(paper=paper):
        if not summary.closed:
            continue
        attempt = service.attempt(summary.attempt_id)
        pending.extend((attempt, a) for a in attempt.answers if a.needs_review)
    return pending
