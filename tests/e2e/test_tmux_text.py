"""End to end: the lists a trainee opens show every character, read off a real terminal (tmux ``capture-pane``).

The roster picker (names of two, three and four characters), the practice bank list (a bank titled
``测试题库[甲]``) and the topic list of the Deputies Law bank (``代表在本级人民代表大会会议期间的工作``), each at two
terminal sizes so the edges of the widgets the open list covers fall at different columns. Each captured row is
compared with the expected string as a whole, so one missing or blanked character fails the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from tests.e2e._support import exam_command
from tests.tui._capture import list_rows, missing_rows

pytestmark = pytest.mark.tmux

ROSTER = [("王晓峰", "A001", "东关镇"), ("李四", "A002", "西关街道"), ("欧阳明月", "A003", "城关镇")]
BANK_TITLE = "测试题库[甲]"
BANK = f"""\
bank:
  id: bracketed
  title: {BANK_TITLE}
  version: "1"
  sources: [constitution-2018]
questions:
  - id: a095-1
    type: single
    stem: 根据宪法，乡、民族乡、镇设立（ ）。
    options: [人民代表大会和人民政府, 人民代表大会常务委员会, 人民法院, 监察委员会]
    answer: A
    explanation: 宪法第九十五条第一款规定“省、直辖市、县、市、市辖区、乡、民族乡、镇设立人民代表大会和人民政府”。
    source: {{doc: constitution-2018, article: 95, paragraph: 1}}
    quote: 省、直辖市、县、市、市辖区、乡、民族乡、镇设立人民代表大会和人民政府。
    tags: [乡镇人大]
"""
TOPIC = "代表在本级人民代表大会会议期间的工作"


@pytest.fixture
def tmux() -> Iterator[Callable[..., None] | tuple[str, str]]:
    """A private tmux server (its own socket) that is killed afterwards."""
    binary = shutil.which("tmux")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required in CI (.ci/run installs it)")
        pytest.skip("tmux is not installed")
    socket = f"exam-text-{uuid.uuid4().hex[:8]}"
    yield binary, socket
    subprocess.run([binary, "-L", socket, "kill-server"], capture_output=True)


class Pane:
    """The ``exam`` command running in a tmux pane: send keys, read the screen."""

    def __init__(self, tmux: tuple[str, str]) -> None:
        self.binary, self.socket = tmux

    def start(self, command: str, size: tuple[int, int], env: dict[str, str]) -> None:
        width, height = size
        subprocess.run(
            [self.binary, "-L", self.socket, "-u", "new-session", "-d", "-s", "exam", "-x", str(width),
             "-y", str(height), command],
            check=True,
            env=env,
        )  # fmt: skip

    def screen(self, colours: bool = False) -> str:
        """The pane's text; with ``colours``, with its colour escapes (focus shows only as a colour)."""
        args = [self.binary, "-L", self.socket, "capture-pane", "-p", "-t", "exam"] + (["-e"] if colours else [])
        return subprocess.run(args, capture_output=True, text=True).stdout

    def focus_moved(self, *keys: str) -> None:
        """Send ``keys`` that move the focus and wait until the screen shows it (the focused box changes colour)."""
        before = self.screen(colours=True)
        self.keys(*keys)
        self.wait(lambda _: self.screen(colours=True) != before, f"the focus moved by {keys}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        args = [self.binary, "-L", self.socket, "send-keys", "-t", "exam"] + (["-l"] if literal else [])
        subprocess.run(args + list(keys), check=True)

    def wait(self, shown: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
        """Poll the pane until ``shown(screen)`` holds (the app redraws asynchronously)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if shown(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{what} never appeared; the screen was:\n{screen}")

    def wait_text(self, text: str) -> str:
        return self.wait(lambda screen: text in screen, repr(text))


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
def test_open_lists_show_every_character_in_a_real_terminal(
    tmp_path: Path, tmux: tuple[str, str], registry: Registry, size: tuple[int, int]
) -> None:
    """Roster, bank and topic lists, opened with the keys a trainee uses, show each row exactly as in the data."""
    exam = exam_command()
    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    (banks_dir / "bracketed.bank.yaml").write_text(BANK, encoding="utf-8")
    roster = tmp_path / "花名册.csv"
    roster.write_text("姓名,考号,单位,职务\n" + "".join(f"{n},{i},{u},人大主席\n" for n, i, u in ROSTER), "utf-8")
    env = {
        **os.environ,
        "EXAM_DB": str(tmp_path / "store"),
        "EXAM_CONFIG": str(tmp_path / "none.yaml"),
        "EXAM_LANG": "zh",
        "EXAM_BANKS_DIRS": str(banks_dir),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    subprocess.run([exam, "roster", "import", str(roster)], env=env, capture_output=True, check=True)
    titles = [bank.title for bank in registry.banks.values()] + [BANK_TITLE]
    topics = ExamService(registry, TinyDBAttemptStore(tmp_path / "scratch")).practice_topics()["deputies-law-2025"]
    assert TOPIC in topics[:6]  # on the first page of the list

    pane = Pane(tmux)
    command = " ".join(f"{k}='{v}'" for k, v in env.items() if k.startswith(("EXAM_", "TERM", "LANG")))
    pane.start(f"env {command} '{exam}'", size, env)
    pane.wait_text("请选择")  # the roster is read off the UI thread, then offered above the fields

    # The roster picker: Ctrl+L, ↓ opens it.
    pane.focus_moved("C-l")
    pane.keys("Down")
    screen = pane.wait(lambda s: "(A003)" in s and "(A001)" in s, "the open roster list")
    expected = ["请选择您的姓名"] + [f"{name}  {unit}  ({number})" for name, number, unit in ROSTER]
    assert missing_rows(expected, list_rows(screen)) == [], screen

    pane.keys("Escape")
    pane.wait(lambda s: len(list_rows(s)) == 1, "the roster list closed")
    pane.focus_moved("Tab")
    for value in ("王晓峰", "A001", "东关镇", "人大主席"):
        pane.keys(value, literal=True)
        pane.wait_text(value)
        pane.keys("Enter")
    pane.keys("Enter")  # the secret field, empty at the first sign-in without a code: choose a PIN
    pane.wait_text("设置 PIN")
    for key in ("2468", "Enter", "2468", "Enter"):
        pane.keys(key, literal=key != "Enter")
    pane.wait_text("可参加的考试")

    # Practice: the bank list (focused first), then the topic list of the Deputies Law bank.
    pane.keys("p")
    pane.wait_text("开始练习")
    pane.keys("Enter")
    screen = pane.wait(lambda s: len(list_rows(s)) >= len(titles) + 1, "the open bank list")
    rows = list_rows(screen)
    assert missing_rows(titles, rows) == [], screen
    chosen, listed = rows[0], rows[1:]  # the closed Select shows the bank chosen; its open list follows
    deputies = registry.banks["deputies-law-2025"].title
    pane.keys(*["Down"] * (listed.index(deputies) - listed.index(chosen)), "Enter")
    pane.wait(lambda s: len(list_rows(s)) <= 3 and deputies in s, "the Deputies Law bank chosen")
    pane.focus_moved("Tab")
    pane.keys("Enter")
    screen = pane.wait(lambda s: len(list_rows(s)) >= 8, "the open topic list")
    rows = list_rows(screen)
    listed = rows[rows.index("全部知识点", 2) + 1 :]
    assert TOPIC in listed, screen
    assert missing_rows(listed, topics) == [], screen  # every row shown is a whole topic name
    pane.keys("C-q")
