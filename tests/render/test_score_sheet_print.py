"""The score workbook of a real training, printed: 42 trainees sat the final paper (49 attempts, seven of them twice),
one is sitting it now and two are absent. Converted to PDF with LibreOffice, every report sheet fits on a few pages,
the wide ones in landscape, with its Chinese title and headers on the page."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from exam.cli import main
from exam.models import Trainee
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from tests.conftest import FakeClock
from tests.render._support import pages_per_sheet, pdf_pages, to_pdf
from tests.trainer._support import sit_paper

UNITS = ["城关镇", "东湖街道", "西山镇", "南河乡", "北岭镇", "青石街道"]
REPORT_SHEETS = ["成绩单", "答题明细", "试题分析", "单位统计", "知识点掌握", "汇总"]
MAX_PAGES = {"成绩单": 2, "答题明细": 2, "试题分析": 4, "单位统计": 2, "知识点掌握": 3, "汇总": 2}
"""Pages each report sheet may take (明细数据, one row per trainee and question, is data for pivot tables)."""


@pytest.fixture(scope="module")
def training(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Iterator[Path]:
    """The store of the training (built once for the module)."""
    folder = tmp_path_factory.mktemp("training") / "store"
    store = TinyDBAttemptStore(folder)
    clock = FakeClock(datetime(2026, 11, 20, 9, 0, tzinfo=timezone(timedelta(hours=8))))
    service = ExamService(registry, store, clock, clock.monotonic)
    rng = random.Random(42)
    for n in range(42):
        trainee = Trainee(f"学员{n:02d}", f"3201{n:02d}", UNITS[n % len(UNITS)], "人大主席")
        sit_paper(service, clock, trainee, "final", rng.randint(20, 56), minutes=rng.randint(25, 58))
        if n % 6 == 0:  # seven trainees sit it a second time
            sit_paper(service, clock, trainee, "final", rng.randint(30, 56), minutes=40)
    for n in (42, 43, 44):
        store.put_record("roster", f"3201{n}", {"name": f"学员{n}", "id": f"3201{n}", "unit": "南河乡",
                                                 "position": "人大主席"})  # fmt: skip
    clock.now = datetime.now(timezone(timedelta(hours=8)))  # the command line reads with the real clock
    service.start_attempt("final", Trainee("学员42", "320142", "南河乡", "人大主席"))
    yield folder


def test_the_score_workbook_of_42_trainees_prints_on_a_few_pages_per_sheet(training: Path, tmp_path: Path) -> None:
    """Each report sheet prints within :data:`MAX_PAGES` (the workbook before the layout work: 481 pages), 成绩单 in
    landscape, and the PDF carries the Chinese titles, headers and names (the fonts are embedded, not boxes)."""
    out = tmp_path / "成绩单.xlsx"
    assert main(["--db", str(training), "export", "scores", "--paper", "final", "-o", str(out)]) == 0
    pdf = to_pdf(out, tmp_path)
    pages = pdf_pages(pdf)
    counts = pages_per_sheet(pages, [*REPORT_SHEETS, "明细数据"])
    for sheet in REPORT_SHEETS:
        assert 1 <= counts[sheet] <= MAX_PAGES[sheet], counts
    text = "\n".join(pages)
    assert "结业综合考试 · 成绩单" in text
    assert "应考 45 人，参考 42 人，在考 1 人，缺考 2 人，答卷 49 份" in text
    for word in ("学员07", "城关镇", "单位统计", "得分率", "第56题"):
        assert word in text, word
    from pypdf import PdfReader

    first = PdfReader(str(pdf)).pages[0]
    assert first.mediabox.width > first.mediabox.height  # 成绩单 is wide: landscape
