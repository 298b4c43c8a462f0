"""Helpers for driving the real app with Pilot: a small paper with one question of each type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from exam.papers import PaperSpec, SectionSpec
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.tui.app import ExamApp
from exam.tui.screens.base import exam_app
from tests.conftest import FakeClock
from tests.core._support import derive_registry

MINI = PaperSpec(
    id="mini",
    title="小测验",
    time_limit=10,
    pass_mark=6,
    shuffle_questions=False,
    shuffle_options=False,
    multiple_rule="partial",
    sections=tuple(
        SectionSpec(type=qtype, count=1, points=2, banks=("constitution-2018",))
        for qtype in ("single", "multiple", "judge", "blank", "short")
    ),
)


@pytest.fixture
def mini_registry(registry: Registry) -> Registry:
    """The built-in registry with only the small paper and its own plugin and bank tables (the shared one is not
    changed when a test records a failure or swaps a bank)."""
    return derive_registry(registry, papers={"mini": MINI}, only_these_papers=True, plugins={})


@pytest.fixture
def mini_service(mini_registry: Registry, store: TinyDBAttemptStore, clock: FakeClock) -> ExamService:
    return ExamService(mini_registry, store, clock, clock.monotonic)


def make_app(service: ExamService) -> ExamApp:
    return ExamApp(service=service, lang="zh")


async def settle(pilot: Pilot[None]) -> None:
    """Wait until queued store work and its callbacks are done and the screen has refreshed."""
    await pilot.pause()
    await exam_app(pilot.app).writer.idle()
    await pilot.pause()


async def until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Let the app run until ``condition()`` holds (a bounded number of turns of the event loop and store queue)."""
    for _ in range(200):
        if condition():
            return
        await settle(pilot)
    raise AssertionError("the app never got there")


PIN = "2468"
"""The PIN the helpers choose at a first sign-in and type later."""


async def sign_in(
    pilot: Pilot[None], name: str = "张三", trainee_id: str = "320101", unit: str = "城关镇", secret: str = PIN
) -> None:
    """Fill the sign-in form and press 登录; at a 考号's first sign-in, choose ``secret`` as its PIN (typed twice)."""
    from exam.tui.dialogs.pin import SetPinDialog

    screen = pilot.app.screen
    screen.query_one("#name", Input).value = name
    screen.query_one("#trainee-id", Input).value = trainee_id
    screen.query_one("#unit", Input).value = unit
    screen.query_one("#secret", Input).value = secret
    await pilot.click("#signin")
    await settle(pilot)  # the check runs on the store queue; its answer then opens the home screen
    await settle(pilot)  # ... whose own loading is queued in turn
    if isinstance(pilot.app.screen, SetPinDialog):
        await set_pin(pilot, secret, secret)
    await home_loaded(pilot)


async def home_loaded(pilot: Pilot[None]) -> None:
    """If sign-in led to the home screen, wait until its papers (and 错题本 count) are shown: the check, the screen's
    opening and its loading are three hops through the store queue, so a fixed number of waits may fall short on a
    busy machine."""
    from exam.tui.screens.home import HomeScreen

    for _ in range(50):
        await settle(pilot)
        screen = pilot.app.screen
        if not isinstance(screen, HomeScreen) or screen.papers:
            break
    await pilot.pause()  # the 错题本 button was relabelled with the papers: let its new width be laid out


async def set_pin(pilot: Pilot[None], pin: str, again: str) -> None:
    """Type the two PINs into the open PIN dialog and press OK."""
    dialog = pilot.app.screen
    dialog.query_one("#pin", Input).value = pin
    dialog.query_one("#pin-again", Input).value = again
    await pilot.click("#ok")
    await settle(pilot)
    await home_loaded(pilot)


async def start_first_paper(pilot: Pilot[None]) -> None:
    """From the home screen: Enter on the first paper, confirm."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.click("#confirm")
    await settle(pilot)


def on_top(app: App[Any], screen: Screen[Any]) -> bool:
    """Whether ``screen`` is the one on top of the app's stack (read afresh: a type checker would otherwise keep a
    narrowing of ``app.screen`` across the awaits between two reads)."""
    return app.screen is screen
