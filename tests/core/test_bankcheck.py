"""Bank quality checks (issue 16): overlapping quotes without a shared group, key positions, application share,
and how ``exam banks validate`` reports them."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exam.bankcheck import (
    bank_quality,
    half_width_marks,
    key_spread,
    longest_common_substring,
    overlapping_pairs,
    quote_letters,
    quotes_overlap,
)
from exam.cli import main
from exam.models import Bank, Question
from tests.core._support import bank_yaml, make_question


def _with_quote(qid: str, quote: str, group: str | None = None, bank: str = "b") -> Question:
    return replace(make_question(qid, "judge", bank=bank), quote=quote, group=group)


def lcs_by_table(a: str, b: str) -> int:
    """Longest common substring by the textbook dynamic programme (independent of exam.bankcheck)."""
    best = 0
    previous = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


@given(a=st.text(alphabet="人大代表会议主席团", max_size=30), b=st.text(alphabet="人大代表会议主席团", max_size=30))
def test_overlap_is_a_common_substring_of_60_percent_of_the_shorter_quote(a: str, b: str) -> None:
    """For any two quotes, they overlap exactly when their longest common substring (by the textbook table) is at
    least 60 % of the shorter one's length; the reported length is that longest common substring."""
    shorter = min(len(a), len(b))
    expected = shorter > 0 and lcs_by_table(a, b) >= math.ceil(0.6 * shorter - 1e-9)
    assert quotes_overlap(a, b) is expected
    assert longest_common_substring(a, b) == lcs_by_table(a, b)


def test_overlap_ignores_punctuation_width_and_white_space() -> None:
    """Quotes are compared without punctuation and white space, so a re-punctuated copy still overlaps."""
    assert quote_letters("乡、民族乡、镇的人民代表大会 每届任期五年。") == "乡民族乡镇的人民代表大会每届任期五年"
    first = _with_quote("q1", "乡、民族乡、镇的人民代表大会每届任期五年。")
    second = _with_quote("q2", "乡,民族乡,镇的人民代表大会每届任期五年")
    assert [(p.first.id, p.second.id) for p in overlapping_pairs([first, second])] == [("b:q1", "b:q2")]


def test_overlapping_pair_with_a_shared_group_is_not_reported() -> None:
    """Declaring both questions one group settles the pair; a different group, or a group in only one, does not."""
    quote = "乡、民族乡、镇的人民代表大会举行会议的时候，选举主席团。"
    same = [_with_quote("q1", quote, "presidium"), _with_quote("q2", quote, "presidium")]
    assert overlapping_pairs(same) == []
    assert len(overlapping_pairs(same, include_grouped=True)) == 1
    assert len(overlapping_pairs([_with_quote("q1", quote, "x"), _with_quote("q2", quote, "y")])) == 1
    assert len(overlapping_pairs([_with_quote("q1", quote, "x"), _with_quote("q2", quote)])) == 1


def test_quotes_below_the_threshold_do_not_overlap() -> None:
    """Sharing less than 60 % of the shorter quote is not an overlap; sharing exactly 60 % is."""
    base = "甲乙丙丁戊己庚辛壬癸"  # 10 characters: 6 in common is the bar
    assert quotes_overlap(base, "甲乙丙丁戊己子丑寅卯")
    assert not quotes_overlap(base, "甲乙丙丁戊子丑寅卯辰")
    assert not quotes_overlap("", base)


def test_key_spread_counts_single_keys_and_wrong_options_of_multiple_questions() -> None:
    """Single keys are counted per letter; a multiple question with two wrong options counts as such, and one
    whose only wrong option is the last is counted separately; wrong options are counted by position."""
    singles = [replace(make_question(f"s{i}", "single"), answer=letter) for i, letter in enumerate("AABCD")]
    four = ("甲", "乙", "丙", "丁")
    multiples = [
        replace(make_question("m1", "multiple"), options=four, answer=("A", "B", "C")),  # only D wrong: the last
        replace(make_question("m2", "multiple"), options=four, answer=("B", "D")),  # A and C wrong
        replace(make_question("m3", "multiple"), options=(*four, "戊"), answer=("A", "C", "E")),  # B and D wrong
    ]
    spread = key_spread([*singles, *multiples])
    assert spread.single_keys == {"A": 2, "B": 1, "C": 1, "D": 1}
    assert spread.top_single == ("A", 0.4)
    assert (spread.multiple, spread.multiple_two_wrong, spread.last_only_wrong) == (3, 2, 1)
    assert spread.wrong_positions == {"A": 1, "B": 1, "C": 1, "D": 2}


def test_bank_quality_counts_application_questions() -> None:
    """The application share is the marked questions over all questions."""
    questions = tuple(replace(make_question(f"q{i}", "judge"), application=i < 2) for i in range(5))
    quality = bank_quality(Bank("b", "题库", "1", questions))
    assert (quality.application, quality.total, quality.application_share) == (2, 5, 0.4)


OVERLAPPING = """\
  - id: q1
    type: judge
    stem: 乡镇人大每届任期五年。
    answer: true
    explanation: 本镇制度第一条规定“每届任期五年”。
    source: {doc: town-doc, article: 1}
    quote: 乡、民族乡、镇的人民代表大会每届任期五年。
  - id: q2
    type: blank
    stem: 乡镇人大每届任期____年。
    answer: [[五]]
    explanation: 本镇制度第一条。
    source: {doc: town-doc, article: 1}
    quote: 乡、民族乡、镇的人民代表大会每届任期五年
"""


def _validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *options: str) -> tuple[int, str, str]:
    path = tmp_path / "town.bank.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["banks", "validate", *options, str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_lists_ungrouped_overlaps_as_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`exam banks validate` names the file, the later question's line and both ids of an overlapping pair without
    a shared group, says it is a warning, and still exits 0; with --strict it exits 1."""
    code, out, err = _validate(tmp_path, capsys, bank_yaml(questions=OVERLAPPING))
    assert code == 0
    assert "town.bank.yaml:13 [town-rules:q2]: 提示：quote 与 town-rules:q1（第 6 行）大段重合" in out
    assert "另有 1 条提示" in err
    code, _, _ = _validate(tmp_path, capsys, bank_yaml(questions=OVERLAPPING), "--strict")
    assert code == 1


def test_validate_is_quiet_about_a_grouped_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Once the two questions share a group there is nothing to warn about, even with --strict."""
    grouped = OVERLAPPING.replace("    quote: 乡、民族乡", "    group: term\n    quote: 乡、民族乡")
    code, out, err = _validate(tmp_path, capsys, bank_yaml(questions=grouped), "--strict")
    assert code == 0 and "提示" not in out + err


def test_validate_figures_show_application_share_and_key_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--figures prints the application share, the single keys by letter and the multiple-choice figures."""
    code, out, _ = _validate(tmp_path, capsys, bank_yaml(), "--figures")
    assert code == 0
    assert "应用题（application）：0 / 3（0%）" in out
    assert "单选题答案位置（共 1 题）：B 1 (100%)" in out
    assert "至少两个错误选项的多选题：0 / 0" in out


HALF_WIDTH = """\
  - id: q1
    type: single
    stem: "乡镇人大每届任期几年(按本镇制度)?"
    options: [三年, 五年, 四年, 六年]
    answer: B
    explanation: "本镇制度第一条规定,每届任期五年。会议于 10:30 开始。"
    source: {doc: town-doc, article: 1}
    quote: "乡镇人大每届任期五年,连选可以连任"
"""


def test_half_width_marks_next_to_chinese_characters_only() -> None:
    """``, ; : ? ! ( )`` next to a Chinese character or full-width mark are found (spaces between count as next
    to); among Latin letters and digits they are not."""
    assert half_width_marks("任期,五年") == [(2, ",")]
    assert half_width_marks("几年(按制度)?") == [(2, "("), (6, ")"), (7, "?")]
    assert half_width_marks("规定 : 五年") == [(3, ":")]
    assert half_width_marks("10:30 (a) f(x), g; ok!") == []


def test_validate_reports_half_width_punctuation_with_file_line_id_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`exam banks validate` warns about each field with half-width marks in Chinese text (the stem's ( ) ?, the
    explanation's comma), naming file, line, id and field; the quote copies its source and is not checked; with
    --strict the warnings fail the file."""
    code, out, err = _validate(tmp_path, capsys, bank_yaml(questions=HALF_WIDTH))
    assert code == 0
    assert "town.bank.yaml:6 [town-rules:q1]: 提示：stem 的中文里有 3 处半角标点（“(”→“（” “)”→“）” “?”→“？”）" in out
    assert "town.bank.yaml:6 [town-rules:q1]: 提示：explanation 的中文里有 1 处半角标点（“,”→“，”）" in out
    assert "quote" not in out
    assert "另有 2 条提示" in err
    code, _, _ = _validate(tmp_path, capsys, bank_yaml(questions=HALF_WIDTH), "--strict")
    assert code == 1
