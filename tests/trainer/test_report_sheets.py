"""The report sheets of a score workbook: 在考 as its own status, 单位统计, 知识点掌握, 明细数据 and --sort unit."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from exam.attempts import Attempt
from exam.cli import main
from exam.models import Trainee
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from tests.conftest import FakeClock
from tests.trainer._support import sit_paper
from tests.trainer.test_scoresheet import body_of, headers_of

PEOPLE = [  # (name, 考号, 单位, questions answered right of 30)
    ("王一", "1001", "城关镇", 30),
    ("王二", "1002", "城关镇", 15),
    ("李一", "2001", "东湖街道", 24),
    ("李二", "2002", "东湖街道", 27),
    ("赵一", "3001", "西山镇", 6),
]


@pytest.fixture
def room(service: ExamService, clock: FakeClock, store: TinyDBAttemptStore) -> dict[str, Attempt]:
    """Five trainees of three units sit the speech paper; 周一 of 西山镇 is sitting it now; 孙一 (roster, 西山镇) and
    周一 are on the roster; 孙一 never started."""
    done = {}
    for name, tid, unit, right in PEOPLE:
        done[tid] = sit_paper(service, clock, Trainee(name, tid, unit, "人大主席"), "speech", right)
    for tid, name in (("3002", "周一"), ("3003", "孙一")):
        store.put_record("roster", tid, {"name": name, "id": tid, "unit": "西山镇", "position": "人大主席"})
    # The command line reads the store with the real clock: 周一 starts now, so the attempt is still under way then.
    clock.now = datetime.now(timezone(timedelta(hours=8)))
    service.start_attempt("speech", Trainee("周一", "3002", "西山镇", "人大主席"))
    return done


def export(store_dir: Path, out: Path, *extra: str) -> Any:
    assert main(["--db", str(store_dir), "export", "scores", "--paper", "speech", "-o", str(out), *extra]) == 0
    return load_workbook(out)


def test_a_trainee_sitting_the_paper_now_is_listed_as_sitting_not_absent(
    room: dict[str, Attempt], store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """周一 has an attempt under way: 在考 in 成绩单, 单位统计 and 汇总, and in ``exam results``; 孙一 alone is 缺考."""
    workbook = export(store_dir, tmp_path / "s.xlsx")
    rows = body_of(workbook["成绩单"])
    status = {row[2]: row[7] for row in rows}
    assert status["3002"] == "在考" and status["3003"] == "缺考"
    assert list(status.values()).count("缺考") == 1
    assert "在考 1 人，缺考 1 人" in workbook["成绩单"]["A2"].value
    summary = dict((row[0], row[1]) for row in body_of(workbook["汇总"]) if row[0] is not None)
    assert (summary["应考人数"], summary["参考人数"], summary["在考人数"], summary["缺考人数"]) == (7, 5, 1, 1)
    capsys.readouterr()
    assert main(["--db", str(store_dir), "results", "--paper", "speech"]) == 0
    listing = capsys.readouterr().out
    line = next(text for text in listing.splitlines() if "周一" in text)
    assert "在考" in line


def test_unit_sheet_counts_and_averages_each_unit_with_a_total(
    room: dict[str, Attempt], store_dir: Path, tmp_path: Path
) -> None:
    """单位统计: per unit 应考/参考/在考/缺考, average, highest, lowest, passed and pass rate, then 合计."""
    workbook = export(store_dir, tmp_path / "s.xlsx")
    ws = workbook["单位统计"]
    assert headers_of(ws) == ["单位", "应考", "参考", "在考", "缺考", "平均分", "最高分", "最低分", "合格人数",
                              "合格率（%）"]  # fmt: skip
    rows = {row[0]: row for row in body_of(ws) if row[0]}
    assert set(rows) == {"东湖街道", "城关镇", "西山镇", "合计"}
    for unit in ("城关镇", "东湖街道"):
        scores = [room[tid].score or 0 for _, tid, u, _ in PEOPLE if u == unit]
        passed = sum(1 for _, tid, u, _ in PEOPLE if u == unit and room[tid].passed)
        assert list(rows[unit][1:5]) == [2, 2, 0, 0]
        assert rows[unit][5] == pytest.approx(round(sum(scores) / 2, 2))
        assert (rows[unit][6], rows[unit][7], rows[unit][8]) == (max(scores), min(scores), passed)
    assert list(rows["西山镇"][1:5]) == [3, 1, 1, 1]
    assert list(rows["合计"][1:5]) == [7, 5, 1, 1]
    assert rows["合计"][5] == pytest.approx(round(sum(a.score or 0 for a in room.values()) / 5, 2))


def test_knowledge_sheet_gives_the_score_rate_per_chapter_and_tag(
    room: dict[str, Attempt], store_dir: Path, tmp_path: Path, service: ExamService
) -> None:
    """知识点掌握: for each cited part of the speech and each tag, questions, responses and 得分率 = earned / possible,
    recomputed here from the attempts; lowest rate first within each kind."""
    workbook = export(store_dir, tmp_path / "s.xlsx")
    rows = body_of(workbook["知识点掌握"])
    by_tag: dict[str, list[float]] = {}
    for attempt in room.values():
        for answer in attempt.answers:
            question = service.find_question(answer.question_id)
            assert question is not None
            for tag in question.tags:
                entry = by_tag.setdefault(tag, [0.0, 0.0, 0.0])
                entry[0] += answer.points
                entry[1] += answer.max_points
                entry[2] += 1
    tags = {row[1]: row for row in rows if row[0] == "知识点"}
    assert set(tags) == set(by_tag)
    for tag, (earned, possible, responses) in by_tag.items():
        assert tags[tag][3] == responses
        assert tags[tag][4] == pytest.approx(round(100 * earned / possible, 1))
    chapters = [row for row in rows if row[0] == "出处（章）"]
    assert chapters and all(str(row[1]).startswith("讲话") for row in chapters)
    rates = [row[4] for row in chapters]
    assert rates == sorted(rates)


def test_long_data_sheet_has_one_full_row_per_trainee_and_question(
    room: dict[str, Attempt], store_dir: Path, tmp_path: Path
) -> None:
    """明细数据: every answered position of every attempt, with its question id and points, summing to the score."""
    workbook = export(store_dir, tmp_path / "s.xlsx")
    ws = workbook["明细数据"]
    headers = headers_of(ws)
    rows = body_of(ws)
    assert len(rows) == sum(len(a.answers) for a in room.values())
    column = {h: i for i, h in enumerate(headers)}
    for tid, attempt in room.items():
        mine = [row for row in rows if row[column["考号"]] == tid]
        assert [row[column["题号"]] for row in mine] == [a.question_id for a in attempt.answers]
        assert math.isclose(sum(row[column["得分"]] for row in mine), attempt.score or 0)
        assert all(row[column["姓名"]] and row[column["单位"]] for row in mine)


def test_detail_sheet_marks_each_drawn_position(room: dict[str, Attempt], store_dir: Path, tmp_path: Path) -> None:
    """答题明细: one row per trainee, 第k题 holds the response and ✓ when it earned full marks, ✗ when none."""
    workbook = export(store_dir, tmp_path / "s.xlsx")
    rows = {row[1]: row for row in body_of(workbook["答题明细"])}
    for tid, attempt in room.items():
        for index, answer in enumerate(attempt.answers):
            cell = rows[tid][4 + index]
            if answer.response in (None, "", []):
                assert cell == "—"
            elif answer.points == answer.max_points:
                assert cell.endswith("✓")
            elif answer.points == 0:
                assert cell.endswith("✗")


def test_sort_by_unit_groups_the_score_list_and_keeps_the_overall_rank(
    room: dict[str, Attempt], store_dir: Path, tmp_path: Path
) -> None:
    """``--sort unit``: trainees grouped by 单位 (ranked within it); the 排名 column is still the overall rank."""
    by_rank = {row[2]: row[12] for row in body_of(export(store_dir, tmp_path / "a.xlsx")["成绩单"]) if row[12]}
    rows = [row for row in body_of(export(store_dir, tmp_path / "b.xlsx", "--sort", "unit")["成绩单"]) if row[12]]
    units = [row[3] for row in rows]
    assert units == sorted(units)
    assert {row[2]: row[12] for row in rows} == by_rank
    for unit in set(units):
        ranks = [row[12] for row in rows if row[3] == unit]
        assert ranks == sorted(ranks)
