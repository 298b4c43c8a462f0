"""Papers on paper: ``exam papers print`` writes a Word paper and its key; ``exam results enter`` records what the
trainee wrote with the app's scoring, and the result sits in the same score sheet as the app's attempts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from exam.cli import main
from exam.models import Trainee
from exam.papers import assemble_paper
from exam.service import ExamService
from exam.trainer.paper_print import copy_code, key_text, parse_response
from tests.conftest import FakeClock
from tests.trainer._support import sit_paper
from tests.trainer.test_scoresheet import body_of

ROSTER = {"320201": {"name": "纸卷甲", "id": "320201", "unit": "南河乡", "position": "人大主席"}}


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def run(store_dir: Path, *args: str) -> int:
    return main(["--db", str(store_dir), *args])


@pytest.fixture
def roster(service: ExamService) -> None:
    for key, record in ROSTER.items():
        service.store.put_record("roster", key, record)


@pytest.mark.usefixtures("roster")
def test_a_paper_printed_for_a_trainee_has_the_chinese_layout_and_a_separate_key(
    store_dir: Path, tmp_path: Path, service: ExamService
) -> None:
    """The paper: title, rules with the 试卷编号, the trainee's name line, 一、二、… headings with counts and points,
    numbered questions, （　） after choice stems, lettered options, an answer sheet; the key: one line per question
    with the answer as lettered on this copy, its points and its source."""
    out = tmp_path / "试卷.docx"
    assert run(store_dir, "papers", "print", "--paper", "final", "--trainee", "320201", "-o", str(out)) == 0
    text = paragraphs(out)
    joined = "\n".join(text)
    assert text[0] == "结业综合考试"
    assert "姓名：纸卷甲" in joined and "考号：320201" in joined and "单位：南河乡" in joined
    headings = [line for line in text if re.match(r"^[一二三四五六七八九十]、", line)]
    assert [h.split("（")[0] for h in headings[:5]] == [
        "一、单选题",
        "二、多选题",
        "三、判断题",
        "四、填空题",
        "五、简答题",
    ]
    assert "共 20 题，每题 1.5 分，共 30 分" in headings[0]
    numbers = [int(m.group(1)) for line in text if (m := re.match(r"^(\d+)\. ", line))]
    assert numbers[:56] == list(range(1, 57))
    assert "结业综合考试 答题卡" in joined
    code = re.search(r"试卷编号：(\w+)", joined)
    assert code is not None
    key = paragraphs(tmp_path / "试卷-参考答案.docx")
    assert key[0] == "结业综合考试 参考答案及评分标准"
    answer_lines = [line for line in key if re.match(r"^\d+\. ", line)]
    assert len(answer_lines) == 56
    paper = assemble_paper(service.paper("final"), service.registry.banks, code.group(1))
    for line, drawn in zip(answer_lines, paper.questions, strict=True):
        assert line.split(" ", 1)[1].startswith(key_text(drawn))
    assert sum(1 for line in key if line.strip().startswith("出处：")) == 56


def test_copies_are_numbered_and_drawn_differently(store_dir: Path, tmp_path: Path) -> None:
    """``--copies 3``: three papers with the codes final-1 … final-3, each a different draw, one document."""
    out = tmp_path / "卷.docx"
    assert run(store_dir, "papers", "print", "--paper", "final", "--copies", "3", "-o", str(out)) == 0
    joined = "\n".join(paragraphs(out))
    assert [copy_code("final", n) for n in (1, 2, 3)] == re.findall(r"试卷编号：(final-\d)", joined)[::2]
    firsts = [line for line in paragraphs(out) if line.startswith("1. ")]
    assert len(firsts) == 3 and len(set(firsts)) > 1


def test_printing_refuses_bad_requests_without_writing(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown paper or trainee, or 0 copies: exit 1, one message, no file."""
    out = tmp_path / "x.docx"
    assert run(store_dir, "papers", "print", "--paper", "nope", "-o", str(out)) == 1
    assert run(store_dir, "papers", "print", "--paper", "final", "--trainee", "999", "-o", str(out)) == 1
    assert run(store_dir, "papers", "print", "--paper", "final", "--copies", "0", "-o", str(out)) == 1
    err = capsys.readouterr().err
    assert "nope" in err and "999" in err and "0" in err
    assert not out.exists()


@pytest.mark.usefixtures("roster")
def test_a_hand_scored_paper_result_joins_the_score_sheet_of_the_app_attempts(
    store_dir: Path, tmp_path: Path, service: ExamService, clock: FakeClock
) -> None:
    """Two trainees sit the final paper in the app; 纸卷甲 sits a printed copy. The trainer types back the answers
    read off the paper (the key's letters for the first half, wrong ones after) and 7 points for the short answer;
    the score equals the app's scoring of the same responses, and the score sheet lists all three, 纸卷甲's row
    saying 纸质答卷."""
    sit_paper(service, clock, Trainee("机考甲", "320101", "城关镇", "人大主席"), "final", 40)
    sit_paper(service, clock, Trainee("机考乙", "320102", "城关镇", "人大主席"), "final", 20)
    out = tmp_path / "卷.docx"
    assert run(store_dir, "papers", "print", "--paper", "final", "--copies", "2", "-o", str(out)) == 0
    paper = assemble_paper(service.paper("final"), service.registry.banks, "final-2")
    answers = []
    for index, drawn in enumerate(paper.questions):
        if drawn.question.type == "short":
            answers.append("7")
        elif index < 28:
            answers.append(key_text(drawn).split("（")[0].replace("√", "对").replace("×", "错").replace("；", "/"))
        elif drawn.question.type == "judge":
            answers.append("错" if drawn.question.answer is True else "对")
        else:
            answers.append("-")
    code = run(store_dir, "results", "enter", "--paper", "final", "--trainee", "320201", "--code", "final-2",
               "--answers", ",".join(answers))  # fmt: skip
    assert code == 0
    entered = next(a for a in service.attempts(paper="final") if a.trainee.id == "320201")
    full = service.attempt(entered.attempt_id)
    expected = sum(a.points for a in full.answers if a.type != "short") + 7
    assert full.score == pytest.approx(round(expected, 2))
    right = [a for a in full.answers[:28] if a.type != "short"]
    assert all(a.points == a.max_points for a in right)  # the key, as lettered on the copy, scores full marks
    sheet = tmp_path / "成绩单.xlsx"
    assert run(store_dir, "export", "scores", "--paper", "final", "-o", str(sheet)) == 0
    rows = {row[2]: row for row in body_of(load_workbook(sheet)["成绩单"])}
    assert {"320101", "320102", "320201"} <= set(rows)
    assert rows["320201"][5] == pytest.approx(full.score)
    assert rows["320201"][11] == "纸质答卷"
    assert "final-2" in rows["320201"][-1]


def test_entering_checks_every_answer_before_storing_anything(
    store_dir: Path, service: ExamService, capsys: pytest.CaptureFixture[str]
) -> None:
    """Too few answers, a letter the question lacks, or points over the maximum: exit 1 naming the question, and
    no attempt is stored."""
    paper = assemble_paper(service.paper("final"), service.registry.banks, "final-1")
    good = ["-"] * len(paper.questions)
    first_single = next(i for i, q in enumerate(paper.questions) if q.question.type == "single")
    short = next(i for i, q in enumerate(paper.questions) if q.question.type == "short")
    bad_letter = list(good)
    bad_letter[first_single] = "Z"
    too_many_points = list(good)
    too_many_points[short] = "99"
    base = ["results", "enter", "--paper", "final", "--trainee", "7001", "--name", "某某", "--code", "final-1"]
    for answers, needle in ((good[:-1], "56"), (bad_letter, f"第 {first_single + 1} 题"),
                            (too_many_points, f"第 {short + 1} 题")):  # fmt: skip
        assert run(store_dir, *base, "--answers", ",".join(answers)) == 1
        assert needle in capsys.readouterr().err
    assert service.attempts(trainee_id="7001") == []


def test_parse_response_maps_the_printed_letters_to_the_bank_letters(service: ExamService) -> None:
    """On a copy with shuffled options, the letter written is the one printed: it is stored as the bank's letter."""
    paper = assemble_paper(service.paper("final"), service.registry.banks, "final-1")
    shuffled = next(
        q
        for q in paper.questions
        if q.question.type == "single" and q.option_order != tuple(range(len(q.option_order)))
    )
    for index, (letter, _text) in enumerate(shuffled.displayed_options()):
        assert parse_response(shuffled, "ABCDEFGH"[index]) == letter
    judge = next(q for q in paper.questions if q.question.type == "judge")
    assert [parse_response(judge, text) for text in ("对", "√", "错", "×", "-")] == [True, True, False, False, None]
