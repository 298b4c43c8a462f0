"""Score-sheet exporters: a name, a file suffix and a function that writes a :class:`ScoreSheet` to a path.

The built-in ``csv`` and ``xlsx`` exporters are contributed through ``exam_register_exporters`` (see
:mod:`exam.builtin`); a plugin can add more.

A :class:`ScoreSheet` is a workbook in plain data: the main table (成绩单) and further tables (答题明细, 试题分析,
汇总). A table's rows are a sequence: a tuple, or :class:`LazyRows` that makes them as an exporter iterates (a
sheet of a million rows is written without being held); an exporter should read them once, front to back.
Cells are ``str``, ``int``, ``float``, ``datetime.datetime`` (naive, local wall time),
``datetime.timedelta`` (a duration) or ``None`` (empty). A format that holds one table (csv) writes the main one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

Cell = str | int | float | datetime | timedelta | None
"""What a score-sheet cell may hold."""


@dataclass(frozen=True)
class BarChart:
    """A bar chart over a run of rows of one table (formats without charts ignore it).

    Attributes:
        title: Chart title.
        category_column: Index of the column holding the bar labels.
        value_column: Index of the column holding the bar heights.
        first_row: Index (into the table's ``rows``) of the first bar.
        last_row: Index of the last bar (inclusive).
        x_title: Axis title under the bars.
        y_title: Axis title beside the bars.
    """

    title: str
    category_column: int
    value_column: int
    first_row: int
    last_row: int
    x_title: str = ""
    y_title: str = ""


class LazyRows(Sequence[tuple[Any, ...]]):
    """Rows made on demand: ``length`` of them, produced afresh by ``make()`` at each iteration.

    Iterating is the cheap way in; indexing and slicing iterate from the start (fine for a look at the first rows,
    as the xlsx exporter does to size its columns; a loop over indexes would be quadratic).
    """

    def __init__(self, length: int, make: Callable[[], Iterator[tuple[Any, ...]]]) -> None:
        self._length = length
        self._make = make

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self._make()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            return tuple(islice(self._make(), start, stop, step)) if step > 0 else tuple(self)[index]
        position = index + self._length if index < 0 else index
        if not 0 <= position < self._length:
            raise IndexError(index)
        return next(islice(self._make(), position, None))


@dataclass(frozen=True)
class SheetTable:
    """One worksheet: a title, column headers, rows of cells and optional charts.

    ``preamble`` is a title block printed above the table (its first line as the heading: paper, period, head
    counts); a format with room for it (xlsx) writes it, one holding a bare table (csv) leaves it out.
    """

    title: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[Any, ...]]
    charts: tuple[BarChart, ...] = ()
    preamble: tuple[str, ...] = ()


ExtraSheet = SheetTable | tuple[str, tuple[str, ...], Sequence[tuple[Any, ...]]]
"""A further sheet: a :class:`SheetTable` or, as plugins written earlier pass it, ``(title, headers, rows)``."""


@dataclass(frozen=True)
class ScoreSheet:
    """What an exporter writes: the main table (title, headers, rows) and any further sheets."""

    title: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[Any, ...]]
    extra_sheets: tuple[ExtraSheet, ...] = ()
    preamble: tuple[str, ...] = ()
    """The main sheet's title block (see :class:`SheetTable`)."""

    def tables(self) -> tuple[SheetTable, ...]:
        """Every sheet in workbook order, the main one first."""
        extra = tuple(
            s if isinstance(s, SheetTable) else SheetTable(s[0], tuple(s[1]), s[2]) for s in self.extra_sheets
        )
        return (SheetTable(self.title, self.headers, self.rows, preamble=self.preamble), *extra)


@dataclass(frozen=True)
class Exporter:
    """A score-sheet format."""

    name: str
    label: str
    suffix: str
    write: Callable[[ScoreSheet, Path], None]
