"""Writing score sheets to csv and xlsx safely (no formula injection, Excel-friendly encoding and layout).

Whatever a trainee typed (a name such as ``=HYPERLINK(...)``, an answer starting with ``+``) reaches the file as
text: in xlsx every text cell is stored as a string (never a formula) and flagged with Excel's quote prefix, in csv
text that a spreadsheet would evaluate gets a leading apostrophe. Numbers, dates and durations are stored as
numbers with a display format, so a trainer can sort and sum them. Control characters and escape sequences in text
are removed (:func:`exam.safetext.safe_text`) before anything else: openpyxl refuses them in a cell, and one such
name must not stop the sheet for everyone.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from exam.exporters import BarChart, ScoreSheet, SheetTable
from exam.safetext import safe_text
from exam.store.atomic import atomic_write_bytes

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DURATION_FORMAT = "[h]:mm:ss"
MIN_WIDTH = 6
MAX_WIDTH = 50
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def looks_like_formula(value: Any) -> bool:
    """Whether a spreadsheet would treat this text as a formula (or a formula-like entry)."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(value: Any) -> Any:
    """Text without control characters; text that a spreadsheet would run as a formula is prefixed with ``'`` so it
    stays text."""
    if isinstance(value, str):
        value = safe_text(value, multiline=True)
    if looks_like_formula(value):
        return "'" + value
    return value


def text_of(value: Any) -> str:
    """How a cell reads in a text format: dates as ``2026-11-26 09:00:00``, durations as ``0:12:30``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def display_width(text: str) -> int:
    """Columns the text takes in a spreadsheet: CJK and other wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_csv(sheet: ScoreSheet, path: Path) -> None:
    """The main table as UTF-8 with BOM (so Excel opens Chinese correctly); other sheets need xlsx."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow([safe_cell(v) if isinstance(v, str) else text_of(v) for v in row])
    atomic_write_bytes(Path(path), buffer.getvalue().encode("utf-8-sig"))


def write_xlsx(sheet: ScoreSheet, path: Path) -> None:
    """One workbook: the main sheet first, then every further sheet; text cells are never formulas."""
    from openpyxl import Workbook

    workbook = Workbook()
    for index, table in enumerate(sheet.tables()):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        assert ws is not None
        _fill_worksheet(ws, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    atomic_write_bytes(Path(path), buffer.getvalue())


def _fill_worksheet(ws: Any, table: SheetTable) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.title = sheet_title(table.title)
    ws.append([_xlsx_value(h) for h in table.headers])
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        _make_text(cell)
        cell.font = header_font
        cell.fill = header_fill
    for row in table.rows:
        ws.append([_xlsx_value(v) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                _make_text(cell)
            elif isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, timedelta):
                cell.number_format = DURATION_FORMAT
    ws.freeze_panes = "A2"
    for col, header in enumerate(table.headers, 1):
        ws.column_dimensions[get_column_letter(col)].width = _column_width(header, table.rows, col - 1)
    for chart in table.charts:
        _add_bar_chart(ws, table, chart)


def _make_text(cell: Any) -> None:
    cell.data_type = "s"  # stored as a string whatever it starts with: openpyxl marked "=..." as a formula
    if looks_like_formula(cell.value):
        cell.quotePrefix = True  # and Excel keeps it text even when the cell is edited


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones: keep the wall time that was recorded
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        # safe_text removes everything openpyxl refuses; its own pattern stays as the last guard, so that a
        # character it adds to the list one day cannot stop the sheet either.
        value = ILLEGAL_CHARACTERS_RE.sub("", safe_text(value, multiline=True))
        return value[:32767]  # Excel's limit for one cell
    return value


def _column_width(header: str, rows: tuple[tuple[Any, ...], ...], index: int) -> float:
    widths = [display_width(str(header))]
    for row in rows[:500]:
        if index < len(row) and row[index] is not None:
            value = row[index]
            widths.append(19 if isinstance(value, datetime) else display_width(text_of(value)))
    return float(min(MAX_WIDTH, max(MIN_WIDTH, max(widths) + 2)))


def _add_bar_chart(ws: Any, table: SheetTable, spec: BarChart) -> None:
    from openpyxl.chart import BarChart as XlBarChart
    from openpyxl.chart import Reference

    # Worksheet row 1 holds the headers, so rows[i] is on worksheet row i + 2.
    first, last = spec.first_row + 2, spec.last_row + 2
    chart = XlBarChart()
    chart.type = "col"
    chart.title = spec.title
    chart.x_axis.title = spec.x_title or None
    chart.y_axis.title = spec.y_title or None
    chart.legend = None
    data = Reference(ws, min_col=spec.value_column + 1, min_row=first, max_row=last)
    categories = Reference(ws, min_col=spec.category_column + 1, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=False)
    chart.set_categories(categories)
    chart.width, chart.height = 16, 8
    anchor_col = len(table.headers) + 2
    from openpyxl.utils import get_column_letter

    ws.add_chart(chart, f"{get_column_letter(anchor_col)}2")


def sheet_title(title: str) -> str:
    """A valid worksheet name: no ``[]:*?/\\`` and at most 31 characters."""
    return (safe_text(title).translate(_SHEET_NAME_FORBIDDEN).strip("'") or "Sheet")[:31]
