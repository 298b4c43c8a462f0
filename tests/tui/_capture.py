"""The text a person sees: the app's screen rendered as a terminal shows it, without colours.

Used by the tests that read the screen (lost characters, English words in the Chinese UI); the same composition as
``App.export_screenshot``, exported as text instead of SVG.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual.app import App


def screen_text(app: App[Any]) -> str:
    """The visible screen of a running ``app`` (dialogs over the screens beneath them), one line per row."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def list_rows(text: str) -> list[str]:
    """The rows of every bordered box on a captured screen (a Select, its open list), their padding stripped.

    A Select and its list are drawn between ``▊`` and ``▎``; a row that is a border (``▔``, ``▁``) is left out.
    """
    rows = []
    for line in text.splitlines():
        if "▊" not in line or "▎" not in line:
            continue
        row = line.split("▊", 1)[1].rsplit("▎", 1)[0]
        row = row.rstrip("▼▲▄▀█▂▆ ").strip()
        if row and set(row) - set("▔▁"):
            rows.append(row)
    return rows


def missing_rows(expected: list[str], rows: list[str]) -> list[str]:
    """Each expected string that no row shows exactly, with the row that comes closest (for the failure message)."""
    import difflib

    problems = []
    for item in expected:
        if item not in rows:
            near = difflib.get_close_matches(item, rows, n=1, cutoff=0.3)
            problems.append(f"{item!r} not shown; closest row {near[0]!r}" if near else f"{item!r} not shown")
    return problems
