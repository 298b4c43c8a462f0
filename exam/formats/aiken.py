"""Moodle Aiken: import and export (https://docs.moodle.org/en/Aiken_format).

Aiken holds single-choice questions only, each as::

    根据宪法，乡、民族乡、镇设立（ ）。
    A. 人民代表大会和人民政府
    B. 人民代表大会常务委员会
    ANSWER: A

The question is one line; each option starts with a capital letter, ``.`` or ``)`` and a space; ``ANSWER:`` gives
the one right letter. Nothing else fits: there are no comments, ids or sources. Chinese templates add a 解析 line
after ``ANSWER:``; import takes it as the explanation (see :func:`parse_aiken`), export leaves it out, since Moodle
would read it as the next question.

Export therefore writes the ``single`` questions and reports every other question as skipped (``multiple``: Aiken's
``ANSWER`` takes one letter; ``judge``, ``blank``, ``short``: no options to choose from), as well as any question
whose text would be misread (a line break in it, or a line that looks like an option or an ``ANSWER:`` line).
Import is lenient in what Chinese material uses: ``A．``, ``A、`` and ``A）`` mark options too, the space after
the mark is optional, ``ANSWER：`` may use a full-width colon and a question may run over several lines. The
imported questions have no 出处/原文: the bank loads with them marked 未注明出处 (docs/bank-format.md).
"""

from __future__ import annotations

import re

from exam.errors import Problem
from exam.formats.document import ImportedBank, line_dict, line_list, question_document
from exam.i18n import t
from exam.models import OPTION_LETTERS, Bank
from exam.yamlsafe import LineDict

_OPTION = re.compile(r"^([A-Z])\s*[.)．）、]\s*(.*)$")
_STRICT_OPTION = re.compile(r"^[A-Z][.)]\s")
_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)
_EXPLANATION = re.compile(
    r"^(?:【(?:答案)?解析】\s*[:：]?|(?:答案)?解析\s*[:：]|(?:explanation|feedback)\s*[:：])\s*(.*)$", re.IGNORECASE
)
"""A line after ``ANSWER:`` that holds the explanation (解析：…, 【解析】…, Explanation: …)."""


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


def _is_option(line: str) -> bool:
    return bool(_OPTION.match(line))


def _starts_question(lines: list[str], index: int) -> bool:
    """Whether the text line at ``index``, with no blank line before it, begins a question: Aiken's one-line question,
    so the next line is an option. (After a blank line any text begins one, and may run over several lines.)"""
    return index + 1 < len(lines) and _is_option(lines[index + 1])


def parse_aiken(text: str, path: str) -> ImportedBank:
    """Read Aiken text; every problem names its own line. Questions get ids ``q001``, ``q002`` … in order.

    After the ``ANSWER:`` line, a line marked ``解析：`` (or ``答案解析：``, ``Explanation:``, ``Feedback:``) and the
    lines that continue it are the question's explanation; other text there is reported at its line (it is never
    taken into the next question). A question that stops before its ``ANSWER:`` line (a blank line and a new
    question, or the end of the file) is reported at its first line and does not take in the next one.
    """
    out = ImportedBank(path)
    lines = [raw.strip() for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    stem: list[str] = []
    stem_line = 0
    options: list[str] = []
    option_lines: list[int] = []
    broken = False
    answered: LineDict | None = None  # the question just completed, while its explanation may follow
    in_explanation = False
    after_blank = False

    def reset() -> None:
        nonlocal stem, options, option_lines, broken
        stem, options, option_lines, broken = [], [], [], False

    def unfinished() -> None:
        if stem and not broken:
            out.leave_out(stem_line, None, t("formats.aiken_unfinished" if options else "formats.aiken_no_answer"))
        elif stem:
            out.left_out.append(stem_line)  # its problem is reported already; counted (none silently dropped)
        reset()

    for number, line in enumerate(lines, 1):
        if not line:
            after_blank = True
            answered, in_explanation = None, False
            continue
        blank_before, after_blank = after_blank, False
        answer = _ANSWER.match(line)
        if answered is not None:
            marked = _EXPLANATION.match(line)
            if marked:
                text_ = marked.group(1).strip()
                answered["explanation"] = "\n".join(p for p in (answered["explanation"], text_) if p)
                answered.key_lines.setdefault("explanation", number)
                in_explanation = True
                continue
            if not answer and not _is_option(line) and not _starts_question(lines, number - 1):
                if in_explanation:
                    answered["explanation"] += "\n" + line
                else:
                    out.problem(number, None, t("formats.aiken_text_after_answer"))
                continue
            answered, in_explanation = None, False
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
                    answered = line_dict(question, stem_line, {"answer": number})
                    out.questions.append(answered)
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
            if blank_before or _starts_question(lines, number - 1):
                unfinished()  # the question stopped before its ANSWER line; this line starts the next one
                stem_line = number
                stem.append(line)
            elif not broken:
                out.problem(number, None, t("formats.aiken_text_after_options"))
                broken = True
        else:
            if not stem:
                stem_line = number
            stem.append(line)
    unfinished()
    if not out.questions and not out.problems:
        out.problem(None, None, t("formats.no_questions"))
    return out
