"""Scoring: the one place where points are computed, clamped and rounded.

Submission, regrading, hand marking (阅卷) and practice all score through these functions, so an answer earns
the same points whichever path scores it.

The rounding rule: an answer's points are clamped to ``[0, points]``; full marks are kept exactly as the paper
gives them; a partial score is rounded to two decimals (never above the maximum). An attempt's score is the sum
of its answers' points rounded to two decimals, and it passes when the score is at least the paper's pass mark.

Every score or points value shown as text (app, command line, messages) goes through :func:`format_points`, so a
score reads the same everywhere: ``100``, not ``100.0`` next to ``100``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from exam.attempts import GradedAnswer
from exam.models import Question
from exam.papers import DrawnPaper
from exam.qtypes import GradingRules, QuestionType

POINTS_DECIMALS = 2
"""Decimals a score or points value can have under the rounding rule, and so the most :func:`format_points` shows."""


def format_points(value: float | None) -> str:
    """A score or points value as text: whole numbers without decimals, others with up to :data:`POINTS_DECIMALS`
    decimals and no trailing zeros; ``None`` (not scored yet) as an empty string.

    ``100.0`` → ``"100"``, ``2.5`` → ``"2.5"``, ``0.666`` → ``"0.67"``, ``-0.0`` → ``"0"``; never an exponent.
    """
    if value is None:
        return ""
    text = f"{float(value):.{POINTS_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def clamp_points(points: float, maximum: float) -> float:
    """``points`` within ``[0, maximum]``: full marks exactly, otherwise rounded to two decimals (NaN → 0)."""
    if not isinstance(points, (int, float)) or math.isnan(points) or points <= 0:
        return 0.0
    if points >= maximum:
        return float(maximum)
    return min(float(maximum), round(float(points), 2))


def score_answer(qtype: QuestionType, question: Question, response: Any, points: float, rules: GradingRules) -> float:
    """Points for one response (``None`` = unanswered) on a question worth ``points`` under ``rules``.

    A plugin's grader may return anything; the result is clamped by :func:`clamp_points`.
    """
    if response is None:
        return 0.0
    return clamp_points(qtype.grade(question, response, points, rules), points)


def grade_paper(
    drawn: DrawnPaper, responses: Mapping[str, Any], types: Mapping[str, QuestionType]
) -> tuple[GradedAnswer, ...]:
    """Score every question of a drawn paper from ``responses`` (question id → response value).

    Raises ``KeyError`` when a question's type is not registered.
    """
    answers = []
    for item in drawn.questions:
        qtype = types[item.question.type]
        response = responses.get(item.id)
        answers.append(
            GradedAnswer(
                question_id=item.id,
                type=item.question.type,
                response=response,
                points=score_answer(qtype, item.question, response, item.points, drawn.rules),
                max_points=float(item.points),
                needs_review=not qtype.auto_final and response is not None,
            )
        )
    return tuple(answers)


def total_score(points: Iterable[float]) -> float:
    """An attempt's score: the sum of its answers' points, rounded to two decimals."""
    return round(sum(points), 2)


def has_passed(score: float, pass_mark: float) -> bool:
    """Whether ``score`` reaches the paper's ``pass_mark`` (both in points)."""
    return score >= pass_mark
