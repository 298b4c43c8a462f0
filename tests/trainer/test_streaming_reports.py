"""Reports over many attempts stream (issue 17): the score sheet and the statistics read the store once, one whole
attempt in memory at a time; the long sheets are made row by row as they are written; ``exam results`` pages."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from exam.attempts import Attempt
from exam.cli import main
from exam.exporters import LazyRows, ScoreSheet, SheetTable
from exam.models import Trainee
from exam.service import ExamService
from exam.sheets import write_csv, write_xlsx
from exam.store import TinyDBAttemptStore
from exam.trainer.scoresheet import Selection, format_response
from tests.conftest import FakeClock
from tests.trainer._support import sit_paper
from tests.trainer.test_scoresheet import body_of


@pytest.fixture
def seven(service: ExamService, clock: FakeClock) -> list[Attempt]:
    """Seven trainees of three units sit 讲话精神测试 (30 questions), with scores 0, 5, … 30 right; one of them
    twice."""
    attempts = []
    for n in range(7):
        trainee = Trainee(f"学员{n}", f"32010{n}", ("城关镇", "东湖街道", "西山镇")[n % 3], "人大主席")
        attempts.append(sit_paper(service, clock, trainee, "speech", 5 * n))
    attempts.append(sit_paper(service, clock, attempts[0].trainee, "speech", 3))
    return attempts


def test_score_sheet_holds_one_whole_attempt_at_a_time(
    service: ExamService, seven: list[Attempt], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building the report reads whole attempts only through ``iter_attempts`` (never one by one), and when the
    store hands over the next one no earlier whole attempt is still alive (the report keeps summaries and running
    totals); the report's attempts are summaries."""
    alive: list[weakref.ref[Attempt]] = []
    most_alive = 0
    reads = 0
    original = service.store.iter_attempts

    def counting(*args: Any, **kwargs: Any) -> Iterator[Attempt]:
        nonlocal most_alive, reads
        for attempt in original(*args, **kwargs):
            gc.collect()
            most_alive = max(most_alive, sum(1 for ref in alive if ref() is not None))
            alive.append(weakref.ref(attempt))
            reads += 1
            yield attempt

    def no_single_reads(attempt_id: str) -> Attempt:
        raise AssertionError(f"read {attempt_id} on its own: the report must stream")

    monkeypatch.setattr(service.store, "iter_attempts", counting)
    monkeypatch.setattr(service, "attempt", no_single_reads)
    monkeypatch.setattr(service, "verify_seals", lambda: _passing_verification())
    report = service.score_report(Selection("speech", all_attempts=True))
    assert reads == 8
    assert most_alive <= 1
    assert len(report.attempts) == 8 and all(a.answers == () and a.drawn is None for a in report.attempts)
    assert report.statistics.attempts == 8


def _passing_verification() -> Any:
    from exam.seals import VerifyReport

    return VerifyReport()


def test_streamed_report_ranks_and_fills_every_sheet(
    service: ExamService, seven: list[Attempt], tmp_path: Path
) -> None:
    """Streaming changes no figure: 成绩单 is ranked best first, 答题明细 and 明细数据 follow the same order with
    one mark per question and one row per answer, 单位统计 and 知识点掌握 count the best attempts."""
    out = tmp_path / "s.xlsx"
    report = service.score_report(Selection("speech"))
    service.export_scores(report, "xlsx", out)
    book = load_workbook(out)
    scores = body_of(book["成绩单"])
    names = [row[1] for row in scores]
    assert names == [f"学员{n}" for n in (6, 5, 4, 3, 2, 1, 0)]  # each trainee's best, best first
    detail = body_of(book["答题明细"])
    assert [row[0] for row in detail] == names
    assert all(sum(1 for cell in row[4:] if cell) == 30 for row in detail)
    assert detail[0][4].endswith("✓") and detail[-1][6].endswith("✓") and detail[-1][7].endswith("✗")
    best = [seven[n] for n in (6, 5, 4, 3, 2, 1)] + [seven[7]]
    long = body_of(book["明细数据"])
    assert len(long) == 7 * 30 and [row[0] for row in long[::30]] == names
    assert [row[10] for row in long[-30:]] == [format_response(a.type, a.response) for a in seven[7].answers]
    right = sum(1 for a in best for answer in a.answers if answer.points == answer.max_points)
    assert sum(row[13] for row in long) == right
    units = {row[0]: row for row in body_of(book["单位统计"])}
    assert units["城关镇"][2] == 3 and units["西山镇"][2] == 2 and units["东湖街道"][2] == 2
    know = body_of(book["知识点掌握"])
    assert sum(row[3] for row in know if row[0] == "出处（章）") == 7 * 30


def test_lazy_rows_are_made_as_the_exporters_write_them(tmp_path: Path) -> None:
    """A table of :class:`LazyRows` is never held whole: the xlsx exporter makes its rows twice (a look at the
    first ones to size the columns, then the writing) and the csv exporter once; both write every row."""
    made = []

    def rows() -> Iterator[tuple[Any, ...]]:
        made.append(1)
        for n in range(2_000):
            yield (f"学员{n}", n, "=1+1" if n == 7 else "")

    lazy = LazyRows(2_000, rows)
    sheet = ScoreSheet("成绩单", ("姓名", "序号", "备注"), lazy, (SheetTable("明细", ("姓名", "序号", "备注"), lazy),))
    write_xlsx(sheet, tmp_path / "a.xlsx")
    assert len(made) == 4
    book = load_workbook(tmp_path / "a.xlsx")
    assert book["明细"].max_row == 2_001 and book["明细"]["C9"].value == "=1+1"
    assert book["明细"]["C9"].data_type == "s"
    made.clear()
    write_csv(sheet, tmp_path / "a.csv")
    assert len(made) == 1
    lines = (tmp_path / "a.csv").read_text("utf-8-sig").splitlines()
    assert len(lines) == 2_001 and lines[8] == "学员7,7,'=1+1"
    assert lazy[1999] == ("学员1999", 1999, "") and lazy[:2] == (("学员0", 0, ""), ("学员1", 1, ""))
    with pytest.raises(IndexError):
        lazy[2_000]


def test_a_failed_export_leaves_the_earlier_file(tmp_path: Path) -> None:
    """Rows are streamed to a temporary file that replaces the target only when the whole sheet is written: an
    error halfway leaves the earlier file as it was and no temporary file behind."""
    target = tmp_path / "s.csv"
    target.write_text("earlier", "utf-8")

    def rows() -> Iterator[tuple[Any, ...]]:
        yield ("a",)
        raise RuntimeError("broken plugin row")

    with pytest.raises(RuntimeError):
        write_csv(ScoreSheet("t", ("h",), LazyRows(2, rows)), target)
    assert target.read_text("utf-8") == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]


# -- exam results, paged -----------------------------------------------------------------------------------------


def results(store: TinyDBAttemptStore, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(store.root), "results", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_results_table_pages_newest_first(
    store: TinyDBAttemptStore, seven: list[Attempt], capsys: pytest.CaptureFixture[str]
) -> None:
    """The table shows one page, newest first, with a footer naming the page, the count and the command for the
    next page (store and page size kept); the last page points back to the first; the verdict line still ends
    the output."""
    ids = [a.attempt_id[:8] for a in reversed(seven)]
    code, out, _ = results(store, capsys, "--page-size", "3")
    assert code == 0
    assert [i for i in ids if i in out] == ids[:3]
    footer, verdict = out.strip().splitlines()[-2:]
    assert (
        footer == f"第 1/3 页，共 8 份答卷（最新的在前）；下一页：exam --db {store.root} results --page-size 3 --page 2"
    )
    assert verdict.startswith("防篡改校验")
    code, out, _ = results(store, capsys, "--page-size", "3", "--page", "3")
    assert [i for i in ids if i in out] == ids[6:]
    assert "第 3/3 页（最后一页）" in out and out.index("最后一页") < out.index("防篡改校验")


def test_results_all_and_beyond_the_last_page(
    store: TinyDBAttemptStore, seven: list[Attempt], capsys: pytest.CaptureFixture[str]
) -> None:
    """--all prints every attempt and no footer; a page past the end is one clear error naming how many there are
    (in English too); --page 0 is refused by the option itself."""
    code, out, _ = results(store, capsys, "--page-size", "3", "--all")
    assert code == 0 and all(a.attempt_id[:8] in out for a in seven) and "页，共" not in out
    code = main(["--db", str(store.root), "--lang", "en", "results", "--page-size", "3", "--page", "4"])
    assert code == 1
    assert "There is no page 4: 8 attempts make 3 pages." in capsys.readouterr().err
    code, _, err = results(store, capsys, "--page", "0")
    assert code == 2 and "--page" in err


def test_a_single_page_has_no_footer(
    store: TinyDBAttemptStore, seven: list[Attempt], capsys: pytest.CaptureFixture[str]
) -> None:
    """Attempts that fit on one page are listed without a page footer."""
    code, out, _ = results(store, capsys)
    assert code == 0 and all(a.attempt_id[:8] in out for a in seven) and "页，共" not in out
