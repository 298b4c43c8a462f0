"""Names with control characters (issue 11): whatever arrives through `exam results import`, a roster, a plugin or a
bank file, no control character or escape sequence reaches the terminal or a csv/xlsx cell, and the score sheet is
still written for everyone."""

from __future__ import annotations

import json
import re
import textwrap
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exam.cli import main
from exam.exporters import ScoreSheet
from exam.models import Trainee
from exam.plugins import Registry, load_registry
from exam.service import ExamService
from exam.sheets import write_csv, write_xlsx
from exam.store import TinyDBAttemptStore
from exam.trainer.results_io import export_results
from tests.conftest import FakeClock
from tests.core._support import bank_yaml, builtin_banks_present
from tests.trainer._support import sit_paper

HOSTILE = "张\x00三\x1b[5m闪\x1b[0m\x1b]8;;https://evil.example/\x1b\\链接\x1b]8;;\x1b\\\x9b31m红\u202e反\x07"
SHOWN = "张三闪链接红反"
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
"""Control characters (but \\t and \\n), DEL, C1, bidi controls: written out independently of exam.safetext."""

pytestmark = pytest.mark.skipif("speech" not in builtin_banks_present(), reason="needs the built-in speech bank")


def assert_clean(text: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, (
        f"{found.group()!r} at {found.start()}: {text[max(0, found.start() - 20) : found.end() + 20]!r}"
    )


def assert_clean_xlsx(path: Path) -> list[str]:
    """Every XML part of the workbook is free of control characters; returns every text cell's value."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            assert_clean(archive.read(name).decode("utf-8").replace("\r\n", "\n"))
    texts = []
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows(values_only=True):
            texts += [v for v in row if isinstance(v, str)]
    return texts


@pytest.fixture
def imported_store(registry: Registry, tmp_path: Path, clock: FakeClock) -> Path:
    """A store that imported, with `exam results import`, a results file whose trainee name, unit and one typed
    answer were edited to carry control characters and escape sequences (a file carried from another machine)."""
    other = ExamService(registry, TinyDBAttemptStore(tmp_path / "other"), clock, clock.monotonic)
    sit_paper(other, clock, Trainee("原名", "320109", unit="城关镇"), "speech", correct=10)
    source = tmp_path / "from-b.jsonl"
    export_results(other, source)
    header, line = source.read_text(encoding="utf-8").splitlines()[:2]  # the file's MAC line is dropped: edited
    record = json.loads(line)
    record["trainee"]["name"] = HOSTILE
    record["trainee"]["unit"] = "\x1b[31m城关镇\u2066"
    record["answers"][0]["response"] = "\x9b2J答\x1b]0;标题\x07案"
    source.write_text(header + "\n" + json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    assert main(["--db", str(store), "results", "import", str(source), "--allow-unverified"]) == 0
    return store


def test_results_import_neutralises_names_for_every_output(
    imported_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After the import: `exam results` (table and jsonl), the xlsx and the csv score sheet show the name's visible
    characters and no control character, in the output bytes themselves."""
    capsys.readouterr()
    assert main(["--db", str(imported_store), "results"]) == 0
    table = capsys.readouterr().out
    assert_clean(table)
    assert SHOWN in table and "城关镇" in table
    assert main(["--db", str(imported_store), "results", "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out
    assert_clean(lines)
    record = json.loads(lines)
    assert record["trainee"]["name"] == SHOWN and record["trainee"]["unit"] == "城关镇"
    assert record["answers"][0]["response"] == "答案"
    xlsx, csv = tmp_path / "成绩单.xlsx", tmp_path / "成绩单.csv"
    assert main(["--db", str(imported_store), "export", "scores", "--paper", "speech", "-o", str(xlsx)]) == 0
    assert main(["--db", str(imported_store), "export", "scores", "--paper", "speech", "-o", str(csv)]) == 0
    assert SHOWN in assert_clean_xlsx(xlsx)
    text = csv.read_bytes().decode("utf-8-sig")
    assert_clean(text.replace("\r\n", "\n"))
    assert SHOWN in text


def test_a_score_sheet_is_written_whatever_its_text_holds(tmp_path: Path) -> None:
    """The sinks themselves: a sheet whose title, headers and cells carry NUL, ESC, OSC 8, C1 CSI and bidi controls
    (text stored by an older version, or passed by a plugin) is written as xlsx and csv, with the visible text."""
    sheet = ScoreSheet(
        title="成绩\x1b[5m单",
        headers=("姓名\x00", "单位"),
        rows=((HOSTILE, "=1+1\x9b"), ("李四", 95)),
        extra_sheets=(("明细\u202e", ("题\x1b]8;;x\x07号",), ((HOSTILE,),)),),
    )
    write_xlsx(sheet, tmp_path / "s.xlsx")
    texts = assert_clean_xlsx(tmp_path / "s.xlsx")
    assert SHOWN in texts and "姓名" in texts and "'=1+1" not in texts and "=1+1" in texts
    assert load_workbook(tmp_path / "s.xlsx").sheetnames == ["成绩单", "明细"]
    write_csv(sheet, tmp_path / "s.csv")
    text = (tmp_path / "s.csv").read_bytes().decode("utf-8-sig")
    assert_clean(text.replace("\r\n", "\n"))
    assert SHOWN in text and "'=1+1" in text


def test_roster_with_control_characters_is_refused_naming_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A roster row whose name or unit carries control characters or a bidi override is named (row, 考号); nothing
    is imported; nothing printed carries a control character."""
    roster = tmp_path / "名单.csv"
    roster.write_text(
        f"姓名,考号,单位,职务\n王五,320103,城关镇,主席\n{HOSTILE},320104,城关镇,主席\n赵六,320105,\u202e镇关城,主席\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "store")
    assert main(["--db", db, "roster", "import", str(roster)]) == 1
    captured = capsys.readouterr()
    assert_clean(captured.out + captured.err)
    assert f"{roster}:3 [320104]" in captured.out and f"{roster}:4 [320105]" in captured.out
    assert main(["--db", db, "roster", "list"]) == 0
    assert "王五" not in capsys.readouterr().out


PLUGIN = """\
import dataclasses
from exam import hookimpl
from exam.papers import PaperSpec, SectionSpec


@hookimpl
def exam_register_banks(register):
    from exam.plugins import load_registry

    speech = load_registry(plugins_dir=None).banks["speech"]
    question = next(q for q in speech.questions if q.type == "single")
    options = ("\\x1b[5m" + question.options[0],) + question.options[1:]
    hostile = dataclasses.replace(question, id="hostile:q1", bank="hostile", options=options)
    register(dataclasses.replace(speech, id="hostile", title="恶意题库", questions=(hostile,)))


@hookimpl
def exam_register_papers(register):
    register(PaperSpec(id="hostile", title="\\x1b]8;;https://evil.example/\\x1b\\\\试卷", time_limit=5, pass_mark=1,
                       sections=(SectionSpec(type="single", count=1, points=1, banks=("speech",)),)))
"""


def test_plugin_text_with_escape_sequences_is_refused_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plugin's bank object with an ANSI option and its paper with an OSC 8 title are not loaded; `exam plugins`
    names the field, and prints no control character; the other banks and papers work."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "hostile_plugin.py").write_text(PLUGIN, encoding="utf-8")
    registry = load_registry(plugins_dir=folder)
    assert "hostile" not in registry.banks and "hostile" not in registry.papers
    assert "speech" in registry.banks and "speech" in registry.papers
    errors = "\n".join(e for p in registry.plugins.values() for e in p.errors)
    assert "questions[0].options[0]" in errors and "U+001B" in errors and "title" in errors
    assert main(["--plugins-dir", str(folder), "plugins"]) == 0
    out = capsys.readouterr().out
    assert_clean(out)
    assert "hostile_plugin" in out
    assert main(["--plugins-dir", str(folder), "plugins", "--format", "json"]) == 0
    assert_clean(capsys.readouterr().out)


def test_validate_names_the_line_of_an_ansi_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`exam banks validate`: an option written with an escape (``"\\e[5m三年"``) and a stem with a bidi override are
    reported with file, line and question id; a raw NUL in the file is reported with its line."""
    text = bank_yaml().replace("options: [三年, 五年, 四年, 六年]", 'options: ["\\e[5m三年", 五年, 四年, 六年]')
    text = text.replace("stem: 主席团在大会闭会期间也存在。", 'stem: "主席团在\\u202E大会闭会期间也存在。"')
    path = tmp_path / "town.bank.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    option_line = next(i for i, line in enumerate(lines, 1) if "\\e[5m" in line)
    stem_line = next(i for i, line in enumerate(lines, 1) if "\\u202E" in line)
    assert main(["banks", "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert_clean(out)
    assert f"{path}:{option_line} [q1]: " in out and "U+001B" in out
    assert f"{path}:{stem_line} [q2]: " in out and "U+202E" in out

    raw = textwrap.dedent(text).replace('"\\e[5m三年"', "三\x00年")
    path.write_text(raw, encoding="utf-8")
    assert main(["banks", "validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert_clean(captured.out + captured.err)
    assert f"{path}:{option_line}" in captured.out and "U+0000" in captured.out
