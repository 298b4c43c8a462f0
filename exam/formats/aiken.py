"""Moodle Aiken: import and export (https://docs.moodle.org/en/Aiken_format).

Aiken holds single-choice questions only, each as::

    根据宪法，乡、民族乡、镇设立（ ）。
    A. 人民代表大会和人民政府
    B. 人民代表大会常务委员会
    ANSWER: A

The question is one line; each option starts with a capital letter, ``.`` or ``)`` and a space; ``ANSWER:`` gives
the one right letter. Nothing else fits: there are no comments, ids, explanations or sources.

Export therefore writes the ``single`` questions and reports every other question as skipped (``multiple``: Aiken's
``ANSWER`` takes one letter; ``judge``, ``blank``, ``short``: no options to choose from), as well as any question
whose text would be misread (a line break in it, or a line that looks like an option or an ``ANSWER:`` line).
Import is lenient in what Chinese material uses: ``A．``, ``A、`` and ``A）`` mark options too, the space after
the mark is optional, ``ANSWER：`` may use a full-width colon and a question may run over several lines. The
imported bank has no 解析/出处/原文: the trainer fills them in before it loads (``exam banks import`` says so).
"""

from __future__ import annotations

import re

from exam.errors import Problem
from exam.formats.document import ImportedBank, line_dict, line_list, question_document
from exam.i18n import t
from exam.models import OPTION_LETTERS, Bank

_OPTION = re.compile(r"^([A-Z])\s*[.)．）、]\s*(.*)$")
_STRICT_OPTION = re.compile(r"^[A-Z][.)]\s")
_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)


def _misread(text: str) -> bool:
    """Whether a line of text would be taken for an option or an ANSWER line by a reader (ours or Moodle's)."""
    stripped = text.strip()
    return bool(_OPTION.match(stripped) or _STRICT_OPTION.match(stripped) or _ANSWER.match(stripped))


def export_aiken(bank: Bank) -> tuple[str, list[Problem]]:
    """The bank's single-choice questions as Aiken text, and one problem per question left out (with why)."""
    where = bank.path or bank.id
    skipped: list[Problem] = []
    blocks: list[str] = []
    for question in bank.questions:
        record = question_document(question)
        qid = record["id"]
        if question.type != "single":
            skipped.append(Problem(where, question.line, qid, t("formats.aiken_skip_type", type=question.type)))
            continue
        texts = [question.stem, *question.options]
        if any("\n" in text or "\r" in text for text in texts):
            skipped.append(Problem(where, question.line, qid, t("formats.aiken_skip_newline")))
            continue
        if _misread(question.stem):
            skipped.append(Problem(where, question.line, qid, t("formats.aiken_skip_misread")))
            continue
        lines = [question.stem]
        lines += [f"{letter}. {option}" for letter, option in zip(OPTION_LETTERS, question.options, strict=False)]
        lines.append(f"ANSWER: {question.answer}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else ""), skipped


def parse_aiken(text: str, path: str) -> ImportedBank:
    """Read Aiken text; every problem names its line. Questions get ids ``q001``, ``q002`` … in order."""
    out = ImportedBank(path)
    stem: list[str] = []
    stem_line = 0
    options: list[str] = []
    option_lines: list[int] = []
    broken = False

    def reset() -> None:
        nonlocal stem, options, option_lines, broken
        stem, options, option_lines, broken = [], [], [], False

    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line) if stem else None
        if answer:
            before = len(out.questions)
            if not stem or not options:
                out.problem(number, None, t("formats.aiken_answer_without_options"))
            elif not broken:
                letters = answer.group(1).strip().upper()
                if len(letters) != 1 or letters not in OPTION_LETTERS[: len(options)]:
                    out.problem(number, None, t("formats.aiken_bad_answer", value=answer.group(1).strip(),
                                                last=OPTION_LETTERS[min(len(options), 8) - 1]))  # fmt: skip
                else:
                    question = {
                        "id": "", "type": "single", "stem": "\n".join(stem),
                        "options": line_list(options, option_lines[0], option_lines),
                        "answer": letters, "explanation": "", "source": None, "quote": "",
                    }  # fmt: skip
                    out.questions.append(line_dict(question, stem_line, {"answer": number}))
            if stem and len(out.questions) == before:
                out.left_out.append(stem_line)  # reported above; counted (issue 14: none silently dropped)
            reset()
        elif option:
            letter = option.group(1)
            expected = OPTION_LETTERS[len(options)] if len(options) < len(OPTION_LETTERS) else None
            if letter != expected and not broken:
                out.problem(number, None, t("formats.aiken_option_order", letter=letter, expected=expected or "-"))
                broken = True
            options.append(option.group(2).strip())
            option_lines.append(number)
        elif options:
            if not broken:
                out.problem(number, None, t("formats.aiken_text_after_options"))
                broken = True
        else:
            if not stem:
                stem_line = number
            stem.append(line)
    if stem:
        out.leave_out(stem_line, None, t("formats.aiken_no_answer"))
    if not out.questions and not out.problems:
        out.problem(None, None, t("formats.no_questions"))
    return out
