"""Converting between bank files and the formats trainers have, and writing the result safely.

:func:`import_bank` reads an Excel, GIFT or Aiken file into a bank document and validates it with the core loader;
:func:`export_bank` writes a loaded bank in one of those formats. Both report every problem with its row or line.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from exam.errors import BankFormatError, ExamError, Problem
from exam.formats import aiken, gift, moodle_xml, numbered, xlsx_bank
from exam.formats.document import ImportedBank, suggest_bank_id, validate_document
from exam.i18n import t
from exam.models import Bank
from exam.qtypes import QuestionType
from exam.sources import SourceLibrary
from exam.yamlsafe import LineDict

FORMATS = ("xlsx", "gift", "aiken", "moodle-xml", "numbered", "docx")
"""``numbered``: the numbered plain text of Chinese exam platforms (``1、题干`` ``A．选项`` ``答案：A``); ``docx``: the
same text in a Word document."""
SUFFIXES = {
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".gift": "gift", ".aiken": "aiken", ".xml": "moodle-xml", ".docx": "docx",
}  # fmt: skip
MAX_TEXT_BYTES = 5 * 1024 * 1024
BANK_SUFFIX = ".bank.yaml"


def guess_format(path: str | Path) -> str | None:
    """The format a file name implies (``.txt`` says nothing: GIFT, Aiken and numbered text all use it)."""
    return SUFFIXES.get(Path(path).suffix.lower())


_AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*[:：]", re.IGNORECASE | re.MULTILINE)
_NUMBERED_ANSWER = re.compile(r"^\s*(?:正确)?答案\s*[:：]", re.MULTILINE)
_GIFT_BLOCK = re.compile(r"\{[^{}]*\}")


def sniff_text_format(text: str) -> str | None:
    """The format of a ``.txt`` bank by its content: ``ANSWER:`` lines (Aiken), ``答案：`` lines (numbered text),
    ``{…}`` answer blocks (GIFT); ``None`` when it is none of these."""
    if _AIKEN_ANSWER.search(text):
        return "aiken"
    if _NUMBERED_ANSWER.search(text):
        return "numbered"
    if _GIFT_BLOCK.search(text):
        return "gift"
    return None


def read_text(path: Path) -> str:
    """A GIFT/Aiken file's text: UTF-8 (with or without BOM), else GB18030 (what Chinese Windows saves)."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise BankFormatError.single(path, None, None, t("formats.too_large", size=size, limit=MAX_TEXT_BYTES))
        data = path.read_bytes()
    except OSError as exc:
        raise BankFormatError.single(path, None, None, t("formats.unreadable", error=exc.strerror or exc)) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BankFormatError.single(path, None, None, t("formats.bad_encoding"))


def read_bank_file(
    path: Path, fmt: str, types: Mapping[str, QuestionType], library: SourceLibrary | None
) -> ImportedBank:
    """Convert ``path`` into questions; problems found while converting are in the result."""
    if fmt == "xlsx":
        return xlsx_bank.read_xlsx(path, types, library)
    if fmt == "gift":
        return gift.parse_gift(read_text(path), str(path))
    if fmt == "aiken":
        return aiken.parse_aiken(read_text(path), str(path))
    if fmt == "moodle-xml":
        return moodle_xml.read_moodle_xml(path)
    if fmt == "numbered":
        return numbered.parse_numbered(read_text(path), str(path), types, library)
    if fmt == "docx":
        return numbered.read_docx(path, types, library)
    raise ExamError(t("formats.unknown_format", format=fmt, known=", ".join(FORMATS)))


@dataclass
class ImportOutcome:
    """The result of :func:`import_bank`.

    Attributes:
        document: The converted bank, in bank-file shape (written even when it does not validate yet).
        bank: The validated bank, or ``None`` when there are problems.
        conversion_problems: Rows/lines that could not be converted (those questions are missing from
            ``document``); with ``strict``, the skipped questions too.
        problems: Every problem: conversion first, then what the loader found; with the source row/line.
        skipped: Questions of kinds without a counterpart here, left out (not with ``strict``: then they are
            conversion problems).
        imported: How many questions were converted (are in ``document``).
        reported: How many questions of the file were not converted, each with a line in ``skipped`` or
            ``conversion_problems``; ``imported + reported`` is every question of the file.
        refused: With ``strict``, how many questions of kinds without a counterpart made the file fail.
    """

    document: LineDict
    bank: Bank | None
    conversion_problems: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    imported: int = 0
    reported: int = 0
    refused: int = 0


def import_bank(
    path: Path,
    fmt: str,
    types: Mapping[str, QuestionType],
    library: SourceLibrary | None,
    bank_id: str | None = None,
    title: str | None = None,
    default_id: str | None = None,
    strict: bool = False,
) -> ImportOutcome:
    """Convert ``path`` and validate the result with the core loader (with the source file's rows/lines).

    Args:
        bank_id, title: Override what the file says (Excel 题库信息 sheet, GIFT ``// exam-bank:``).
        default_id: The bank id to use when neither the option nor the file gives one.
        strict: Questions of a kind without a counterpart (a Moodle numerical question …) make the file fail
            instead of being skipped.
    """
    imported = read_bank_file(path, fmt, types, library)
    refused = len(imported.skipped) if strict else 0
    if strict and imported.skipped:
        imported.problems.extend(imported.skipped)
        imported.left_out.extend(p.line for p in imported.skipped)
        imported.skipped = []
    if not bank_id and not imported.meta.get("id"):
        bank_id = default_id
    if not title and not imported.meta.get("title"):
        title = path.name.split(".", 1)[0]
    document = imported.document(bank_id, title)
    try:
        checked = imported.document(bank_id, title, with_rejected=True) if imported.rejected else document
        bank = validate_document(checked, str(path), types, library)
        problems: list[Problem] = []
    except BankFormatError as exc:
        bank, problems = None, exc.problems
    conversion = list(imported.problems)
    if conversion:
        bank = None
    everything = sorted(conversion + problems, key=lambda p: p.line or 0)
    skipped = sorted(imported.skipped, key=lambda p: p.line or 0)
    return ImportOutcome(
        document, bank, conversion, everything, skipped, len(imported.questions),
        imported.reported, refused,
    )  # fmt: skip


def export_bank(bank: Bank, fmt: str) -> tuple[bytes, list[Problem]]:
    """The bank in ``fmt``, and the questions the format cannot hold (Aiken only; the others hold everything).

    Raises:
        BankFormatError: A value cannot be written faithfully (e.g. a tag containing the Excel list separator).
    """
    if fmt == "xlsx":
        return xlsx_bank.export_xlsx(bank), []
    if fmt == "gift":
        return gift.export_gift(bank).encode("utf-8"), []
    if fmt == "aiken":
        text, skipped = aiken.export_aiken(bank)
        return text.encode("utf-8"), skipped
    if fmt == "moodle-xml":
        data, skipped = moodle_xml.export_moodle_xml(bank)
        return data, skipped
    if fmt == "numbered":
        return numbered.export_numbered(bank).encode("utf-8"), []
    if fmt == "docx":
        return numbered.export_docx(bank)
    raise ExamError(t("formats.unknown_format", format=fmt, known=", ".join(FORMATS)))


def default_bank_id(output: Path) -> str | None:
    """``my-town.bank.yaml`` → ``my-town``."""
    name = output.name
    if name.endswith(BANK_SUFFIX):
        name = name[: -len(BANK_SUFFIX)]
    return suggest_bank_id(name)


def write_new_file(path: Path, data: bytes, force: bool) -> None:
    """Write ``data`` to ``path`` completely or not at all; an existing file is replaced only with ``force``.

    The data goes to a temporary file in the same folder first; without ``force`` it is then hard-linked into
    place, which fails if the name was taken meanwhile, so a file that appeared after the check is not clobbered.
    """
    if path.is_dir():
        raise ExamError(t("formats.output_is_dir", path=path))
    if path.exists() and not force:
        raise ExamError(t("formats.output_exists", path=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExamError(t("formats.output_no_folder", folder=folder))
    tmp = folder / f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        tmp.write_bytes(data)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise ExamError(t("formats.output_exists", path=path)) from None
            except OSError:  # file systems without hard links
                if path.exists():
                    raise ExamError(t("formats.output_exists", path=path)) from None
                os.replace(tmp, path)
    except OSError as exc:
        raise ExamError(t("formats.cannot_write", path=path, error=exc.strerror or exc)) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
