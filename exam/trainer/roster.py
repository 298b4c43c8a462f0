"""The roster (花名册): who is expected to sit the exams, imported from the trainer's Excel or CSV sheet.

The sheet has the columns 姓名, 考号, 单位, 职务 (in any order, header in one of the first ten rows; 单位 and 职务
may be missing). A CSV file may be UTF-8 with or without BOM, or GBK/GB18030 as Excel saves it on Chinese Windows.
Each member is stored with ``store.put_record("roster", 考号, {"name", "id", "unit", "position"})``, so sign-in can
offer the names and score sheets can list members who never sat an exam.

A sheet with a bad row or a 考号 used twice is not imported at all: every problem is listed with its row number,
so the trainer fixes the sheet and imports again (importing again updates members with the same 考号).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exam.errors import ExamError, Problem
from exam.i18n import t
from exam.models import Trainee
from exam.safetext import unsafe_characters
from exam.store.base import AttemptStore

ROSTER_TABLE = "roster"
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
TRAINEE_ID = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
MAX_NAME = 40
MAX_TEXT = 100

_HEADERS = {
    "姓名": "name", "名字": "name", "name": "name",
    "考号": "id", "学号": "id", "编号": "id", "准考证号": "id", "id": "id",
    "单位": "unit", "工作单位": "unit", "unit": "unit",
    "职务": "position", "职位": "position", "position": "position",
}  # fmt: skip


class RosterError(ExamError):
    """A roster sheet has problems; ``problems`` lists every one with its row."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class RosterSheet:
    """What a sheet holds: members in sheet order, and every problem found."""

    path: str
    members: list[tuple[int, Trainee]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, row: int | None, item: str | None, message: str) -> None:
        self.problems.append(Problem(self.path, row, item, message))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_key(value: Any) -> str | None:
    text = unicodedata.normalize("NFKC", _text(value)).replace(" ", "").replace("*", "").lower()
    return _HEADERS.get(text)


def _rows_xlsx(path: Path, sheet: RosterSheet) -> list[tuple[int, tuple[Any, ...]]]:
    """The filled rows of the first worksheet as shown (a 考号 formatted 000000 reads 000123; a formula gives the
    value Excel or WPS saved with it, and is never evaluated here), see :func:`exam.sheets.displayed_rows`."""
    from exam.sheets import TooManyRows, displayed_rows, open_workbook

    try:
        workbook = open_workbook(path.read_bytes())
    except OSError as exc:
        sheet.problem(None, None, t("roster.unreadable", error=exc.strerror or exc))
        return []
    except Exception as exc:  # a damaged or non-Excel file: zipfile, KeyError or openpyxl's own errors
        sheet.problem(None, None, t("roster.xlsx_unreadable", error=type(exc).__name__))
        return []
    rows: list[tuple[int, tuple[Any, ...]]] = []
    try:
        for number, cells in displayed_rows(workbook, None, MAX_ROWS):
            rows.append((number, cells))
    except TooManyRows as exc:
        sheet.problem(exc.row, None, t("roster.too_many_rows", limit=exc.limit))
    finally:
        workbook.close()
    return rows


def decode_csv(data: bytes) -> str | None:
    """UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK); ``None`` if neither fits."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _rows_csv(path: Path, sheet: RosterSheet) -> list[tuple[int, tuple[Any, ...]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        sheet.problem(None, None, t("roster.unreadable", error=exc.strerror or exc))
        return []
    text = decode_csv(data)
    if text is None:
        sheet.problem(None, None, t("roster.bad_encoding"))
        return []
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for cells in reader:
            if reader.line_num > MAX_ROWS:
                sheet.problem(reader.line_num, None, t("roster.too_many_rows", limit=MAX_ROWS))
                break
            rows.append((reader.line_num, tuple(cells)))
    except csv.Error as exc:
        sheet.problem(reader.line_num, None, t("roster.csv_error", error=exc))
    return rows


def read_roster(path: str | Path) -> RosterSheet:
    """Read a roster sheet (``.xlsx``/``.xlsm`` or ``.csv``/``.txt``); problems are collected, never raised."""
    path = Path(path)
    sheet = RosterSheet(str(path))
    try:
        size = path.stat().st_size
    except OSError as exc:
        sheet.problem(None, None, t("roster.unreadable", error=exc.strerror or exc))
        return sheet
    if size > MAX_BYTES:
        sheet.problem(None, None, t("roster.too_large", size=size, limit=MAX_BYTES))
        return sheet
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _rows_xlsx(path, sheet)
    elif suffix in (".csv", ".txt"):
        rows = _rows_csv(path, sheet)
    else:
        sheet.problem(None, None, t("roster.unknown_suffix", suffix=suffix or "-"))
        return sheet
    _members(rows, sheet)
    return sheet


def _members(rows: list[tuple[int, tuple[Any, ...]]], sheet: RosterSheet) -> None:
    columns: dict[str, int] | None = None
    first_row: dict[str, int] = {}
    for number, cells in rows:
        if columns is None:
            found = {key: index for index, value in enumerate(cells) if (key := _header_key(value))}
            if {"name", "id"} <= set(found):
                columns = found
            elif number >= 10:
                break
            continue
        values = {key: cells[index] if index < len(cells) else None for key, index in columns.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        member = _member(values, number, sheet)
        if member is None:
            continue
        if member.id in first_row:
            sheet.problem(number, member.id, t("roster.duplicate", id=member.id, first=first_row[member.id]))
            continue
        first_row[member.id] = number
        sheet.members.append((number, member))
    if columns is None:
        sheet.problem(None, None, t("roster.no_header"))
    elif not sheet.members and not sheet.problems:
        sheet.problem(None, None, t("roster.empty"))


def _member(values: dict[str, Any], row: int, sheet: RosterSheet) -> Trainee | None:
    before = len(sheet.problems)
    raw_id = values.get("id")
    if isinstance(raw_id, float) and not raw_id.is_integer():
        trainee_id = ""
        sheet.problem(row, None, t("roster.bad_id", value=raw_id))
    else:
        trainee_id = unicodedata.normalize("NFKC", _text(raw_id)).replace(" ", "")
        if not trainee_id:
            sheet.problem(row, None, t("roster.no_id"))
        elif not TRAINEE_ID.match(trainee_id):
            sheet.problem(row, None, t("roster.bad_id", value=trainee_id))
    item = trainee_id or None
    name = _text(values.get("name"))
    if not name:
        sheet.problem(row, item, t("roster.no_name"))
    elif len(name) > MAX_NAME or unsafe_characters(name, multiline=False):
        sheet.problem(row, item, t("roster.bad_name", limit=MAX_NAME))
    extra = {}
    for key in ("unit", "position"):
        value = _text(values.get(key))
        if len(value) > MAX_TEXT or unsafe_characters(value, multiline=False):
            sheet.problem(row, item, t("roster.bad_text", column=t(f"roster.col_{key}"), limit=MAX_TEXT))
        extra[key] = value
    if len(sheet.problems) > before:
        return None
    return Trainee(name=name, id=trainee_id, unit=extra["unit"], position=extra["position"])


@dataclass(frozen=True)
class RosterImport:
    """What :func:`import_roster` did."""

    added: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


def import_roster(store: AttemptStore, path: str | Path) -> RosterImport:
    """Store every member of the sheet; raises :class:`RosterError` (storing nothing) if any row is bad."""
    sheet = read_roster(path)
    if sheet.problems:
        raise RosterError(sheet.problems)
    existing = store.all_records(ROSTER_TABLE)
    added = updated = unchanged = 0
    for _, member in sheet.members:
        record = member.as_dict()
        before = existing.get(member.id)
        if before == record:
            unchanged += 1
            continue
        store.put_record(ROSTER_TABLE, member.id, record)
        if before is None:
            added += 1
        else:
            updated += 1
    return RosterImport(added, updated, unchanged)


def roster_members(store: AttemptStore) -> list[Trainee]:
    """Everyone on the roster, ordered by 单位 then 考号."""
    members = []
    for key, record in store.all_records(ROSTER_TABLE).items():
        if not isinstance(record, dict):
            continue
        members.append(
            Trainee(
                name=str(record.get("name", "")),
                id=str(record.get("id", key)),
                unit=str(record.get("unit", "")),
                position=str(record.get("position", "")),
            )
        )
    return sorted(members, key=lambda m: (m.unit, m.id))
