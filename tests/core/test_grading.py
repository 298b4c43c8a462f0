"""Grading: pure functions per type, and the invariants every type keeps (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from exam import grading
from exam.models import OPTION_LETTERS
from exam.qtypes import BUILTIN_TYPES, GradingRules
from exam.textnorm import normalize_answer
from tests.core._support import make_question

points_st = st.floats(min_value=0.01, max_value=100, allow_nan=False, allow_infinity=False)
letters_st = st.sampled_from(OPTION_LETTERS)
multiple_key_st = st.sets(letters_st, min_size=2, max_size=8).map(lambda s: tuple(sorted(s)))
response_st = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=20),
    st.lists(st.one_of(letters_st, st.text(max_size=5)), max_size=10),
    st.integers(),
)
# An accepted blank answer always has something besides punctuation (the bank loader refuses one that has not).
word_st = st.text(min_size=1, max_size=8).filter(lambda s: normalize_answer(s) != "")


# -- single ---------------------------------------------------------------------------------------------------------


def test_single_right_letter_gets_full_points_and_case_does_not_matter() -> None:
    """The key letter earns the points, in either case; any other letter or shape earns nothing."""
    assert grading.grade_single("B", "B", 2) == 2
    assert grading.grade_single("B", "b", 2) == 2
    assert grading.grade_single("B", "A", 2) == 0
    assert grading.grade_single("B", None, 2) == 0
    assert grading.grade_single("B", ["B"], 2) == 0


# -- multiple -------------------------------------------------------------------------------------------------------


def test_multiple_all_or_nothing_needs_exactly_the_keys() -> None:
    """all_or_nothing: the full set scores; a subset or a wrong choice scores nothing."""
    key = ("A", "C", "D")
    assert grading.grade_multiple(key, ["A", "C", "D"], 3) == 3
    assert grading.grade_multiple(key, ["A", "C"], 3) == 0
    assert grading.grade_multiple(key, ["A", "B", "C", "D"], 3) == 0
    assert grading.grade_multiple(key, [], 3) == 0
    assert grading.grade_multiple(key, None, 3) == 0


def test_multiple_partial_rule_missing_gets_half_wrong_gets_nothing() -> None:
    """partial (少选得一半、错选不得分): a proper subset earns half, any wrong letter earns nothing."""
    key = ("A", "C", "D")
    assert grading.grade_multiple(key, ["A", "C", "D"], 3, "partial") == 3
    assert grading.grade_multiple(key, ["A"], 3, "partial") == 1.5
    assert grading.grade_multiple(key, ["C", "D"], 3, "partial") == 1.5
    assert grading.grade_multiple(key, ["A", "B"], 3, "partial") == 0
    assert grading.grade_multiple(key, ["A", "B", "C", "D"], 3, "partial") == 0
    assert grading.grade_multiple(key, [], 3, "partial") == 0


@given(key=multiple_key_st, data=st.data(), points=points_st)
def test_multiple_partial_property_subset_half_superset_zero(
    key: tuple[str, ...], data: st.DataObject, points: float
) -> None:
    """For any key: a non-empty proper subset gets half the points (to the cent), anything with a wrong letter 0."""
    subset = data.draw(st.sets(st.sampled_from(key), min_size=1, max_size=len(key) - 1))
    assert grading.grade_multiple(key, sorted(subset), points, "partial") == pytest.approx(points / 2, abs=0.0051)
    wrong = data.draw(st.sampled_from([c for c in OPTION_LETTERS if c not in key] or ["Z"]))
    with_wrong = sorted(subset | {wrong})
    assert grading.grade_multiple(key, with_wrong, points, "partial") == 0


@given(key=multiple_key_st, data=st.data(), points=points_st, rule=st.sampled_from(grading.MULTIPLE_RULES))
def test_multiple_order_of_response_does_not_matter(
    key: tuple[str, ...], data: st.DataObject, points: float, rule: grading.MultipleRule
) -> None:
    """Any permutation (and duplicates, and lower case) of the same letters earns the same score."""
    chosen = data.draw(st.lists(st.sampled_from(OPTION_LETTERS), min_size=1, max_size=8))
    shuffled = data.draw(st.permutations(chosen))
    expected = grading.grade_multiple(key, chosen, points, rule)
    assert grading.grade_multiple(key, shuffled, points, rule) == expected
    assert grading.grade_multiple(key, [c.lower() for c in shuffled] + chosen[:1], points, rule) == expected
    assert grading.grade_multiple(key, tuple(reversed(chosen)), points, rule) == expected


# -- judge ----------------------------------------------------------------------------------------------------------


def test_judge_only_a_real_boolean_counts() -> None:
    """True/False must match exactly; strings such as "true" or "对" are not booleans and earn nothing."""
    assert grading.grade_judge(True, True, 1) == 1
    assert grading.grade_judge(False, False, 1) == 1
    assert grading.grade_judge(True, False, 1) == 0
    assert grading.grade_judge(True, "true", 1) == 0
    assert grading.grade_judge(False, 0, 1) == 0
    assert grading.grade_judge(True, None, 1) == 0


# -- blank ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "typed"),
    [
        ("2018年", "２０１８年"),  # full-width digits
        ("ABC", "ＡＢＣ"),  # full-width letters
        ("ABC", "abc"),  # case
        ("人民代表大会", " 人民 代表\u3000大会 "),  # half- and full-width spaces, tabs
        ("人民代表大会", "人民代表大会。"),  # trailing full-width punctuation
        ("国家尊重和保障人权", "国家尊重、和保障人权！"),  # punctuation inside
        ("“最后一公里”", "最后一公里"),  # quotes in the key
        ("二〇一八", "二○一八"),  # 〇 (U+3007) vs ○ (U+25CB)
        ("二〇一八", "二◯一八"),  # 〇 vs ◯ (U+25EF)
        ("第十条", "第十条,"),  # half-width punctuation
    ],
)
def test_blank_normalisation_accepts_the_same_words(accepted: str, typed: str) -> None:
    """Width, white space, punctuation, case and 〇/○ look-alikes do not make a right answer wrong."""
    assert grading.blank_is_correct([accepted], typed)


@pytest.mark.parametrize(
    ("accepted", "typed"),
    [("五年", "三年"), ("人民代表大会", "人民代表"), ("2018", "2019"), ("五", ""), ("五", "   "), ("五", "。，")],
)
def test_blank_normalisation_still_rejects_different_words(accepted: str, typed: str) -> None:
    """Normalisation never makes different words (or an empty or punctuation-only answer) match."""
    assert not grading.blank_is_correct([accepted], typed)


def test_blank_any_accepted_answer_counts_per_blank() -> None:
    """Each blank has its own list of accepted answers; any one of them is right."""
    key = (("五", "5", "五年"), ("直接",))
    assert grading.grade_blank(key, ["5", "直接"], 4) == 4
    assert grading.grade_blank(key, ["五年", "间接"], 4) == 2
    assert grading.grade_blank(key, ["五年", "间接"], 4, "all") == 0
    assert grading.grade_blank(key, ["五年"], 4) == 2  # a missing blank is simply wrong
    assert grading.grade_blank(key, "五", 4) == 0
    assert grading.grade_blank(key, None, 4) == 0


def test_blank_per_blank_rounds_to_the_cent_and_stays_within_points() -> None:
    """Points shared among three blanks are rounded to two decimals, never above the maximum."""
    key = (("一",), ("二",), ("三",))
    assert grading.grade_blank(key, ["一", "x", "x"], 2) == 0.67
    assert grading.grade_blank(key, ["一", "二", "x"], 2) == 1.33


# -- short ----------------------------------------------------------------------------------------------------------


def test_short_scores_by_keyword_group_coverage() -> None:
    """Each keyword group is one point to make; any word of the group counts, after normalisation."""
    keywords = (("遵守和执行", "遵守执行"), ("经济建设", "文化建设"), ("预算",))
    assert grading.grade_short(keywords, "保证宪法的遵守和执行，审查预算。", 6) == 4
    assert grading.grade_short(keywords, "遵守 执行；文化建设；预算", 6) == 6
    assert grading.grade_short(keywords, "", 6) == 0
    assert grading.grade_short(keywords, None, 6) == 0


def test_short_punctuation_only_keyword_gives_no_free_credit() -> None:
    """A keyword that is only punctuation is never "found" (it would be in every answer, even an empty one)."""
    assert grading.grade_short((("。",), ("预算",)), "", 4) == 0
    assert grading.grade_short((("。",), ("预算",)), "预算", 4) == 2


def test_short_type_is_marked_for_review() -> None:
    """The short-answer score is provisional: the type says a trainer reviews it."""
    types = {t.name: t for t in BUILTIN_TYPES}
    assert types["short"].auto_final is False
    assert all(types[name].auto_final for name in ("single", "multiple", "judge", "blank"))


# -- invariants over every type -------------------------------------------------------------------------------------


def _perfect_response(qtype: str, answer: object) -> object:
    if qtype == "multiple":
        return list(answer)  # type: ignore[call-overload]
    if qtype == "blank":
        return [accepted[0] for accepted in answer]  # type: ignore[attr-defined]
    if qtype == "short":
        return "；".join(group[0] for group in answer.keywords)  # type: ignore[attr-defined]
    return answer


groups_st = st.lists(st.lists(word_st, min_size=1, max_size=3).map(tuple), min_size=1, max_size=4).map(tuple)
question_st = st.one_of(
    st.builds(lambda k: ("single", k), letters_st.filter(lambda c: c in "ABCD")),
    st.builds(lambda k: ("multiple", k), multiple_key_st),
    st.builds(lambda k: ("judge", k), st.booleans()),
    st.builds(lambda k: ("blank", k), groups_st),
    st.builds(lambda k: ("short", k), groups_st),
)


def _question(qtype: str, key: object):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from exam.models import ShortAnswer

    question = make_question("q", qtype)
    if qtype == "short":
        key = ShortAnswer("参考", key)  # type: ignore[arg-type]
    options = tuple(f"选项{i}" for i in range(8)) if qtype in ("single", "multiple") else ()
    stem = "题 " + " ____" * len(key) if qtype == "blank" else question.stem  # type: ignore[arg-type]
    return replace(question, answer=key, options=options, stem=stem)  # type: ignore[arg-type]


rules_st = st.builds(GradingRules, st.sampled_from(grading.MULTIPLE_RULES), st.sampled_from(grading.BLANK_RULES))
TYPES = {t.name: t for t in BUILTIN_TYPES}


@given(q=question_st, response=response_st, points=points_st, rules=rules_st)
def test_any_response_scores_within_zero_and_points(
    q: tuple[str, object], response: object, points: float, rules: GradingRules
) -> None:
    """Whatever is typed (any shape, any value), every type scores within [0, points]."""
    qtype, key = q
    question = _question(qtype, key)
    score = TYPES[qtype].grade(question, response, points, rules)
    assert 0 <= score <= points


@given(q=question_st, points=points_st, rules=rules_st)
def test_perfect_response_gets_full_points(q: tuple[str, object], points: float, rules: GradingRules) -> None:
    """The key itself (for short answers: one word of every keyword group) earns exactly the points."""
    qtype, key = q
    question = _question(qtype, key)
    response = _perfect_response(qtype, question.answer)
    assert TYPES[qtype].grade(question, response, points, rules) == points


@given(q=question_st, points=points_st, rules=rules_st)
def test_no_response_gets_nothing(q: tuple[str, object], points: float, rules: GradingRules) -> None:
    """An unanswered question (``None``) scores 0 under every rule."""
    qtype, key = q
    assert TYPES[qtype].grade(_question(qtype, key), None, points, rules) == 0


@given(text=st.text(max_size=30))
def test_normalisation_is_idempotent_and_ignores_width_and_spaces(text: str) -> None:
    """Normalising twice changes nothing; adding spaces or using full-width forms changes nothing."""
    once = normalize_answer(text)
    assert normalize_answer(once) == once
    assert normalize_answer(" ".join(text)) == once
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    assert normalize_answer(full_width) == once


@given(text=st.text(alphabet=st.sampled_from("〇○◯一二三"), min_size=1, max_size=10))
def test_circle_look_alikes_compare_equal(text: str) -> None:
    """〇, ○ and ◯ are one character for grading."""
    assume("〇" in text or "○" in text or "◯" in text)
    assert grading.blank_is_correct([text.replace("○", "〇").replace("◯", "〇")], text.replace("〇", "○"))
