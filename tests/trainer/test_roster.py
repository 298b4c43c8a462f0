"""The roster (花名册): import from xlsx/csv, problems by row, ``exam roster`` (exam.trainer.roster)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from exam.cli import main
from exam.models import Trainee
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.trainer.roster import RosterError, import_roster, read_roster, roster_members

ROWS = [
    ["姓名", "考号", "单位", "职务"],
    ["张三", "320101", "城关镇", "人大主席"],
    ["李四", "320102", "河口镇", "人大副主席"],
    ["王五", "32010X", "", ""],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode(encoding) + b"\r\n")
    return path


def test_roster_csv_with_bom_is_imported(tmp_path: Path, store: TinyDBAttemptStore) -> None:
    """A UTF-8 csv with BOM (as Excel saves it) is imported; every member is stored under their 考号."""
    path = write_csv(tmp_path / "花名册.csv", ROWS, "utf-8-sig")
    result = import_roster(store, path)
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    assert store.get_record("roster", "320101") == {
        "name": "张三",
        "id": "320101",
        "unit": "城关镇",
        "position": "人大主席",
    }
    assert store.get_record("roster", "32010X")["name"] == "王五"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_roster_csv_without_bom_and_gbk_are_read(tmp_path: Path, encoding: str) -> None:
    """UTF-8 without BOM and GBK (Excel on Chinese Windows) give the same names."""
    sheet = read_roster(write_csv(tmp_path / "r.csv", ROWS, encoding))
    assert sheet.problems == []
    assert [m.name for _, m in sheet.members] == ["张三", "李四", "王五"]


def test_roster_xlsx_is_imported_with_numbers_formulas_and_extra_columns(
    tmp_path: Path, store: TinyDBAttemptStore
) -> None:
    """An Excel sheet with a title row, columns in another order, numeric 考号 and a formula-like name imports; the
    name stays the text that was typed."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["2026年乡镇人大主席培训班花名册"])
    sheet.append(["序号", "单位", "姓名", "职务", "考号"])
    sheet.append([1, "城关镇", "张三", "人大主席", 320101])
    sheet.append([2, "河口镇", '=HYPERLINK("http://x","李四")', "人大副主席", 320102.0])
    sheet.append([None, None, None, None, None])
    path = tmp_path / "花名册.xlsx"
    workbook.save(path)
    result = import_roster(store, path)
    assert result.added == 2
    members = {m.id: m for m in roster_members(store)}
    assert members["320101"] == Trainee("张三", "320101", "城关镇", "人大主席")
    assert members["320102"].name == '=HYPERLINK("http://x","李四")'


def test_roster_bad_rows_are_reported_by_row_and_nothing_is_stored(tmp_path: Path, store: TinyDBAttemptStore) -> None:
    """Missing names, invalid or missing 考号 and repeated 考号 are each reported with their row; nothing is stored."""
    rows = [
        ["姓名", "考号", "单位", "职务"],
        ["张三", "320101", "城关镇", "人大主席"],  # row 2
        ["", "320103", "城关镇", ""],  # row 3: no name
        ["李四", "32 01/02", "", ""],  # row 4: bad id
        ["王五", "", "", ""],  # row 5: no id
        ["赵六", "320101", "", ""],  # row 6: repeats row 2
        ["", "", "", ""],  # row 7: empty, skipped
    ]
    path = write_csv(tmp_path / "bad.csv", rows, "utf-8-sig")
    with pytest.raises(RosterError) as caught:
        import_roster(store, path)
    problems = caught.value.problems
    assert [p.line for p in problems] == [3, 4, 5, 6]
    assert "第 2 行" in problems[-1].message
    assert store.all_records("roster") == {}


def test_roster_without_headers_says_which_are_needed(tmp_path: Path) -> None:
    """A sheet without 姓名/考号 headers is one problem naming them."""
    sheet = read_roster(write_csv(tmp_path / "r.csv", [["name?", "x"], ["a", "b"]], "utf-8"))
    assert len(sheet.problems) == 1 and "姓名" in sheet.problems[0].message


def test_roster_import_again_updates_by_id(tmp_path: Path, store: TinyDBAttemptStore) -> None:
    """Importing again updates members with the same 考号 and counts what changed."""
    import_roster(store, write_csv(tmp_path / "a.csv", ROWS, "utf-8"))
    changed = [ROWS[0], ["张三", "320101", "城关镇", "人大专职副主席"], ROWS[2], ["钱七", "320104", "", ""]]
    result = import_roster(store, write_csv(tmp_path / "b.csv", changed, "utf-8"))
    assert (result.added, result.updated, result.unchanged) == (1, 1, 1)
    assert store.get_record("roster", "320101")["position"] == "人大专职副主席"
    assert len(store.all_records("roster")) == 4


def test_service_roster_lists_members_by_unit_then_id(
    tmp_path: Path, store: TinyDBAttemptStore, service: ExamService
) -> None:
    """ExamService.roster() gives the imported members as Trainees, ordered by 单位 then 考号."""
    assert service.roster() == []
    import_roster(store, write_csv(tmp_path / "a.csv", ROWS, "utf-8"))
    assert [m.id for m in service.roster()] == ["32010X", "320101", "320102"]


def test_roster_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """exam roster import reports counts (or the bad rows, exit 1); exam roster list shows the members."""
    db = str(tmp_path / "store")
    good = write_csv(tmp_path / "good.csv", ROWS, "utf-8-sig")
    assert main(["--db", db, "roster", "list"]) == 0
    assert "为空" in capsys.readouterr().out
    assert main(["--db", db, "roster", "import", str(good)]) == 0
    assert "3" in capsys.readouterr().out
    assert main(["--db", db, "roster", "list", "--unit", "城关镇"]) == 0
    out = capsys.readouterr().out
    assert "张三" in out and "李四" not in out
    bad = write_csv(tmp_path / "bad.csv", [ROWS[0], ["", "1", "", ""]], "utf-8")
    assert main(["--db", db, "roster", "import", str(bad)]) == 1
    assert f"{bad}:2" in capsys.readouterr().out
    assert main(["--db", db, "roster", "import", str(tmp_path / "missing.csv")]) == 1
    assert "missing.csv" in capsys.readouterr().err
