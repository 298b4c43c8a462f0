"""End to end: the installed ``exam`` command in a real terminal (tmux), as a trainee uses it.

Signs in (typing Chinese), starts a paper, answers with the keyboard, submits, quits, and then checks with
``exam results --format jsonl`` that the attempt is stored with the right score (recomputed from
``exam banks dump``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e._support import exam_command

pytestmark = pytest.mark.tmux

PAPER = """\
paper:
  id: e2e
  title: 端到端测验
  time_limit: 15
  pass_mark: 1
  multiple_rule: partial
  sections:
    - {title: 单选, type: single, count: 2, points: 2, banks: [constitution-2018]}
    - {title: 判断, type: judge, count: 1, points: 1, banks: [deputies-law-2025]}
"""


@pytest.fixture
def tmux() -> Iterator[tuple[str, str]]:
    """A private tmux server (its own socket) that is killed afterwards."""
    binary = shutil.which("tmux")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required in CI (.ci/run installs it)")
        pytest.skip("tmux is not installed")
    socket = f"exam-e2e-{uuid.uuid4().hex[:8]}"
    yield binary, socket
    subprocess.run([binary, "-L", socket, "kill-server"], capture_output=True)


def _screen(tmux: tuple[str, str]) -> str:
    binary, socket = tmux
    return subprocess.run(
        [binary, "-L", socket, "capture-pane", "-p", "-t", "exam"], capture_output=True, text=True
    ).stdout


def _wait_for(tmux: tuple[str, str], text: str, timeout: float = 30.0) -> str:
    """Poll the pane until ``text`` is shown (the app redraws asynchronously)."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(tmux)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def _keys(tmux: tuple[str, str], *keys: str, literal: bool = False) -> None:
    binary, socket = tmux
    args = [binary, "-L", socket, "send-keys", "-t", "exam"] + (["-l"] if literal else []) + list(keys)
    subprocess.run(args, check=True)


def test_trainee_takes_an_exam_in_a_real_terminal(tmp_path: Path, tmux: tuple[str, str]) -> None:
    """Sign in, answer three questions, submit; `exam results` then shows the attempt with the right score."""
    exam = exam_command()
    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    (banks_dir / "e2e.paper.yaml").write_text(PAPER, encoding="utf-8")
    env = {
        **os.environ,
        "EXAM_DB": str(tmp_path / "store"),
        "EXAM_CONFIG": str(tmp_path / "none.yaml"),
        "EXAM_LANG": "zh",
        "EXAM_BANKS_DIRS": str(banks_dir),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    listing = subprocess.run([exam, "papers", "list"], env=env, capture_output=True, text=True, check=True).stdout
    ids = [line.split("│")[1].strip() for line in listing.splitlines() if line.startswith("│")]
    row = ids.index("e2e")

    binary, socket = tmux
    command = " ".join(f"{k}='{v}'" for k, v in env.items() if k.startswith(("EXAM_", "TERM", "LANG")))
    subprocess.run(
        [binary, "-L", socket, "-u", "new-session", "-d", "-s", "exam", "-x", "100", "-y", "30",
         f"env {command} '{exam}'"],
        check=True,
        env=env,
    )  # fmt: skip
    _wait_for(tmux, "学员登录")
    # Values that are not part of any placeholder text, so waiting for them proves they were typed.
    for value in ("王五", "e2e001", "东关镇", "人大工委副主任"):
        _keys(tmux, value, literal=True)
        _wait_for(tmux, value)  # typed into the focused field before moving on
        _keys(tmux, "Enter")  # next field; in the last one (the PIN, empty at the first sign-in), sign in
    _keys(tmux, "Enter")
    _wait_for(tmux, "设置 PIN")  # first sign-in with this 考号: choose a PIN, typed twice
    _keys(tmux, "2468", "Enter", "2468", "Enter")
    _wait_for(tmux, "可参加的考试")
    _keys(tmux, *(["Down"] * row), "Enter")
    _wait_for(tmux, "开始后计时不会暂停")
    _keys(tmux, "y")
    _wait_for(tmux, "第 1 题")
    _keys(tmux, "1")
    _wait_for(tmux, "已答 1/3")
    _keys(tmux, "Right")
    _wait_for(tmux, "第 2 题")
    _keys(tmux, "2")
    _wait_for(tmux, "已答 2/3")
    _keys(tmux, "Right")
    _wait_for(tmux, "第 3 题")
    _keys(tmux, "y")
    _wait_for(tmux, "已答 3/3")
    _keys(tmux, "C-s")
    _wait_for(tmux, "确认交卷")
    _keys(tmux, "y")
    screen = _wait_for(tmux, "得分")
    assert "自行交卷" in screen
    _keys(tmux, "C-q")

    results = subprocess.run(
        [exam, "results", "--format", "jsonl"], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert len(results) == 1
    attempt = json.loads(results[0])
    assert attempt["trainee"] == {"name": "王五", "id": "e2e001", "unit": "东关镇"}
    assert attempt["status"] == "submitted" and attempt["paper"] == "e2e"
    dump = subprocess.run(
        [exam, "banks", "dump", "--format", "jsonl"], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    keys = {q["id"]: q["answer"] for q in map(json.loads, dump)}
    expected = sum(a["max_points"] for a in attempt["answers"] if a["response"] == keys[a["question_id"]])
    assert all(a["response"] is not None for a in attempt["answers"])
    assert attempt["score"] == expected
    assert attempt["max_score"] == 5


def test_sign_in_typed_in_one_burst_uses_what_the_fields_show(tmp_path: Path, tmux: tuple[str, str]) -> None:
    """All four fields and Enter arrive in one burst (a card reader, a paste, a browser batching keys): the trainee
    is signed in with exactly those values, not with what the fields held before the burst."""
    exam = exam_command()
    env = {
        **os.environ,
        "EXAM_DB": str(tmp_path / "store"),
        "EXAM_CONFIG": str(tmp_path / "none.yaml"),
        "EXAM_LANG": "zh",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    binary, socket = tmux
    command = " ".join(f"{k}='{v}'" for k, v in env.items() if k.startswith(("EXAM_", "TERM", "LANG")))
    subprocess.run(
        [binary, "-L", socket, "-u", "new-session", "-d", "-s", "exam", "-x", "80", "-y", "24",
         f"env {command} '{exam}'"],
        check=True,
        env=env,
    )  # fmt: skip
    _wait_for(tmux, "学员登录")
    # One send-keys: one burst. The PIN field is left empty, so this first sign-in asks for a new PIN.
    _keys(tmux, "张三丰", "Tab", "B2002", "Tab", "东关镇", "Tab", "人大工委主任", "Tab", "Enter")
    _wait_for(tmux, "设置 PIN")
    # Tab between the two PIN fields, in the same burst: each field gets its own four digits.
    _keys(tmux, "2468", "Tab", "2468", "Enter")
    screen = _wait_for(tmux, "可参加的考试")
    assert "张三丰（东关镇）" in screen
    _keys(tmux, "Escape")  # sign out
    _wait_for(tmux, "学员登录")
    # A wrong PIN in one burst is refused; the right one in one burst signs in: the PIN field settles like the others.
    _keys(tmux, "张三丰", "Tab", "B2002", "Tab", "Tab", "Tab", "1357", "Enter")
    _wait_for(tmux, "PIN 不对")
    _keys(tmux, "2468", "Enter")
    screen = _wait_for(tmux, "可参加的考试")
    assert "张三丰" in screen


# -- keys and clicks in one burst (issue 10) --------------------------------------------------------------------------

BURST_BANK = """\
bank:
  id: burst
  title: 连击测试题库
  version: "1.0"
questions:
  - id: b1
    type: blank
    stem: 乡镇人民代表大会闭会期间，由____办理日常工作。
    answer: [[主席团]]
    explanation: 本镇制度第二条规定主席团闭会期间办理日常工作。
    source: {doc: town-doc, article: 2}
    quote: 主席团闭会期间办理日常工作
    tags: [主席团]
""" + "".join(
    f"""\
  - id: s{i}
    type: single
    stem: 第{i}道单选题：乡镇人大主席团在闭会期间办理什么工作？
    options: [日常工作{i}, 立法工作, 审判工作, 检察工作]
    answer: A
    explanation: 本镇制度第二条。
    source: {{doc: town-doc, article: 2}}
    quote: 主席团闭会期间办理日常工作
"""
    for i in range(1, 7)
)

BURST_PAPER = """\
paper:
  id: burst
  title: 连击测验
  time_limit: 15
  pass_mark: 1
  shuffle_options: false
  sections:
    - {title: 单选, type: single, count: 6, points: 2, banks: [burst]}
"""


def _launch_with_burst_bank(tmp_path: Path, tmux: tuple[str, str], size: tuple[int, int]) -> dict[str, str]:
    """Start the installed app in tmux with the burst bank and paper, sign in (one burst) and wait for home."""
    exam = exam_command()
    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    (banks_dir / "burst.bank.yaml").write_text(BURST_BANK, encoding="utf-8")
    (banks_dir / "burst.paper.yaml").write_text(BURST_PAPER, encoding="utf-8")
    env = {
        **os.environ,
        "EXAM_DB": str(tmp_path / "store"),
        "EXAM_CONFIG": str(tmp_path / "none.yaml"),
        "EXAM_LANG": "zh",
        "EXAM_BANKS_DIRS": str(banks_dir),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    binary, socket = tmux
    command = " ".join(f"{k}='{v}'" for k, v in env.items() if k.startswith(("EXAM_", "TERM", "LANG")))
    width, height = size
    subprocess.run(
        [binary, "-L", socket, "-u", "new-session", "-d", "-s", "exam", "-x", str(width), "-y", str(height),
         f"env {command} '{exam}'"],
        check=True,
        env=env,
    )  # fmt: skip
    _wait_for(tmux, "学员登录")
    _keys(tmux, "李四", "Tab", "B3003", "Tab", "西关镇", "Tab", "人大主席", "Tab", "Enter")
    _wait_for(tmux, "设置 PIN")  # the first sign-in with this 考号 chooses a PIN, typed twice
    _keys(tmux, "2468", "Enter", "2468", "Enter")
    _wait_for(tmux, "可参加的考试")
    return env


def test_practice_blank_text_and_ctrl_s_in_one_burst_are_graded_on_the_text(
    tmp_path: Path, tmux: tuple[str, str]
) -> None:
    """In practice, Tab into the blank, its text and Ctrl+S arrive in one send-keys: the blank is graded on the text
    typed (right), nothing goes into the 错题本 (the home screen reads it from the store: 错题本（0）)."""
    _launch_with_burst_bank(tmp_path, tmux, (80, 24))
    _keys(tmux, "p")
    _wait_for(tmux, "知识点")
    _keys(tmux, "Enter")  # open the bank list; the new bank is the last of six
    _wait_for(tmux, "连击测试题库")
    _keys(tmux, *(["Down"] * 5), "Enter")
    _wait_for_line(tmux, "连击测试题库", "▼")  # chosen, the list closed
    _keys(tmux, "Tab", "Enter")  # the topic list: 全部知识点, 主席团
    _wait_for(tmux, "主席团")
    _keys(tmux, "Down", "Enter")
    _wait_for_line(tmux, "主席团", "▼")
    _keys(tmux, "Tab", "Enter")  # the count field: Enter starts
    screen = _wait_for(tmux, "第 1 空")
    assert "填空题" in screen
    _keys(tmux, "Tab", "主席团", "C-s")  # one burst
    screen = _wait_for(tmux, "正确答案")
    assert "回答正确" in screen and "你的答案：（1）主席团" in screen, screen
    _keys(tmux, "Escape")
    _keys(tmux, "Escape")
    screen = _wait_for(tmux, "可参加的考试")
    assert "错题本（0）" in screen, screen


def _wait_for_line(tmux: tuple[str, str], *parts: str, timeout: float = 30.0) -> str:
    """Poll the pane until one line shows all ``parts`` (a closed list showing its choice: ``主席团 … ▼``)."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(tmux)
        if any(all(part in line for part in parts) for line in screen.splitlines()):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"no line with {parts!r}; the screen was:\n{screen}")


def _card_cell(tmux: tuple[str, str], number: int) -> tuple[int, int]:
    """The 1-based terminal column and row of answer-card cell ``number`` as the pane shows it."""
    from rich.cells import cell_len

    for row, line in enumerate(_screen(tmux).splitlines(), 1):
        border = line.rfind("│", 0, len(line.rstrip()) - 1)
        if border > 0 and f" {number} " in line[border:] and "答题卡" not in line:
            column = line.index(f" {number} ", border) + 1
            return cell_len(line[:column]) + 1, row
    raise AssertionError(f"card cell {number} not found:\n{_screen(tmux)}")


def _click(column: int, row: int) -> str:
    """A left click as an xterm SGR mouse report (press, release)."""
    return f"\x1b[<0;{column};{row}M\x1b[<0;{column};{row}m"


def test_card_click_and_option_key_in_one_burst_answer_the_question_clicked_to(
    tmp_path: Path, tmux: tuple[str, str]
) -> None:
    """In an exam, a click on an answer-card cell and an option key arrive in one send-keys (and, for other cells,
    one after the other): every answer is stored on the question that was clicked to."""
    env = _launch_with_burst_bank(tmp_path, tmux, (80, 24))
    exam = exam_command()
    listing = subprocess.run([exam, "papers", "list"], env=env, capture_output=True, text=True, check=True).stdout
    ids = [line.split("│")[1].strip() for line in listing.splitlines() if line.startswith("│")]
    _keys(tmux, *(["Down"] * ids.index("burst")), "Enter")
    _wait_for(tmux, "开始后计时不会暂停")
    _keys(tmux, "y")
    _wait_for(tmux, "答题卡 0/6")
    chosen = {3: "2", 5: "3", 2: "1"}  # card cell -> option key, each sent with its click in one burst
    for answered, (cell, key) in enumerate(chosen.items(), 1):
        _keys(tmux, _click(*_card_cell(tmux, cell)) + key, literal=True)
        _wait_for(tmux, f"答题卡 {answered}/6")
    one_by_one = {6: "4", 1: "2"}
    for answered, (cell, key) in enumerate(one_by_one.items(), len(chosen) + 1):
        column, row = _card_cell(tmux, cell)
        _keys(tmux, f"\x1b[<0;{column};{row}M", literal=True)
        _keys(tmux, f"\x1b[<0;{column};{row}m", literal=True)
        _keys(tmux, key)
        _wait_for(tmux, f"答题卡 {answered}/6")
    _keys(tmux, "C-s")
    _wait_for(tmux, "确认交卷")
    _keys(tmux, "y")
    _wait_for(tmux, "得分")
    _keys(tmux, "C-q")

    (line,) = subprocess.run(
        [exam, "results", "--format", "jsonl"], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    answers = json.loads(line)["answers"]  # in the order of the paper, i.e. of the card
    expected = {cell: "ABCD"[int(key) - 1] for cell, key in {**chosen, **one_by_one}.items()}
    assert {n: a["response"] for n, a in enumerate(answers, 1) if a["response"] is not None} == expected
