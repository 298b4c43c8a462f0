"""Ctrl+Q asks first during an exam (the answers are saved, the clock keeps running) and quits at once elsewhere."""

from __future__ import annotations

import pytest

from exam.i18n import t
from exam.service import ExamService
from exam.tui.dialogs.confirm import QuitDialog
from exam.tui.screens.exam import ExamScreen
from exam.tui.screens.home import HomeScreen
from exam.tui.screens.signin import SignInScreen
from tests.tui.conftest import make_app, sign_in, start_first_paper


async def test_ctrl_q_in_an_exam_asks_first_and_says_the_clock_runs(
    mini_service: ExamService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+Q during an exam opens a question saying the answers are saved and the clock keeps running; Esc goes
    back to the question, the quit button quits."""
    app = make_app(mini_service)
    exits: list[object] = []
    monkeypatch.setattr(app, "exit", lambda *args, **kwargs: exits.append(args))
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        exam = app.screen
        assert isinstance(exam, ExamScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, QuitDialog)
        assert dialog.body == t("quit.body")
        assert "已保存" in dialog.body and "计时不会停止" in dialog.body
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is exam and exits == []
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert exits == [()]


async def test_ctrl_q_outside_an_exam_quits_at_once(mini_service: ExamService, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the sign-in and home screens Ctrl+Q quits without a question, as before."""
    app = make_app(mini_service)
    exits: list[object] = []
    monkeypatch.setattr(app, "exit", lambda *args, **kwargs: exits.append(args))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and len(exits) == 1
        await sign_in(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and len(exits) == 2
