"""Dialogs as a trainee uses them: the primary button has focus, Enter / Escape / ←/→ / Y / N, and the keys shown."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button, DataTable, Input, Static

from exam.i18n import set_language, t
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.tui.dialogs.confirm import ConfirmDialog
from exam.tui.dialogs.lease import LeaseDialog
from exam.tui.dialogs.message import MessageDialog
from exam.tui.dialogs.passphrase import PassphraseDialog
from exam.tui.screens.base import ExamDialog
from exam.tui.screens.exam import ExamScreen
from exam.tui.screens.home import HomeScreen
from tests.conftest import FakeClock
from tests.core._support import derive_registry
from tests.tui.conftest import MINI, make_app, on_top, settle, sign_in


class DialogHarness(App[None]):
    """An empty app that opens one dialog and keeps what it returned."""

    def __init__(self, dialog: ExamDialog[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("")

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def dialogs() -> dict[str, tuple[ExamDialog[Any], str]]:
    """Each dialog with the id of the widget that must have focus when it opens."""
    return {
        "confirm": (ConfirmDialog("标题", "正文", confirm="开始考试"), "confirm"),
        "lease": (LeaseDialog("另一个窗口"), "read_only"),
        "message": (MessageDialog("标题", "正文"), "ok"),
        "passphrase": (PassphraseDialog(), "passphrase"),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["confirm", "lease", "message", "passphrase"])
async def test_each_dialog_opens_on_its_primary_control_and_shows_its_keys(name: str, lang: str) -> None:
    """The primary button (the passphrase field, whose Enter is OK) has focus at once, and the dialog names the
    keys that work in it, in the language in force."""
    set_language(lang)
    try:
        dialog, primary = dialogs()[name]
        app = DialogHarness(dialog)
        async with app.run_test() as pilot:
            await pilot.pause()
            assert app.screen is dialog
            assert dialog.focused is not None and dialog.focused.id == primary
            keys = str(dialog.query_one(".dialog-keys", Static).render())
            assert "Enter" in keys and "Esc" in keys
            if name == "confirm":
                assert "Y" in keys and "N" in keys and "开始考试" in keys
            assert keys in {
                t("dialog.keys_confirm", confirm="开始考试"),
                t("dialog.keys_choice"),
                t("dialog.keys_message"),
                t("dialog.keys_input"),
            }
    finally:
        set_language("zh")


@pytest.mark.parametrize(
    ("keys", "result"),
    [
        (("enter",), True),
        (("escape",), False),
        (("y",), True),
        (("n",), False),
        (("right", "enter"), False),
        (("right", "left", "enter"), True),
        (("left", "enter"), False),  # ← from the first button wraps round to the last
        (("right", "right", "enter"), True),
    ],
)
async def test_confirm_dialog_keys(keys: tuple[str, ...], result: bool) -> None:
    """Enter presses the focused button (the primary one at first), Escape / N cancel, Y confirms, ←/→ move."""
    app = DialogHarness(ConfirmDialog("标题", "正文"))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        assert app.results == [result]


async def test_lease_dialog_arrows_reach_every_choice() -> None:
    """→ moves from 只查看 to 接管 to 取消; Enter chooses the one with focus; Escape cancels."""
    app = DialogHarness(LeaseDialog("另一个窗口"))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("right")
        assert app.dialog.focused is app.dialog.query_one("#takeover", Button)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == ["takeover"]


async def test_passphrase_dialog_keeps_arrows_for_the_field_and_enter_is_ok() -> None:
    """←/→ in the passphrase field move its cursor (focus stays), and Enter there is OK with the typed text."""
    dialog = PassphraseDialog()
    app = DialogHarness(dialog)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*"abc", "left", "x", "right")
        field = dialog.query_one(Input)
        assert dialog.focused is field
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == ["abxc"]


@pytest.fixture
def two_paper_service(registry: Registry, store: TinyDBAttemptStore, clock: FakeClock) -> ExamService:
    """The small paper and a second one after it on the home screen."""
    second = replace(MINI, id="mini2", title="第二套测验")
    two = derive_registry(registry, papers={"mini": MINI, "mini2": second}, only_these_papers=True, plugins={})
    return ExamService(two, store, clock, clock.monotonic)


async def test_cancelling_the_start_dialog_keeps_the_chosen_paper(two_paper_service: ExamService) -> None:
    """↓ to the second paper, Enter, Esc: the list stays on the second paper, and Enter, Enter starts that one."""
    app = make_app(two_paper_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one("#papers", DataTable)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "第二套测验" in app.screen.body
        await pilot.press("escape")
        await settle(pilot)
        assert on_top(app, home)
        assert table.cursor_row == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "第二套测验" in app.screen.body
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExamScreen)
        assert app.screen.paper.paper_id == "mini2"
