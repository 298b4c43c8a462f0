"""Legally equivalent answers are graded as the same answer, by kind (issue 16): numbers however written, the
terms a bank declares interchangeable (``equivalents``), and order-free lists (``any_order``).

The numeral rules are checked against a Chinese number writer of the tests' own, over every number 0-9999.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exam.banks import load_bank_file
from exam.errors import BankFormatError
from exam.grading import blank_is_correct, grade_blank, grade_short, lists_items_in_any_order
from exam.grounding import check_question
from exam.models import AnyOrder, Question
from exam.papers import DrawnPaper, practice_paper
from exam.qtypes import BUILTIN_TYPES, GradingRules, parse_blank
from exam.sources import Article, SourceDocument, SourceLibrary
from exam.textnorm import answer_form
from tests._support import blank_key

TYPES = {qtype.name: qtype for qtype in BUILTIN_TYPES}
DIGITS = "零一二三四五六七八九"


def chinese_reading(n: int) -> str:
    """``n`` (0-9999) as it is read and written in Chinese: 0 零, 10 十, 15 十五, 105 一百零五, 110 一百一十,
    1001 一千零一, 1010 一千零一十, 2000 二千. Written here independently of :mod:`exam.textnorm`."""
    if n == 0:
        return "零"
    places = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    out, zero = "", False
    for value, unit in places:
        digit = n // value % 10
        if digit == 0:
            zero = bool(out)  # a gap after a written place is read 零, once
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + unit
    return out[1:] if out.startswith("一十") else out  # 十五, not 一十五


def digit_by_digit(n: int) -> str:
    """``n`` read digit by digit, as years are: 1840 一八四〇."""
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))


def test_reading_helper_writes_the_usual_forms() -> None:
    """The test's own writer gives the forms statutes use (so the properties below test the real thing)."""
    assert [chinese_reading(n) for n in (0, 3, 10, 15, 18, 20, 105, 110, 1001, 1010, 1840, 9999)] == [
        "零", "三", "十", "十五", "十八", "二十", "一百零五", "一百一十", "一千零一", "一千零一十", "一千八百四十",
        "九千九百九十九",
    ]  # fmt: skip
    assert digit_by_digit(1840) == "一八四〇"


# -- numbers ----------------------------------------------------------------------------------------------------------

numbers = st.integers(min_value=0, max_value=9999)


@given(n=numbers)
def test_chinese_reading_and_arabic_digits_are_the_same_answer(n: int) -> None:
    """For every n in 0..9999, the Chinese reading of n and str(n) are the same blank answer, either way round,
    alone or with a unit after them (n个月)."""
    reading = chinese_reading(n)
    assert blank_is_correct([reading], str(n))
    assert blank_is_correct([str(n)], reading)
    assert blank_is_correct([f"{reading}个月"], f"{n}个月")


def test_every_number_below_ten_thousand_reads_as_its_digits() -> None:
    """Exhaustively, not only by sampling: each n in 0..9999 has one answer form for its Chinese reading and its
    digits, and no two numbers share a form."""
    forms = {}
    for n in range(10000):
        form = answer_form(chinese_reading(n))
        assert form == answer_form(str(n)), n
        forms[form] = n
    assert len(forms) == 10000


@given(n=numbers.filter(lambda n: n >= 10))
def test_digit_by_digit_reading_is_the_number(n: int) -> None:
    """A number read digit by digit (years: 一八四〇, 二〇一八) is the same answer as its digits and its reading."""
    assert blank_is_correct([digit_by_digit(n)], str(n))
    assert blank_is_correct([digit_by_digit(n) + "年"], f"{chinese_reading(n)}年")


@given(n=numbers, m=numbers)
def test_different_numbers_never_compare_equal(n: int, m: int) -> None:
    """Two different numbers are never the same answer, whichever way each is written."""
    if n == m:
        return
    for key in (chinese_reading(n), str(n), digit_by_digit(n)):
        for typed in (chinese_reading(m), str(m), digit_by_digit(m)):
            assert not blank_is_correct([key], typed), (key, typed)
    assert not blank_is_correct([f"{chinese_reading(n)}个月"], f"{m}个月")


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("三", "3"),
        ("十八", "18"),
        ("二十", "20"),
        ("一百零五", "105"),
        ("一八四〇", "1840"),
        ("一八四〇", "１８４〇"),  # full-width digits
        ("两个月", "2个月"),
        ("两个月", "二个月"),  # 两 = 二
        ("两千", "2000"),
        ("一百〇五", "一百零五"),  # 〇 = 零
        ("二〇一八年", "2018年"),
        ("一百二", "120"),  # a closing digit after a unit is the next place down
        ("三分之二", "2/3"),  # fractions
        ("三分之二以上", "2/3以上"),
        ("百分之五十", "50%"),
        ("一点五", "1.5"),
    ],
)
def test_number_forms_are_accepted(key: str, typed: str) -> None:
    """The forms the audit named (三/3, 十八/18, 一八四〇/1840, 两个月/2个月) and their kind: 两/二, 〇/零, units,
    fractions and percentages, decimals."""
    assert blank_is_correct([key], typed)
    assert blank_is_correct([typed], key)


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("三", "4"),
        ("两个月", "3个月"),
        ("两个月", "2个年"),  # the unit still counts
        ("三分之二", "1/3"),
        ("三分之二", "2/5"),
        ("三分之二", "23"),  # a fraction is not the digits run together
        ("一八四〇", "184"),
        ("十八", "108"),
        ("一百零五", "15"),
        ("五年", "十五年"),
    ],
)
def test_number_forms_of_different_values_are_refused(key: str, typed: str) -> None:
    """Comparing numbers by value never makes a different number (or unit, or fraction) right."""
    assert not blank_is_correct([key], typed)


def test_words_containing_a_numeral_still_compare_as_words() -> None:
    """A word such as 统一 or 一律 is the same word on both sides, and different words stay different."""
    assert blank_is_correct(["统一领导"], "统一领导")
    assert blank_is_correct(["一律平等"], "一律 平等")
    assert not blank_is_correct(["统一领导"], "统二领导")
    assert answer_form("三四十") == "三四十"  # not a well-formed number: left as written


# -- equivalents declared by a bank ----------------------------------------------------------------------------------

EQUIVALENTS = (("人大", "人民代表大会"), ("上级", "上一级"), ("罢免的理由", "罢免理由"))


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("本级人民代表大会", "本级人大"),
        ("本级人大", "本级人民代表大会"),
        ("上级", "上一级"),
        ("上级人民检察院", "上一级人民检察院"),
        ("罢免的理由", "罢免理由"),
        ("全国人民代表大会常务委员会", "全国人大常务委员会"),
        ("人民代表大会代表", "人大代表"),
    ],
)
def test_declared_equivalents_are_interchangeable(key: str, typed: str) -> None:
    """Replacing a declared term by another of its class gives the same answer, anywhere in the answer."""
    assert blank_is_correct([key], typed, EQUIVALENTS)
    assert not blank_is_correct([key], typed)  # without the declaration they differ


@pytest.mark.parametrize(
    ("key", "typed"),
    [("本级人民代表大会", "上级人大"), ("上级", "本级"), ("本级人民代表大会", "本级人民政府"), ("罢免的理由", "罢免")],
)
def test_equivalents_do_not_make_other_words_equal(key: str, typed: str) -> None:
    """Only the declared terms are interchangeable; the rest of the answer must still be the same."""
    assert not blank_is_correct([key], typed, EQUIVALENTS)


def test_equivalents_and_numbers_work_together_in_short_answers() -> None:
    """Short-answer keywords are found the same way: 2/3 covers 三分之二, 人大 covers 人民代表大会."""
    keywords = (("三分之二",), ("本级人民代表大会",))
    assert grade_short(keywords, "须经2/3以上代表通过，并向本级人大报告", 4, EQUIVALENTS) == 4
    assert grade_short(keywords, "须经2/3以上代表通过，并向本级人大报告", 4) == 2


def _bank(tmp_path: Path, header: str, answer: str = "[[本级人民代表大会]]", quote: str = "对本级人大负责") -> Path:
    """A two-question bank file; ``header`` is written as is at the end of its ``bank:`` part (line 5 on)."""
    questions = f"""\
        questions:
          - id: q1
            type: blank
            stem: 常务委员会对____负责。
            answer: {answer}
            explanation: 本镇制度第一条第一款。
            source: {{doc: town-doc, article: 1, paragraph: 1}}
            quote: {quote}
          - id: q2
            type: judge
            stem: 主席团在大会闭会期间也存在。
            answer: true
            explanation: 本镇制度第二条规定“主席团闭会期间办理日常工作”。
            source: {{doc: town-doc, article: 2, paragraph: 1}}
            quote: 主席团闭会期间办理日常工作
        """
    path = tmp_path / "town.bank.yaml"
    head = 'bank:\n  id: town\n  title: 本镇题库\n  version: "1.0"\n'
    path.write_text(head + (header + "\n" if header else "") + textwrap.dedent(questions), encoding="utf-8")
    return path


def test_bank_equivalents_reach_the_question_and_its_stored_snapshot(tmp_path: Path) -> None:
    """A bank's ``equivalents`` are read from its header; a blank question carries the classes that concern its
    key (not the others), and grading a stored (to_dict/from_dict) snapshot still accepts 本级人大."""
    path = _bank(tmp_path, "  equivalents: [[人大, 人民代表大会], [上级, 上一级]]")
    bank = load_bank_file(path, TYPES)
    assert bank.equivalents == (("人大", "人民代表大会"), ("上级", "上一级"))
    blank, judge = bank.questions
    assert blank.equivalents == (("人大", "人民代表大会"),)
    assert judge.equivalents == ()
    stored = Question.from_dict(blank.to_dict())
    assert stored == blank
    grade = TYPES["blank"].grade
    assert grade(stored, ["本级人大"], 2, GradingRules()) == 2
    assert grade(stored, ["本级政府"], 2, GradingRules()) == 0


@pytest.mark.parametrize(
    ("header", "line", "message"),
    [
        ("  equivalents: 人大=人民代表大会", 5, "应是同义词组的列表"),
        ("  equivalents:\n    - [人大]", 6, "第 1 组应是至少两个可互换说法的列表"),
        ("  equivalents:\n    - [人大, 人民代表大会]\n    - 上级", 7, "第 2 组应是至少两个可互换说法的列表"),
        ('  equivalents:\n    - [人大, ""]', 6, "第 1 组中的 '' 不是有内容的文字"),
        ("  equivalents:\n    - [人大, 3]", 6, "第 1 组中的 3 不是有内容的文字"),
        ('  equivalents:\n    - [人大, "。"]', 6, "不是有内容的文字"),
        ("  equivalents:\n    - [人大, 人 大]", 6, "第 1 组中有重复的说法"),
        ("  equivalents:\n    - [人大, 人民代表大会]\n    - [上级, 人大]", 7, "“人大”既在 equivalents 第 1 组又"),
    ],
)
def test_bad_equivalents_are_reported_with_their_line(tmp_path: Path, header: str, line: int, message: str) -> None:
    """A malformed ``equivalents`` field is refused with a message saying what is wrong, at its line."""
    with pytest.raises(BankFormatError) as caught:
        load_bank_file(_bank(tmp_path, header), TYPES)
    problems = [(p.line, p.message) for p in caught.value.problems]
    assert any(found_line == line and message in text for found_line, text in problems), problems


# -- order-free lists -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("主动性、积极性", True),
        ("积极性、主动性", True),
        ("积极性，主动性", True),
        ("积极性; 主动性", True),
        ("积极性/主动性", True),
        ("积极性 主动性", True),
        ("积极性主动性", True),  # punctuation is ignored in every blank, separators too
        ("积极性", False),  # an item missing
        ("积极性、主动性、创造性", False),  # an item too many
        ("积极性、积极性", False),  # an item twice instead of both
        ("主动性、创造性", False),
    ],
)
def test_any_order_accepts_exactly_the_items_in_any_order(typed: str, right: bool) -> None:
    """``{any_order: [主动性, 积极性]}``: exactly these items, in any order, separated by 、，,；; / or spaces."""
    (accepted,) = parse_blank([{"any_order": ["主动性", "积极性"]}], 0)
    assert blank_is_correct(accepted, typed) is right


def test_any_order_items_are_compared_like_any_answer() -> None:
    """Numbers and declared equivalents apply inside an order-free list as in any blank."""
    accepted = (AnyOrder(("三个月", "本级人民代表大会")),)
    assert blank_is_correct(accepted, "本级人大，3个月", EQUIVALENTS)
    assert not blank_is_correct(accepted, "本级人大，4个月", EQUIVALENTS)


def test_any_order_cover_handles_items_that_are_prefixes_of_each_other() -> None:
    """Items where one begins another (代表, 代表大会) are still matched in every order."""
    assert lists_items_in_any_order("代表大会代表", ["代表", "代表大会"])
    assert lists_items_in_any_order("代表代表大会", ["代表", "代表大会"])
    assert not lists_items_in_any_order("代表大会大会", ["代表", "代表大会"])


def test_any_order_answer_survives_storage_and_reads_as_text(tmp_path: Path) -> None:
    """An order-free key is stored with the drawn paper as ``{"any_order": [...]}`` and comes back order-free;
    wherever a key is shown as text it reads 主动性、积极性."""
    path = _bank(tmp_path, "", answer="[[{any_order: [主动性, 积极性]}]]", quote="发挥地方的主动性、积极性")
    question = load_bank_file(path, TYPES).questions[0]
    assert question.to_dict()["answer"] == [[{"any_order": ["主动性", "积极性"]}]]
    drawn = practice_paper([question], "练习", "seed")
    stored = DrawnPaper.from_dict(drawn.to_dict()).questions[0].question
    (accepted,) = blank_key(stored)
    assert isinstance(accepted[0], AnyOrder) and accepted[0].items == ("主动性", "积极性")
    assert str(accepted[0]) == "主动性、积极性"
    assert grade_blank(stored.answer, ["积极性、主动性"], 2) == 2  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("[[{any_order: [主动性]}]]", "any_order 应列出 2 到 8 项"),
        ("[[{any_order: 主动性}]]", "不计顺序的答案应写作"),
        ("[[{any_order: [主动性, 积极性], order: 1}]]", "不计顺序的答案应写作"),
        ("[[{any_order: [主动性, 主动性]}]]", "any_order 中有重复的项"),
        ("[[{any_order: [主动性, 5]}]]", "不是文字"),
    ],
)
def test_bad_any_order_is_reported(tmp_path: Path, answer: str, message: str) -> None:
    """A malformed order-free answer is refused with a message saying how to write it."""
    with pytest.raises(BankFormatError, match=message):
        load_bank_file(_bank(tmp_path, "", answer=answer, quote="发挥地方的主动性、积极性"), TYPES)


def test_grounding_checks_each_item_of_an_order_free_answer(tmp_path: Path) -> None:
    """The grounding check wants every item of an order-free answer in the quote (in any order), and names the
    item that is not."""
    articles = {
        1: Article(1, "第一章", None, ("发挥地方的主动性、积极性。",)),
        2: Article(2, "第一章", None, ("主席团闭会期间办理日常工作。",)),
    }
    library = SourceLibrary({"town-doc": SourceDocument("town-doc", "本镇制度", "本镇制度", articles=articles)})
    grounded = _bank(tmp_path, "", answer="[[{any_order: [积极性, 主动性]}]]", quote="发挥地方的主动性、积极性")
    question = load_bank_file(grounded, TYPES).questions[0]
    assert check_question(question, library) == []
    ungrounded = _bank(tmp_path, "", answer="[[{any_order: [积极性, 创造性]}]]", quote="发挥地方的主动性、积极性")
    question = load_bank_file(ungrounded, TYPES).questions[0]
    assert check_question(question, library) == ["第 1 空的答案“创造性”不在 quote 中"]
