"""A message (notice or error) with one OK button."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from exam.i18n import t
from exam.tui.screens.base import ExamDialog


class MessageDialog(ExamDialog[None]):
    """Shows ``title`` and ``body`` literally (no markup) until OK / Enter / Escape."""

    BINDINGS = [("escape", "close", "key.close")]

    def __init__(self, title: str, body: str = "", error: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.body = body
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error" if self.error else "dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            if self.body:
                with VerticalScroll(classes="dialog-body"):
                    yield Static(Content(self.body))
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("button.ok"), variant="primary", id="ok")
            yield Static(Content(t("dialog.keys_message")), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
