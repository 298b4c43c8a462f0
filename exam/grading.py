"""Pure grading functions, one per question type. No I/O; fully unit- and property-tested.

Each takes the key, the trainee's response (``None`` when unanswered) and the points, and returns points earned,
always within ``[0, points]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from exam.textnorm import normalize_answer

MultipleRule = Literal["all_or_nothing", "partial"]
BlankRule = Literal["per_blank", "all"]
MULTIPLE_RULES: tuple[str, ...] = ("all_or_nothing", "partial")
BLANK_RULES: tuple[str, ...] = ("per_blank", "all")


def _round(value: float, points: float) -> float:
    """A partial score to two decimals, never above ``points`` (rounding 0.005 up must not exceed the maximum)."""
    return min(float(points), round(value + 0.0, 2))


def _full(points: float) -> float:
    """Full points exactly as given: rounding 1.005 to 1.0 would deny a perfect answer its points."""
    return float(points)


def grade_single(key: str, response: object, points: float) -> float:
    """Full points when the chosen letter is the key."""
    return _full(points) if isinstance(response, str) and response.upper() == key else 0.0


def grade_multiple(key: Sequence[str], response: object, points: float, rule: MultipleRule = "all_or_nothing") -> float:
    """All keys and nothing else: full points. ``partial``: 少选得一半、错选不得分."""
    if not isinstance(response, (list, tuple, set, frozenset)) or not response:
        return 0.0
    chosen = {str(r).upper() for r in response}
    keys = set(key)
    if chosen == keys:
        return _full(points)
    if rule == "partial" and chosen < keys:
        return _round(points / 2, points)
    return 0.0


def grade_judge(key: bool, response: object, points: float) -> float:
    return _full(points) if isinstance(response, bool) and response is key else 0.0


def blank_is_correct(accepted: Sequence[str], given: object) -> bool:
    """Whether one typed blank matches an accepted answer after normalising width, space, punctuation and 〇/○."""
    if not isinstance(given, str) or not given.strip():
        return False
    typed = normalize_answer(given)
    # Punctuation is ignored, so an answer of punctuation alone says nothing (and must not match a key that is).
    return bool(typed) and any(typed == normalize_answer(a) for a in accepted)


def grade_blank(key: Sequence[Sequence[str]], response: object, points: float, rule: BlankRule = "per_blank") -> float:
    """``per_blank``: points shared equally among blanks; ``all``: full points only when every blank is right."""
    if not isinstance(response, (list, tuple)):
        return 0.0
    correct = sum(1 for i, accepted in enumerate(key) if i < len(response) and blank_is_correct(accepted, response[i]))
    if correct == len(key):
        return _full(points)
    if rule == "per_blank":
        return _round(points * correct / len(key), points)
    return 0.0


def keyword_coverage(keywords: Sequence[Sequence[str]], response: object) -> int:
    """How many keyword groups the answer covers (a group counts when any of its words appears)."""
    if not isinstance(response, str) or not keywords:
        return 0
    text = normalize_answer(response)
    # A word that normalises to nothing (only punctuation) would be "in" every answer, even an empty one.
    return sum(1 for group in keywords if any((w := normalize_answer(word)) and w in text for word in group))


def grade_short(keywords: Sequence[Sequence[str]], response: object, points: float) -> float:
    """Provisional score by keyword coverage; a trainer reviews it (see ``needs_review``)."""
    if not keywords:
        return 0.0
    covered = keyword_coverage(keywords, response)
    if covered == len(keywords):
        return _full(points)
    return _round(points * covered / len(keywords), points)
