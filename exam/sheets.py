"""Writing score sheets to csv and xlsx safely (no formula injection, Excel-friendly encoding)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from exam.exporters import ScoreSheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with ``'`` so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(sheet: ScoreSheet, path: Path) -> None:
    """UTF-8 with BOM, so Excel opens Chinese correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(sheet.headers)
        for row in sheet.rows:
            writer.writerow([safe_cell(v) for v in row])


def write_xlsx(sheet: ScoreSheet, path: Path) -> None:
    """One workbook: the main sheet first, then any extra sheets; text cells are never formulas."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheets = [(sheet.title, sheet.headers, sheet.rows), *sheet.extra_sheets]
    for index, (title, headers, rows) in enumerate(sheets):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        assert ws is not None
        ws.title = title[:31]
        ws.append(list(headers))
        for row in rows:
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever it starts with
        ws.freeze_panes = "A2"
        for col, header in enumerate(headers, 1):
            width = max([len(str(header)) * 2] + [len(str(r[col - 1])) * 1.6 for r in rows[:200] if col - 1 < len(r)])
            ws.column_dimensions[get_column_letter(col)].width = min(max(8, width + 2), 60)
    workbook.save(path)
