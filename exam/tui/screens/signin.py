"""Sign in: name, 考号, unit, position and the trainee's secret (a roster member's 登录码, else a PIN chosen at the
first sign-in) - or pick one's name from the trainer's roster (which never fills in the secret)."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Grid, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Footer, Header, Input, Label, Static

from exam.errors import ExamError
from exam.i18n import t
from exam.tui.screens.base import ServiceScreen

if TYPE_CHECKING:
    # The sign-in screen is the first one drawn: what it needs of the service's side is imported once that is loaded.
    from textual.widgets import Select

    from exam.attempts import Attempt
    from exam.models import Trainee
    from exam.service import ExamService
    from exam.signin import SignedIn

MAX_FIELD = 40


def clean(text: str) -> str:
    """NFC-normalised, one line, trimmed; escape sequences, control and format characters (bidi overrides, zero
    widths) removed (:func:`exam.safetext.safe_line`, then every other Unicode category C); at most
    :data:`MAX_FIELD` characters."""
    from exam.safetext import safe_line  # here: the screen is drawn before anything is typed into it

    text = safe_line(unicodedata.normalize("NFC", text))
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()[:MAX_FIELD]


class SignInScreen(ServiceScreen[None]):
    """The first screen. Enter in the last field signs in."""

    roster: dict[str, Trainee]
    """The imported roster by 考号, once read."""

    FIELDS = ("name", "trainee-id", "unit", "position", "secret")
    settle_request = 0
    """Which sign-in request the fields' settled messages belong to (a newer Enter supersedes an older one)."""
    settle_waiting = 0
    """How many fields have not yet sent back the settled message of the current request."""
    trainer_waiting = False
    """Whether the trainer button was pressed before the service was loaded and waits for it."""
    checking = False
    """Whether a sign-in is being checked (the throttle may make it wait): another Enter meanwhile does nothing, so
    an impatient trainee does not count a second wrong try."""

    BINDINGS = [
        Binding("ctrl+l", "focus_roster", "signin.roster_key"),
        Binding("ctrl+t", "trainer", "signin.trainer"),
        Binding("tab", "next_field", show=False, priority=True),
        Binding("enter", "enter", show=False, priority=True),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_roster":
            return bool(self.query("#roster"))
        return True

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="signin-form"):
            yield Static(t("signin.title"), classes="screen-title")
            with Grid(id="signin-fields"):
                yield Label(t("signin.name"))
                yield Input(placeholder=t("signin.name_hint"), id="name", max_length=MAX_FIELD, compact=True)
                yield Label(t("signin.id"))
                yield Input(placeholder=t("signin.id_hint"), id="trainee-id", max_length=MAX_FIELD, compact=True)
                yield Label(t("signin.unit"))
                yield Input(placeholder=t("signin.unit_hint"), id="unit", max_length=MAX_FIELD, compact=True)
                yield Label(t("signin.position"))
                yield Input(placeholder=t("signin.position_hint"), id="position", max_length=MAX_FIELD, compact=True)
                yield Label(t("signin.secret_pin"), id="secret-label")
                yield Input(
                    placeholder=t("signin.secret_pin_hint"),
                    id="secret",
                    password=True,
                    max_length=MAX_FIELD,
                    compact=True,
                )
            yield Static("", id="signin-error", classes="error-text")
            with Horizontal(classes="buttons"):
                yield Button(t("signin.submit"), variant="primary", id="signin")
                yield Button(t("signin.trainer"), id="trainer")
        yield Footer()

    signed_in: bool = False
    """Whether a trainee signed in from this screen and has not come back to it yet."""

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.roster = {}
        self.exam_app.when_loaded(lambda service: self.writer.run(service.roster, self._show_roster))

    def on_screen_resume(self) -> None:
        """Back after signing out: the next trainee starts from an empty form, with no old error."""
        if self.signed_in and self.exam_app.trainee is None:
            self.signed_in = False
            self.clear_form()

    def clear_form(self) -> None:
        """Empty every field, the roster choice and the error line; focus the name."""
        from textual.widgets import Select

        for field in self.query("#signin-fields Input").results(Input):
            field.value = ""
        for roster in self.query("#roster").results(Select):
            roster.clear()
        self.query_one("#signin-error", Static).update("")
        self.query_one("#name", Input).focus()

    def _show_roster(self, roster: list[Trainee]) -> None:
        """Offer the imported roster (read off the UI thread) above the fields; nothing when none is imported."""
        from textual.widgets import Select  # only with a roster: the screen is drawn before Select is imported

        self.roster = {member.id: member for member in roster}
        if roster:
            options = [(Content(f"{m.name}  {m.unit}  ({m.id})"), m.id) for m in roster]
            self.query_one("#signin-form").mount(
                Label(t("signin.roster")),
                Select(options, prompt=t("signin.roster_prompt"), id="roster"),
                before="#signin-fields",
            )
        self.show_secret_kind(clean(self.query_one("#trainee-id", Input).value))

    def action_focus_roster(self) -> None:
        for select in self.query("#roster"):
            select.focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        from textual.widgets import Select

        if event.value is Select.BLANK:
            return
        member = self.roster[str(event.value)]
        self.query_one("#name", Input).value = member.name
        self.query_one("#trainee-id", Input).value = member.id
        self.query_one("#unit", Input).value = member.unit
        self.query_one("#position", Input).value = member.position
        secret = self.query_one("#secret", Input)
        secret.value = ""  # the picker never fills the secret; nor does a previous typing stay
        secret.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "trainee-id":
            self.show_secret_kind(clean(event.value))

    def show_secret_kind(self, trainee_id: str) -> None:
        """Label the secret field 登录码 for a roster member, PIN otherwise."""
        kind = "code" if trainee_id in self.roster else "pin"
        self.query_one("#secret-label", Label).update(t(f"signin.secret_{kind}"))
        self.query_one("#secret", Input).placeholder = t(f"signin.secret_{kind}_hint")

    def action_next_field(self) -> None:
        self.focus_next()

    def action_enter(self) -> None:
        """Enter in a field moves to the next one; in the last field it signs in.

        A priority binding (not ``Input.Submitted``) so the move happens before the next key is handled:
        a fast typist or a card reader never types into the wrong field.
        """
        focused = self.focused
        order = list(self.FIELDS)
        if not isinstance(focused, Input) or focused.id not in order:
            raise SkipAction()
        if focused.id == order[-1]:
            self.sign_in_after_typing()
        else:
            self.set_focus(self.query_one(f"#{order[order.index(focused.id) + 1]}", Input))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "signin":
            self.sign_in()
        elif event.button.id == "trainer":
            self.action_trainer()

    def action_trainer(self) -> None:
        """Trainer functions, behind the passphrase set with ``exam trainer set-passphrase``; asked for once the
        service is loaded (a press before that waits for it, and a second press meanwhile does nothing more)."""
        app = self.exam_app
        if app.service is None and app.load_error is None:
            self.notify(t("app.loading"))
            if self.trainer_waiting:
                return
            self.trainer_waiting = True

        def ready(service: ExamService) -> None:
            self.trainer_waiting = False
            self._ask_trainer_passphrase(service)

        def failed(exc: BaseException) -> None:
            self.trainer_waiting = False
            self._not_loaded(exc)

        app.when_loaded(ready, failed)

    def _ask_trainer_passphrase(self, service: ExamService) -> None:
        """Ask for the trainer passphrase, check it off the UI thread, and open the trainer screen when it matches."""
        from exam.tui.dialogs.message import MessageDialog
        from exam.tui.dialogs.passphrase import PassphraseDialog
        from exam.tui.screens.trainer import TrainerScreen

        def opened(ok: bool) -> None:
            if ok:
                self.app.push_screen(TrainerScreen())
            else:
                self.notify(t("trainer.wrong_passphrase"), severity="error")

        def check(text: str | None) -> None:
            if text:
                self.notify(t("trainer.checking"))
                self.writer.run(lambda: service.verify_trainer_passphrase(text), opened)

        def ask(is_set: bool) -> None:
            if is_set:
                self.app.push_screen(PassphraseDialog(), check)
            else:
                self.app.push_screen(MessageDialog(t("trainer.title"), t("trainer.no_passphrase")))

        self.writer.run(service.has_trainer_passphrase, ask)

    class FieldsSettled(Message):
        """Sent through a field: it reaches the screen only after every key queued for that field was applied."""

        def __init__(self, request: int) -> None:
            super().__init__()
            self.request = request

    def sign_in_after_typing(self) -> None:
        """Sign in with what the fields hold once the keys already typed into them are applied.

        Enter is a priority binding, handled as soon as it arrives; keys that came in the same burst (a card reader,
        a paste, a browser batching keystrokes) may still be waiting in a field's queue. A message posted through
        each field comes back only after that field's queue, so the values read then are the ones on screen.
        """
        self.settle_request += 1
        self.settle_waiting = len(self.FIELDS)
        for field_id in self.FIELDS:
            self.query_one(f"#{field_id}", Input).post_message(self.FieldsSettled(self.settle_request))

    def on_sign_in_screen_fields_settled(self, message: FieldsSettled) -> None:
        message.stop()
        if message.request != self.settle_request:
            return
        self.settle_waiting -= 1
        if self.settle_waiting == 0:
            self.sign_in()

    def sign_in(self) -> None:
        """Check the form and the secret (off the UI thread, throttled per 考号); a 考号 without a secret asks for a
        new PIN first."""
        if self.checking:
            return
        name = clean(self.query_one("#name", Input).value)
        trainee_id = clean(self.query_one("#trainee-id", Input).value)
        error = self.query_one("#signin-error", Static)
        if not name:
            error.update(t("signin.need_name"))
            self.query_one("#name", Input).focus()
            return
        if not trainee_id:
            error.update(t("signin.need_id"))
            self.query_one("#trainee-id", Input).focus()
            return
        from exam.models import Trainee  # here: the screen is drawn before the domain model (and its imports) loads

        trainee = Trainee(
            name=name,
            id=trainee_id,
            unit=clean(self.query_one("#unit", Input).value),
            position=clean(self.query_one("#position", Input).value),
        )
        secret = self.query_one("#secret", Input).value
        self.checking = True
        app = self.exam_app
        if app.service is None and app.load_error is None:
            error.update(t("signin.waiting_for_banks"))  # pressed before the banks are loaded: it goes on by itself
        app.when_loaded(lambda service: self._check(service, trainee, secret), self._not_loaded)

    def _check(self, service: ExamService, trainee: Trainee, secret: str) -> None:
        """Check ``trainee``'s secret off the UI thread; then go on (:meth:`_enter`) or say why not."""
        self.query_one("#signin-error", Static).update(t("signin.checking"))
        self.writer.run(lambda: service.sign_in(trainee, secret), self._enter, lambda exc: self._refused(trainee, exc))

    def _not_loaded(self, exc: BaseException) -> None:
        """The service could not be built (the app has shown why in a dialog): nobody can sign in, and the error line
        says so for every later try."""
        self.checking = False
        reason = str(exc) if isinstance(exc, ExamError) else f"{type(exc).__name__}: {exc}"
        from exam.safetext import safe_line

        self.query_one("#signin-error", Static).update(Content(t("signin.not_loaded", error=safe_line(reason))))

    def _refused(self, trainee: Trainee, exc: Exception) -> None:
        """Say why sign-in was refused, empty the secret field and focus it; a 考号 without a secret sets a PIN."""
        from exam.signin import NameMismatchError, PinNotSetError

        self.checking = False
        error = self.query_one("#signin-error", Static)
        if isinstance(exc, PinNotSetError):
            error.update("")
            self._ask_for_pin(trainee)
            return
        if not isinstance(exc, ExamError):
            error.update("")
            self.exam_app.show_error(exc)
            return
        error.update(str(exc))
        secret = self.query_one("#secret", Input)
        secret.value = ""
        (self.query_one("#name", Input) if isinstance(exc, NameMismatchError) else secret).focus()

    def _ask_for_pin(self, trainee: Trainee) -> None:
        from exam.tui.dialogs.pin import SetPinDialog

        service = self.service

        def chosen(pins: tuple[str, str] | None) -> None:
            if pins is None:
                self.query_one("#secret", Input).focus()
                return
            self.checking = True
            self.writer.run(
                lambda: service.set_first_pin(trainee, *pins), self._enter, lambda exc: self._refused(trainee, exc)
            )

        self.app.push_screen(SetPinDialog(trainee.id), chosen)

    def _enter(self, identity: SignedIn) -> None:
        """Signed in: keep the identity, empty the secret field, and go to the home screen."""
        from exam.tui.screens.home import HomeScreen

        self.checking = False
        self.query_one("#signin-error", Static).update("")
        self.query_one("#secret", Input).value = ""
        self.exam_app.identity = identity
        self.signed_in = True
        service = self.service
        trainee = identity.trainee
        # Queued before the home screen's own loading, which closes expired attempts too: this call sees them open.
        self.writer.run(lambda: service.closed_while_away(trainee), self._tell_closed_while_away)
        self.app.push_screen(HomeScreen())

    def _tell_closed_while_away(self, attempts: list[Attempt]) -> None:
        """A message over the home screen naming each attempt that was submitted automatically while the trainee
        was away, with its score."""
        if not attempts:
            return
        from exam.scoring import format_points
        from exam.tui.dialogs.message import MessageDialog

        body = "\n".join(
            t(
                "signin.closed_away_item",
                title=a.paper_title,
                score=format_points(a.score or 0),
                max=format_points(a.max_score),
            )  # fmt: skip
            for a in attempts
        )
        self.app.push_screen(MessageDialog(t("signin.closed_away_title"), body))
