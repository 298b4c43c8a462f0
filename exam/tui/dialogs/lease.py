"""The choice a second window gets when the attempt is open in another one: view read-only, take over, or cancel."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from exam.i18n import t
from exam.tui.screens.base import ExamDialog

LeaseChoice = Literal["read_only", "takeover", "cancel"]
CHOICES: dict[str, LeaseChoice] = {"read_only": "read_only", "takeover": "takeover", "cancel": "cancel"}


class LeaseDialog(ExamDialog[LeaseChoice]):
    """Returns ``"read_only"`` (the primary, safe choice), ``"takeover"`` or ``"cancel"`` (Escape)."""

    BINDINGS = [("escape", "choose('cancel')", "button.cancel")]

    def __init__(self, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog warning"):
            yield Static(Content(t("lease.dialog_title")), classes="dialog-title")
            yield Static(Content(self.message), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("lease.read_only_button"), variant="primary", id="read_only")
                yield Button(t("lease.takeover_button"), variant="warning", id="takeover")
                yield Button(t("button.cancel"), id="cancel")
            yield Static(Content(t("dialog.keys_choice")), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#read_only", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose(str(event.button.id))

    def action_choose(self, choice: str) -> None:
        self.dismiss(CHOICES[choice])
