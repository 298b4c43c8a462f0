"""Yes/no confirmations: submitting a paper, starting one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from exam.i18n import t
from exam.tui.screens.base import ExamDialog


class ConfirmDialog(ExamDialog[bool]):
    """Returns ``True`` for the confirm button (or ``y``), ``False`` for cancel (or ``n`` / Escape)."""

    BINDINGS = [("escape,n", "answer(False)", "button.cancel"), ("y", "answer(True)", "button.confirm")]

    def __init__(self, title: str, body: str, confirm: str | None = None, warning: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.body = body
        self.confirm_label = confirm or t("button.confirm")
        self.warning = warning

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog warning" if self.warning else "dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.body), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, variant="primary", id="confirm")
                yield Button(t("button.cancel"), id="cancel")
            yield Static(Content(t("dialog.keys_confirm", confirm=self.confirm_label)), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class QuitDialog(ConfirmDialog):
    """The question before quitting during an exam (its own type, so a second Ctrl+Q can answer it)."""


def submit_summary(unanswered: int, flagged: int) -> str:
    """The body of the submit confirmation."""
    return t("submit.body", unanswered=unanswered, flagged=flagged)
