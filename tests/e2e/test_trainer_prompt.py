"""End to end: a trainer command in a real terminal (tmux) asks for the trainer passphrase with hidden input (issue 11).

The installed ``exam`` runs in a shell inside tmux, as a trainer (or a trainee who left the app) would type it.
"""

from __future__ import annotations

import os
import subprocess
import termios
import time
from pathlib import Path

import pytest

from exam.store import TinyDBAttemptStore
from exam.trainer.auth import set_passphrase
from tests.e2e._support import exam_command
from tests.e2e.test_tmux import _keys, _screen, _wait_for, tmux  # noqa: F401  (tmux: the fixture)

pytestmark = pytest.mark.tmux

PASSPHRASE = "县人大培训2026"
PROMPT = "培训管理口令:"


def _wait_for_hidden_prompt(session: tuple[str, str], count: int, timeout: float = 60.0) -> str:
    """Poll until the pane shows the passphrase prompt ``count`` times and its terminal has echo turned off.

    The prompt's text is printed just before input is hidden (click writes it, then getpass turns echo off and
    flushes pending input), so keys sent on seeing the text alone could be echoed or dropped; the terminal's own
    echo flag says when typing is hidden.
    """
    binary, socket = session
    tty = subprocess.run(
        [binary, "-L", socket, "display-message", "-p", "-t", "exam", "#{pane_tty}"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    fd = os.open(tty, os.O_RDWR | os.O_NOCTTY)
    try:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = _screen(session)
            if screen.count(PROMPT) >= count and not termios.tcgetattr(fd)[3] & termios.ECHO:
                return screen
            time.sleep(0.1)
    finally:
        os.close(fd)
    raise AssertionError(f"prompt {count} with hidden input never came; the screen was:\n{screen}")


def test_trainer_command_prompts_with_hidden_input_in_a_terminal(tmp_path: Path, tmux: tuple[str, str]) -> None:  # noqa: F811
    """`exam extra-time` at a terminal asks for the passphrase without showing what is typed; three wrong tries
    refuse it (exit 1, nothing granted); the right passphrase runs it (exit 0)."""
    exam = exam_command()
    store = tmp_path / "store"
    set_passphrase(TinyDBAttemptStore(store), PASSPHRASE)
    env = {"EXAM_DB": str(store), "EXAM_CONFIG": str(tmp_path / "none.yaml"), "EXAM_LANG": "zh", "LANG": "C.UTF-8"}
    binary, socket = tmux
    command = " ".join(f"{k}='{v}'" for k, v in env.items())
    grant = f"env {command} '{exam}' extra-time --paper speech --trainee 320101 --minutes 600 --allow-new"
    script = f"{grant}; echo EXIT-A=$?; {grant}; echo EXIT-B=$?; sleep 600"
    subprocess.run(
        [binary, "-L", socket, "-u", "new-session", "-d", "-s", "exam", "-x", "120", "-y", "30", "sh", "-c", script],
        check=True,
        env={**os.environ, "LANG": "C.UTF-8"},
    )  # fmt: skip
    for number, wrong in enumerate(("guess-one", "guess-two", "guess-three"), 1):
        _wait_for_hidden_prompt(tmux, number)
        _keys(tmux, wrong, literal=True)
        _keys(tmux, "Enter")
    screen = _wait_for(tmux, "EXIT-A=1", timeout=60)
    assert screen.count("口令不对，请再试一次") == 2
    assert "连续 3 次不对" in screen and "延时已设为" not in screen
    _wait_for_hidden_prompt(tmux, 4)
    _keys(tmux, PASSPHRASE, literal=True)
    _keys(tmux, "Enter")
    screen = _wait_for(tmux, "EXIT-B=0", timeout=90)  # after three wrong tries the next check waits 4 s
    assert "延时已设为 600 分钟" in screen
    assert "guess-" not in _screen(tmux) and PASSPHRASE not in _screen(tmux)
