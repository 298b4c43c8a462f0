"""The legally equivalent answers the issue-16 audit found marked wrong are accepted on the real bank questions.

Questions are found by their key, not by id, so a question that writers renumber or move is still found; each
case must match at least one blank of the built-in banks, answered with the form the audit typed, while every
other blank of the question gets its first accepted answer. The kinds themselves are tested on constructed
questions in ``tests/core/test_equivalent_answers.py``.
"""

from __future__ import annotations

import pytest

from exam.models import Question
from exam.qtypes import GradingRules
from tests.banks._support import BANK_IDS, TYPES, builtin_bank

AUDIT_CASES = [
    ("三", "3"),
    ("十八", "18"),
    ("一八四〇", "1840"),
    ("两个月", "2个月"),
    ("上级", "上一级"),
    ("本级人民代表大会", "本级人大"),
    ("主动性、积极性", "积极性、主动性"),
    ("罢免的理由", "罢免理由"),
]
"""(the key as the bank writes it, the answer the audit typed)."""


def blanks_keyed(key: str) -> list[tuple[Question, int]]:
    """Every (question, blank index) of the built-in banks with ``key`` among the blank's accepted answers (an
    order-free answer reads as its items joined by 、)."""
    return [
        (question, index)
        for bank_id in BANK_IDS
        for question in builtin_bank(bank_id).questions
        if question.type == "blank"
        for index, accepted in enumerate(question.answer)  # type: ignore[arg-type]
        if key in accepted
    ]


@pytest.mark.parametrize(("key", "typed"), AUDIT_CASES)
def test_audit_answer_is_accepted_on_the_bank_question(key: str, typed: str) -> None:
    """The audit's answer earns the blank's share of the points on every bank question keyed that way, and a
    different answer does not."""
    found = blanks_keyed(key)
    assert found, f"no blank of the built-in banks is keyed {key}"
    grade = TYPES["blank"].grade
    for question, index in found:
        answers = [str(accepted[0]) for accepted in question.answer]  # type: ignore[union-attr]
        answers[index] = typed
        assert grade(question, answers, 2, GradingRules("all_or_nothing", "all")) == 2, question.id
        answers[index] = typed + "不"
        assert grade(question, answers, 2, GradingRules("all_or_nothing", "all")) == 0, question.id
