"""Safe YAML reading: YAML 1.1 traps, aliases, nesting and size caps, duplicate keys, line numbers."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from exam.errors import BankFormatError, Problem
from exam.yamlsafe import MAX_BYTES, MAX_DEPTH, LineDict, LineList, load_yaml


def load(text: str) -> Any:
    return load_yaml("t.yaml", text)


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(BankFormatError) as info:
        load(text)
    return info.value.problems


def test_yaml11_booleans_stay_strings() -> None:
    """``no``, ``yes``, ``on``, ``off``, ``y``, ``n`` are words, not booleans (YAML 1.2 core schema)."""
    data = load("a: no\nb: yes\nc: on\nd: off\ne: y\nf: n\ng: No\nh: OFF\n")
    assert data == {"a": "no", "b": "yes", "c": "on", "d": "off", "e": "y", "f": "n", "g": "No", "h": "OFF"}


def test_yaml11_keys_stay_strings() -> None:
    """A key ``no`` or ``on`` stays the word (PyYAML's default would turn it into False/True)."""
    data = load("no: 1\non: 2\n")
    assert data == {"no": 1, "on": 2}


def test_sexagesimal_and_other_yaml11_numbers_stay_strings() -> None:
    """``1:30`` is not 90; ``1_000`` and ``2018-03-11`` are not a number or a date."""
    data = load("a: 1:30\nb: 190:20:30\nc: 1_000\nd: 2018-03-11\ne: 0b101\n")
    assert data == {"a": "1:30", "b": "190:20:30", "c": "1_000", "d": "2018-03-11", "e": "0b101"}


def test_core_schema_scalars_keep_their_types() -> None:
    """true/false, null/~, integers, floats, 0o/0x and .inf are read as YAML 1.2 says."""
    data = load("t: true\nf: False\nn: null\nm: ~\ne:\ni: 017\nj: -3\no: 0o17\nx: 0x1F\nfl: 1.10\ninf: -.inf\n")
    assert data["t"] is True and data["f"] is False
    assert data["n"] is None and data["m"] is None and data["e"] is None
    assert data["i"] == 17 and data["j"] == -3 and data["o"] == 15 and data["x"] == 31
    assert data["fl"] == 1.1  # documented: quote versions ("1.10")
    assert data["inf"] == -math.inf


def test_quoted_values_are_always_strings() -> None:
    """Anything in quotes is text, whatever it looks like."""
    data = load("a: 'true'\nb: \"1:30\"\nc: '017'\nd: \"no\"\n")
    assert data == {"a": "true", "b": "1:30", "c": "017", "d": "no"}


def test_anchors_and_aliases_are_refused_with_their_lines() -> None:
    """``&a`` and ``*a`` are refused, each reported on its own line."""
    problems = problems_of("a: &x [1, 2]\nb: *x\nc: *x\n")
    assert [(p.line, "锚点" in p.message or "别名" in p.message) for p in problems] == [(1, True), (2, True), (3, True)]


def test_alias_bomb_is_refused_before_expansion() -> None:
    """A billion-laughs document is refused from the event stream: nothing is composed, every alias is named."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join(f"*a{i - 1}" for _ in range(9))
        lines.append(f"a{i}: &a{i} [{refs}]")
    problems = problems_of("\n".join(lines))  # expanded, it would be 9**10 strings
    assert len(problems) == 10 + 9 * 9  # ten anchors, 81 aliases
    assert {p.line for p in problems} == set(range(1, 11))


def test_nesting_up_to_the_cap_is_fine_and_deeper_is_refused() -> None:
    """MAX_DEPTH levels of nesting load; one more is refused with its line."""
    data = load("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    depth = 0
    while isinstance(data, list):
        depth += 1
        data = data[0] if data else None
    assert depth == MAX_DEPTH
    problems = problems_of("a: 1\nb: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert len(problems) == 1 and str(MAX_DEPTH) in problems[0].message and problems[0].line == 2


def test_oversized_file_is_refused_without_parsing(tmp_path: Path) -> None:
    """A file over the size cap is refused with its size; the cap itself is fine."""
    big = tmp_path / "big.bank.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(BankFormatError) as info:
        load_yaml(big)
    assert str(MAX_BYTES) in str(info.value)
    with pytest.raises(BankFormatError):
        load_yaml("t.yaml", "a: '" + "x" * MAX_BYTES + "'")
    at_cap = tmp_path / "cap.yaml"
    at_cap.write_bytes(b"a: 1\n" + b"#" * (MAX_BYTES - 5))
    assert load_yaml(at_cap) == {"a": 1}


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    """A key written twice is an error naming the key, its line and the first line; never silently overwritten."""
    problems = problems_of("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert [p.line for p in problems] == [4, 5]
    assert "“c”" in problems[0].message and "3" in problems[0].message
    assert "“a”" in problems[1].message and "1" in problems[1].message


def test_collect_mode_returns_the_data_with_the_problems() -> None:
    """With ``collect``, non-fatal problems are handed back so a caller can report them with its own checks."""
    found: list[Problem] = []
    data = load_yaml("t.yaml", "a: 1\na: 2\nb: !!python/object:os.system x\n", collect=found)
    assert data["a"] == 1  # the first value is kept
    assert [p.line for p in found] == [2, 3]


def test_unsafe_tags_are_refused_not_executed() -> None:
    """Python object tags and other non-core tags are problems, not constructors."""
    problems = problems_of("a: !!python/object/apply:os.system ['echo hacked']\nb: !!binary aGk=\nc: !custom x\n")
    assert len(problems) >= 2
    assert all(p.line in (1, 2, 3) for p in problems)


def test_syntax_error_names_the_line() -> None:
    """A YAML syntax error is one problem with its line."""
    problems = problems_of("a: 1\nb: [1, 2\nc: 3\n")
    assert len(problems) == 1 and problems[0].line is not None and "YAML" in problems[0].message


@pytest.mark.parametrize(("text", "words"), [("", "空"), ("a: 1\n---\nb: 2\n", "一个"), ("# only a comment\n", "空")])
def test_empty_or_multi_document_files_are_refused(text: str, words: str) -> None:
    """An empty file and a file with several documents are refused with a clear message."""
    problems = problems_of(text)
    assert words in problems[0].message


def test_non_utf8_and_missing_files_are_one_problem(tmp_path: Path) -> None:
    """A file that is not UTF-8, or does not exist, is one problem, not an exception."""
    latin = tmp_path / "gbk.yaml"
    latin.write_bytes("题目: 宪法".encode("gbk"))
    with pytest.raises(BankFormatError) as info:
        load_yaml(latin)
    assert "UTF-8" in str(info.value)
    with pytest.raises(BankFormatError) as info:
        load_yaml(tmp_path / "missing.yaml")
    assert "missing.yaml" in str(info.value)


def test_mappings_and_sequences_remember_their_lines() -> None:
    """Every mapping, key and sequence item knows its line, so later checks can name it."""
    data = load("top: 1\nquestions:\n  - id: a\n    stem: x\n  - id: b\n")
    assert isinstance(data, LineDict) and data.key_lines == {"top": 1, "questions": 2}
    questions = data["questions"]
    assert isinstance(questions, LineList) and questions.item_lines == [3, 5]
    assert questions[0].line == 3 and questions[0].key_lines["stem"] == 4
