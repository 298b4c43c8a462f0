"""Control characters in the app (issue 11): the sign-in form removes them, and the trainer tables never show them,
even for names stored before text was neutralised at the boundary."""

from __future__ import annotations

import re

from textual.widgets import DataTable, Input

from exam.models import Trainee
from exam.service import ExamService
from exam.trainer.auth import set_passphrase
from exam.tui.screens.signin import clean
from exam.tui.screens.trainer import TrainerScreen
from tests.tui.conftest import make_app, settle

HOSTILE = "张\x00三\x1b[5m闪\x1b[0m\x1b]8;;https://evil.example/\x1b\\链接\x1b]8;;\x1b\\\x9b31m红\u202e反"
SHOWN = "张三闪链接红反"
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
PASSPHRASE = "县人大培训2026"


def test_sign_in_fields_drop_escape_sequences_whole() -> None:
    """What a trainee types or pastes into a sign-in field keeps its visible characters only (no "[5m" tail)."""
    assert clean(HOSTILE) == SHOWN
    assert clean("  城关镇\t\u2066人大\u2069\n") == "城关镇 人大"


async def test_trainer_tables_show_no_control_characters(mini_service: ExamService) -> None:
    """An attempt stored with a hostile name and unit (as an older version could have stored it): the results and
    marking tables of the trainer screen hold the visible text only."""
    set_passphrase(mini_service.store, PASSPHRASE)
    attempt = mini_service.start_attempt("mini", Trainee(name=HOSTILE, id="a1", unit="\x1b[31m城关镇"))
    for drawn in attempt.paper_snapshot.questions:
        if drawn.question.type == "short":
            mini_service.save_answer(attempt.attempt_id, drawn.id, "人民代表大会")
    mini_service.submit(attempt.attempt_id)
    app = make_app(mini_service)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+t")
        await settle(pilot)
        app.screen.query_one(Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TrainerScreen)
        results = screen.query_one("#results", DataTable)
        assert results.row_count == 1
        cells = [str(getattr(cell, "plain", cell)) for cell in results.get_row_at(0)]
        assert cells[0] == SHOWN and cells[2] == "城关镇"
        pending = screen.query_one("#pending", DataTable)
        cells += [
            str(getattr(cell, "plain", cell)) for row in range(pending.row_count) for cell in pending.get_row_at(row)
        ]
        assert pending.row_count == 1 and SHOWN in cells
        assert not any(UNSAFE.search(cell) for cell in cells)
        assert not UNSAFE.search(app.export_screenshot().replace("\n", ""))  # the screen as drawn
