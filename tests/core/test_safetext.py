"""Text from outside made safe (issue 11): :mod:`exam.safetext` removes control characters, whole escape sequences
and bidirectional overrides, and keeps everything a reader would see."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exam.safetext import safe_data, safe_json, safe_line, safe_text, unsafe_characters, unsafe_fields

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
"""What must never reach a terminal or a cell, written out independently of the code under test (\\t and \\n are
checked separately where a text is one line)."""

CASES = [
    ("张\x00三", "张三"),
    ("\x1b[5m闪烁\x1b[0m", "闪烁"),
    ("\x1b[38;2;255;0;0m红\x1b[m", "红"),
    ("\x1b]8;;https://evil.example/\x1b\\点我\x1b]8;;\x1b\\", "点我"),
    ("\x1b]8;;https://evil.example/\x07点我\x1b]8;;\x07", "点我"),
    ("\x1b]0;窗口标题\x07李四", "李四"),
    ("\x9b31m红\x9b0m", "红"),
    ("\x9d8;;https://evil.example/\x9c链接", "链接"),
    ("\x1bP+q544e\x1b\\王五", "王五"),
    ("\x1b(B\x1b7王\x1b8五", "王五"),
    ("abc\u202edcba\u202c", "abcdcba"),
    ("\u2066城关镇\u2069\u200f", "城关镇"),
    ("退\x08\x08格\x7f", "退格"),
    ("\x1b", ""),
    ("\x1b]8;;unterminated 张三", "8;;unterminated 张三"),  # no terminator: the ESC ] pair goes, the rest shows
]


@pytest.mark.parametrize(("raw", "shown"), CASES)
def test_escape_sequences_go_whole_and_the_visible_text_stays(raw: str, shown: str) -> None:
    """Each sequence is removed with its parameters (no "[5m" left), lone controls are dropped, text stays."""
    assert safe_text(raw) == shown
    assert safe_text(raw, multiline=True) == shown
    assert unsafe_characters(raw)


def test_line_breaks_and_tabs_depend_on_whether_text_may_have_lines() -> None:
    """A name is one line (breaks and tabs become spaces); a stem keeps \\n and \\t, with \\r\\n, \\r, U+2028 and
    U+0085 made \\n."""
    text = "第一行\r\n第二行\r第三行\u2028第四行\x85第五\t列"
    assert safe_text(text) == "第一行 第二行 第三行 第四行 第五 列"
    assert safe_text(text, multiline=True) == "第一行\n第二行\n第三行\n第四行\n第五\t列"
    assert safe_line("  \t张三\n ") == "张三"


def test_clean_text_is_returned_as_it_is() -> None:
    """Ordinary Chinese, English, full-width punctuation, emoji with joiners and markup-like text are untouched."""
    for text in ("镇人大主席：张三（城关镇）", "Zhang San", "👩‍👩‍👧", "[b]粗[/b] =HYPERLINK()", "a\nb\tc"):
        assert safe_text(text, multiline=True) is text
        assert unsafe_characters(text) == []


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"])))
def test_nothing_unsafe_survives_and_cleaning_twice_changes_nothing(text: str) -> None:
    """For any text: no control character, DEL, C1 or bidi control is left (a one-line text has no \\n or \\t
    either), and cleaning is idempotent."""
    line = safe_text(text)
    lines = safe_text(text, multiline=True)
    assert not UNSAFE.search(line) and "\n" not in line and "\t" not in line
    assert not UNSAFE.search(lines) and "\r" not in lines
    assert safe_text(line) == line and safe_text(lines, multiline=True) == lines
    assert (unsafe_characters(text) == []) == (safe_text(text, multiline=True) == text)


@given(
    st.recursive(
        st.none() | st.integers() | st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)
    )
)
def test_safe_json_is_the_same_json_with_nothing_raw(value: object) -> None:
    """`safe_json` reads back as exactly the value given, and its text holds no raw control character at all."""
    text = safe_json(value)
    assert json.loads(text) == value
    assert not UNSAFE.search(text) and "\n" not in text


def test_safe_data_and_unsafe_fields_walk_nested_values() -> None:
    """Nested dicts and lists are cleaned everywhere; unsafe_fields names each unsafe text by its path."""
    data = {"trainee": {"name": "张\x1b[5m三"}, "answers": [{"response": "甲\x9b1m"}], "n": 3}
    assert safe_data(data) == {"trainee": {"name": "张三"}, "answers": [{"response": "甲"}], "n": 3}
    assert unsafe_fields(data) == [("['trainee']['name']", ["U+001B"]), ("['answers'][0]['response']", ["U+009B"])]
