"""Score-sheet exporters: a name, a file suffix and a function that writes a :class:`ScoreSheet` to a path.

The built-in ``csv`` and ``xlsx`` exporters are contributed through ``exam_register_exporters`` (see
:mod:`exam.builtin`); a plugin can add more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ScoreSheet:
    """What an exporter writes: a title, column headers and rows of plain values (str, int, float, None)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    extra_sheets: tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...] = ()


@dataclass(frozen=True)
class Exporter:
    """A score-sheet format."""

    name: str
    label: str
    suffix: str
    write: Callable[[ScoreSheet, Path], None]
