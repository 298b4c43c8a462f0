"""Plain tables for the terminal (CJK widths counted as Rich counts them); markup in data is never interpreted, and
control characters and escape sequences in data never reach the terminal (:func:`exam.safetext.safe_text`).

A table that fits (piped output always does: a file has no width) is drawn here line by line in Rich's default
look; Rich itself lays out only a table that must fold cells to fit a narrow terminal or has cells of several
lines. Rich measures and wraps every cell, about half a millisecond a row, which made ``exam stats`` spend most of
its time drawing a 650-row table (issue 17); drawn here, the same table takes a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console

from exam.safetext import safe_text

BOLD, RESET = "\x1b[1m", "\x1b[0m"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], console: Console | None = None) -> None:
    """Print ``rows`` under ``headers`` as a terminal table; every cell is shown as literal text (no markup, no
    control characters or escape sequences: they are removed, line breaks kept).

    Args:
        headers: Column titles.
        rows: One sequence of cells per row, as many as ``headers``; a cell is shown as ``str(cell)``, ``None`` empty.
        console: Where to print; standard output by default (piped output is never folded to a width).
    """
    head = [safe_text(str(h), multiline=True) for h in headers]
    body = [["" if v is None else safe_text(str(v), multiline=True) for v in row] for row in rows]
    for row in body:
        row.extend([""] * (len(head) - len(row)))  # as Rich shows a short row
    if console is None:
        console = Console(highlight=False)
        if not console.is_terminal:
            console = Console(highlight=False, width=10_000)  # a file has no width: nothing is folded
    widths = [cell_len(h) for h in head]
    for row in body:
        for i, cell in enumerate(row):
            if len(cell) * 2 > widths[i]:  # (a cell is at most two cells a character wide: no need to measure)
                widths[i] = max(widths[i], cell_len(cell))
    fits = sum(widths) + 3 * len(widths) + 1 <= console.width
    if not fits or any("\n" in cell for cell in head) or any("\n" in cell for row in body for cell in row):
        _print_with_rich(head, body, console)
        return
    bold = console.is_terminal and not console.no_color and console.color_system is not None
    lines = ["┏" + "┳".join("━" * (w + 2) for w in widths) + "┓"]
    lines.append(
        "┃"
        + "┃".join(
            f" {BOLD}{h}{RESET}{_pad(h, w)} " if bold else f" {h}{_pad(h, w)} "
            for h, w in zip(head, widths, strict=True)
        )
        + "┃"
    )
    lines.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    lines.extend("│" + "│".join(f" {c}{_pad(c, w)} " for c, w in zip(row, widths, strict=True)) + "│" for row in body)
    lines.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    console.file.write("\n".join(lines) + "\n")
    console.file.flush()


def _pad(text: str, width: int) -> str:
    return " " * (width - cell_len(text))


def _print_with_rich(head: Sequence[str], body: Sequence[Sequence[str]], console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, header_style="bold")
    for header in head:
        table.add_column(Text(header), overflow="fold")
    for row in body:
        table.add_row(*[Text(cell) for cell in row])
    console.print(table)
