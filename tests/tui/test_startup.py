"""Start-up (issue 17): the sign-in screen is drawn before the plugins, banks and store are loaded; whatever needs
them waits for them with a message, and a failure to load them is shown, never a crash.

The app here is built as the ``exam`` command builds it, around a service factory run on a thread worker; the
factory waits for the test to let it go, so the test decides when "loading" ends.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from textual.screen import Screen
from textual.widgets import Input, Static

from exam.errors import StoreError
from exam.plugins import PluginFailure
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.tui.app import ExamApp
from exam.tui.dialogs.message import MessageDialog
from exam.tui.dialogs.pin import SetPinDialog
from exam.tui.screens.home import HomeScreen
from exam.tui.screens.signin import SignInScreen
from tests.conftest import FakeClock
from tests.core._support import derive_registry
from tests.tui.conftest import PIN, home_loaded, set_pin, settle, until


class SlowFactory:
    """A service factory that blocks, on the app's loading worker, until :meth:`release` (or :meth:`fail`)."""

    def __init__(self, make: Callable[[], ExamService]) -> None:
        self.make = make
        self.started = threading.Event()
        self._go = threading.Event()
        self._error: Exception | None = None
        self.calls = 0

    def __call__(self) -> ExamService:
        self.calls += 1
        self.started.set()
        if not self._go.wait(timeout=30):
            raise TimeoutError("the test never released the factory")
        if self._error is not None:
            raise self._error
        return self.make()

    def release(self) -> None:
        self._go.set()

    def fail(self, error: Exception) -> None:
        self._error = error
        self._go.set()


async def loading_started(factory: SlowFactory) -> None:
    """Wait until the app has called the factory on its worker thread."""
    assert await asyncio.to_thread(factory.started.wait, 10), "the app never started loading"


def fill_form(screen: Screen[Any], name: str = "张三", trainee_id: str = "320101") -> None:
    """Type a first-time trainee's name, 考号 and unit, and no secret, into the sign-in form."""
    assert isinstance(screen, SignInScreen)
    screen.query_one("#name", Input).value = name
    screen.query_one("#trainee-id", Input).value = trainee_id
    screen.query_one("#unit", Input).value = "城关镇"
    screen.query_one("#secret", Input).value = ""


def error_line(app: ExamApp) -> str:
    """The text of the sign-in screen's error line."""
    return str(app.screen.query_one("#signin-error", Static).render())


async def test_the_sign_in_screen_is_shown_before_the_service_is_loaded(mini_service: ExamService) -> None:
    """The first screen is the sign-in form while the factory is still loading; the service arrives later, once."""
    factory = SlowFactory(lambda: mini_service)
    app = ExamApp(service_factory=factory, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await loading_started(factory)
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.query_one("#name", Input).has_focus
        assert app.service is None
        factory.release()
        await until(pilot, lambda: app.service is not None)
        assert app.service is mini_service
        assert isinstance(app.screen, SignInScreen)
        assert factory.calls == 1


async def test_enter_before_the_banks_are_loaded_waits_with_a_message_then_signs_in(mini_service: ExamService) -> None:
    """A trainee who presses Enter while the banks load is told to wait, and is signed in once they are loaded
    without pressing again (first sign-in: the PIN dialog, then the home screen)."""
    factory = SlowFactory(lambda: mini_service)
    app = ExamApp(service_factory=factory, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await loading_started(factory)
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        fill_form(app.screen)
        app.screen.query_one("#secret", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "正在加载题库" in error_line(app)
        await pilot.press("enter")  # a second Enter while waiting changes nothing
        await settle(pilot)
        factory.release()
        await until(pilot, lambda: isinstance(app.screen, SetPinDialog))
        await set_pin(pilot, PIN, PIN)
        await home_loaded(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.trainee is not None and app.trainee.id == "320101"


async def test_a_service_that_cannot_be_loaded_is_shown_and_sign_in_says_so(mini_service: ExamService) -> None:
    """When the service cannot be built (here: the store cannot be opened) the error is shown in a dialog; a
    trainee waiting to sign in, and every later try, gets one clear line instead of a crash or an endless wait."""
    factory = SlowFactory(lambda: mini_service)
    app = ExamApp(service_factory=factory, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await loading_started(factory)
        await pilot.pause()
        fill_form(app.screen)
        await pilot.click("#signin")
        await settle(pilot)
        assert "正在加载题库" in error_line(app)
        factory.fail(StoreError("成绩数据目录无法打开：/no/such/place"))
        await until(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert isinstance(app.screen, MessageDialog)
        assert "/no/such/place" in app.screen.body
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert "没有加载成功" in error_line(app) and "/no/such/place" in error_line(app)
        app.screen.query_one("#signin-error", Static).update("")
        await pilot.click("#signin")  # a later try is answered at once, with the same line
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "没有加载成功" in error_line(app)
        assert app.service is None


async def test_plugin_problems_found_while_loading_are_shown_before_a_waiting_sign_in_goes_on(
    mini_service: ExamService, store: TinyDBAttemptStore, clock: FakeClock
) -> None:
    """Plugins that failed while the banks loaded in the background are reported in the plugin-problems dialog over
    the sign-in screen; a sign-in that was waiting goes on only after the dialog is closed, so nothing hides it."""
    failure = PluginFailure("broken-plugin", "ImportError: no module named x")
    service = ExamService(derive_registry(mini_service.registry, failures=[failure]), store, clock, clock.monotonic)
    factory = SlowFactory(lambda: service)
    app = ExamApp(service_factory=factory, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await loading_started(factory)
        await pilot.pause()
        fill_form(app.screen)
        await pilot.click("#signin")
        await settle(pilot)
        factory.release()
        await until(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert isinstance(app.screen, MessageDialog)
        assert "broken-plugin" in app.screen.body
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)  # the waiting sign-in has not covered it
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SetPinDialog))


async def test_the_trainer_button_before_the_service_is_loaded_asks_once_it_is(mini_service: ExamService) -> None:
    """The trainer button pressed (twice) while loading says the banks are loading, then opens one dialog."""
    factory = SlowFactory(lambda: mini_service)
    app = ExamApp(service_factory=factory, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await loading_started(factory)
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert any("正在加载题库" in str(n.message) for n in app._notifications)
        factory.release()
        await until(pilot, lambda: isinstance(app.screen, MessageDialog))
        await pilot.press("enter")  # no passphrase is set: one message saying so, and no second one behind it
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
