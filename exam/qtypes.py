"""Question types: how a key is read from a bank file, how a response is graded, how the TUI asks for it.

The five built-in types are contributed through ``exam_register_question_types`` like any plugin's
(see :mod:`exam.builtin`); a plugin may add its own :class:`QuestionType`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from exam import grading
from exam.i18n import current_language, t
from exam.messages import CATALOGUE
from exam.models import OPTION_LETTERS, Answer, AnyOrder, Question, ShortAnswer
from exam.textnorm import normalize_answer

InputKind = Literal["choice", "choices", "judge", "blanks", "text"]
"""How the TUI asks for an answer: one option, several options, 对/错, one input per blank, free text."""

BLANK_MARK = "____"


class AnswerFormatError(ValueError):
    """The key in a bank file does not fit the question type; the message says how to write it."""


@dataclass(frozen=True)
class GradingRules:
    """The rules of a paper that affect scoring."""

    multiple_rule: grading.MultipleRule = "all_or_nothing"
    blank_rule: grading.BlankRule = "per_blank"


@dataclass(frozen=True)
class QuestionType:
    """A question type as contributed by a plugin.

    Attributes:
        name: The ``type`` value in bank files.
        label: ``(中文, English)`` labels, e.g. ``("单选题", "Single choice")``; the built-in types take theirs from
            the catalogue. Show a type's name with :func:`type_label`, not by indexing this.
        input_kind: How the TUI asks for the answer.
        parse_answer: Reads the key from the bank file value; raises :class:`AnswerFormatError`.
        grade: ``grade(question, response, points, rules) -> float`` within ``[0, points]``.
        needs_options: Whether the type has options A–H.
        default_points: Points when the bank does not say.
        auto_final: ``False`` when the automatic score is provisional and a trainer should review it.
    """

    name: str
    label: tuple[str, str]
    input_kind: InputKind
    parse_answer: Callable[[Any, int], Answer]
    grade: Callable[[Question, Any, float, GradingRules], float]
    needs_options: bool = False
    default_points: float = 1
    auto_final: bool = True

    def blanks(self, question: Question) -> int:
        """How many blanks ``question`` asks for: the ``（  ）`` marks in its stem for a fill-in type, else 0."""
        return question.stem.count(BLANK_MARK) if self.input_kind == "blanks" else 0


def _letters(value: Any, n_options: int) -> tuple[str, ...]:
    if isinstance(value, str):
        letters = [c for c in value.upper() if not c.isspace() and c not in ",，、"]
    elif isinstance(value, list):
        letters = [str(v).strip().upper() for v in value]
    else:
        raise AnswerFormatError(t("qtype.letters_shape"))
    valid = OPTION_LETTERS[:n_options]
    for letter in letters:
        if len(letter) != 1 or letter not in valid:
            raise AnswerFormatError(t("qtype.not_a_letter", letter=letter, first=valid[:1], last=valid[-1:]))
    if len(set(letters)) != len(letters):
        raise AnswerFormatError(t("qtype.letters_repeated"))
    return tuple(sorted(letters))


def parse_single(value: Any, n_options: int) -> str:
    """A single-choice key from a bank file: one letter among the first ``n_options`` (``"B"``, ``"b"``, ``["B"]``).

    Raises:
        AnswerFormatError: Not exactly one valid letter.
    """
    letters = _letters(value, n_options)
    if len(letters) != 1:
        raise AnswerFormatError(t("qtype.single_one"))
    return letters[0]


def parse_multiple(value: Any, n_options: int) -> tuple[str, ...]:
    """A multiple-choice key: two or more distinct letters (``"ACD"``, ``"A,C"``, ``[A, C]``), returned sorted.

    Raises:
        AnswerFormatError: Fewer than two letters, a repeated letter, or a letter beyond the options.
    """
    letters = _letters(value, n_options)
    if len(letters) < 2:
        raise AnswerFormatError(t("qtype.multiple_two"))
    return letters


def parse_judge(value: Any, _n: int) -> bool:
    """A true/false key: a YAML boolean.

    Raises:
        AnswerFormatError: Anything but ``true`` or ``false`` (``"对"`` or ``1`` is refused, not guessed).
    """
    if isinstance(value, bool):
        return value
    raise AnswerFormatError(t("qtype.judge_bool"))


MAX_ANY_ORDER_ITEMS = 8


def _parse_accepted(value: Any, n: int) -> str:
    """One accepted answer of blank ``n``: a text, or ``{any_order: [item, item, ...]}`` (an :class:`AnyOrder`)."""
    if isinstance(value, dict):
        items = value.get("any_order")
        if set(value) != {"any_order"} or not isinstance(items, list):
            raise AnswerFormatError(t("qtype.any_order_shape", n=n))
        if not 2 <= len(items) <= MAX_ANY_ORDER_ITEMS:
            raise AnswerFormatError(t("qtype.any_order_count", n=n, most=MAX_ANY_ORDER_ITEMS))
        for item in items:
            _check_accepted_text(item, n)
        if len({normalize_answer(item) for item in items}) != len(items):
            raise AnswerFormatError(t("qtype.any_order_repeated", n=n))
        return AnyOrder(tuple(item.strip() for item in items))
    _check_accepted_text(value, n)
    return value  # type: ignore[no-any-return]


def _check_accepted_text(value: Any, n: int) -> None:
    if not isinstance(value, str):
        raise AnswerFormatError(t("qtype.blank_not_text", n=n, value=repr(value), text=value))
    if not value.strip():
        raise AnswerFormatError(t("qtype.blank_empty_text", n=n))
    if not normalize_answer(value):  # grading ignores punctuation, so nobody could ever match this
        raise AnswerFormatError(t("qtype.blank_punctuation", n=n, text=value))


def parse_blank(value: Any, _n: int) -> tuple[tuple[str, ...], ...]:
    """One tuple of accepted answers per blank; an accepted answer is a text or an :class:`AnyOrder` list.

    Raises:
        AnswerFormatError: Not a non-empty list, a blank without an answer, an empty or punctuation-only text, or a
            malformed ``any_order`` item (the message names the blank).
    """
    if not isinstance(value, list) or not value:
        raise AnswerFormatError(t("qtype.blank_list"))
    blanks: list[tuple[str, ...]] = []
    for i, item in enumerate(value, 1):
        accepted = item if isinstance(item, list) else [item]
        if not accepted:
            raise AnswerFormatError(t("qtype.blank_no_answer", n=i))
        blanks.append(tuple(_parse_accepted(a, i) for a in accepted))
    return tuple(blanks)


def parse_short(value: Any, _n: int) -> ShortAnswer:
    """A short-answer key: ``{reference: text, keywords: [word-or-[synonyms], ...]}``.

    Raises:
        AnswerFormatError: A missing or empty reference, no keywords, or a keyword that is not text.
    """
    if not isinstance(value, dict) or "reference" not in value or "keywords" not in value:
        raise AnswerFormatError(t("qtype.short_shape"))
    reference = value["reference"]
    keywords = value["keywords"]
    if not isinstance(reference, str) or not reference.strip():
        raise AnswerFormatError(t("qtype.short_reference"))
    if not isinstance(keywords, list) or not keywords:
        raise AnswerFormatError(t("qtype.short_keywords"))
    groups: list[tuple[str, ...]] = []
    for group in keywords:
        words = group if isinstance(group, list) else [group]
        if not words or not all(isinstance(w, str) and normalize_answer(w) for w in words):
            raise AnswerFormatError(t("qtype.short_keyword_text"))
        groups.append(tuple(words))
    return ShortAnswer(reference, tuple(groups))


def _grade_single(q: Question, response: Any, points: float, rules: GradingRules) -> float:
    return grading.grade_single(q.answer, response, points)  # type: ignore[arg-type]


def _grade_multiple(q: Question, response: Any, points: float, rules: GradingRules) -> float:
    return grading.grade_multiple(q.answer, response, points, rules.multiple_rule)  # type: ignore[arg-type]


def _grade_judge(q: Question, response: Any, points: float, rules: GradingRules) -> float:
    return grading.grade_judge(q.answer, response, points)  # type: ignore[arg-type]


def _grade_blank(q: Question, response: Any, points: float, rules: GradingRules) -> float:
    return grading.grade_blank(q.answer, response, points, rules.blank_rule, q.equivalents)  # type: ignore[arg-type]


def _grade_short(q: Question, response: Any, points: float, rules: GradingRules) -> float:
    assert isinstance(q.answer, ShortAnswer)
    return grading.grade_short(q.answer.keywords, response, points, q.equivalents)


def type_label(qtype: QuestionType, lang: str | None = None) -> str:
    """The name of a question type as a person reads it, e.g. ``单选题`` or ``Single choice``.

    The catalogue entry ``qtype.name.<name>`` names the type when there is one (every built-in type); a type the
    catalogue does not know is named by the ``(中文, English)`` label its plugin supplied.

    Args:
        qtype: The type, as registered.
        lang: ``"zh"`` or ``"en"``; by default the language in force (:func:`exam.i18n.current_language`).
    """
    zh, en = CATALOGUE.get(f"qtype.name.{qtype.name}", qtype.label)
    return zh if (lang or current_language()) == "zh" else en


BUILTIN_TYPES: tuple[QuestionType, ...] = (
    QuestionType("single", CATALOGUE["qtype.name.single"], "choice", parse_single, _grade_single, True, 2),
    QuestionType("multiple", CATALOGUE["qtype.name.multiple"], "choices", parse_multiple, _grade_multiple, True, 3),
    QuestionType("judge", CATALOGUE["qtype.name.judge"], "judge", parse_judge, _grade_judge, False, 1),
    QuestionType("blank", CATALOGUE["qtype.name.blank"], "blanks", parse_blank, _grade_blank, False, 2),
    QuestionType("short", CATALOGUE["qtype.name.short"], "text", parse_short, _grade_short, False, 5, auto_final=False),
)
