"""The trainer screen: behind the passphrase; results, item analysis, marking and export from the TUI."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from textual.widgets import Button, Checkbox, DataTable, Input, TabbedContent

from exam.models import Trainee
from exam.service import ExamService
from exam.trainer.auth import set_passphrase
from exam.tui.dialogs.message import MessageDialog
from exam.tui.dialogs.passphrase import PassphraseDialog
from exam.tui.screens.signin import SignInScreen
from exam.tui.screens.trainer import TrainerScreen
from tests.tui.conftest import make_app, settle

PASSPHRASE = "县人大培训2026"


def _sit_mini(service: ExamService, name: str, trainee_id: str, short_answer: str) -> None:
    attempt = service.start_attempt("mini", Trainee(name=name, id=trainee_id, unit="城关镇"))
    for drawn in attempt.paper_snapshot.questions:
        if drawn.question.type == "short":
            service.save_answer(attempt.attempt_id, drawn.id, short_answer)
        elif drawn.question.type == "judge":
            service.save_answer(attempt.attempt_id, drawn.id, drawn.question.answer)
    service.submit(attempt.attempt_id)


async def test_trainer_screen_needs_a_passphrase(mini_service: ExamService) -> None:
    """Without a passphrase set, the trainer button explains how to set one; a wrong one does not open it."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "exam trainer set-passphrase" in app.screen.body
        await pilot.press("enter")
        set_passphrase(mini_service.store, PASSPHRASE)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, PassphraseDialog)
        await pilot.press(*"wrong-passphrase", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)


async def test_trainer_sees_results_marks_a_short_answer_and_exports(mini_service: ExamService, tmp_path: Path) -> None:
    """With the passphrase: results of every trainee, a short answer marked by hand, an xlsx written."""
    set_passphrase(mini_service.store, PASSPHRASE)
    _sit_mini(mini_service, '=HYPERLINK("x")', "a1", "人民代表大会")
    _sit_mini(mini_service, "李四", "a2", "不知道")
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
        assert screen.query_one("#results", DataTable).row_count == 2
        drawn = {
            answer.question_id
            for summary in mini_service.store.list_attempts()
            for answer in mini_service.store.get_attempt(summary.attempt_id).answers
        }
        assert screen.query_one("#stats", DataTable).row_count == len(drawn)
        assert len(screen.pending) == 2

        screen.query_one(TabbedContent).active = "tab-3"
        await pilot.pause()
        screen.query_one("#mark-points", Input).value = "2"
        screen.query_one("#save-mark", Button).press()
        await settle(pilot)
        await settle(pilot)
        assert len(screen.pending) == 1
        marked = [a for a in mini_service.store.list_attempts() if a.score is not None]
        assert len(marked) == 2

        screen.query_one(TabbedContent).active = "tab-4"
        await pilot.pause()
        target = tmp_path / "成绩单.xlsx"
        screen.query_one("#export-path", Input).value = str(target)
        screen.query_one("#export", Button).press()
        await settle(pilot)
        assert target.exists()
        names = [row[1] for row in load_workbook(target)["成绩单"].iter_rows(min_row=2, values_only=True)]
        assert '=HYPERLINK("x")' in names
        before = target.stat().st_mtime_ns
        screen.query_one("#export", Button).press()
        await settle(pilot)
        assert target.stat().st_mtime_ns == before, "an existing file is not overwritten unless asked"
        screen.query_one("#export-force", Checkbox).value = True
        screen.query_one("#export", Button).press()
        await settle(pilot)
        assert target.stat().st_mtime_ns != before
