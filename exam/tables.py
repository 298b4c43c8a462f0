"""Plain tables for the terminal (Rich handles CJK widths); markup in data is never interpreted, and control
characters and escape sequences in data never reach the terminal (:func:`exam.safetext.safe_text`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from exam.safetext import safe_text


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], console: Console | None = None) -> None:
    """Print ``rows`` under ``headers`` as a terminal table; every cell is shown as literal text (no markup, no
    control characters or escape sequences: they are removed, line breaks kept).

    Args:
        headers: Column titles.
        rows: One sequence of cells per row, as many as ``headers``; a cell is shown as ``str(cell)``, ``None`` empty.
        console: Where to print; standard output by default.
    """
    table = Table(show_lines=False, header_style="bold")
    for header in headers:
        table.add_column(Text(safe_text(header, multiline=True)), overflow="fold")
    for row in rows:
        table.add_row(*[Text("" if v is None else safe_text(str(v), multiline=True)) for v in row])
    if console is None:
        console = Console(highlight=False)
        if not console.is_terminal:
            console = Console(highlight=False, width=200)  # piped output: do not cut columns to 80
    console.print(table)
