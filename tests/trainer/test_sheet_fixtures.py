"""Issue 14, Excel/WPS and Aiken: files shaped like the ones trainers have (tests/fixtures/, written by
make_sheet_fixtures.py) import as the person sees them; every question is imported or reported at its row/line."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from exam.banks import load_bank_file
from exam.cli import main
from exam.formats import aiken, xlsx_bank
from exam.formats.convert import ImportOutcome, export_bank, import_bank
from exam.formats.document import line_dict, line_list, question_document, validate_document
from exam.models import Bank
from exam.plugins import Registry
from exam.sheets import TooManyRows, displayed_rows, open_workbook
from exam.store import TinyDBAttemptStore
from exam.trainer.roster import import_roster, read_roster, roster_members
from tests.core._support import clean_env, exam_script
from tests.core.test_unsourced import UNSOURCED_BANK

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WPS_BANK = FIXTURES / "wps_bank.xlsx"
WPS_ROSTER = FIXTURES / "wps_roster.xlsx"
AIKEN_JIEXI = FIXTURES / "aiken_jiexi.txt"
AIKEN_ENGLISH = FIXTURES / "aiken_english.txt"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- the WPS workbook ----------------------------------------------------------------------------------------------


def test_wps_fixture_has_tens_of_thousands_of_formatted_empty_rows() -> None:
    """The fixture is what it claims: 50,000 formatted rows below seven questions (so the tests below mean it)."""
    workbook = openpyxl.load_workbook(WPS_BANK, read_only=True)
    sheet = workbook["试题"]
    assert sheet.max_row is not None and sheet.max_row > 50_000
    workbook.close()


@pytest.fixture(scope="module")
def wps_outcome(registry: Registry) -> ImportOutcome:
    """The WPS workbook imported once for the tests that only read the outcome."""
    return import_bank(WPS_BANK, "xlsx", registry.types, registry.sources, default_id="wps")


def test_wps_bank_imports_what_the_cells_show(wps_outcome: ImportOutcome) -> None:
    """Dates, a [DBNum1] date, 50%, a 题号 formatted 000, a TRUE cell, 0.0-formatted points and a formula's saved value
    import as shown; the formatted empty rows are ignored; Chinese template headers are recognised."""
    outcome = wps_outcome
    by_id = {q["id"]: q for q in outcome.document["questions"]}
    assert by_id["001"]["options"] == ["1982年12月4日", "1954年9月20日", "一九七五年一月十七日", "1978/3/5"]
    assert by_id["001"]["points"] == 2 and by_id["001"]["difficulty"] == 1 and by_id["001"]["tags"] == ["宪法"]
    assert by_id["002"]["answer"] == [["50%"]] and by_id["002"]["points"] == 2.5
    assert by_id["003"]["answer"] is True and by_id["003"]["tags"] == ["宪法", "地方组织法"]
    assert by_id["004"]["answer"] == ["A", "B", "D"] and by_id["004"]["points"] == 3
    assert by_id["005"]["stem"] == "乡镇人大主席团的成员由谁选举产生？"


def test_wps_bank_every_question_is_imported_or_reported_at_its_row(wps_outcome: ImportOutcome) -> None:
    """Seven questions in the file = five imported + two reported, each report at the question's Excel row."""
    outcome = wps_outcome
    reported_rows = {p.line for p in outcome.problems}
    assert reported_rows == {9, 10}
    assert {p.item for p in outcome.problems} == {"006", "007"}
    assert len(outcome.problems) == 2, "one report per faulty question"
    imported = [q for q in outcome.document["questions"] if q.line not in reported_rows]
    assert len(imported) == 5
    assert len(imported) + len(reported_rows) == 7


def test_wps_bank_without_its_faulty_rows_loads_as_an_unsourced_bank(
    wps_outcome: ImportOutcome, registry: Registry
) -> None:
    """The five good questions of the workbook make a bank that loads, every question unsourced (未注明出处)."""
    document = wps_outcome.document
    good = [q for q in document["questions"] if q.line not in {9, 10}]
    document = line_dict({"bank": document["bank"], "questions": line_list(good, 1, [q.line for q in good])}, 1)
    bank = validate_document(document, str(WPS_BANK), registry.types, registry.sources)
    assert len(bank.questions) == 5 and all(q.unsourced for q in bank.questions)


def test_row_limit_counts_filled_rows_only(monkeypatch: pytest.MonkeyPatch, registry: Registry) -> None:
    """The limit counts rows with content (title, header, questions), not formatted empty ones: with a limit of 9 the
    WPS file is read whole; with 8 the row past the limit is reported."""
    # Both the module this test imported and the one in sys.modules now (a test elsewhere in the same worker may have
    # imported the package afresh), so the importer sees the limit whichever it uses.
    modules = {xlsx_bank, sys.modules.get("exam.formats.xlsx_bank", xlsx_bank)}
    for module in modules:
        monkeypatch.setattr(module, "MAX_ROWS", 9)
    outcome = import_bank(WPS_BANK, "xlsx", registry.types, registry.sources, default_id="wps")
    assert {p.line for p in outcome.problems} == {9, 10}
    for module in modules:
        monkeypatch.setattr(module, "MAX_ROWS", 8)
    outcome = import_bank(WPS_BANK, "xlsx", registry.types, registry.sources, default_id="wps")
    assert [p.line for p in outcome.problems if "超过" in p.message] == [10]


def test_displayed_rows_skip_formatted_empty_rows_and_keep_row_numbers() -> None:
    """The shared reader gives only the filled rows, with their worksheet row numbers, and stops at its limit."""
    with open_workbook(WPS_BANK.read_bytes()) as workbook:
        rows = list(displayed_rows(workbook, "试题"))
        assert [number for number, _ in rows] == [1, 3, 4, 5, 6, 7, 8, 9, 10]
        assert rows[1][1][:3] == ("题号", "试题类型", "试题内容")
        with pytest.raises(TooManyRows) as caught:
            list(displayed_rows(workbook, "试题", limit=2))
        assert caught.value.row == 4


# -- headers -------------------------------------------------------------------------------------------------------


def sheet_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FIELD_VALUES: dict[str, str] = {
    "id": "k1", "keywords": "遵守", "explanation": "见第一条。", "difficulty": "3", "tags": "章节一",
    "points": "4", "group": "g1",
}  # fmt: skip


@pytest.mark.parametrize(
    ("field", "name"),
    [(field, name) for field, names in xlsx_bank.FIELD_HEADERS.items() for name in names
     if field in FIELD_VALUES or field.startswith("option:")],
)  # fmt: skip
def test_every_recognised_header_name_reads_its_column(registry: Registry, field: str, name: str) -> None:
    """Each header name of the table (the template's and those of Chinese exam templates) fills its field."""
    base = {"题型": "单选", "题干": "题？", "答案": "A", "选项A": "甲", "选项B": "乙"}
    if field.startswith("option:"):
        letter = field.split(":")[1]
        base = {"题型": "单选", "题干": "题？", "答案": "A"}
        base.update({f"选项{x}": x * 2 for x in "ABCDEFGH"[: "ABCDEFGH".index(letter)]})
        base[name] = "新选项"
    else:
        base[name] = FIELD_VALUES[field]
    data = sheet_bytes([list(base), list(base.values())])
    imported = xlsx_bank.read_xlsx("t.xlsx", registry.types, data=data)
    assert imported.problems == []
    (question,) = imported.questions
    if field.startswith("option:"):
        assert question["options"][-1] == "新选项"
    elif field == "keywords":  # read for 简答 only: the column is recognised (no problem) and ignored here
        assert "keywords" not in question and question["type"] == "single"
    else:
        expected = {"difficulty": 3, "points": 4, "tags": ["章节一"]}.get(field, FIELD_VALUES[field])
        assert question[field] == expected


@pytest.mark.parametrize(
    "header",
    [
        ["试题类型", "试题内容", "选项 A", "选项 B", "标准答案", "试题解析"],
        ["题型", "题目", "A", "B", "正确答案", "答案解析"],
        ["类型", "试题", "选项A（必填）", "选项B", "答案*", "解析"],
        ["*题型", "题干：", "A选项", "B选项", "参考答案", "解析"],
    ],
)
def test_chinese_template_layouts_import(registry: Registry, header: list[str]) -> None:
    """Whole header rows of common Chinese exam templates import a question with its options and explanation."""
    data = sheet_bytes([["某培训班试题"], header, ["单选题", "题干文字？", "甲", "乙", "B", "解析文字"]])
    imported = xlsx_bank.read_xlsx("t.xlsx", registry.types, data=data)
    assert imported.problems == []
    (question,) = imported.questions
    assert (question["stem"], question["options"], question["answer"]) == ("题干文字？", ["甲", "乙"], "B")
    assert question["explanation"] == "解析文字" and question.line == 3


def test_a_header_without_required_columns_is_one_report_naming_what_was_found_and_expected(
    registry: Registry,
) -> None:
    """A header missing 答案 gives one problem at the header row naming the columns found and the names of the missing
    one, not a problem on every row."""
    rows: list[list[object]] = [["题型", "题干", "选项A", "选项B", "备注"]]
    rows += [["单选", f"第{n}题？", "甲", "乙", "x"] for n in range(30)]
    imported = xlsx_bank.read_xlsx("t.xlsx", registry.types, data=sheet_bytes(rows))
    assert imported.questions == []
    (problem,) = imported.problems
    assert problem.line == 1
    assert "题型、题干、选项A、选项B" in problem.message
    assert "答案/正确答案/标准答案/参考答案" in problem.message


def test_a_sheet_without_any_header_is_one_report_quoting_its_first_row(registry: Registry) -> None:
    """No header in the first ten filled rows: one problem naming the sheet, its first row and the columns needed."""
    rows: list[list[object]] = [["序号", "内容", "结果"]]
    rows += [[n, "文字", "A"] for n in range(20)]
    imported = xlsx_bank.read_xlsx("t.xlsx", registry.types, data=sheet_bytes(rows))
    (problem,) = imported.problems
    assert problem.line == 1
    assert "序号、内容、结果" in problem.message and "题干/题目/试题/试题内容" in problem.message


# -- the roster ----------------------------------------------------------------------------------------------------


def test_wps_roster_keeps_leading_zeros_of_the_ids(store: TinyDBAttemptStore) -> None:
    """考号 stored as numbers formatted 000000 import as shown (000123), next to a text 考号 and a plain number; the
    birth-date column and 20,000 formatted empty rows are ignored."""
    sheet = read_roster(WPS_ROSTER)
    assert sheet.problems == []
    assert [(row, member.id) for row, member in sheet.members] == [
        (3, "000123"), (4, "004567"), (5, "000789"), (6, "320101"),
    ]  # fmt: skip
    result = import_roster(store, WPS_ROSTER)
    assert result.added == 4
    assert {m.id for m in roster_members(store)} == {"000123", "004567", "000789", "320101"}


# -- Aiken ---------------------------------------------------------------------------------------------------------


def test_aiken_with_jiexi_lines_imports_explanations_and_reports_each_problem_at_its_line() -> None:
    """Six questions = five imported (解析 lines as explanations) + one reported at its first line; the unmarked
    line after an ANSWER is reported at its own line and joins no question."""
    imported = aiken.parse_aiken(AIKEN_JIEXI.read_text(encoding="utf-8"), str(AIKEN_JIEXI))
    stems = [q["stem"].split("．")[0] for q in imported.questions]
    assert stems == ["1", "2", "3", "5", "6"]
    explanations = [q["explanation"] for q in imported.questions]
    assert explanations == [
        "宪法第九十五条第一款。", "宪法第九十八条规定，\n每届任期五年。", "",
        "选举法第二十五条。", "选举法第五十七条。",
    ]  # fmt: skip
    assert [p.line for p in imported.problems] == [22, 24]
    assert all("这一行没有标明" not in q["stem"] for q in imported.questions)
    assert len(imported.questions) + 1 == 6


def test_aiken_unfinished_question_does_not_swallow_the_next() -> None:
    """A question without ANSWER followed by a blank line and a good question: reported at its own first line, and
    the next question imports whole (the shape of Moodle's error fixture)."""
    text = "未完成的题\nA) 甲\nB) 乙\n\n完整的题\nA)甲\nB)乙\nANSWER: B\n"
    imported = aiken.parse_aiken(text, "t.txt")
    assert [p.line for p in imported.problems] == [1]
    (question,) = imported.questions
    assert (question["stem"], question["options"], question["answer"]) == ("完整的题", ["甲", "乙"], "B")


def test_aiken_file_in_moodles_shape_imports_into_a_bank_that_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An English Aiken file as Moodle writes it (CRLF, A) marks, HTML characters) imports with exit 0, and
    ``exam --banks-dir DIR banks list`` loads the bank."""
    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    output = banks_dir / "moodle-aiken.bank.yaml"
    code, _, err = run(capsys, "banks", "import", str(AIKEN_ENGLISH), "--format", "aiken", "-o", str(output))
    assert code == 0, err
    code, out, err = run(capsys, "--banks-dir", str(banks_dir), "banks", "list")
    assert code == 0, err
    assert "moodle-aiken" in out
    code, out, _ = run(capsys, "--banks-dir", str(banks_dir), "banks", "dump", "--bank", "moodle-aiken")
    assert code == 0 and out.count("\n") == 3 and "<his & her>" in out


def test_installed_exam_imports_the_aiken_files_into_banks_it_lists(tmp_path: Path) -> None:
    """The installed ``exam`` command, as a trainer runs it: the Aiken file without faults imports (exit 0) and
    ``exam --banks-dir DIR banks list`` lists it; the file with faults has each one named with its line."""
    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    env = clean_env(tmp_path)

    def exam(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(exam_script()), *args], capture_output=True, text=True, env=env, timeout=120)

    done = exam("banks", "import", str(AIKEN_ENGLISH), "--format", "aiken", "-o", str(banks_dir / "english.bank.yaml"))
    assert done.returncode == 0, done.stderr
    faulty = exam("banks", "import", str(AIKEN_JIEXI), "--format", "aiken", "-o", str(banks_dir / "jiexi.bank.yaml"))
    shown = faulty.stdout + faulty.stderr
    assert f"{AIKEN_JIEXI}:22" in shown and f"{AIKEN_JIEXI}:24" in shown
    listed = exam("--banks-dir", str(banks_dir), "banks", "list")
    assert listed.returncode == 0, listed.stderr
    assert "english" in listed.stdout


# -- round trips ---------------------------------------------------------------------------------------------------


def unsourced_bank(tmp_path: Path, registry: Registry) -> Bank:
    path = tmp_path / "imported.bank.yaml"
    path.write_text(UNSOURCED_BANK, encoding="utf-8")
    return load_bank_file(path, registry.types, registry.sources)


def test_unsourced_bank_round_trips_through_xlsx(tmp_path: Path, registry: Registry) -> None:
    """bank → xlsx → bank keeps every question of a bank with unsourced questions, unsourced."""
    bank = unsourced_bank(tmp_path, registry)
    data, skipped = export_bank(bank, "xlsx")
    assert skipped == []
    imported = xlsx_bank.read_xlsx("back.xlsx", registry.types, registry.sources, data=data)
    assert imported.problems == []
    back = validate_document(imported.document(bank.id, bank.title), "back.xlsx", registry.types, registry.sources)
    assert [question_document(q) for q in back.questions] == [question_document(q) for q in bank.questions]
    assert [q.unsourced for q in back.questions] == [True, True, False]


def test_imported_aiken_bank_round_trips_through_aiken(tmp_path: Path, registry: Registry) -> None:
    """bank → Aiken → bank keeps what Aiken carries (stem, options, key) of every question of an Aiken import."""
    imported = aiken.parse_aiken(AIKEN_JIEXI.read_text(encoding="utf-8"), "jiexi.txt")
    bank = validate_document(imported.document("jiexi", "解析"), "jiexi.txt", registry.types, registry.sources)
    data, skipped = export_bank(bank, "aiken")
    assert skipped == []
    again = aiken.parse_aiken(data.decode("utf-8"), "again.txt")
    assert again.problems == []
    back = validate_document(again.document("jiexi", "解析"), "again.txt", registry.types, registry.sources)

    def carried(b: Bank) -> list[tuple[object, ...]]:
        return [(q.stem, q.options, q.answer) for q in b.questions]

    assert carried(back) == carried(bank) and len(back.questions) == 5
