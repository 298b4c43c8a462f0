"""Regrading after a key correction, and trainer marking (阅卷) of answers.

Regrading scores the stored responses again against the *current* bank question with the same id; the paper
snapshot stored with the attempt is left as the trainee saw it. Answers a trainer marked by hand keep their points.
Every change is appended to ``attempt["history"]`` as ``{action, by, at, old, new, reason, ...}``.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from exam.errors import ExamError, NotFoundError
from exam.i18n import t
from exam.papers import DrawnPaper
from exam.service import ExamService, to_iso
from exam.store.base import AttemptDict, AttemptStore

CLOSED = ("submitted", "auto_submitted")


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
    service: ExamService, attempt: AttemptDict
) -> tuple[list[dict[str, Any]], list[QuestionChange], list[str]]:
    """The attempt's answers scored against the current bank; returns ``(answers, changes, notes)`` (pure)."""
    drawn = DrawnPaper.from_dict(attempt["drawn"])
    answers: list[dict[str, Any]] = []
    changes: list[QuestionChange] = []
    notes: list[str] = []
    for answer in attempt.get("answers") or ():
        answer = dict(answer)
        answers.append(answer)
        if answer.get("marked_by"):
            continue  # a trainer's mark stands
        qid = answer["question_id"]
        current = service.find_question(qid)
        if current is None:
            notes.append(t("regrade.note_missing", question=qid))
            continue
        try:
            item = drawn.get(qid)
        except KeyError:
            continue
        if current.type != item.question.type or current.type not in service.registry.types:
            notes.append(t("regrade.note_type", question=qid))
            continue
        if current.options != item.question.options:
            notes.append(t("regrade.note_options", question=qid))
        qtype = service.registry.types[current.type]
        points = qtype.grade(current, answer.get("response"), item.points, drawn.rules)
        points = round(max(0.0, min(float(item.points), points)), 2)
        old = float(answer.get("points") or 0)
        if abs(points - old) > 1e-9:
            changes.append(QuestionChange(qid, old, points))
            answer["points"] = points
    return answers, changes, notes


def plan_regrade(
    service: ExamService,
    paper: str,
    progress: Callable[[list[AttemptDict]], Iterable[AttemptDict]] | None = None,
) -> list[RegradeChange]:
    """What regrading every closed attempt of ``paper`` would change (nothing is written)."""
    service.paper(paper)
    summaries = [s for s in service.store.list_attempts(paper=paper) if s["status"] in CLOSED]
    plan = []
    for summary in progress(summaries) if progress else summaries:
        attempt = service.store.get_attempt(summary["attempt_id"])
        plan.append(_change_for(service, attempt))
    return plan


def _change_for(service: ExamService, attempt: AttemptDict) -> RegradeChange:
    answers, changes, notes = regrade_answers(service, attempt)
    new_score = round(sum(float(a.get("points") or 0) for a in answers), 2)
    drawn = DrawnPaper.from_dict(attempt["drawn"])
    return RegradeChange(
        attempt_id=attempt["attempt_id"],
        trainee_name=attempt["trainee"].get("name", ""),
        trainee_id=attempt["trainee"].get("id", ""),
        old_score=float(attempt.get("score") or 0),
        new_score=new_score if changes else float(attempt.get("score") or 0),
        old_passed=attempt.get("passed"),
        new_passed=(new_score >= drawn.pass_mark) if changes else bool(attempt.get("passed")),
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
        service.store.update_attempt(entry.attempt_id, partial(_regraded, service, who, reason, written))
        count += bool(written)
    return count


def _regraded(service: ExamService, who: str, reason: str, written: list[bool], attempt: AttemptDict) -> AttemptDict:
    """The attempt regraded with a history record (run under the store lock); ``written`` tells if it changed."""
    answers, changes, _notes = regrade_answers(service, attempt)
    if not changes:
        return attempt
    drawn = DrawnPaper.from_dict(attempt["drawn"])
    score = round(sum(float(a.get("points") or 0) for a in answers), 2)
    record = {
        "action": "regrade",
        "by": who,
        "at": to_iso(service.clock()),
        "old": attempt.get("score"),
        "new": score,
        "reason": reason,
        "questions": [{"question_id": c.question_id, "old": c.old, "new": c.new} for c in changes],
    }
    written.append(True)
    history = [*(attempt.get("history") or []), record]
    return dict(attempt, answers=answers, score=score, passed=score >= drawn.pass_mark, history=history)


def resolve_attempt(store: AttemptStore, reference: str) -> str:
    """A full attempt id from the id or a unique prefix of it (``exam results`` shows the first 8 characters)."""
    reference = reference.strip().lower()
    if not reference:
        raise NotFoundError(t("mark.no_attempt", attempt=reference))
    matches = [s["attempt_id"] for s in store.list_attempts() if s["attempt_id"].startswith(reference)]
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
) -> AttemptDict:
    """Set the points of one answer by hand (阅卷), clear ``needs_review`` and record it in the history.

    Args:
        service: The exam service (store and clock).
        attempt_id: The attempt (full id).
        question: The question id, or its number on the trainee's paper (1 = first question).
        points: From 0 to the question's points on this paper.
        note: Why (kept in the history).
        by: Who (default: the login name).
    """
    who = by or current_user()

    def change(attempt: AttemptDict) -> AttemptDict:
        if attempt["status"] not in CLOSED:
            raise MarkingError(t("mark.open_attempt"))
        answers = [dict(a) for a in attempt.get("answers") or ()]
        index = _answer_index(answers, question)
        answer = answers[index]
        maximum = float(answer["max_points"])
        if not 0 <= points <= maximum:
            raise MarkingError(t("mark.out_of_range", points=points, max=_plain(maximum)))
        old = answer.get("points")
        answer.update(points=round(float(points), 2), needs_review=False, marked_by=who)
        score = round(sum(float(a.get("points") or 0) for a in answers), 2)
        drawn = DrawnPaper.from_dict(attempt["drawn"])
        record = {
            "action": "mark",
            "by": who,
            "at": to_iso(service.clock()),
            "question_id": answer["question_id"],
            "old": old,
            "new": answer["points"],
            "old_score": attempt.get("score"),
            "new_score": score,
            "reason": note,
        }
        history = [*(attempt.get("history") or []), record]
        return dict(attempt, answers=answers, score=score, passed=score >= drawn.pass_mark, history=history)

    return service.store.update_attempt(attempt_id, change)


def _answer_index(answers: list[dict[str, Any]], question: str) -> int:
    reference = question.strip()
    for index, answer in enumerate(answers):
        if answer["question_id"] == reference:
            return index
    if reference.isdigit() and 1 <= int(reference) <= len(answers):
        return int(reference) - 1
    raise MarkingError(t("mark.no_question", question=reference, count=len(answers)))


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def pending_reviews(store: AttemptStore, paper: str | None = None) -> list[tuple[AttemptDict, dict[str, Any]]]:
    """``(attempt, answer)`` for every answer still waiting for a trainer's mark (简答题)."""
    pending: list[tuple[AttemptDict, dict[str, Any]]] = []
    for summary in store.list_attempts(paper=paper):
        if summary["status"] not in CLOSED:
            continue
        attempt = store.get_attempt(summary["attempt_id"])
        pending.extend((attempt, a) for a in attempt.get("answers") or () if a.get("needs_review"))
    return pending
