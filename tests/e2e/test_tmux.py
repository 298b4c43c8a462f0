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
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _exam_command() -> str:
    candidate = Path(sys.executable).with_name("exam")
    found = str(candidate) if candidate.exists() else shutil.which("exam")
    if not found:
        pytest.fail("the exam command is not installed next to this Python")
    return found


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
    exam = _exam_command()
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
    exam = _exam_command()
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
    _keys(tmux, "2468", "Enter", "2468", "Enter")
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
