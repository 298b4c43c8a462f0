"""Plain tables for the terminal (Rich handles CJK widths); markup in data is never interpreted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], console: Console | None = None) -> None:
    """Print ``rows`` under ``headers`` as a terminal table; every cell is shown as literal text (no markup).

    Args:
        headers: Column titles.
        rows: One sequence of cells per row, as many as ``headers``; a cell is shown as ``str(cell)``, ``None`` empty.
        console: Where to print; standard output by default.
    """
    table = Table(show_lines=False, header_style="bold")
    for header in headers:
        table.add_column(Text(header), overflow="fold")
    for row in rows:
        table.add_row(*[Text("" if v is None else str(v)) for v in row])
    if console is None:
        console = Console(highlight=False)
        if not console.is_terminal:
            console = Console(highlight=False, width=200)  # piped output: do not cut columns to 80
    console.print(table)
