"""Pure grading functions, one per question type. No I/O; fully unit- and property-tested.

Each takes the key, the trainee's response (``None`` when unanswered) and the points, and returns points earned,
always within ``[0, points]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from exam.models import AnyOrder, Equivalents
from exam.textnorm import answer_form

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
    """Full points when ``response`` is the boolean ``key``; anything else (no answer, a string) scores 0."""
    return _full(points) if isinstance(response, bool) and response is key else 0.0


def blank_is_correct(accepted: Sequence[str], given: object, equivalents: Equivalents = ()) -> bool:
    """Whether one typed blank matches an accepted answer, compared in :func:`~exam.textnorm.answer_form`.

    Width, white space, punctuation, case and 〇/○ do not count; numbers compare by value however written (三 = 3,
    两个月 = 2个月, 一八四〇 = 1840); the bank's ``equivalents`` are interchangeable (本级人大 = 本级人民代表大会). An
    :class:`~exam.models.AnyOrder` answer takes its items in any order (积极性、主动性 for 主动性、积极性).
    """
    if not isinstance(given, str) or not given.strip():
        return False
    typed = answer_form(given, equivalents)
    # Punctuation is ignored, so an answer of punctuation alone says nothing (and must not match a key that is).
    if not typed:
        return False
    for answer in accepted:
        if isinstance(answer, AnyOrder):
            if lists_items_in_any_order(typed, [answer_form(item, equivalents) for item in answer.items]):
                return True
        elif typed == answer_form(answer, equivalents):
            return True
    return False


def lists_items_in_any_order(typed: str, items: Sequence[str]) -> bool:
    """Whether ``typed`` is exactly ``items`` one after another, in some order, each once (all in answer form).

    Separators (、，,；; / spaces) are punctuation and already gone from the answer form, so 积极性、主动性 and
    积极性 主动性 both read 积极性主动性. Tried item by item from the start, with a memo of dead ends.
    """
    items = [item for item in items if item]
    if not items or len(typed) != sum(map(len, items)):
        return False
    dead: set[tuple[int, frozenset[int]]] = set()

    def cover(position: int, left: frozenset[int]) -> bool:
        if not left:
            return position == len(typed)
        if (position, left) in dead:
            return False
        tried: set[str] = set()
        for i in left:
            item = items[i]
            if item not in tried and typed.startswith(item, position) and cover(position + len(item), left - {i}):
                return True
            tried.add(item)
        dead.add((position, left))
        return False

    return cover(0, frozenset(range(len(items))))


def grade_blank(
    key: Sequence[Sequence[str]],
    response: object,
    points: float,
    rule: BlankRule = "per_blank",
    equivalents: Equivalents = (),
) -> float:
    """``per_blank``: points shared equally among blanks; ``all``: full points only when every blank is right.

    Each blank is judged by :func:`blank_is_correct` with the bank's ``equivalents``.
    """
    if not isinstance(response, (list, tuple)):
        return 0.0
    correct = sum(
        1
        for i, accepted in enumerate(key)
        if i < len(response) and blank_is_correct(accepted, response[i], equivalents)
    )
    if correct == len(key):
        return _full(points)
    if rule == "per_blank":
        return _round(points * correct / len(key), points)
    return 0.0


def keyword_coverage(keywords: Sequence[Sequence[str]], response: object, equivalents: Equivalents = ()) -> int:
    """How many keyword groups the answer covers (a group counts when any of its words appears).

    Words and answer are compared in :func:`~exam.textnorm.answer_form`, as blanks are (numbers by value, the
    bank's ``equivalents`` interchangeable).
    """
    if not isinstance(response, str) or not keywords:
        return 0
    text = answer_form(response, equivalents)
    # A word that normalises to nothing (only punctuation) would be "in" every answer, even an empty one.
    return sum(1 for group in keywords if any((w := answer_form(word, equivalents)) and w in text for word in group))


def grade_short(
    keywords: Sequence[Sequence[str]], response: object, points: float, equivalents: Equivalents = ()
) -> float:
    """Provisional score by keyword coverage; a trainer reviews it (see ``needs_review``)."""
    if not keywords:
        return 0.0
    covered = keyword_coverage(keywords, response, equivalents)
    if covered == len(keywords):
        return _full(points)
    return _round(points * covered / len(keywords), points)
