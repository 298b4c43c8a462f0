"""End to end in a real browser: a trainee opens the room's page in headless Chromium, types the room code, signs
in, answers one question of every type, refreshes the page mid-exam, finds the answers and the deadline as they
were, submits, and the store holds the graded attempt. Screenshots are kept as test artefacts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.keys import Keys

from tests.e2e._browser import Page, chromium_driver, enter_room_code, sign_in_through_page
from tests.e2e._room import Room, room_env, running_room

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAPER = """\
paper:
  id: browser
  title: 浏览器测验
  time_limit: 20
  pass_mark: 1
  multiple_rule: partial
  sections:
    - {title: 单选, type: single, count: 1, points: 2, banks: [constitution-2018]}
    - {title: 多选, type: multiple, count: 1, points: 2, banks: [constitution-2018]}
    - {title: 判断, type: judge, count: 1, points: 1, banks: [deputies-law-2025]}
    - {title: 填空, type: blank, count: 1, points: 2, banks: [constitution-2018]}
    - {title: 简答, type: short, count: 1, points: 5, banks: [organic-law-2022]}
"""


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Room]:
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "browser.paper.yaml").write_text(PAPER, encoding="utf-8")
    with running_room(room_env(tmp_path, banks)) as running:
        yield running


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    driver = chromium_driver()
    try:
        yield Page(driver, tmp_path / "screenshots")
    finally:
        driver.quit()


def _seconds_left(screen: str) -> int:
    match = re.search(r"剩余 (?:(\d+):)?(\d\d):(\d\d)", screen)
    assert match is not None, screen
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _results(room: Room) -> list[dict[str, object]]:
    output = subprocess.run(
        [sys.executable, "-m", "exam", "results", "--format", "jsonl"],
        env=room.env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [json.loads(line) for line in output.splitlines()]


def _open_paper(page: Page, title: str) -> None:
    """Choose the paper ``title`` in the home list (Down to its row, Enter), confirm, and check the exam is it."""
    page.wait_for("可参加的考试")
    screen = page.wait_for(title)  # the table fills after the screen shows
    rows = screen.split("剩余次数", 1)[1].splitlines()[1:]
    row = next(index for index, line in enumerate(rows) if title in line)
    page.data("\x1b[B" * row + "\r")  # Down arrows as xterm.js sends them, then Enter
    page.wait_for("开始后计时不会暂停")
    page.keys("y")
    screen = page.wait_for("第 1 题")
    assert title in screen.splitlines()[0] or title in screen, screen


def test_a_trainee_takes_an_exam_in_chromium_and_survives_a_refresh(room: Room, page: Page) -> None:
    """Room code, sign-in, one answer of each type (single, multiple, judge, blank, short), refresh: the answers
    and the deadline are unchanged; submit: the stored attempt is submitted, answered and graded."""
    enter_room_code(page, room.url, room.code.lower())
    sign_in_through_page(page, "赵六", "web001", "西关镇", "人大主席")
    _open_paper(page, "浏览器测验")
    page.shot("exam")
    # One question per section, in the paper's order.
    page.keys("1")  # single: option A
    page.wait_for("已答 1/5")
    page.keys(Keys.ARROW_RIGHT)
    page.wait_for("第 2 题")
    page.keys("1", "2")  # multiple: A and B
    page.wait_for("已答 2/5")
    page.keys(Keys.ARROW_RIGHT)
    page.wait_for("第 3 题")
    page.keys("y")  # judge: true
    page.wait_for("已答 3/5")
    page.keys(Keys.ARROW_RIGHT)
    page.wait_for("第 4 题")
    page.data("\t")  # blank: into the box, type, out again
    page.type_text("全国人民代表大会")
    page.data("\x1b")
    page.wait_for("已答 4/5")
    page.keys(Keys.ARROW_RIGHT)
    page.wait_for("第 5 题")
    page.data("\t")  # short answer
    page.type_text("负责联系代表")
    page.data("\x1b")
    screen = page.wait_for("已答 5/5")
    before, at = _seconds_left(screen), time.monotonic()
    page.shot("answered")

    page.driver.refresh()  # the tab's app process ends; a new one starts with the sign-in screen
    sign_in_through_page(page, "赵六", "web001", "西关镇", "人大主席", first=False)
    page.wait_for("继续作答")
    page.shot("resume")
    page.keys(Keys.ENTER)
    screen = page.wait_for("已答 5/5")
    after, elapsed = _seconds_left(screen), time.monotonic() - at
    assert abs((before - after) - elapsed) <= 3, (before, after, elapsed)  # the same deadline, still running
    page.shot("resumed")
    stored = _results(room)
    assert len(stored) == 1 and stored[0]["status"] == "in_progress", stored

    page.keys(Keys.CONTROL + "s")
    page.wait_for("确认交卷")
    page.keys("y")
    page.wait_for("得分")
    page.shot("result")
    (attempt,) = _results(room)
    assert attempt["status"] == "submitted" and attempt["paper"] == "browser"
    assert attempt["trainee"] == {"name": "赵六", "id": "web001", "unit": "西关镇"}
    answers = attempt["answers"]
    assert isinstance(answers, list) and len(answers) == 5
    responses = [answer["response"] for answer in answers]
    # Options are shown shuffled, so "1" is some letter: one letter for the single, two for the multiple.
    assert isinstance(responses[0], str) and len(responses[0]) == 1, responses
    assert isinstance(responses[1], list) and len(set(responses[1])) == 2, responses
    assert responses[2] is True and responses[3] == ["全国人民代表大会"], responses
    assert responses[4] == "负责联系代表", responses
    assert sorted(p.name for p in page.shots.iterdir())[-1].endswith("result.png")
