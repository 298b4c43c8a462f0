"""Score sheets: ``exam export scores`` to xlsx and csv, opened again with openpyxl and the csv module."""

from __future__ import annotations

import csv
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from exam.attempts import Attempt
from exam.cli import main
from exam.i18n import set_language
from exam.messages import CATALOGUE
from exam.models import Trainee
from exam.service import ExamService
from exam.sheets import safe_cell
from exam.store import TinyDBAttemptStore
from exam.trainer.scoresheet import competition_ranks
from tests.conftest import FakeClock
from tests.trainer._support import sit_paper

INJECTED = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)"]
SCORE_HEADERS = ["序号", "姓名", "考号", "单位", "职务", "得分", "满分", "是否合格", "用时", "开始时间", "交卷时间",
                 "交卷方式", "排名"]  # fmt: skip


@pytest.fixture
def sat(service: ExamService, clock: FakeClock, store: TinyDBAttemptStore) -> dict[str, Attempt]:
    """Six trainees sit 讲话精神测试 (30 questions, 100 points): four with formula-like names, one timed out,
    two with equal scores; one roster member never sits it."""
    people: list[tuple[Trainee, int, dict[str, Any]]] = [
        (Trainee(INJECTED[0], "320101", "城关镇", "人大主席"), 30, {}),
        (Trainee(INJECTED[1], "320102", "城关镇", "人大副主席"), 20, {}),
        (Trainee(INJECTED[2], "320103", "东湖街道", "人大工委主任"), 20, {}),
        (Trainee(INJECTED[3], "320104", "东湖街道", "=1+1"), 10, {"auto": True, "minutes": 20}),
        (Trainee("王五", "320105", "城关镇", "人大主席"), 25, {"minutes": 12.5}),
        (Trainee("赵六", "320106", "西山镇", "人大主席"), 0, {}),
    ]
    attempts = {}
    for trainee, correct, kwargs in people:
        attempts[trainee.id] = sit_paper(service, clock, trainee, "speech", correct, **kwargs)
    store.put_record("roster", "320199", {"name": "李四", "id": "320199", "unit": "城关镇", "position": "人大主席"})
    store.put_record(
        "roster", "320101", {"name": INJECTED[0], "id": "320101", "unit": "城关镇", "position": "人大主席"}
    )
    return attempts


def export(store_dir: Path, out: Path, *extra: str) -> int:
    return main(["--db", str(store_dir), "export", "scores", "--paper", "speech", "-o", str(out), *extra])


SHEETS = ["成绩单", "答题明细", "试题分析", "单位统计", "知识点掌握", "汇总", "明细数据"]


def rows_of(ws: Any) -> list[list[Any]]:
    """The cell values of a worksheet, row by row (cells hold text, numbers, dates or None)."""
    return [list(row) for row in ws.iter_rows(values_only=True)]


def header_row(ws: Any) -> int:
    """The worksheet row of a sheet's headers: the one frozen at the top (the title block is above it)."""
    frozen = ws.freeze_panes
    assert frozen is not None and frozen.startswith("A")
    return int(frozen[1:]) - 1


def headers_of(ws: Any) -> list[Any]:
    return rows_of(ws)[header_row(ws) - 1]


def body_of(ws: Any) -> list[list[Any]]:
    """The rows under the header row."""
    return rows_of(ws)[header_row(ws) :]


def test_xlsx_has_the_four_sheets_with_chinese_headers_and_a_frozen_header_row(
    sat: dict[str, Attempt], store_dir: Path, tmp_path: Path
) -> None:
    """The workbook holds its seven sheets; each opens with a title block (paper and sheet, then the period and head
    counts), has its header row frozen and repeated on every printed page, and prints fit to width: landscape when
    wide (成绩单), portrait when narrow (汇总)."""
    out = tmp_path / "成绩单.xlsx"
    assert export(store_dir, out) == 0
    workbook = load_workbook(out)
    assert workbook.sheetnames == SHEETS
    scores = workbook["成绩单"]
    headers = headers_of(scores)
    assert headers[:13] == SCORE_HEADERS
    assert headers[13:17] == ["单选题得分", "多选题得分", "判断题得分", "填空题得分"]
    for ws in workbook:
        assert ws["A1"].value == f"讲话精神测试 · {ws.title}" or ws["A1"].value.endswith(f" · {ws.title}")
        assert "应考 7 人，参考 6 人，在考 0 人，缺考 1 人，答卷 6 份" in ws["A2"].value
        assert ws.print_title_rows == f"${header_row(ws)}:${header_row(ws)}"
        assert ws.page_setup.fitToWidth == 1
        setup = ws.sheet_properties.pageSetUpPr
        assert setup is not None and setup.fitToPage is True
    assert scores.page_setup.orientation == "landscape"
    assert workbook["汇总"].page_setup.orientation == "portrait"
    assert scores.column_dimensions["J"].width >= 19  # 开始时间 fits a full date and time
    detail = headers_of(workbook["答题明细"])
    assert detail[:4] == ["姓名", "考号", "单位", "得分"]
    assert detail[4:] == [f"第{n}题" for n in range(1, 1 + max(len(a.answers) for a in sat.values()))]
    assert headers_of(workbook["试题分析"])[:6] == [
        "序号",
        "题目编号",
        "题型",
        "题干",
        "标准答案",
        "作答人数",
    ]


def test_score_rows_are_ranked_with_numbers_stored_as_numbers(
    sat: dict[str, Attempt], store_dir: Path, tmp_path: Path
) -> None:
    """Scores, full marks and ranks are numbers, times are dates and durations, equal scores share a rank."""
    out = tmp_path / "scores.xlsx"
    export(store_dir, out)
    ws = load_workbook(out)["成绩单"]
    rows = body_of(ws)
    by_id = {row[2]: row for row in rows}
    assert [row[2] for row in rows[:6]] == ["320101", "320105", "320102", "320103", "320104", "320106"]
    top = by_id["320101"]
    assert top[5] == 100 and isinstance(top[5], int)
    assert top[6] == 100
    assert top[7] == "合格"
    assert top[8] == timedelta(minutes=5)
    assert top[9] == datetime(2026, 11, 26, 9, 0)
    assert top[10] == datetime(2026, 11, 26, 9, 5)
    assert top[11] == "自行交卷"
    assert by_id["320105"][8] == timedelta(minutes=12, seconds=30)
    assert by_id["320102"][12] == by_id["320103"][12] == 3  # equal scores share 3rd place
    assert by_id["320104"][12] == 5
    assert by_id["320104"][11] == "超时自动交卷"
    assert by_id["320106"][5] == 0 and by_id["320106"][7] == "不合格"
    for row in rows[:6]:
        assert row[5] == sat[row[2]].score
        assert sum(v for v in row[13:17]) == pytest.approx(row[5])  # score per question type adds up
    first = header_row(ws)
    for cell in ws["F"][first : first + 6] + ws["M"][first : first + 6]:
        assert cell.data_type == "n"


def test_roster_members_who_never_sat_are_listed_as_absent(
    sat: dict[str, Attempt], store_dir: Path, tmp_path: Path
) -> None:
    """A roster member without an attempt appears once as 缺考, after the ranked rows; one who sat does not."""
    out = tmp_path / "scores.xlsx"
    export(store_dir, out)
    rows = body_of(load_workbook(out)["成绩单"])
    absent = [row for row in rows if row[7] == "缺考"]
    assert [(row[1], row[2], row[3]) for row in absent] == [("李四", "320199", "城关镇")]
    assert rows[-1] == absent[0]
    assert absent[0][5] is None and absent[0][12] is None
    assert [row[2] for row in rows].count("320101") == 1


def test_formula_like_text_is_stored_as_text_in_xlsx(sat: dict[str, Attempt], store_dir: Path, tmp_path: Path) -> None:
    """Names like =HYPERLINK(...), +1, -1 and @SUM(A1) are plain strings, never formulas, in every sheet."""
    out = tmp_path / "scores.xlsx"
    export(store_dir, out)
    workbook = load_workbook(out)
    names = {c.value: c for c in workbook["成绩单"]["B"][header_row(workbook["成绩单"]) :]}
    for text in INJECTED:
        assert names[text].data_type == "s"
        assert names[text].quotePrefix is True
    position = next(c for c in workbook["成绩单"]["E"] if c.value == "=1+1")
    assert position.data_type == "s"
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(SHEETS)
        for name in sheets:
            assert "<f>" not in archive.read(name).decode("utf-8")  # no formula anywhere


def test_summary_sheet_has_counts_pass_rate_distribution_and_a_chart(
    sat: dict[str, Attempt], store_dir: Path, tmp_path: Path
) -> None:
    """汇总 counts the expected, sat and absent trainees, the pass rate and the bands, and holds a bar chart."""
    out = tmp_path / "scores.xlsx"
    export(store_dir, out)
    summary = dict((row[0], row[1]) for row in body_of(load_workbook(out)["汇总"]) if row[0] is not None)
    assert summary["应考人数"] == 7
    assert summary["参考人数"] == 6
    assert summary["在考人数"] == 0
    assert summary["缺考人数"] == 1
    scores = sorted(a.score for a in sat.values() if a.score is not None)
    assert len(scores) == 6  # every attempt is scored
    assert summary["最高分"] == scores[-1] and summary["最低分"] == scores[0]
    assert summary["平均分"] == pytest.approx(round(sum(scores) / 6, 2))
    passed = sum(1 for a in sat.values() if a.passed)
    assert summary["合格人数"] == passed
    assert summary["及格率（%）"] == pytest.approx(round(100 * passed / 6, 2))
    bands = {k: v for k, v in summary.items() if str(k).endswith("%") and "–" in str(k)}
    assert sum(bands.values()) == 6
    assert bands["90–100%"] == 1 and bands["0–59%"] == sum(1 for s in scores if s < 60)
    with zipfile.ZipFile(out) as archive:
        charts = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3  # 单位统计, 知识点掌握, 汇总
    chart = next(c for c in charts if "'汇总'" in c)
    assert "<barChart>" in chart
    # the bars are the five band rows of 汇总 (found by their labels, under the title block): labels in A, counts in B
    ws = load_workbook(out)["汇总"]
    band_rows = [cell.row for cell in ws["A"] if isinstance(cell.value, str) and cell.value.endswith("%")]
    first, last = band_rows[0], band_rows[-1]
    assert last - first == 4
    assert f"'汇总'!$A${first}:$A${last}" in chart and f"'汇总'!$B${first}:$B${last}" in chart


def test_item_analysis_sheet_lists_every_question_with_figures(
    sat: dict[str, Attempt], store_dir: Path, tmp_path: Path
) -> None:
    """试题分析 has one row per drawn question (facility as a number) and the paper's statistics after them."""
    out = tmp_path / "scores.xlsx"
    export(store_dir, out)
    rows = body_of(load_workbook(out)["试题分析"])
    drawn = {q for a in sat.values() for q in (x.question_id for x in a.answers)}
    question_rows = [row for row in rows if isinstance(row[0], int)]
    assert {row[1] for row in question_rows} == drawn
    assert all(isinstance(row[6], (int, float)) and 0 <= row[6] <= 100 for row in question_rows)
    labels = [row[0] for row in rows if isinstance(row[0], str)]
    assert labels[:2] == ["整卷统计", "答卷份数"]
    assert "内部一致性系数 α（%）" in labels


def test_filters_by_unit_and_by_date(sat: dict[str, Attempt], store_dir: Path, tmp_path: Path) -> None:
    """--unit keeps one unit's trainees (and its absentees); --from/--to keep the attempts started in that range, and
    a range in which nobody sat the paper is an error (not a sheet listing everyone as 缺考)."""
    out = tmp_path / "town.xlsx"
    assert export(store_dir, out, "--unit", "城关镇") == 0
    rows = body_of(load_workbook(out)["成绩单"])
    assert sorted(row[2] for row in rows) == ["320101", "320102", "320105", "320199"]
    later = tmp_path / "later.xlsx"
    assert export(store_dir, later, "--from", "2026-11-27") == 1
    assert not later.exists()
    same_day = tmp_path / "day.xlsx"
    assert export(store_dir, same_day, "--from", "2026-11-26", "--to", "2026-11-26", "--format", "xlsx") == 0
    assert len(body_of(load_workbook(same_day)["成绩单"])) == 6 + 1


def test_csv_is_utf8_with_bom_and_keeps_formula_like_text_as_text(
    sat: dict[str, Attempt], store_dir: Path, tmp_path: Path
) -> None:
    """The csv starts with the UTF-8 BOM, has the Chinese headers and prefixes formula-like text with '."""
    out = tmp_path / "scores.csv"
    assert export(store_dir, out, "--format", "csv") == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:13] == SCORE_HEADERS
    names = [row[1] for row in rows[1:]]
    for text in INJECTED:
        assert "'" + text in names
    top = next(row for row in rows if row[2] == "320101")
    assert (top[5], top[8], top[9]) == ("100", "0:05:00", "2026-11-26 09:00:00")


def test_an_existing_file_is_kept_unless_force_is_given(
    sat: dict[str, Attempt], store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exporting onto an existing file fails with a message and leaves it; --force replaces it."""
    out = tmp_path / "scores.xlsx"
    out.write_bytes(b"keep me")
    assert export(store_dir, out) == 1
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"
    assert export(store_dir, out, "--force") == 0
    assert load_workbook(out).sheetnames[0] == "成绩单"


def test_unknown_paper_and_format_are_one_line_errors(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A paper with neither a spec nor attempts, or an unknown format, is reported without a traceback."""
    out = tmp_path / "x.xlsx"
    assert main(["--db", str(store_dir), "export", "scores", "--paper", "nope", "-o", str(out)]) == 1
    assert "nope" in capsys.readouterr().err
    assert (
        main(["--db", str(store_dir), "export", "scores", "--paper", "speech", "-o", str(out), "--format", "pdf"]) == 1
    )
    assert "pdf" in capsys.readouterr().err
    assert not out.exists()


def test_safe_cell_prefixes_every_formula_start() -> None:
    """= + - @ and tab at the start get an apostrophe; a CR is a line break (never a raw control character); other
    text and numbers are unchanged."""
    for start in ("=", "+", "-", "@", "\t"):
        assert safe_cell(start + "x") == "'" + start + "x"
    assert safe_cell("\r=x") == "\n=x"
    assert safe_cell("王五") == "王五"
    assert safe_cell(-1) == -1


def test_competition_ranking_shares_places() -> None:
    """Equal scores share a place and the next place is skipped (1, 2, 2, 4)."""
    assert competition_ranks([98, 90, 90, 75, 75, 75, 60]) == [1, 2, 2, 4, 4, 4, 7]


def test_help_is_in_english_with_exam_lang_en(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every trainer command's --help comes from the catalogue, in English when EXAM_LANG=en."""
    monkeypatch.setenv("EXAM_LANG", "en")
    set_language(None)
    commands = {
        ("export", "scores"): "scores.export_scores_help",
        ("stats",): "stats.help",
        ("regrade",): "regrade.help",
        ("mark",): "mark.help",
        ("pending",): "mark.pending_help",
        ("extra-time",): "extra.help",
        ("trainer", "set-passphrase"): "auth.set_help",
        ("results", "export"): "results.export_help",
        ("results", "import"): "results.import_help",
    }
    try:
        for command, key in commands.items():
            assert main([*command, "--help"]) == 0
            text = " ".join(capsys.readouterr().out.split())
            assert "Usage:" in text
            assert CATALOGUE[key][1][:60] in text, command
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), command
    finally:
        set_language("zh")
    monkeypatch.setenv("EXAM_LANG", "zh")  # main() settles the language from --lang, EXAM_LANG, config on each call
    assert main(["export", "scores", "--help"]) == 0
    assert "成绩单" in capsys.readouterr().out
