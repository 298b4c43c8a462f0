"""``exam.tables.print_table``: the fast drawing looks exactly as Rich draws a table, folds only on a narrow
terminal, and lets nothing a cell holds reach the terminal as a control sequence."""

from __future__ import annotations

import io
from typing import Literal

from rich.cells import cell_len
from rich.console import Console

from exam.tables import _print_with_rich, print_table

HEADERS = ["序号", "题目编号", "题型", "提示（%）", ""]
ROWS: list[list[object]] = [
    [1, "organic-law-2022:a21-2", "单选题", "请核对答案：区分度为负（D＝-17，245 人作答）", None],
    [22, "x", "判断题", "A 25 · B 15 ✓", "é"],
    [3, "", "", ""],  # short: shown with an empty last cell, as Rich shows it
]


def drawn(
    headers: list[str],
    rows: list[list[object]],
    width: int,
    terminal: bool = False,
    color: Literal["standard"] | None = None,
) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=terminal, highlight=False, color_system=color)
    print_table(headers, rows, console)
    return out.getvalue()


def test_a_table_that_fits_is_drawn_exactly_as_rich_draws_it() -> None:
    mine = drawn(HEADERS, ROWS, 300)
    out = io.StringIO()
    cells = [["" if v is None else str(v) for v in row] + [""] * (len(HEADERS) - len(row)) for row in ROWS]
    _print_with_rich(HEADERS, cells, Console(file=out, width=300, highlight=False, color_system=None))
    assert mine == out.getvalue()
    lines = mine.splitlines()
    assert lines[1].startswith("┃ 序号 ┃ 题目编号") and lines[3].startswith(
        "│ 1    │ organic-law-2022:a21-2 │ 单选题 │"
    )
    assert len({cell_len(line) for line in lines}) == 1  # every line as wide as the border


def test_piped_output_is_never_folded() -> None:
    """A file has no width: a 400-column row stays on one line (Rich folded piped tables at 200 columns)."""
    out = io.StringIO()
    long = "长" * 200
    print_table(["a", "b"], [[long, "x"]], Console(file=out, width=10_000, highlight=False))
    assert [line for line in out.getvalue().splitlines() if long in line] == [f"│ {long} │ x │"]


def test_a_table_wider_than_the_terminal_is_folded_to_fit() -> None:
    text = drawn(["题目", "提示"], [["题" * 30, "提示" * 40]], 60, terminal=True)
    assert all(len(line) <= 60 for line in text.splitlines())
    assert "".join(line.strip("│ ") for line in text.splitlines()).count("提示") >= 39


def test_cells_of_several_lines_keep_their_line_breaks() -> None:
    text = drawn(["问题", "备注"], [["第一行\n第二行", "x"]], 200)
    assert any("第一行" in line for line in text.splitlines()) and any("第二行" in line for line in text.splitlines())
    assert not any("第一行" in line and "第二行" in line for line in text.splitlines())


def test_no_cell_reaches_the_terminal_as_a_control_sequence() -> None:
    hostile = "张三\x1b[2J\x1b]8;;http://x\x07链接\x1b]8;;\x07\u202e\x07[bold]"
    for width in (300, 30):  # drawn here, and by Rich (folded)
        text = drawn(["姓名", hostile], [[hostile, "1"]], width, terminal=True, color="standard")
        assert "\x1b[1m姓名" in text  # the header is bold on a colour terminal ...
        plain = text.replace("\x1b[1m", "").replace("\x1b[0m", "")  # ... and that is the only escape there is
        assert "\x1b" not in plain and "\x07" not in plain and "\u202e" not in plain
    assert "[bold]" in drawn(["a"], [[hostile]], 300)  # markup is shown, not interpreted
