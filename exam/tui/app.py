"""The exam app: a thin :class:`App` that owns the service, the signed-in trainee and the store writer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from exam.config import Settings
from exam.errors import ExamError
from exam.i18n import set_language, t
from exam.models import Trainee
from exam.service import ExamService
from exam.signin import SignedIn
from exam.tui.dialogs.confirm import QuitDialog
from exam.tui.dialogs.message import MessageDialog
from exam.tui.saver import StoreWriter


class LaunchContext(Protocol):
    """What :func:`run_app` needs from the command line: the settings and, built on first use, the service."""

    @property
    def settings(self) -> Settings: ...

    @property
    def service(self) -> ExamService: ...


class ExamApp(App[None]):
    """Sign in, take exams, practise, review. All domain work goes through :class:`ExamService`."""

    CSS_PATH = "exam.tcss"
    TITLE = "乡镇人大主席培训考试"
    BINDINGS = [Binding("ctrl+q", "ask_quit", "key.quit", priority=True)]
    """Descriptions are catalogue keys, translated by :class:`~exam.tui.screens.base.ServiceScreen`."""

    ENABLE_COMMAND_PALETTE = False
    """No command palette (Ctrl+P): its commands (Keys, Maximize, Screenshot, Theme) are Textual's, in English,
    and none of them serves a trainee or a trainer: every screen shows its own keys, and Ctrl+Q quits."""

    identity: reactive[SignedIn | None] = reactive(None)
    """Who is signed in (``None`` on the sign-in screen): only :meth:`ExamService.sign_in` and
    :meth:`ExamService.set_first_pin` make one, after checking the trainee's code or PIN, so every screen that reaches
    a trainee's attempts, history or 错题本 does so for a trainee who proved who they are."""

    @property
    def trainee(self) -> Trainee | None:
        """The signed-in trainee, or ``None``."""
        return self.identity.trainee if self.identity is not None else None

    def __init__(
        self,
        service: ExamService | None = None,
        service_factory: Callable[[], ExamService] | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__()
        set_language(lang)
        self.title = t("app.title")
        self.service: ExamService | None = service
        self._service_factory = service_factory
        self.writer = StoreWriter(self)

    def on_mount(self) -> None:
        self.writer.start()
        if self.service is None:
            from exam.tui.screens.loading import LoadingScreen

            self.push_screen(LoadingScreen())
            self.load_service()
        else:
            self.service_ready()

    @work(thread=True, name="load-banks", exit_on_error=False)
    def load_service(self) -> ExamService:
        """Load plugins and banks off the UI thread."""
        assert self._service_factory is not None
        return self._service_factory()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are turned into a dialog."""
        if event.worker.name == "load-banks":
            if event.state == WorkerState.SUCCESS:
                self.service = event.worker.result
                self.pop_screen()
                self.service_ready()
            elif event.state == WorkerState.ERROR and event.worker.error is not None:
                self.show_error(event.worker.error)
        elif event.state == WorkerState.ERROR and event.worker.error is not None:
            self.show_error(event.worker.error)

    def service_ready(self) -> None:
        from exam.tui.screens.signin import SignInScreen

        assert self.service is not None
        self.push_screen(SignInScreen())
        failures = self.service.registry.failures
        if failures:
            details = "\n".join(f"• {f.plugin}: {f.reason}" for f in failures)
            self.push_screen(MessageDialog(t("app.plugin_problems", count=len(failures)), details, error=True))

    def action_ask_quit(self) -> None:
        """Quit; during an exam ask first, saying the answers are saved and the clock keeps running.

        Ctrl+Q again while the question is shown quits: a second press is as clear an answer as the button.
        """
        from exam.tui.screens.exam import ExamScreen

        if isinstance(self.screen, QuitDialog) or not any(
            isinstance(screen, ExamScreen) and screen.in_progress for screen in self.screen_stack
        ):
            self.exit()
            return
        self.push_screen(
            QuitDialog(t("quit.title"), t("quit.body"), confirm=t("quit.confirm"), warning=True),
            lambda ok: self.exit() if ok else None,
        )

    def action_help_quit(self) -> None:
        """Ctrl+C (which copies in a text box) tells how to quit instead of Textual's English hint."""
        self.notify(t("app.ctrl_c_body"), title=t("app.ctrl_c_title"))

    @property
    def exam(self) -> ExamService:
        """The service (always set once the sign-in screen is shown)."""
        assert self.service is not None
        return self.service

    def show_error(self, error: BaseException) -> None:
        """Show any error in a dialog; internal errors say so, user errors show their message."""
        if isinstance(error, ExamError):
            self.push_screen(MessageDialog(t("app.error_title"), str(error), error=True))
        else:
            self.push_screen(
                MessageDialog(t("app.internal_error_title"), f"{type(error).__name__}: {error}", error=True)
            )


def run_app(context: LaunchContext) -> None:
    """Start the TUI for the ``exam`` command; the service (plugins, banks, store) is built off the UI thread."""
    lang = context.settings.lang

    def factory() -> ExamService:
        return context.service

    ExamApp(service_factory=factory, lang=lang).run()
