"""Unsourced questions (issue 14): an imported bank without ``sources`` loads, its questions marked 未注明出处; a bank
that declares ``sources`` (every built-in) keeps the grounding rules mandatory."""

from __future__ import annotations

import re
import textwrap
from importlib import resources
from pathlib import Path

import pytest

from exam.banks import load_bank_file
from exam.errors import BankFormatError
from exam.grounding import check_question
from exam.models import Question
from exam.plugins import Registry

UNSOURCED_BANK = """\
bank:
  id: imported
  title: 导入的题库
  version: "1.0"
questions:
  - id: q001
    type: single
    stem: 乡镇人民代表大会每届任期几年？
    options: [三年, 五年]
    answer: B
    source: null
  - id: q002
    type: judge
    stem: 主席团在大会闭会期间也存在。
    answer: true
    explanation: 本镇制度如此规定。
  - id: q003
    type: single
    stem: 谁召集会议？
    options: [主席团, 乡长]
    answer: A
    explanation: 第四条。
    source: {doc: town-doc, article: 4}
    quote: 主席团召集
"""


def write(tmp_path: Path, text: str, name: str = "imported.bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bank_without_sources_loads_questions_without_source(tmp_path: Path, registry: Registry) -> None:
    """Without ``sources:``, questions with neither source nor quote (nor explanation) load as unsourced; a question
    that names a source keeps it."""
    bank = load_bank_file(write(tmp_path, UNSOURCED_BANK), registry.types, registry.sources)
    by_id = {q.local_id: q for q in bank.questions}
    assert [by_id["q001"].unsourced, by_id["q002"].unsourced, by_id["q003"].unsourced] == [True, True, False]
    assert by_id["q001"].source is None and by_id["q001"].quote == "" and by_id["q001"].explanation == ""
    assert by_id["q003"].citation.article == 4
    with pytest.raises(ValueError):
        _ = by_id["q001"].citation


def test_unsourced_question_round_trips_through_its_record(tmp_path: Path, registry: Registry) -> None:
    """The stored paper snapshot (to_dict/from_dict) keeps a question unsourced."""
    bank = load_bank_file(write(tmp_path, UNSOURCED_BANK), registry.types, registry.sources)
    question = bank.questions[0]
    record = question.to_dict()
    assert record["source"] is None
    assert Question.from_dict(record) == question


def test_quote_without_source_is_reported_at_its_line(tmp_path: Path, registry: Registry) -> None:
    """A quote with no source is one problem at the quote's line; a source without quote still wants the quote."""
    text = UNSOURCED_BANK.replace("    source: null\n", "    quote: 每届任期五年\n").replace(
        "    quote: 主席团召集\n", ""
    )
    with pytest.raises(BankFormatError) as caught:
        load_bank_file(write(tmp_path, text), registry.types, registry.sources)
    found = [(p.line, p.item) for p in caught.value.problems]
    quote_line = text.splitlines().index("    quote: 每届任期五年") + 1
    assert (quote_line, "q001") in found
    assert any(p.item == "q003" and "quote" in p.message for p in caught.value.problems)
    assert len(found) == 2


def test_bank_declaring_sources_keeps_every_field_mandatory(tmp_path: Path, registry: Registry) -> None:
    """With ``sources:`` declared, a question without source, quote or explanation is refused, one problem each."""
    text = UNSOURCED_BANK.replace('  version: "1.0"\n', '  version: "1.0"\n  sources: [town-doc]\n')
    with pytest.raises(BankFormatError) as caught:
        load_bank_file(write(tmp_path, text), registry.types, registry.sources)
    messages = sorted((p.item or "", p.message) for p in caught.value.problems)
    assert [item for item, _ in messages] == ["q001", "q001", "q001", "q002", "q002"]
    assert all("缺少必填字段" in message for _, message in messages)


@pytest.mark.parametrize("field", ["quote", "source"])
def test_builtin_bank_with_a_missing_field_still_fails(tmp_path: Path, registry: Registry, field: str) -> None:
    """A built-in bank (it declares its sources) with one question's quote or source removed does not load."""
    text = (resources.files("exam_bank_constitution") / "constitution-2018.bank.yaml").read_text(encoding="utf-8")
    assert re.search(r"^  sources: \[constitution-2018\]$", text, re.MULTILINE)
    first = re.search(rf"^    {field}: .*\n", text, re.MULTILINE)
    assert first is not None
    damaged = text[: first.start()] + text[first.end() :]
    with pytest.raises(BankFormatError) as caught:
        load_bank_file(write(tmp_path, damaged, "constitution-2018.bank.yaml"), registry.types, registry.sources)
    assert [p.message for p in caught.value.problems] == [f"缺少必填字段“{field}”"]


def test_grounding_reports_an_unsourced_question(tmp_path: Path, registry: Registry) -> None:
    """``exam banks validate --grounding`` cannot check an unsourced question, and says so."""
    bank = load_bank_file(write(tmp_path, UNSOURCED_BANK), registry.types, registry.sources)
    assert check_question(bank.questions[0], registry.sources) == ["未注明出处：无法核对答案是否见于原文"]


def test_unsourced_bank_is_listed_by_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``exam --banks-dir DIR banks list`` loads and lists a bank of unsourced questions."""
    from exam.cli import main

    write(tmp_path, textwrap.dedent(UNSOURCED_BANK))
    code = main(["--banks-dir", str(tmp_path), "banks", "list"])
    out = capsys.readouterr().out
    assert code == 0 and "imported" in out and "导入的题库" in out
