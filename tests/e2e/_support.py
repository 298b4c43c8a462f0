"""Shared by the end-to-end tests that start the installed ``exam`` (in tmux, on a pty)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest


def exam_command() -> str:
    """The installed ``exam`` next to this Python (or on ``PATH``); fails the test when there is none."""
    candidate = Path(sys.executable).with_name("exam")
    found = str(candidate) if candidate.exists() else shutil.which("exam")
    if not found:
        pytest.fail("the exam command is not installed next to this Python")
    return found
