"""The bank *document*: a bank in the plain mapping shape of a ``*.bank.yaml`` file, shared by every format.

Each import format (Excel, GIFT, Aiken) converts its file into a document whose mappings and lists remember the
row or line they came from (:class:`~exam.yamlsafe.LineDict`, :class:`~exam.yamlsafe.LineList`). The core loader
(:func:`exam.banks.parse_bank`) then validates that document exactly as it validates a YAML file, so every
problem is reported once, with the trainer's own row or line number, and the rules live in one place.

Exports go the other way: :func:`bank_document` turns a validated :class:`~exam.models.Bank` into plain data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from exam.banks import BANK_ID, parse_bank
from exam.errors import BankFormatError, Problem
from exam.models import Bank, Question
from exam.qtypes import QuestionType
from exam.sources import SourceLibrary
from exam.yamlsafe import LineDict, LineList

QUESTION_ORDER = (
    "id", "title", "type", "stem", "options", "answer", "explanation", "source", "quote",
    "difficulty", "tags", "points", "negated", "group", "application",
)  # fmt: skip
"""Key order of a question in every file we write (the order of docs/bank-format.md)."""

BANK_ORDER = ("id", "title", "version", "description", "sources", "equivalents")


def line_dict(values: Mapping[str, Any], line: int, key_lines: Mapping[str, int] | None = None) -> LineDict:
    """A mapping that reports problems at ``line`` (or at ``key_lines[key]`` for a key)."""
    result = LineDict(values)
    result.line = line
    result.key_lines = {key: (key_lines or {}).get(key, line) for key in values}
    return result


def line_list(values: Iterable[Any], line: int, item_lines: Iterable[int] | None = None) -> LineList:
    """A list that reports problems at ``line`` (or each item at its own line)."""
    result = LineList(values)
    result.line = line
    result.item_lines = list(item_lines) if item_lines is not None else [line] * len(result)
    return result


@dataclass
class ImportedBank:
    """What a format reader produced.

    Attributes:
        path: The file read, as shown in problems.
        meta: Bank metadata found in the file (``id``, ``title``, ``version``, ``description``, ``sources``).
        questions: Question mappings in the shape of a bank file, with the row/line each came from.
        problems: What could not be converted (a malformed row or line); such a question is left out.
        rejected: Questions left out for those problems, with stand-ins for the fields already reported: they are
            shown to the loader only, so that their other problems are reported in the same run.
        skipped: One report per question of a kind this system has no type for (a Moodle numerical or matching
            question, a description): left out, the rest of the file imports (``--strict`` refuses the file).
        left_out: The line of each question left out for a problem in :attr:`problems` and not in :attr:`rejected`
            (one entry per question).

    Every question in the file is either in :attr:`questions` or counted in :attr:`reported` (issue 14: no
    question is ever silently dropped).
    """

    path: str
    meta: dict[str, Any] = field(default_factory=dict)
    questions: list[LineDict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rejected: list[LineDict] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    left_out: list[int | None] = field(default_factory=list)

    def problem(self, line: int | None, item: str | None, message: str) -> None:
        """Record a problem that is not about one question (or is one more problem of a question left out)."""
        self.problems.append(Problem(self.path, line, item, message))

    def leave_out(self, line: int | None, item: str | None, message: str) -> None:
        """Record a question that cannot be converted: its problem, and one more question reported."""
        self.problem(line, item, message)
        self.left_out.append(line)

    def skip(self, line: int | None, item: str | None, message: str) -> None:
        """Record a question of a kind without a counterpart here (it is left out; the rest of the file imports)."""
        self.skipped.append(Problem(self.path, line, item, message))

    @property
    def reported(self) -> int:
        """How many questions of the file are not in :attr:`questions` (skipped or left out), each with a report."""
        return len(self.skipped) + len(self.left_out) + len(self.rejected)

    def assign_ids(self) -> None:
        """Give every question without an id one (``q001``, ``q002`` … by position, skipping ids in use)."""
        everything = sorted(self.questions + self.rejected, key=lambda q: q.line)
        taken = {q["id"] for q in everything if isinstance(q.get("id"), str) and q["id"]}
        number = 0
        for position, question in enumerate(everything, 1):
            if question.get("id"):
                continue
            number = max(number, position)
            while f"q{number:03d}" in taken:
                number += 1
            question["id"] = f"q{number:03d}"
            question.key_lines["id"] = question.line
            taken.add(question["id"])

    def document(self, bank_id: str | None = None, title: str | None = None, with_rejected: bool = False) -> LineDict:
        """The bank document (``bank:`` and ``questions:``) with ``bank_id``/``title`` overriding the file's.

        ``with_rejected`` adds the :attr:`rejected` questions (in file order): for validation, never for writing.
        """
        meta = {key: self.meta[key] for key in BANK_ORDER if self.meta.get(key) not in (None, "", [])}
        if bank_id:
            meta["id"] = bank_id
        if title:
            meta["title"] = title
        meta.setdefault("version", "1.0")
        self.assign_ids()
        questions = self.questions + (self.rejected if with_rejected else [])
        ordered = [ordered_question(q) for q in sorted(questions, key=lambda q: q.line)]
        return line_dict({"bank": line_dict(meta, 1), "questions": line_list(ordered, 1, [q.line for q in ordered])}, 1)


def ordered_question(question: LineDict) -> LineDict:
    """The same mapping with its keys in :data:`QUESTION_ORDER` (unknown keys last), keeping the line numbers."""
    keys = [k for k in QUESTION_ORDER if k in question] + sorted(k for k in question if k not in QUESTION_ORDER)
    result = LineDict((k, question[k]) for k in keys)
    result.line = question.line
    result.key_lines = dict(question.key_lines)
    return result


def validate_document(
    document: LineDict,
    path: str,
    types: Mapping[str, QuestionType],
    sources: SourceLibrary | None,
    earlier: Iterable[Problem] = (),
) -> Bank:
    """Validate a converted document with the core loader; raise every problem (``earlier`` ones first)."""
    problems = list(earlier)
    bank = None
    try:
        bank = parse_bank(document, path, types, sources)
    except BankFormatError as exc:
        problems.extend(exc.problems)
    if problems or bank is None:
        raise BankFormatError(sorted(problems, key=lambda p: p.line or 0))
    return bank


def suggest_bank_id(name: str) -> str | None:
    """A bank id made from a file name (``My Town.bank.yaml`` → ``my-town``), or ``None`` if nothing usable remains."""
    stem = name.split(".", 1)[0].lower()
    candidate = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:63]
    return candidate if BANK_ID.match(candidate) else None


# -- export side ----------------------------------------------------------------------------------------------------


def citation_document(question: Question) -> dict[str, Any] | None:
    """``source:`` as written in a bank file (keys that are not set are left out); ``None`` when unsourced."""
    if question.source is None:
        return None
    return {key: value for key, value in question.source.as_dict().items() if value is not None}


def question_document(question: Question) -> dict[str, Any]:
    """One question as written in a bank file, keys in :data:`QUESTION_ORDER`."""
    record: dict[str, Any] = {"id": question.local_id}
    if question.title:
        record["title"] = question.title
    record.update(type=question.type, stem=question.stem)
    if question.options:
        record["options"] = list(question.options)
    record["answer"] = question.answer_json()
    record["explanation"] = question.explanation
    record["source"] = citation_document(question)
    record["quote"] = question.quote
    record["difficulty"] = question.difficulty
    record["tags"] = list(question.tags)
    record["points"] = question.points
    if question.negated:
        record["negated"] = True
    if question.group:
        record["group"] = question.group
    if question.application:
        record["application"] = True
    return record


def bank_meta(bank: Bank) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": bank.id, "title": bank.title, "version": bank.version}
    if bank.description:
        meta["description"] = bank.description
    if bank.sources:
        meta["sources"] = list(bank.sources)
    if bank.equivalents:
        meta["equivalents"] = [list(terms) for terms in bank.equivalents]
    return meta


def bank_document(bank: Bank) -> dict[str, Any]:
    """The whole bank as written in a bank file."""
    return {"bank": bank_meta(bank), "questions": [question_document(q) for q in bank.questions]}
