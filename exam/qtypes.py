"""Question types: how a key is read from a bank file, how a response is graded, how the TUI asks for it.

The five built-in types are contributed through ``exam_register_question_types`` like any plugin's
(see :mod:`exam.builtin`); a plugin may add its own :class:`QuestionType`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from exam import grading
from exam.models import OPTION_LETTERS, Answer, Question, ShortAnswer
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
        label: ``(中文, English)`` labels, e.g. ``("单选题", "Single choice")``.
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
        return question.stem.count(BLANK_MARK) if self.input_kind == "blanks" else 0


def _letters(value: Any, n_options: int) -> tuple[str, ...]:
    if isinstance(value, str):
        letters = [c for c in value.upper() if not c.isspace() and c not in ",，、"]
    elif isinstance(value, list):
        letters = [str(v).strip().upper() for v in value]
    else:
        raise AnswerFormatError("答案应写作选项字母，如 B 或 [A, C]")
    valid = OPTION_LETTERS[:n_options]
    for letter in letters:
        if len(letter) != 1 or letter not in valid:
            raise AnswerFormatError(f"答案“{letter}”不是选项字母（应在 {valid[:1]}–{valid[-1:]} 之间）")
    if len(set(letters)) != len(letters):
        raise AnswerFormatError("答案中有重复的选项字母")
    return tuple(sorted(letters))


def parse_single(value: Any, n_options: int) -> str:
    letters = _letters(value, n_options)
    if len(letters) != 1:
        raise AnswerFormatError("单选题的答案只能有一个选项字母")
    return letters[0]


def parse_multiple(value: Any, n_options: int) -> tuple[str, ...]:
    letters = _letters(value, n_options)
    if len(letters) < 2:
        raise AnswerFormatError("多选题的答案至少要有两个选项字母")
    return letters


def parse_judge(value: Any, _n: int) -> bool:
    if isinstance(value, bool):
        return value
    raise AnswerFormatError("判断题的答案只能写 true（对）或 false（错）")


def parse_blank(value: Any, _n: int) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not value:
        raise AnswerFormatError("填空题的答案应是列表，每个空一项（每项可以是字符串或可接受答案的列表）")
    blanks: list[tuple[str, ...]] = []
    for i, item in enumerate(value, 1):
        accepted = item if isinstance(item, list) else [item]
        if not accepted:
            raise AnswerFormatError(f"第 {i} 个空没有答案")
        for a in accepted:
            if not isinstance(a, str):
                raise AnswerFormatError(f"第 {i} 个空的答案 {a!r} 不是文字；请加引号，如 \"{a}\"")
            if not a.strip():
                raise AnswerFormatError(f"第 {i} 个空的答案是空字符串")
            if not normalize_answer(a):  # grading ignores punctuation, so nobody could ever match this
                raise AnswerFormatError(f"第 {i} 个空的答案“{a}”只有标点符号")
        blanks.append(tuple(accepted))
    return tuple(blanks)


def parse_short(value: Any, _n: int) -> ShortAnswer:
    if not isinstance(value, dict) or "reference" not in value or "keywords" not in value:
        raise AnswerFormatError("简答题的答案应包含 reference（参考答案）和 keywords（要点关键词组）")
    reference = value["reference"]
    keywords = value["keywords"]
    if not isinstance(reference, str) or not reference.strip():
        raise AnswerFormatError("简答题的 reference 应是非空文字")
    if not isinstance(keywords, list) or not keywords:
        raise AnswerFormatError("简答题的 keywords 应是非空列表")
    groups: list[tuple[str, ...]] = []
    for group in keywords:
        words = group if isinstance(group, list) else [group]
        if not words or not all(isinstance(w, str) and normalize_answer(w) for w in words):
            raise AnswerFormatError("简答题的每组关键词都应是非空文字（不能只有标点符号）")
        groups.append(tuple(words))
    return ShortAnswer(reference, tuple(groups))


def _grade_single(q: Question, response: Any, points: float, rules: GradingRules) -> float:
    return grading.grade_single(q.answer, response, points)  # type: ignore[arg-type]


def _grade_multiple(q: Question, response: Any, points: float, rules: GradingRules) -> float:
    return grading.grade_multiple(q.answer, response, points, rules.multiple_rule)  # type: ignore[arg-type]


def _grade_judge(q: Question, response: Any, points: float, rules: GradingRules) -> float:
    return grading.grade_judge(q.answer, response, points)  # type: ignore[arg-type]


def _grade_blank(q: Question, response: Any, points: float, rules: GradingRules) -> float:
    return grading.grade_blank(q.answer, response, points, rules.blank_rule)  # type: ignore[arg-type]


def _grade_short(q: Question, response: Any, points: float, rules: GradingRules) -> float:
    assert isinstance(q.answer, ShortAnswer)
    return grading.grade_short(q.answer.keywords, response, points)


BUILTIN_TYPES: tuple[QuestionType, ...] = (
    QuestionType("single", ("单选题", "Single choice"), "choice", parse_single, _grade_single, True, 2),
    QuestionType("multiple", ("多选题", "Multiple choice"), "choices", parse_multiple, _grade_multiple, True, 3),
    QuestionType("judge", ("判断题", "True or false"), "judge", parse_judge, _grade_judge, False, 1),
    QuestionType("blank", ("填空题", "Fill in the blanks"), "blanks", parse_blank, _grade_blank, False, 2),
    QuestionType("short", ("简答题", "Short answer"), "text", parse_short, _grade_short, False, 5, auto_final=False),
)
