"""Writing score sheets to csv and xlsx safely (no formula injection, Excel-friendly encoding and layout), and
reading a trainer's workbook as the person sees it (:func:`displayed_rows`, shared by bank and roster imports).

Whatever a trainee typed (a name such as ``=HYPERLINK(...)``, an answer starting with ``+``) reaches the file as
text: in xlsx every text cell is stored as a string (never a formula) and flagged with Excel's quote prefix, in csv
text that a spreadsheet would evaluate gets a leading apostrophe. Numbers, dates and durations are stored as
numbers with a display format, so a trainer can sort and sum them. Control characters and escape sequences in text
are removed (:func:`exam.safetext.safe_text`) before anything else: openpyxl refuses them in a cell, and one such
name must not stop the sheet for everyone.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import secrets
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from exam.cellformat import ZH_CN_BUILTIN_FORMATS, display_text
from exam.errors import StoreError
from exam.exporters import BarChart, ScoreSheet, SheetTable
from exam.safetext import safe_text
from exam.store.atomic import FILE_MODE, TEMP_MARK, fsync_dir, os_message

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
    """The main table as UTF-8 with BOM (so Excel opens Chinese correctly); other sheets need xlsx. Rows are
    written as they come (a lazy table is never held whole), to a temporary file that replaces ``path`` at the end."""
    with atomic_output(Path(path)) as out:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([safe_cell(h) for h in sheet.headers])
        for row in sheet.rows:
            writer.writerow([safe_cell(v) if isinstance(v, str) else text_of(v) for v in row])
        text.flush()
        text.detach()


def write_xlsx(sheet: ScoreSheet, path: Path) -> None:
    """One workbook: the main sheet first, then every further sheet; text cells are never formulas.

    Each worksheet is laid out for printing (see :func:`header_row`): its title block, a blank row, the bold header
    row (repeated on every printed page and frozen on screen), the rows, then its charts below the table; A4,
    portrait for a narrow table and landscape for a wide one (:data:`PORTRAIT_WIDTH`), scaled to the page width,
    the sheet name in the page header and the page number and count in the footer.
    Written with openpyxl's write-only mode: one pass, each row streamed to the file as the table yields it (a
    :class:`~exam.exporters.LazyRows` table is never held whole), the workbook saved to a temporary file that
    replaces ``path`` at the end.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for table in sheet.tables():
        _fill_worksheet(workbook.create_sheet(sheet_title(table.title)), table)
    with atomic_output(Path(path)) as out:
        workbook.save(out)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through: created beside it (mode 0600), synced and moved over ``path`` when
    the block ends, removed when it fails (so a half-written sheet never replaces a good one).

    Raises:
        StoreError: The file cannot be written (disk full, no permission), naming ``path``.
    """
    tmp = path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(os_message(exc, path)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def header_row(table: SheetTable) -> int:
    """The worksheet row (1-based) of the table's headers: after the title block and a blank row, if any."""
    return len(table.preamble) + 2 if table.preamble else 1


def _fill_worksheet(ws: Any, table: SheetTable) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    first = header_row(table)
    # Column widths and print settings are written before the rows, so they are set first (write-only mode), from
    # the first rows (read once: a lazy table makes its rows again at each reading).
    head = tuple(islice(table.rows, WIDTH_SAMPLE))
    widths = [_column_width(header, head, index) for index, header in enumerate(table.headers)]
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.page_setup.orientation = "portrait" if sum(widths) <= PORTRAIT_WIDTH else "landscape"
    ws.page_setup.paperSize = "9"  # A4 (ECMA-376 paper size code 9)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.print_title_rows = f"{first}:{first}"
    ws.freeze_panes = f"A{first + 1}"

    for index, line in enumerate(table.preamble):
        cell = WriteOnlyCell(ws, _xlsx_value(line))
        _make_text(cell)
        cell.font = Font(bold=True, size=14) if index == 0 else Font(size=10)
        ws.append([cell])
    if table.preamble:
        ws.append([])
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    headers = []
    for header in table.headers:
        cell = WriteOnlyCell(ws, _xlsx_value(header))
        _make_text(cell)
        cell.font, cell.fill, cell.alignment = header_font, header_fill, centred
        headers.append(cell)
    ws.append(headers)
    texts: dict[str, str] = {}
    for row in table.rows:
        ws.append([_xlsx_cell(ws, WriteOnlyCell, value, texts) for value in row])
    for chart in table.charts:
        _add_bar_chart(ws, table, chart, first)


PORTRAIT_WIDTH = 95
"""A table at most this many character widths wide prints portrait (A4 at 100 %); a wider one landscape."""
PAGE_FOOTER = "&P / &N"
"""The printed page footer, ``3 / 7``: page number and page count (Excel's ``&P`` and ``&N`` codes)."""


def _xlsx_cell(ws: Any, cell_type: Any, value: Any, texts: dict[str, str] | None = None) -> Any:
    """What to append for one value: the value itself when openpyxl stores it as it is (a number, or text that
    cannot be read as a formula or an error code), else a cell that says how (text kept text, a date format).

    ``texts`` remembers the cleaned form of each text already seen in the sheet (a name or a chapter repeats on
    every row of 明细数据; cleaning is the costly part of a cell).
    """
    if isinstance(value, str):
        if texts is not None and value in texts:
            cleaned = texts[value]
        else:
            cleaned = _xlsx_value(value)
            if texts is not None:
                if len(texts) >= TEXT_CACHE:
                    texts.clear()
                texts[value] = cleaned
        if not cleaned.startswith(FORMULA_START) and cleaned not in _error_codes():
            return cleaned  # openpyxl stores it as a string, exactly as a text cell would be
        cell = cell_type(ws, cleaned)
        _make_text(cell)
        return cell
    if value is None or type(value) in (int, float):
        return value
    value = _xlsx_value(value)
    cell = cell_type(ws, value)
    if isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, timedelta):
        cell.number_format = DURATION_FORMAT
    return cell


TEXT_CACHE = 100_000
"""At most this many cleaned texts are remembered per sheet (then the memory starts afresh)."""


@functools.cache
def _error_codes() -> frozenset[str]:
    """Texts openpyxl would store as an error value (``#N/A``) rather than as text."""
    from openpyxl.cell.cell import ERROR_CODES

    return frozenset(ERROR_CODES)


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


WIDTH_SAMPLE = 500
"""Column widths are fitted to the header and this many first rows."""


def _column_width(header: str, rows: Sequence[tuple[Any, ...]], index: int) -> float:
    widths = [min(display_width(str(header)), HEADER_WRAP_WIDTH)]
    for row in rows[:WIDTH_SAMPLE]:
        if index < len(row) and row[index] is not None:
            value = row[index]
            widths.append(19 if isinstance(value, datetime) else display_width(text_of(value)))
    return float(min(MAX_WIDTH, max(MIN_WIDTH, max(widths) + 2)))


HEADER_WRAP_WIDTH = 12
"""A header longer than this wraps instead of widening its column (``难度系数（%）`` over a column of numbers)."""


def _add_bar_chart(ws: Any, table: SheetTable, spec: BarChart, first: int) -> None:
    from openpyxl.chart import BarChart as XlBarChart
    from openpyxl.chart import Reference

    # Worksheet row ``first`` holds the headers, so rows[i] is on worksheet row first + 1 + i.
    top, bottom = spec.first_row + first + 1, spec.last_row + first + 1
    chart = XlBarChart()
    chart.type = "col"
    chart.title = spec.title
    chart.x_axis.title = spec.x_title or None
    chart.y_axis.title = spec.y_title or None
    chart.legend = None
    data = Reference(ws, min_col=spec.value_column + 1, min_row=top, max_row=bottom)
    categories = Reference(ws, min_col=spec.category_column + 1, min_row=top, max_row=bottom)
    chart.add_data(data, titles_from_data=False)
    chart.set_categories(categories)
    chart.width, chart.height = 16, 8
    # Below the table, so that printing it does not widen the page.
    ws.add_chart(chart, f"A{first + len(table.rows) + 3}")


def sheet_title(title: str) -> str:
    """A valid worksheet name: no ``[]:*?/\\`` and at most 31 characters."""
    return (safe_text(title).translate(_SHEET_NAME_FORBIDDEN).strip("'") or "Sheet")[:31]


# -- reading --------------------------------------------------------------------------------------------------------


class TooManyRows(Exception):
    """A sheet has more filled rows than the reader takes; ``row`` is the worksheet row of the first one too many."""

    def __init__(self, row: int, limit: int) -> None:
        super().__init__(f"more than {limit} filled rows (row {row})")
        self.row = row
        self.limit = limit


class DisplayedWorkbook:
    """A trainer's workbook, read as the person sees it (:meth:`rows`).

    Opened read-only (rows stream, so tens of thousands of formatted empty rows cost little). A formula cell shows
    the value Excel or WPS saved with it; nothing is ever evaluated here. A formula saved without a value (a file
    written by a program rather than by Excel or WPS) reads as its text, ``=…``.

    Raises:
        Exception: Whatever openpyxl raises for a file that is not a workbook (``zipfile.BadZipFile``, ``KeyError``,
            ``InvalidFileException`` …); callers report it as an unreadable file.
    """

    def __init__(self, data: bytes) -> None:
        from openpyxl import load_workbook

        self._data = data
        self._formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        self._values: Any = None  # opened at the first formula: most sheets have none

    @property
    def sheetnames(self) -> list[str]:
        """The worksheet names, in workbook order."""
        return list(self._formulas.sheetnames)

    def close(self) -> None:
        """Release the files (read-only workbooks keep the archive open)."""
        self._formulas.close()
        if self._values is not None:
            self._values.close()

    def __enter__(self) -> DisplayedWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def title(self, name: str | None) -> str:
        """The sheet's name: ``name`` itself, or the first sheet's name for ``None``."""
        return name if name is not None else str(self._formulas.worksheets[0].title)

    def rows(self, name: str | None = None, limit: int | None = None) -> Iterator[tuple[int, tuple[str, ...]]]:
        """The filled rows of sheet ``name`` (``None``: the first sheet) as shown: ``(row number, text of each cell
        from column A)``; see :func:`displayed_rows`.

        Raises:
            TooManyRows: On the first filled row beyond ``limit`` (the rows before it have been given).
        """
        sheet = self._formulas[self.title(name)]
        epoch = getattr(self._formulas, "epoch", None) or datetime(1899, 12, 30)
        sheet.reset_dimensions()  # a file that understates its size must not lose rows
        values: Iterator[Any] | None = None
        values_at = 0  # the row the values-only reading gives next (read only as far as the formulas go)
        filled = 0
        for number, cells in enumerate(sheet.iter_rows(), 1):
            if any(getattr(cell, "data_type", None) == "f" for cell in cells):
                if values is None:
                    values, values_at = self._value_rows(self.title(name)), 1
                while values_at < number:
                    next(values, None)
                    values_at += 1
                cached = next(values, ())
                values_at += 1
                cells = tuple(_cached(cell, cached[i] if i < len(cached) else None) for i, cell in enumerate(cells))
            texts = tuple(cell_display(cell, epoch) for cell in cells)
            if not any(text.strip() for text in texts):
                continue
            filled += 1
            if limit is not None and filled > limit:
                raise TooManyRows(number, limit)
            yield number, texts

    def _value_rows(self, title: str) -> Iterator[Any]:
        """The rows of the values-only reading of sheet ``title``."""
        from openpyxl import load_workbook

        if self._values is None:
            self._values = load_workbook(io.BytesIO(self._data), read_only=True, data_only=True)
        sheet = self._values[title]
        sheet.reset_dimensions()
        rows: Iterator[Any] = iter(sheet.iter_rows())
        return rows


def _cached(cell: Any, value_cell: Any) -> Any:
    """A formula cell replaced by the cell holding its saved value, when there is one."""
    if getattr(cell, "data_type", None) != "f" or getattr(value_cell, "value", None) is None:
        return cell
    return value_cell


def open_workbook(data: bytes) -> DisplayedWorkbook:
    """:class:`DisplayedWorkbook` of ``data`` (the bytes of an .xlsx/.xlsm file)."""
    return DisplayedWorkbook(data)


def cell_display(cell: Any, epoch: datetime) -> str:
    """The text one read-only cell shows (see :mod:`exam.cellformat`); ``""`` for an empty cell."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    style = getattr(cell, "style_array", None)
    number_format = ZH_CN_BUILTIN_FORMATS.get(style.numFmtId) if style is not None else None
    return display_text(value, number_format or getattr(cell, "number_format", None), epoch)


def displayed_rows(
    workbook: DisplayedWorkbook, name: str | None = None, limit: int | None = None
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The filled rows of a worksheet as the person sees them: ``(row number, text of each cell from column A)``.

    Each cell is its stored value rendered with its number format (:mod:`exam.cellformat`): a 考号 formatted
    ``000000`` reads ``000123``, a date ``1982年12月4日``, 50% ``50%``. Rows whose cells are all empty (however
    formatted: WPS saves tens of thousands of them) are skipped and not counted; the sheet's stated dimensions are
    ignored, so a file that understates them loses no row.

    Args:
        workbook: The workbook (:func:`open_workbook`).
        name: The sheet; ``None`` for the first one.
        limit: The most filled rows to give; ``None`` for no limit.

    Raises:
        TooManyRows: On the first filled row beyond ``limit`` (the rows before it have been given).
    """
    return workbook.rows(name, limit)
