"""Printable sign-in slips (登录码条): one row per trainee with 姓名, 考号, 单位 and the plain 登录码, to cut out.

The workbook is the only place the plain codes ever exist (the store keeps their hashes), so it is written with mode
0600, atomically, and every text cell is stored as text (a name such as ``=HYPERLINK(...)`` is never a formula).
Layout for A4 portrait: large type, a dashed border round each row to cut along, the header repeated on every page.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from exam.errors import ExamError
from exam.i18n import t
from exam.models import Trainee
from exam.sheets import display_width, looks_like_formula, sheet_title
from exam.store.atomic import atomic_write_bytes

SUFFIXES = (".xlsx",)


def check_slips_path(path: Path) -> None:
    """Raise :class:`ExamError` unless ``path`` names a file type the slips can be written as (``.xlsx``)."""
    if path.suffix.lower() not in SUFFIXES:
        raise ExamError(t("slips.bad_suffix", path=path, suffixes=", ".join(SUFFIXES)))


def write_slips(path: Path, issued: list[tuple[Trainee, str]]) -> None:
    """Write the slips for ``[(trainee, plain code)]`` to ``path`` (.xlsx), ordered by 单位 then 考号.

    Raises:
        ExamError: an unsupported suffix.
        StoreError: the file cannot be written (from :func:`~exam.store.atomic.atomic_write_bytes`).
    """
    check_slips_path(path)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    ws: Any = workbook.active
    ws.title = sheet_title(t("slips.sheet"))
    headers = [t("slips.col_name"), t("slips.col_id"), t("slips.col_unit"), t("slips.col_code"), t("slips.col_note")]
    ws.append(headers)
    cut = Side(style="dashed")
    border = Border(left=cut, right=cut, top=cut, bottom=cut)
    for cell in ws[1]:
        cell.font = Font(bold=True, size=12)
        cell.border = border
    rows = sorted(issued, key=lambda pair: (pair[0].unit, pair[0].id))
    for trainee, code in rows:
        ws.append([trainee.name, trainee.id, trainee.unit, code, t("slips.note")])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # stored as a string whatever it starts with, as on the score sheets
            cell.quotePrefix = looks_like_formula(cell.value)
            cell.border = border
            cell.font = Font(size=14)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        code_cell = ws.cell(row=ws.max_row, column=4)
        code_cell.font = Font(size=20, bold=True, name="Consolas")
        ws.row_dimensions[ws.max_row].height = 42
    texts = [[r[0].name for r in rows], [r[0].id for r in rows], [r[0].unit for r in rows], [], []]
    for letter, width, column in zip("ABCDE", (12, 12, 16, 14, 34), texts, strict=True):
        ws.column_dimensions[letter].width = max([width] + [display_width(text) + 4 for text in column])
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())
