"""What is on the screen is what the data says: every character of bank, roster and topic text in the open lists.

A list drawn over other widgets (a Select's options) used to lose a wide character wherever the edge of a widget it
covers fell inside it (Textual cuts each line at every widget edge): ``代表在本级人  代表大会``, ``  四`` for 李四,
``  试题库[甲]``. These tests read the rendered screen at two sizes, so the covered edges fall at other columns.
"""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Select

from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from tests.conftest import FakeClock
from tests.core._support import derive_registry
from tests.tui._capture import list_rows, missing_rows, screen_text
from tests.tui.conftest import make_app, settle, sign_in

SIZES = [(100, 30), (80, 24), (91, 27)]
ROSTER = [
    {"name": "王晓峰", "id": "A001", "unit": "东关镇", "position": "人大主席"},
    {"name": "李四", "id": "A002", "unit": "西关街道", "position": "人大工委主任"},
    {"name": "欧阳明月", "id": "A003", "unit": "城关镇", "position": "副主席"},
]
BANK_TITLE = "测试题库[甲]"


@pytest.fixture
def text_service(registry: Registry, store: TinyDBAttemptStore, clock: FakeClock) -> ExamService:
    """The built-in banks plus a copy of the Deputies Law bank titled ``测试题库[甲]``; a roster of 2-, 3- and
    4-character names."""
    deputies = registry.banks["deputies-law-2025"]
    bracketed = dataclasses.replace(deputies, id="bracketed", title=BANK_TITLE)
    service = ExamService(derive_registry(registry, banks={"bracketed": bracketed}), store, clock, clock.monotonic)
    for member in ROSTER:
        service.store.put_record("roster", member["id"], member)
    return service


@pytest.mark.parametrize("size", SIZES)
async def test_the_open_roster_list_shows_every_character(text_service: ExamService, size: tuple[int, int]) -> None:
    """Ctrl+L and ↓ open the roster: the prompt and each ``name  unit  (id)`` row are shown in full."""
    app = make_app(text_service)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l", "down")
        await pilot.pause()
        assert app.screen.query_one("#roster", Select).expanded
        rows = list_rows(screen_text(app))
        expected = ["请选择您的姓名"] + [f"{m['name']}  {m['unit']}  ({m['id']})" for m in ROSTER]
        assert missing_rows(expected, rows) == []


@pytest.mark.parametrize("size", SIZES)
async def test_the_open_bank_and_topic_lists_show_every_character(
    text_service: ExamService, size: tuple[int, int]
) -> None:
    """In practice, the open bank list shows every bank title (``测试题库[甲]`` too) and the open topic list of the
    Deputies Law bank every topic it shows (``代表在本级人民代表大会会议期间的工作`` among them) in full."""
    app = make_app(text_service)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("p")
        await settle(pilot)
        bank = app.screen.query_one("#bank", Select)
        bank.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert bank.expanded
        titles = [b.title for b in text_service.registry.banks.values()]
        assert missing_rows(titles, list_rows(screen_text(app))) == []

        await pilot.press("escape")
        bank.value = "deputies-law-2025"
        await pilot.pause()
        topic = app.screen.query_one("#topic", Select)
        topic.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert topic.expanded
        topics = text_service.practice_topics()["deputies-law-2025"]
        rows = list_rows(screen_text(app))
        shown = [row for row in rows if row in topics]
        assert "代表在本级人民代表大会会议期间的工作" in shown
        # Every row of the open list is a topic (or the "all topics" entry) spelled out in full.
        list_start = rows.index("全部知识点", 2)
        assert missing_rows(rows[list_start + 1 :], topics) == []
        assert len(rows[list_start + 1 :]) >= 5
