"""Snapshot tests: every screen in Chinese at 100×30 and 80×24, the trainer screen, and one screen in
English (pytest-textual-snapshot).

Update the stored screenshots after an intended change with ``pytest tests/tui --snapshot-update`` and review
the diff in ``snapshot_report.html``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, TextArea

from exam.i18n import set_language
from exam.models import Trainee
from exam.papers import practice_paper
from exam.service import ExamService
from exam.tui.app import ExamApp
from exam.tui.screens.base import exam_app
from exam.tui.screens.history import HistoryScreen
from exam.tui.screens.practice import PracticeScreen, PracticeSetupScreen
from exam.tui.screens.trainer import TrainerScreen
from tests.tui.conftest import make_app, settle, sign_in, start_first_paper

SIZES = [(100, 30), (80, 24)]


async def at_sign_in(pilot: Pilot[None]) -> None:
    await pilot.pause()


async def at_home(pilot: Pilot[None]) -> None:
    """Signed in, once the home screen shows what it loads from the store (the 错题本 count arrives last; without
    this wait the screenshot sometimes showed the button before its count)."""
    await sign_in(pilot)
    for _ in range(100):
        buttons = pilot.app.screen.query("#wrong-book")
        if buttons and any(mark in str(buttons.first(Button).label) for mark in "(（"):
            return
        await settle(pilot)
    raise AssertionError("the home screen never showed the 错题本 count")


async def at_exam(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await start_first_paper(pilot)
    await pilot.press("2")
    await settle(pilot)


async def at_exam_blank(pilot: Pilot[None]) -> None:
    await at_exam(pilot)
    await pilot.press("right", "right", "right")
    await settle(pilot)


async def at_submit_dialog(pilot: Pilot[None]) -> None:
    await at_exam(pilot)
    await pilot.press("f", "ctrl+s")
    await pilot.pause()


async def at_result(pilot: Pilot[None]) -> None:
    await at_submit_dialog(pilot)
    await pilot.click("#confirm")
    await settle(pilot)


async def at_review(pilot: Pilot[None]) -> None:
    await at_result(pilot)
    await pilot.press("r")
    await pilot.pause()


async def at_history(pilot: Pilot[None]) -> None:
    await at_result(pilot)
    await pilot.press("escape")
    await settle(pilot)
    pilot.app.push_screen(HistoryScreen())
    await settle(pilot)


async def at_practice_setup(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    pilot.app.push_screen(PracticeSetupScreen())
    await settle(pilot)


async def at_practice_feedback(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    service = exam_app(pilot.app).exam
    question = next(q for q in service.registry.banks["constitution-2018"].questions if q.type == "judge")
    pilot.app.push_screen(PracticeScreen(practice_paper([question], "练习", seed="practice")))
    await settle(pilot)
    await pilot.press("n", "ctrl+s")
    await settle(pilot)
    await settle(pilot)


SCREENS: dict[str, Callable[[Pilot[None]], Awaitable[None]]] = {
    "sign_in": at_sign_in,
    "home": at_home,
    "exam": at_exam,
    "exam_blank": at_exam_blank,
    "submit_dialog": at_submit_dialog,
    "result": at_result,
    "review": at_review,
    "history": at_history,
    "practice_setup": at_practice_setup,
    "practice_feedback": at_practice_feedback,
}


def steady(scenario: Callable[[Pilot[None]], Awaitable[None]]) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Run a scenario, then stop cursor blinking so the screenshot does not depend on timing."""

    async def run(pilot: Pilot[None]) -> None:
        await scenario(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
        await pilot.pause()

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(
    screen: str, size: tuple[int, int], mini_service: ExamService, snap_compare: Callable[..., bool]
) -> None:
    """Each screen renders as approved, in Chinese, at both sizes."""
    app = make_app(mini_service)
    assert snap_compare(app, terminal_size=size, run_before=steady(SCREENS[screen]))


async def at_trainer(pilot: Pilot[None]) -> None:
    pilot.app.push_screen(TrainerScreen())
    await settle(pilot)
    await settle(pilot)
    # The default export path names the home folder and today's date; a fixed one keeps the picture stable.
    pilot.app.screen.query_one("#export-path", Input).value = "成绩单-mini.xlsx"
    await pilot.pause()


def _sit(service: ExamService, name: str, trainee_id: str, right: bool) -> None:
    attempt = service.start_attempt("mini", Trainee(name=name, id=trainee_id, unit="城关镇"), seed="snapshot")
    for drawn in attempt.paper_snapshot.questions:
        if drawn.question.type == "judge":
            service.save_answer(
                attempt.attempt_id, drawn.id, drawn.question.answer if right else not drawn.question.answer
            )
        elif drawn.question.type == "short":
            service.save_answer(attempt.attempt_id, drawn.id, "人民代表大会")
    service.submit(attempt.attempt_id)


@pytest.fixture
def chinese_afterwards() -> Iterator[None]:
    """An English app sets the process-wide language; put it back for the tests that follow."""
    yield
    set_language("zh")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_trainer_screen_snapshot(
    size: tuple[int, int], mini_service: ExamService, snap_compare: Callable[..., bool]
) -> None:
    """The trainer screen with two trainees' results (one short answer waiting for a mark each) renders as approved."""
    _sit(mini_service, "张三", "320101", right=True)
    _sit(mini_service, "李四", "320102", right=False)
    app = make_app(mini_service)
    assert snap_compare(app, terminal_size=size, run_before=steady(at_trainer))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_english_home_screen_snapshot(
    size: tuple[int, int], mini_service: ExamService, chinese_afterwards: None, snap_compare: Callable[..., bool]
) -> None:
    """With ``--lang en`` the home screen, its table headings and its footer keys are in English."""
    app = ExamApp(service=mini_service, lang="en")
    assert snap_compare(app, terminal_size=size, run_before=steady(at_home))
