"""Asks for the trainer passphrase (hidden input)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from exam.i18n import t
from exam.tui.screens.base import ExamDialog


class PassphraseDialog(ExamDialog[str | None]):
    """Returns the typed passphrase, or ``None`` when cancelled.

    The input has focus, so Enter there is the primary action (OK); ←/→ move its cursor, and between the buttons
    once Tab has left it.
    """

    BINDINGS = [("escape", "cancel", "button.cancel")]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("trainer.passphrase_title"), classes="dialog-title")
            yield Input(password=True, id="passphrase", placeholder=t("trainer.passphrase_hint"))
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("button.ok"), variant="primary", id="ok")
                yield Button(t("button.cancel"), id="cancel")
            yield Static(t("dialog.keys_input"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.query_one(Input).value if event.button.id == "ok" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
