"""Answering a question with the keyboard and the mouse, in the exam and in practice (issue 10): options wrap and show
their state without colour, ↑/↓ + Enter/Space choose, one Tab enters a blank, Esc leaves it first, and no key ever
acts on a question other than the one shown when the key is handled."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Region
from textual.widgets import Input, TextArea

from exam.models import OPTION_LETTERS
from exam.papers import DrawnQuestion
from exam.plugins import Registry
from exam.service import ExamService
from exam.tui.screens.exam import ExamScreen
from exam.tui.screens.practice import PracticeScreen
from exam.tui.widgets.answer_card import AnswerCard
from exam.tui.widgets.question_view import OptionBox, OptionButton, QuestionView
from tests.tui.conftest import make_app, on_top, settle, sign_in, start_first_paper


def longest_option_question(registry: Registry) -> DrawnQuestion:
    """The bank question with the longest option text (a Deputies Law multiple choice)."""
    question = max(
        (q for bank in registry.banks.values() for q in bank.questions if q.options),
        key=lambda q: max(len(option) for option in q.options),
    )
    return DrawnQuestion(question, 2, tuple(range(len(question.options))))


class QuestionHarness(App[None]):
    """One QuestionView in a column as wide as the exam's question column at 80 columns."""

    def __init__(self, view: QuestionView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        with Horizontal():
            with VerticalScroll():
                yield self.view
            yield VerticalScroll(classes="card")

    CSS = ".card { width: 24; }"


def shown_text(widget: OptionButton | OptionBox) -> str:
    """What the option's cells show, lines joined, spaces dropped."""
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "".join(line.text for line in lines).replace(" ", "")


async def test_the_longest_bank_option_wraps_and_is_shown_in_full_at_80x24(
    registry: Registry, service: ExamService
) -> None:
    """At 80×24, beside the answer card, every option of the question with the longest option is shown whole, on
    more than one line where it needs to, with no ellipsis."""
    drawn = longest_option_question(registry)
    app = QuestionHarness(QuestionView(drawn, 1, service.question_type(drawn.question.type)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = [*app.query(OptionBox), *app.query(OptionButton)]
        assert len(options) == len(drawn.question.options)
        assert any(option.size.height > 1 for option in options), "the longest option must wrap"
        for i, option in enumerate(options):
            text = shown_text(option)
            assert "…" not in text
            assert f"{OPTION_LETTERS[i]}.{drawn.question.options[i]}".replace(" ", "") in text
            assert option.region.right <= 80 - 24


async def test_selected_options_are_told_by_their_glyph_not_only_by_colour(mini_service: ExamService) -> None:
    """Single choice and judge show ○ for unchosen and ● for chosen, multiple choice □ and ■; the cursor is a ›."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        for question, glyphs in ((0, "○●"), (1, "□■"), (2, "○●")):
            await screen.show_question(question)
            await pilot.press("2")
            await settle(pilot)
            rows = [widget.render().plain for widget in [*screen.query(OptionButton), *screen.query(OptionBox)]]
            assert rows[0].startswith(f"  {glyphs[0]} "), rows
            assert rows[1].startswith(f"› {glyphs[1]} "), rows


async def test_up_down_and_enter_or_space_choose_in_the_exam(mini_service: ExamService) -> None:
    """↓ ↓ Enter on a single choice saves the third option shown; on a multiple choice Space ticks the option under
    the cursor and again unticks it; ↑ stops at the first option; ←/→ still move between questions."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        single, multiple = screen.paper.questions[0], screen.paper.questions[1]
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        stored = mini_service.attempt(screen.attempt_id).responses
        assert stored[single.id].value == single.displayed_options()[2][0]
        await pilot.press("right", "up", "up", "space", "down", "space", "space", "down", "space")
        await settle(pilot)
        assert screen.current == 1
        stored = mini_service.attempt(screen.attempt_id).responses
        shown = [canon for canon, _ in multiple.displayed_options()]
        assert stored[multiple.id].value == sorted([shown[0], shown[2]])


async def test_up_down_and_enter_choose_in_practice(mini_service: ExamService) -> None:
    """In practice ↓ + Enter chooses the second option shown, and Ctrl+S checks that answer."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        assert app.trainee is not None
        paper = mini_service.practice_set("constitution-2018", None, app.trainee, 10)
        first = next(i for i, q in enumerate(paper.questions) if q.question.type in ("single", "judge"))
        paper = replace(paper, questions=paper.questions[first:])
        app.push_screen(PracticeScreen(paper))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        await pilot.press("down", "enter")
        await settle(pilot)
        drawn = paper.questions[0]
        expected: Any = drawn.displayed_options()[1][0] if drawn.question.type == "single" else False
        assert screen.view.current_response() == expected
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.checked


async def test_one_tab_enters_the_blank_and_esc_leaves_it_in_the_exam(mini_service: ExamService) -> None:
    """On a blank, one Tab puts the cursor in the first blank and what is typed next (Space too) is saved; Esc leaves
    the box; on the short answer one Tab enters the text box."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        await screen.show_question(3)
        await pilot.press("tab", "h", "space", "i")
        await settle(pilot)
        assert isinstance(app.focused, Input)
        blank = screen.paper.questions[3]
        assert mini_service.attempt(screen.attempt_id).responses[blank.id].value == ["h i"]  # Space types, in a box
        await pilot.press("escape")
        assert app.focused is None
        await pilot.press("right", "tab", "o", "k")
        await settle(pilot)
        assert isinstance(app.focused, TextArea)
        short = screen.paper.questions[4]
        assert mini_service.attempt(screen.attempt_id).responses[short.id].value == "ok"


async def test_right_tab_and_text_in_one_burst_land_in_the_next_questions_text_box(mini_service: ExamService) -> None:
    """→, Tab and the text arriving together (a browser's batched input, a quick typist): the Tab waits for the next
    question's text box to be mounted and the text goes into it and is saved — found in Chromium, where the text was
    lost when Tab came before the box existed."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        await screen.show_question(3)  # a blank: → replaces its inputs with the short answer's text box
        app.post_message(events.Key("right", None))
        app.post_message(events.Key("tab", None))
        for character in "负责联系":
            app.post_message(events.Key(character, character))
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.focused, TextArea) and app.focused.text == "负责联系"
        short = screen.paper.questions[4]
        assert mini_service.attempt(screen.attempt_id).responses[short.id].value == "负责联系"


async def test_esc_in_a_practice_blank_leaves_the_blank_not_the_set(mini_service: ExamService) -> None:
    """In practice one Tab enters a blank; Esc there leaves the blank and keeps the set open; a second Esc leaves."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        assert app.trainee is not None
        paper = mini_service.practice_set("constitution-2018", None, app.trainee, 50)
        blanks = [q for q in paper.questions if q.question.type == "blank"]
        paper = replace(paper, questions=tuple(blanks[:1]))
        app.push_screen(PracticeScreen(paper))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        await pilot.press("tab", "x")
        await settle(pilot)
        assert isinstance(app.focused, Input) and app.focused.value == "x"
        await pilot.press("escape")
        await settle(pilot)
        assert on_top(app, screen) and app.focused is None
        await pilot.press("escape")
        await settle(pilot)
        assert not on_top(app, screen)


def expected_answer(drawn: DrawnQuestion, keys: list[int]) -> Any:
    """The answer ``keys`` (0-based option indexes, in order) leave on ``drawn`` when handled on it."""
    shown = [canon for canon, _ in drawn.displayed_options()]
    if not keys:
        return None
    if drawn.question.type == "single":
        return shown[keys[-1]]
    if drawn.question.type == "judge":
        return keys[-1] == 0
    ticked = {i for i in set(keys) if keys.count(i) % 2}
    return sorted(shown[i] for i in ticked) or None


async def test_card_click_and_option_key_together_never_crash_or_answer_another_question(
    mini_service: ExamService,
) -> None:
    """200 times: a click on a random answer-card cell and an option key, posted with no wait for idle between them
    (the key lands before, during or after the swap of the question's widgets). No
    crash, the view on screen ends as the question selected, and every stored answer is what the keys handled while
    its question was shown make of it (a key is never recorded on the question being left or lost)."""
    rng = random.Random(10)
    app = make_app(mini_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        handled: dict[int, list[int]] = {i: [] for i in range(len(screen.paper.questions))}
        choose = screen.action_choose

        def recording_choose(index: int) -> None:
            if screen.view.option_count > index:  # keys on a typed question change nothing
                handled[screen.current].append(index)
            choose(index)

        screen.action_choose = recording_choose  # type: ignore[method-assign]
        grid = screen.query_one(AnswerCard).grid
        for _ in range(200):
            target = rng.randrange(grid.count)
            key = rng.choice("12")
            grid.post_message(AnswerCard.Selected(target))  # what a click on a cell posts
            for _ in range(rng.randrange(6)):  # let the selection get a few steps ahead (no wait for idle)
                await asyncio.sleep(0)
            app.post_message(events.Key(key, key))
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
            assert value == expected_answer(drawn, handled[index]), (index, handled[index])
        assert any(handled[i] for i in (0, 1, 2))


async def test_practice_checks_the_text_typed_in_the_same_burst_as_ctrl_s(mini_service: ExamService) -> None:
    """Text typed into a practice blank and Ctrl+S arriving together (a paste, a batching connection) check the text
    the blank shows, not what it held before the burst."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        assert app.trainee is not None
        paper = mini_service.practice_set("constitution-2018", None, app.trainee, 50)
        blanks = [q for q in paper.questions if q.question.type == "blank"]
        paper = replace(paper, questions=tuple(blanks[:1]))
        app.push_screen(PracticeScreen(paper))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        await pilot.press("tab")
        for key in ("x", "y", "z"):
            app.post_message(events.Key(key, key))
        app.post_message(events.Key("ctrl+s", None))
        await settle(pilot)
        await settle(pilot)
        assert screen.checked
        feedback = " ".join(str(w.render()) for w in screen.query("#feedback Static"))
        assert "xyz" in feedback


async def test_right_pressed_with_ctrl_s_waits_for_the_verdict_of_the_question_checked(
    mini_service: ExamService,
) -> None:
    """Ctrl+S and → in one burst: the set stays on the checked question until its verdict is shown, so the verdict
    is never shown under the next question."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        assert app.trainee is not None
        paper = mini_service.practice_set("constitution-2018", None, app.trainee, 50)
        singles = tuple(q for q in paper.questions if q.question.type == "single")[:2]
        app.push_screen(PracticeScreen(replace(paper, questions=singles)))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        await pilot.press("1")
        app.post_message(events.Key("ctrl+s", None))
        app.post_message(events.Key("right", None))
        await settle(pilot)
        await settle(pilot)
        assert screen.index == 0 and screen.feedback_shown
        await pilot.press("right")
        await settle(pilot)
        assert screen.index == 1 and not screen.checked
