"""The exam app: a thin :class:`App` that owns the service, the signed-in trainee and the store writer.

The sign-in screen comes first and needs nothing loaded to be drawn: the service (the plugins and banks of the
registry, and the store) is built on a thread worker once that screen is on the terminal, and whatever needs it waits
for it through :meth:`ExamApp.when_loaded`. So this module imports only Textual and the light parts of the core; the
service, the plugins and YAML are imported by the worker.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.worker import Worker, WorkerState

from exam.errors import ExamError
from exam.i18n import set_language, t
from exam.tui.saver import StoreWriter

if TYPE_CHECKING:
    from textual.driver import Driver

    from exam.config import Settings
    from exam.models import Trainee
    from exam.service import ExamService
    from exam.signin import SignedIn
    from exam.tui.hangup import OutputFailed

LOAD_WORKER = "load-service"
"""The name of the thread worker that builds the service (plugins, banks, store)."""


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
        resume_gc: bool = False,
    ) -> None:
        """Make the app around a service, or around a factory that builds one once the sign-in screen is shown.

        Args:
            service: The service, already built (tests); the app is then usable at once.
            service_factory: Builds the service on a thread worker (the ``exam`` command: it loads the plugins and
                banks and opens the store). One of the two is needed.
            lang: ``zh``, ``en`` or ``None`` (see :func:`exam.i18n.set_language`).
            resume_gc: The caller paused Python's cyclic garbage collector for start-up (see
                :func:`exam.cli.start_app`): turn it back on once the sign-in screen is drawn.
        """
        super().__init__()
        set_language(lang)
        self.title = t("app.title")
        self.service: ExamService | None = service
        """The service; ``None`` until :attr:`service_factory`'s worker has built it."""
        self.load_error: BaseException | None = None
        """Why the service could not be built, once that is known."""
        self._service_factory = service_factory
        self._waiting: list[tuple[Callable[[ExamService], object], Callable[[BaseException], object] | None]] = []
        self.writer = StoreWriter(self)
        self._resume_gc = resume_gc

    def get_default_screen(self) -> Screen[Any]:
        """The sign-in screen, at the bottom of the screen stack: the first one drawn, and the one signing out goes
        back to. Textual's own blank default screen would be composed, drawn and then covered first."""
        from exam.tui.screens.signin import SignInScreen

        return SignInScreen()

    async def on_mount(self) -> None:
        self.writer.start()
        # Ready (for a test's pilot too) once the sign-in form is mounted, as when the screen was pushed here.
        await AwaitMount(self.screen, [self.screen])
        if self._resume_gc:
            self.call_after_refresh(gc.enable)  # the sign-in screen is drawn: collect again (see exam.cli.start_app)
        if self.service is None:
            # After the sign-in screen's first frame: the worker would otherwise share the interpreter with the
            # drawing of it and put it off.
            self.call_after_refresh(self.load_service)
        else:
            self._loaded(self.service)

    @work(thread=True, name=LOAD_WORKER, exit_on_error=False)
    def load_service(self) -> ExamService:
        """Load plugins and banks and open the store, off the UI thread."""
        if self._service_factory is None:
            raise RuntimeError("ExamApp needs a service or a service_factory")
        return self._service_factory()

    def when_loaded(
        self, ready: Callable[[ExamService], object], failed: Callable[[BaseException], object] | None = None
    ) -> None:
        """Call ``ready(service)`` once the service is built, on the UI thread: at once when it already is.

        Callers waiting when it is built are called after the user has closed the plugin-problems dialog, if there
        is one, so that nothing they open hides it.

        Args:
            ready: Called with the service.
            failed: Called with the error instead when the service could not be built (at once when that is already
                known); the app has shown the error in a dialog by then.
        """
        if self.service is not None:
            ready(self.service)
        elif self.load_error is not None:
            if failed is not None:
                failed(self.load_error)
        else:
            self._waiting.append((ready, failed))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are turned into a dialog."""
        if event.worker.name == LOAD_WORKER:
            if event.state == WorkerState.SUCCESS and event.worker.result is not None:
                self._loaded(event.worker.result)
            elif event.state == WorkerState.ERROR and event.worker.error is not None:
                self._load_failed(event.worker.error)
        elif event.state == WorkerState.ERROR and event.worker.error is not None:
            self.show_error(event.worker.error)

    def _loaded(self, service: ExamService) -> None:
        """The service is built: tell about plugins that failed, then let whatever waited for it go on."""
        from exam.tui.dialogs.message import MessageDialog

        self.service = service
        failures = service.registry.failures
        if failures:
            details = "\n".join(f"• {f.plugin}: {f.reason}" for f in failures)
            dialog = MessageDialog(t("app.plugin_problems", count=len(failures)), details, error=True)
            self.push_screen(dialog, lambda _closed: self._release_waiting())
        else:
            self._release_waiting()

    def _release_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        for ready, _failed in waiting:
            if self.service is not None:
                ready(self.service)

    def _load_failed(self, error: BaseException) -> None:
        """The service could not be built (the store cannot be opened, ...): say so, and tell whoever waits."""
        self.load_error = error
        self.show_error(error)
        waiting, self._waiting = self._waiting, []
        for _ready, failed in waiting:
            if failed is not None:
                failed(error)

    def action_ask_quit(self) -> None:
        """Quit; during an exam ask first, saying the answers are saved and the clock keeps running.

        Ctrl+Q again while the question is shown quits: a second press is as clear an answer as the button.
        """
        from exam.tui.dialogs.confirm import QuitDialog
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

    # --- The terminal going away (issue 17: an orphaned app must exit, not spin) -------------------------------
    # Kept in one block (its imports too); the watch itself and why it is needed: exam/tui/hangup.py.

    terminal_lost: str | None = None
    """Why the app's terminal counts as gone (``"hangup"``, ``"SIGHUP"``), once it does: the app then exits with
    :data:`~exam.tui.hangup.HANGUP_EXIT_STATUS` (see :meth:`terminal_gone`)."""

    def on_ready(self) -> None:
        """Once the first screen is on a real terminal (or a textual-serve page), watch for that terminal going
        away: its streams hung up or closed, or ``SIGHUP`` (unless it was ignored when the app started, as ``nohup``
        does). Not in tests run headless, nor off POSIX."""
        import asyncio
        import contextlib
        import os
        import signal

        if self.is_headless or os.name != "posix":
            return
        from exam.tui.hangup import TerminalWatch

        loop = asyncio.get_running_loop()

        def on_gone(reason: str) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: the app is gone already
                loop.call_soon_threadsafe(self.terminal_gone, reason)

        watch = TerminalWatch(on_gone)
        watch.start()
        if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # started under nohup: hang-up signals stay ignored
            loop.add_signal_handler(signal.SIGHUP, watch.gone, "SIGHUP")

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform, or for Linux and macOS one that survives its terminal going away
        (:func:`exam.tui.hangup.hangup_safe`)."""
        from exam.tui.hangup import hangup_safe

        return hangup_safe(super().get_driver_class())

    def on_output_failed(self, message: OutputFailed) -> None:
        """Writing to the terminal failed: it has gone (a hung-up terminal answers ``EIO``)."""
        self.terminal_gone("write error")

    def terminal_gone(self, reason: str) -> None:
        """The terminal has gone (``reason``: ``"hangup"``, ``"SIGHUP"`` or ``"write error"``): finish the store
        work in flight, then exit with :data:`~exam.tui.hangup.HANGUP_EXIT_STATUS`.

        Nothing is asked and nothing is lost: every answer is saved as it is given, and an answer still being saved
        is waited for. An attempt in progress stays in progress, to be resumed in another window, and its lease is
        given up after those saves (:meth:`ExamService.close_session <exam.service.ExamService.close_session>`).
        Should that store work not end within half of :data:`~exam.tui.hangup.HANGUP_GRACE_SECONDS`, the app exits
        without it; the lease is then left to go stale as the lease rules say (at once on this computer, where the
        process has ended; after 30 s elsewhere).
        """
        if self.terminal_lost is not None:
            return
        self.terminal_lost = reason
        if self._driver is not None:
            # Textual's Linux driver reads end-of-file from a hung-up terminal in a tight loop (one core busy until
            # the process ends; Textualize/textual PR #6690): stop its input thread now, not at shutdown.
            self._driver.disable_input()
        self.run_worker(self._leave_after_hangup(), name="leave-after-hangup", exit_on_error=False)

    async def _leave_after_hangup(self) -> None:
        import asyncio
        from functools import partial

        from exam.tui.hangup import HANGUP_EXIT_STATUS, HANGUP_GRACE_SECONDS
        from exam.tui.screens.exam import ExamScreen

        if self.service is not None:
            # Give up the lease of an attempt open here, after the saves queued before it (the store queue is
            # FIFO), so another computer need not wait for it to go stale; the exam screen's own release when it
            # is unmounted comes after the store queue has stopped.
            for screen in self.screen_stack:
                if isinstance(screen, ExamScreen):
                    self.writer.run(partial(self.service.close_session, screen.session), _ignore, _ignore)
        try:
            # Half the watch's grace: the other half is for Textual's own shutdown.
            await asyncio.wait_for(self.writer.idle(), timeout=HANGUP_GRACE_SECONDS / 2)
        except TimeoutError:
            pass  # a save that hangs was never acknowledged to the trainee; leave it to the store's own rules
        finally:
            self.exit(return_code=HANGUP_EXIT_STATUS)

    # --- end of the terminal-going-away block ---------------------------------------------------------------------

    def action_help_quit(self) -> None:
        """Ctrl+C (which copies in a text box) tells how to quit instead of Textual's English hint."""
        self.notify(t("app.ctrl_c_body"), title=t("app.ctrl_c_title"))

    @property
    def exam(self) -> ExamService:
        """The service, for the screens that come after sign-in (the sign-in screen waits for it with
        :meth:`when_loaded`).

        Raises:
            RuntimeError: It is not built yet.
        """
        if self.service is None:
            raise RuntimeError("the service is not loaded yet")
        return self.service

    def show_error(self, error: BaseException) -> None:
        """Show any error in a dialog; internal errors say so, user errors show their message."""
        from exam.tui.dialogs.message import MessageDialog

        if isinstance(error, ExamError):
            self.push_screen(MessageDialog(t("app.error_title"), str(error), error=True))
        else:
            self.push_screen(
                MessageDialog(t("app.internal_error_title"), f"{type(error).__name__}: {error}", error=True)
            )


def run_app(context: LaunchContext, resume_gc: bool = False) -> None:
    """Start the TUI for the ``exam`` command; the service (plugins, banks, store) is built off the UI thread once
    the sign-in screen is shown.

    Args:
        context: The settings and, built on first use, the service.
        resume_gc: The caller paused the cyclic garbage collector for start-up (:func:`exam.cli.start_app`). What
            the imports made so far (modules, classes, functions: kept for the life of the process) is then frozen
            out of every later collection (:func:`gc.freeze`), and the app resumes collecting once the sign-in
            screen is drawn.
    """
    lang = context.settings.lang

    def factory() -> ExamService:
        return context.service

    _require_terminal()
    app = ExamApp(service_factory=factory, lang=lang, resume_gc=resume_gc)
    if resume_gc:
        gc.freeze()
    try:
        app.run()
    except OSError:
        # Textual's shutdown writes the terminal's reset to the terminal that has gone (textual-serve's pipe: a
        # broken pipe): expected then, and nothing to tell anyone about; any other time it is an error.
        if app.terminal_lost is None:
            raise
    if app.terminal_lost is not None:
        from exam.tui.hangup import HANGUP_EXIT_STATUS

        raise SystemExit(HANGUP_EXIT_STATUS)
    if app.return_code:  # Textual gave up (an error it showed): not a clean exit
        raise SystemExit(app.return_code)


def _ignore(_value: object) -> None:
    """A store job's result or error that nobody waits for (the app is leaving)."""


def _require_terminal() -> None:
    """Refuse to start the terminal app when its input is not a terminal (a file, a pipe, ``/dev/null``): Textual's
    Linux driver would read end-of-file there in a tight loop, one core busy for as long as the process lived
    (Textualize/textual PR #6690), with nobody able to type. A driver chosen by the environment (textual-serve's
    web driver, whose input is a pipe by design) is left alone.

    Raises:
        ExamError: The input is not a terminal.
    """
    import os
    import sys

    if os.environ.get("TEXTUAL_DRIVER"):
        return
    stdin = sys.__stdin__
    if stdin is None or not stdin.isatty():
        raise ExamError(t("app.no_terminal"))
