"""A score reads the same in the app and on the command line (``10``, not ``10.0`` next to ``10``)."""

from __future__ import annotations

import pytest

from exam.cli import main
from exam.models import Trainee
from exam.service import ExamService
from exam.tui.screens.result import ResultScreen
from tests.tui._capture import screen_text
from tests.tui.conftest import make_app, settle, sign_in


async def test_results_command_and_result_screen_write_a_score_alike(
    mini_service: ExamService, store_dir: object, capsys: pytest.CaptureFixture[str]
) -> None:
    """An attempt scored 2 + 1.5 of 10 shows as ``3.5`` and ``10`` in ``exam results`` and as ``得分 3.5 / 10`` on the
    result screen: the same strings, from the one formatting rule."""
    trainee = Trainee(name="张三", id="320101", unit="城关镇")
    attempt = mini_service.start_attempt("mini", trainee, seed="numbers")
    judge = next(d for d in attempt.paper_snapshot.questions if d.question.type == "judge")
    short = next(d for d in attempt.paper_snapshot.questions if d.question.type == "short")
    mini_service.save_answer(attempt.attempt_id, judge.id, judge.question.answer)
    mini_service.save_answer(attempt.attempt_id, short.id, "人民代表大会")
    mini_service.submit(attempt.attempt_id)
    marked = mini_service.mark_answer(attempt.attempt_id, short.id, 1.5)
    assert (marked.score, marked.max_score) == (3.5, 10.0)

    assert main(["--db", str(store_dir), "results"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if attempt.attempt_id[:8] in line)
    cells = [cell.strip() for cell in row.strip("│ ").split("│")]
    assert "3.5" in cells and "10" in cells and "10.0" not in cells

    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        app.push_screen(ResultScreen(marked))
        await settle(pilot)
        assert "得分 3.5 / 10" in screen_text(app)
