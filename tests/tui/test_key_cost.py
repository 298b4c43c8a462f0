"""What a key costs on the exam screen does not grow with the paper (issue 17): on a paper of 100 questions, moving to
the next question or choosing an option redraws a few widgets and a row or two of the answer card, the question
view is updated in place, and the screen holds as many widgets as it would for a short paper."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from exam.papers import PaperSpec, SectionSpec
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.tui.screens.exam import ExamScreen
from exam.tui.widgets.answer_card import CardGrid
from tests.conftest import FakeClock
from tests.core._support import derive_registry
from tests.tui.conftest import make_app, settle, sign_in, start_first_paper

BANKS = ("constitution-2018", "deputies-law-2025", "organic-law-2022", "election-law-2020")
HUNDRED = PaperSpec(
    id="hundred",
    title="百题测验",
    time_limit=120,
    pass_mark=60,
    shuffle_questions=False,
    shuffle_options=False,
    multiple_rule="partial",
    sections=tuple(
        SectionSpec(type=qtype, count=count, points=1, banks=BANKS)
        for qtype, count in (("single", 40), ("multiple", 20), ("judge", 25), ("blank", 10), ("short", 5))
    ),
)
"""A paper of 100 questions, single choice first."""

WIDGETS_DRAWN_PER_KEY = 45
"""At most this many different widgets drawn (``render_lines``) for one key and what it leads to (the save, a
countdown tick): the screen has about 35 widgets, while one widget per answer-card cell alone would be 100 here."""


@pytest.fixture
def hundred_service(registry: Registry, tmp_path: Path, clock: FakeClock) -> ExamService:
    return ExamService(
        derive_registry(registry, papers={"hundred": HUNDRED}, only_these_papers=True, plugins={}),
        TinyDBAttemptStore(tmp_path / "hundred-store"),
        clock,
        clock.monotonic,
    )


@contextmanager
def counting_renders() -> Iterator[tuple[set[Widget], Counter[str]]]:
    """The widgets drawn (``Widget.render_lines``), and draws by widget class and rows of the card drawn anew."""
    drawn: set[Widget] = set()
    counts: Counter[str] = Counter()
    render_lines, render_line = Widget.render_lines, CardGrid.render_line

    def counted_render_lines(self: Widget, crop: Region) -> list[Strip]:
        drawn.add(self)
        counts[type(self).__name__] += 1
        return render_lines(self, crop)

    def counted_render_line(self: CardGrid, y: int) -> Strip:
        counts["card rows"] += 1
        return render_line(self, y)

    Widget.render_lines = counted_render_lines  # type: ignore[method-assign]
    CardGrid.render_line = counted_render_line  # type: ignore[method-assign]
    try:
        yield drawn, counts
    finally:
        Widget.render_lines = render_lines  # type: ignore[method-assign]
        CardGrid.render_line = render_line  # type: ignore[method-assign]


async def test_a_key_on_a_paper_of_100_redraws_a_few_widgets_not_every_card_cell(hundred_service: ExamService) -> None:
    """On question 3 of 100 (single choice, as are 4 and 5): → and then 1 each draw at most a few dozen widgets and at
    most two rows of the card (the current cell leaving one row and entering another), and → keeps the same question
    view and option widgets, showing the next question's text in them."""
    app = make_app(hundred_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen) and len(screen.paper.questions) == 100
        await pilot.press("right", "right")
        await settle(pilot)
        view, options = screen.view, list(screen.view.option_widgets)
        for key in ("right", "1"):
            with counting_renders() as (drawn, counts):
                await pilot.press(key)
                await settle(pilot)
            assert 0 < len(drawn) <= WIDGETS_DRAWN_PER_KEY, (key, counts)
            assert counts["card rows"] <= 2, (key, counts)
        assert screen.current == 3
        assert screen.view is view and screen.view.option_widgets == options
        shown = screen.paper.questions[3]
        assert screen.view.drawn is shown
        assert shown.displayed_options()[0][1] in str(options[0].label)
        stored = hundred_service.attempt(screen.attempt_id).responses
        assert stored[shown.id].value == shown.displayed_options()[0][0]


async def test_the_exam_screen_has_as_many_widgets_for_100_questions_as_for_5(
    hundred_service: ExamService, mini_service: ExamService
) -> None:
    """The number of widgets on the exam screen (first question single choice on both papers) does not depend on how
    many questions the paper has: the answer card draws its cells itself."""
    sizes: list[int] = []
    for service in (mini_service, hundred_service):
        app = make_app(service)
        async with app.run_test(size=(100, 30)) as pilot:
            await sign_in(pilot)
            await start_first_paper(pilot)
            screen = app.screen
            assert isinstance(screen, ExamScreen) and screen.view.kind == "choice"
            options = len(screen.view.option_widgets)
            sizes.append(len(list(screen.walk_children())) - options)
    assert sizes[0] == sizes[1], sizes
