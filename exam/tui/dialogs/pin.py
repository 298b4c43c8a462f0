"""The first sign-in with a 考号 that has no secret: choose a PIN of 4–6 digits, typed twice (hidden)."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Static

from exam.i18n import t
from exam.signin import PinRuleError, check_pin_rules
from exam.tui.screens.base import ExamDialog

DIGITS = r"[0-9０-９]*"
"""What a PIN field accepts as typed (full-width digits from a Chinese input method count)."""


class SetPinDialog(ExamDialog[tuple[str, str] | None]):
    """Returns the PIN as typed twice ``(pin, again)`` once both are 4–6 equal digits, or ``None`` when cancelled.

    A PIN that breaks the rule, or two typings that differ, is told on the dialog (both fields emptied, the first
    focused); the service checks again when it stores the PIN. Enter in the first field moves to the second; Enter in
    the second is OK.

    Typed in one burst (``2468⏎2468⏎`` or ``2468⇥2468⏎`` from a fast typist or a browser batching keys) the digits
    land where they show: Enter and Tab are priority bindings, so focus moves before the next key is handled, and OK
    waits for a message sent through each field, which comes back only after the keys queued for that field are
    applied (as on the sign-in screen).
    """

    BINDINGS = [
        ("escape", "cancel", "button.cancel"),
        Binding("enter", "enter", show=False, priority=True),
        # Tab too: a plain Tab binding runs after the keys already queued for the field, so "2468⇥2468" in one
        # burst put all eight digits in the first field (as on the sign-in screen, which binds it the same way)
        Binding("tab", "next_field", show=False, priority=True),
        Binding("shift+tab", "previous_field", show=False, priority=True),
    ]
    settle_request = 0
    """Which OK the fields' settled messages belong to."""
    settle_waiting = 0
    """How many fields have not yet sent back the settled message of the current OK."""

    class FieldsSettled(Message):
        """Sent through a field: it reaches the dialog only after every key queued for that field was applied."""

        def __init__(self, request: int) -> None:
            super().__init__()
            self.request = request

    def __init__(self, trainee_id: str) -> None:
        super().__init__(classes="dialog-screen")
        self.trainee_id = trainee_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("pin.title", id=self.trainee_id), classes="dialog-title")
            yield Static(t("pin.explain"), classes="dialog-body")
            for field_id, hint in (("pin", "pin.first"), ("pin-again", "pin.again")):
                yield Input(password=True, id=field_id, placeholder=t(hint), max_length=6, restrict=DIGITS)
            yield Static("", id="pin-error", classes="error-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("button.ok"), variant="primary", id="ok")
                yield Button(t("button.cancel"), id="cancel")
            yield Static(t("dialog.keys_input"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    def action_enter(self) -> None:
        """Enter in the first field moves to the second; in the second it is OK once both fields have settled.
        Elsewhere (a button) Enter does what it does in every dialog."""
        focused = self.focused
        if not isinstance(focused, Input):
            raise SkipAction()
        if focused.id == "pin":
            self.set_focus(self.query_one("#pin-again", Input))
            return
        self.settle_request += 1
        self.settle_waiting = 2
        for field in self.query(Input).results(Input):
            field.post_message(self.FieldsSettled(self.settle_request))

    def on_set_pin_dialog_fields_settled(self, message: FieldsSettled) -> None:
        message.stop()
        if message.request != self.settle_request:
            return
        self.settle_waiting -= 1
        if self.settle_waiting == 0:
            self.confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.confirm()
        else:
            self.dismiss(None)

    def confirm(self) -> None:
        """Dismiss with both typings if they make a PIN; otherwise say why and start again."""
        first, second = self.query_one("#pin", Input), self.query_one("#pin-again", Input)
        try:
            check_pin_rules(first.value, second.value)
        except PinRuleError as exc:
            self.query_one("#pin-error", Static).update(str(exc))
            first.value = second.value = ""
            first.focus()
            return
        self.dismiss((first.value, second.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
