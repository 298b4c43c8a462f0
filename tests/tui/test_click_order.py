"""A click and the keys typed after it act in the order they were typed (issue 10): the app forwards input in order,
but Textual hands a click to the clicked widget's own queue, so a key could overtake it. Events here go through the
app's input path (``App.on_event``, as the terminal driver's do), not through Pilot's shortcut to the widget."""

from __future__ import annotations

import random
from typing import Any

from textual import events
from textual.app import App
from textual.geometry import Region
from textual.widget import Widget

from exam.service import ExamService
from exam.tui.screens.exam import ExamScreen
from exam.tui.screens.practice import PracticeScreen
from exam.tui.widgets.answer_card import CardGrid
from exam.tui.widgets.question_view import OptionBox, OptionButton, QuestionView
from tests.tui.conftest import make_app, on_top, settle, sign_in, start_first_paper
from tests.tui.test_question_keys import expected_answer


def post_click(app: App[Any], target: Widget | Region) -> None:
    """A mouse press and release on ``target`` (a widget, or a region of the screen such as an answer-card cell) as
    the terminal driver posts them (the app makes the Click)."""
    x, y = (target if isinstance(target, Region) else target.region).offset + (1, 0)
    for kind in (events.MouseDown, events.MouseUp):
        app.post_message(
            kind(widget=None, x=x, y=y, delta_x=0, delta_y=0, button=1, shift=False, meta=False, ctrl=False,
                 screen_x=x, screen_y=y)
        )  # fmt: skip


def post_key(app: App[Any], key: str) -> None:
    app.post_message(events.Key(key, key))


async def test_a_card_click_and_an_option_key_with_no_pause_answer_the_question_clicked_to(
    mini_service: ExamService,
) -> None:
    """200 times: a click on a random answer-card cell and an option key right after it, with no wait between them.
    No crash; every key is handled on the question clicked to, and what is stored for each question is what its keys
    make of it (a key never lands on the question being left)."""
    rng = random.Random(10)
    app = make_app(mini_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        keys: dict[int, list[int]] = {i: [] for i in range(len(screen.paper.questions))}
        grid = screen.query_one(CardGrid)
        cells = [grid.cell_region(i) for i in range(grid.count)]
        for _ in range(200):
            target = rng.randrange(len(cells))
            key = rng.choice("12")
            post_click(app, cells[target])
            post_key(app, key)
            if screen.paper.questions[target].question.type in ("single", "multiple", "judge"):
                keys[target].append(int(key) - 1)
            if rng.random() < 0.3:
                await pilot.pause()
        await settle(pilot)
        await settle(pilot)
        assert on_top(app, screen)
        (view,) = screen.query(QuestionView)
        assert view is screen.view and view.drawn.id == screen.paper.questions[screen.current].id
        stored = mini_service.attempt(screen.attempt_id).responses
        for index, drawn in enumerate(screen.paper.questions):
            value = stored[drawn.id].value if drawn.id in stored else None
            assert value == expected_answer(drawn, keys[index]), (index, keys[index])
        assert sum(1 for i in keys if keys[i]) >= 3


async def test_next_button_and_an_option_key_in_one_burst_answer_the_next_question(mini_service: ExamService) -> None:
    """下一题 clicked and 1 pressed at once: the answer is on the next question, shown chosen (●) when it appears."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        first, second = screen.paper.questions[:2]
        post_click(app, screen.query_one("#next"))
        post_key(app, "1")
        await settle(pilot)
        assert screen.current == 1
        stored = mini_service.attempt(screen.attempt_id).responses
        assert first.id not in stored
        assert stored[second.id].value == expected_answer(second, [0])
        chosen = [w for w in [*screen.query(OptionButton), *screen.query(OptionBox)] if w.value]
        assert [w.index for w in chosen] == [0]
        assert "●" in chosen[0].render().plain or "■" in chosen[0].render().plain


async def test_a_question_shown_again_shows_its_answer_and_the_cursor(mini_service: ExamService) -> None:
    """An answered question shown again starts with its choice marked (● and the › pointer), not only after a key."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        await pilot.press("2", "right", "left")
        await settle(pilot)
        rows = [w.render().plain for w in screen.query(OptionButton)]
        assert rows[1].startswith("› ●"), rows
        assert all(row.startswith("  ○") for i, row in enumerate(rows) if i != 1), rows


async def test_an_option_click_and_ctrl_s_in_one_burst_check_the_option_clicked(mini_service: ExamService) -> None:
    """In practice, a click on an option and Ctrl+S at once check that option (not 请先作答, not the old answer)."""
    from exam.papers import practice_paper

    question = next(q for q in mini_service.registry.banks["constitution-2018"].questions if q.type == "single")
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await sign_in(pilot)
        app.push_screen(PracticeScreen(practice_paper([question], "练习", seed="click")))
        await settle(pilot)
        practice = app.screen
        assert isinstance(practice, PracticeScreen)
        drawn = practice.paper.questions[0]
        right = [canon for canon, _ in drawn.displayed_options()].index(str(question.answer))
        post_click(app, practice.query(OptionButton)[right])
        post_key(app, "ctrl+s")
        await settle(pilot)
        await settle(pilot)
        feedback = " ".join(str(w.render()) for w in practice.query("#feedback Static"))
        assert "回答正确" in feedback, feedback
