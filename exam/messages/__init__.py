"""The message catalogue: every user-facing string as ``key: (中文, English)``. Keep both columns in step.

It is one lookup table, kept in a few files by area so that each stays readable:
:mod:`.core` (core and command line), :mod:`.tui` (the exam app), :mod:`.trainer` (trainer tools).
A key defined in two files is an error (``tests/core/test_messages.py``).
"""

from __future__ import annotations

from exam.messages import core, trainer, tui

PARTS: tuple[dict[str, tuple[str, str]], ...] = (core.MESSAGES, tui.MESSAGES, trainer.MESSAGES)

CATALOGUE: dict[str, tuple[str, str]] = {key: value for part in PARTS for key, value in part.items()}
