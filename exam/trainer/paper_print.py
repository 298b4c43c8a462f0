"""Papers on paper (纸质试卷): a drawn paper as a Word document, its answer sheet, and the 参考答案及评分标准.

Some rooms have no computer for every trainee. ``exam papers print`` draws papers exactly as the app would
(:func:`exam.papers.assemble_paper`, from a seed printed on the paper as 试卷编号) and writes them in the layout of
Chinese exams: the title and rules, a 姓名/考号/单位 line, sections such as 一、单项选择题（共 n 题，每题 p 分）,
choice stems ending in （　）, blanks as ____, lines for short answers, then an answer sheet (答题卡). The key goes to a
separate file for the trainer, with every answer's citation and the scoring rules. ``exam results enter`` draws the
same paper again from the 试卷编号 and records the trainee's answers with the app's own scoring
(:func:`enter_paper_result`), so one score sheet covers the whole room.

Seeds: a paper printed for one trainee uses the seed the app would use for that trainee's next attempt
(:func:`exam.papers.default_seed`); ``--copies N`` prints 卷 1 … N with the seeds ``<paper>-1`` … ``<paper>-N``, short
enough to type back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exam.attempts import HistoryEntry, to_iso
from exam.errors import ExamError
from exam.i18n import t
from exam.models import OPTION_LETTERS, ShortAnswer, Trainee
from exam.papers import DrawnPaper, DrawnQuestion, assemble_paper, default_seed
from exam.service import ExamService
from exam.sources import SourceLibrary
from exam.trainer.regrade import current_user
from exam.trainer.scoresheet import PAPER_ENTRY

CHINESE_ORDINALS = "一二三四五六七八九十"
CHOICE_TYPES = ("single", "multiple", "judge")
_HAS_PARENS = re.compile(r"[（(]\s*[）)]")
SHORT_ANSWER_LINES = 8
"""Ruled lines left for each short answer."""


@dataclass(frozen=True)
class PrintedPaper:
    """One printed copy: its 试卷编号 (the seed), the drawn paper and, when printed for one trainee, who."""

    code: str
    paper: DrawnPaper
    trainee: Trainee | None = None


def copy_code(paper_id: str, number: int) -> str:
    """The 试卷编号 of copy ``number`` of ``--copies``: ``final-3``."""
    return f"{paper_id}-{number}"


def draw_printed(service: ExamService, paper_id: str, trainee: Trainee | None, copies: int) -> list[PrintedPaper]:
    """The papers to print: one for ``trainee`` (the draw of their next attempt), or ``copies`` numbered copies.

    Raises:
        NotFoundError: no such paper.
        ExamError: ``copies`` is not 1–500, or the trainee has no attempt left.
    """
    spec = service.paper(paper_id)
    if trainee is not None:
        used = len(service.attempts(paper=paper_id, trainee_id=trainee.id))
        if spec.attempts and used >= spec.attempts:
            raise ExamError(t("service.no_attempts_left", title=spec.title, attempts=spec.attempts))
        code = default_seed(paper_id, trainee.id, used + 1)
        return [PrintedPaper(code, assemble_paper(spec, service.registry.banks, code), trainee)]
    if not 1 <= copies <= 500:
        raise ExamError(t("print.bad_copies", copies=copies))
    return [
        PrintedPaper(code, assemble_paper(spec, service.registry.banks, code))
        for code in (copy_code(paper_id, n) for n in range(1, copies + 1))
    ]


# -- the paper -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A part of the printed paper: questions of one type, numbered on from the part before."""

    qtype: str
    questions: tuple[DrawnQuestion, ...]
    first_number: int

    @property
    def points(self) -> float:
        return round(sum(q.points for q in self.questions), 2)


def parts_of(paper: DrawnPaper) -> list[Part]:
    """The drawn questions grouped by type in the order the types first appear (sections of one type join up)."""
    order: list[str] = []
    grouped: dict[str, list[DrawnQuestion]] = {}
    for drawn in paper.questions:
        qtype = drawn.question.type
        if qtype not in grouped:
            order.append(qtype)
            grouped[qtype] = []
        grouped[qtype].append(drawn)
    parts, number = [], 1
    for qtype in order:
        parts.append(Part(qtype, tuple(grouped[qtype]), number))
        number += len(grouped[qtype])
    return parts


def part_heading(index: int, part: Part, type_labels: Mapping[str, str]) -> str:
    """``一、单项选择题（共 20 题，每题 1.5 分，共 30 分）``; ``共 n 题，共 s 分`` when the points differ."""
    ordinal = CHINESE_ORDINALS[index] if index < len(CHINESE_ORDINALS) else str(index + 1)
    label = type_labels.get(part.qtype, part.qtype)
    each = {q.points for q in part.questions}
    if len(each) == 1:
        counts = t("print.part_uniform", count=len(part.questions), each=_num(each.pop()), total=_num(part.points))
    else:
        counts = t("print.part_mixed", count=len(part.questions), total=_num(part.points))
    hint = t(f"print.hint_{part.qtype}") if f"print.hint_{part.qtype}" in _HINTS else ""
    return t("print.part_heading", ordinal=ordinal, label=label, counts=counts, hint=hint)


_HINTS = {"print.hint_judge", "print.hint_multiple"}


def stem_line(number: int, drawn: DrawnQuestion) -> str:
    """``3. 根据地方组织法，……（　）`` : choice and judge stems end in （　） for the letter or √/×."""
    stem = " ".join(drawn.question.stem.split())
    if drawn.question.type in CHOICE_TYPES and not _HAS_PARENS.search(stem):
        stem += ANSWER_PARENS
    else:
        stem = _HAS_PARENS.sub(ANSWER_PARENS, stem)
    return f"{number}. {stem}"


ANSWER_PARENS = "（\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0）"
"""The answer brackets of a choice stem, spaced with no-break spaces so that a line never breaks inside them (and
never starts with the closing bracket: 避头尾)."""


def option_lines(drawn: DrawnQuestion) -> list[str]:
    """``A. 文字`` for each option in the order drawn (the letters the trainee sees and writes)."""
    return [f"{OPTION_LETTERS[i]}. {text}" for i, (_letter, text) in enumerate(drawn.displayed_options())]


def write_paper(printed: Sequence[PrintedPaper], type_labels: Mapping[str, str], path: Path) -> None:
    """Every copy in one .docx, each starting on a new page, with its answer sheet after it.

    Raises:
        ExamError: the file cannot be written.
    """
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    document = Document()
    _use_chinese_font(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    for copy_index, copy in enumerate(printed):
        paper = copy.paper
        if copy_index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _heading(document, paper.title, 18)
        rules = document.add_paragraph(
            t("print.rules", minutes=paper.time_limit, total=_num(paper.max_score), pass_mark=_num(paper.pass_mark),
              code=copy.code)
        )  # fmt: skip
        rules.alignment = WD_ALIGN_PARAGRAPH.CENTER
        document.add_paragraph(_identity_line(copy.trainee))
        for index, part in enumerate(parts_of(paper)):
            heading = document.add_paragraph()
            heading.add_run(part_heading(index, part, type_labels)).bold = True
            for offset, drawn in enumerate(part.questions):
                document.add_paragraph(stem_line(part.first_number + offset, drawn))
                for line in option_lines(drawn):
                    document.add_paragraph(line).paragraph_format.left_indent = Pt(21)
                if drawn.question.type == "short":
                    for _ in range(SHORT_ANSWER_LINES):
                        document.add_paragraph("_" * 60)
        _answer_sheet(document, copy, type_labels)
    _save(document, path)


def _identity_line(trainee: Trainee | None) -> str:
    if trainee is None:
        return t("print.identity_blank")
    return t("print.identity", name=trainee.name, id=trainee.id, unit=trainee.unit or "________________")


def _answer_sheet(document: Any, copy: PrintedPaper, type_labels: Mapping[str, str]) -> None:
    """答题卡: the trainee's details, then a grid of numbered cells for every choice, judge and blank question."""
    from docx.enum.text import WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _heading(document, t("print.sheet_title", title=copy.paper.title), 16)
    document.add_paragraph(t("print.sheet_code", code=copy.code))
    document.add_paragraph(_identity_line(copy.trainee))
    columns = 5
    for index, part in enumerate(parts_of(copy.paper)):
        if part.qtype == "short":
            continue
        document.add_paragraph().add_run(part_heading(index, part, type_labels)).bold = True
        numbers = list(range(part.first_number, part.first_number + len(part.questions)))
        rows = (len(numbers) + columns - 1) // columns
        table = document.add_table(rows=rows * 2, cols=columns)
        table.style = "Table Grid"
        for position, number in enumerate(numbers):
            row, col = divmod(position, columns)
            table.cell(row * 2, col).text = str(number)
            table.cell(row * 2 + 1, col).text = " "
    document.add_paragraph(t("print.sheet_short_note"))


# -- the key -------------------------------------------------------------------------------------------------------


def key_text(drawn: DrawnQuestion) -> str:
    """The key as the trainee would write it on this copy: the *shown* letters (``BD``), 对/错 (√/×), the blanks'
    accepted answers (``人民代表大会（或：人大）``), or the reference answer of a short question."""
    question = drawn.question
    key = question.answer
    if isinstance(key, bool):
        return t("print.true") if key else t("print.false")
    if question.type in ("single", "multiple"):
        canonical = {key} if isinstance(key, str) else {str(k) for k in key} if isinstance(key, tuple) else set()
        options = drawn.displayed_options()
        return "".join(OPTION_LETTERS[i] for i, (letter, _text) in enumerate(options) if letter in canonical)
    if isinstance(key, ShortAnswer):
        return key.reference
    if isinstance(key, tuple) and key and isinstance(key[0], tuple):
        blanks = []
        for group in key:
            first, *others = [str(g) for g in group]
            blanks.append(first + (t("print.alternatives", others="、".join(others)) if others else ""))
        return t("print.blank_sep").join(blanks)
    return str(key)


def write_key(
    printed: Sequence[PrintedPaper], type_labels: Mapping[str, str], library: SourceLibrary, path: Path
) -> None:
    """参考答案及评分标准 for every copy: per question the key (as shown on that copy), the points, the citation and
    the quoted text; the scoring rules of multiple choice, blanks and short answers.

    Raises:
        ExamError: the file cannot be written.
    """
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    document = Document()
    _use_chinese_font(document)
    for copy_index, copy in enumerate(printed):
        paper = copy.paper
        if copy_index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _heading(document, t("print.key_title", title=paper.title), 16)
        document.add_paragraph(t("print.sheet_code", code=copy.code))
        rules = t(
            "print.key_rules",
            multiple=t(f"rule.{paper.rules.multiple_rule}"),
            blank=t(f"print.blank_rule_{paper.rules.blank_rule}"),
        )
        document.add_paragraph(rules)
        for index, part in enumerate(parts_of(paper)):
            document.add_paragraph().add_run(part_heading(index, part, type_labels)).bold = True
            for offset, drawn in enumerate(part.questions):
                question = drawn.question
                line = document.add_paragraph()
                line.add_run(f"{part.first_number + offset}. ").bold = True
                line.add_run(key_text(drawn)).bold = True
                line.add_run(t("print.key_points", points=_num(drawn.points)))
                source = question.source
                label = source.label(library) if source is not None and source.doc else ""
                quote = " ".join(question.quote.split())
                cite = document.add_paragraph(t("print.key_source", source=label or t("scores.unsourced"), quote=quote))
                cite.paragraph_format.left_indent = Pt(21)
                if isinstance(question.answer, ShortAnswer):
                    keywords = "；".join("/".join(group) for group in question.answer.keywords)
                    points = document.add_paragraph(t("print.key_keywords", keywords=keywords))
                    points.paragraph_format.left_indent = Pt(21)
    _save(document, path)


def _heading(document: Any, text: str, size: int) -> None:
    """A centred bold line of ``size`` points: a paper's, its answer sheet's or its key's title."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(text)
    run.bold, run.font.size = True, Pt(size)


def _use_chinese_font(document: Any) -> None:
    """Body text in a Song/Ming face that Word, WPS and LibreOffice have (East Asian font set explicitly)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    fonts = style.element.rPr.rFonts
    fonts.set(qn("w:eastAsia"), "SimSun")


def _save(document: Any, path: Path) -> None:
    import io

    from exam.store.atomic import atomic_write_bytes

    buffer = io.BytesIO()
    document.save(buffer)
    try:
        atomic_write_bytes(Path(path), buffer.getvalue())
    except OSError as exc:
        raise ExamError(t("print.cannot_write", path=path, error=exc.strerror or exc)) from exc


def key_path(path: Path) -> Path:
    """Where the key goes: ``试卷.docx`` → ``试卷-参考答案.docx`` beside it."""
    return path.with_name(f"{path.stem}{t('print.key_suffix')}{path.suffix}")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# -- entering a paper result ---------------------------------------------------------------------------------------


def parse_response(drawn: DrawnQuestion, text: str) -> Any:
    """What a trainee wrote for one question, as the app stores it, or ``None`` when left blank.

    * single / multiple: the letters *as printed on this copy* (``b``, ``A C``, ``ac``), turned into the bank's
      canonical letters (the copy may have shuffled the options);
    * judge: 对/错, √/×, T/F, Y/N, 1/0;
    * blank: the blanks separated by ``/`` or ``｜``;
    * short: not a response: the trainer's points, see :func:`enter_paper_result`.

    Raises:
        ExamError: the text does not fit the question (a letter the question lacks, an unknown true/false mark).
    """
    text = text.strip()
    if not text or text in {"-", "—"}:
        return None
    qtype = drawn.question.type
    if qtype in ("single", "multiple"):
        shown = drawn.displayed_options()
        letters = [c for c in text.upper() if not c.isspace() and c not in ",，、"]
        canonical = []
        for letter in letters:
            index = OPTION_LETTERS.find(letter)
            if index < 0 or index >= len(shown):
                raise ExamError(t("enter.bad_letter", letter=letter, count=len(shown)))
            canonical.append(shown[index][0])
        if qtype == "single":
            if len(canonical) != 1:
                raise ExamError(t("enter.one_letter", text=text))
            return canonical[0]
        return sorted(set(canonical))
    if qtype == "judge":
        value = TRUE_FALSE.get(text.upper())
        if value is None:
            raise ExamError(t("enter.bad_judge", text=text))
        return value
    if qtype == "blank":
        return [part.strip() for part in re.split(r"[/｜|]", text)]
    return text


TRUE_FALSE = {"对": True, "√": True, "T": True, "Y": True, "1": True, "正确": True,
              "错": False, "×": False, "X": False, "F": False, "N": False, "0": False, "错误": False}  # fmt: skip


def enter_paper_result(
    service: ExamService,
    paper_id: str,
    trainee: Trainee,
    code: str | None,
    answers: Sequence[str],
    by: str | None = None,
) -> Any:
    """Record a paper sat on paper: draw it again from its 试卷编号, save every answer, submit, and give each short
    answer the points the trainer wrote (``answers`` in paper order, one entry per question; a short answer's entry
    is its points). The attempt is marked as entered from paper in its history and scored by the app's rules.

    Returns:
        The closed :class:`~exam.attempts.Attempt`.

    Raises:
        ExamError: wrong number of answers, an answer that does not fit its question, points out of range, or no
            attempt left (nothing is stored then).
    """
    spec = service.paper(paper_id)
    used = len(service.attempts(paper=paper_id, trainee_id=trainee.id))
    seed = code or default_seed(paper_id, trainee.id, used + 1)
    paper = assemble_paper(spec, service.registry.banks, seed)
    if len(answers) != len(paper.questions):
        raise ExamError(t("enter.count", expected=len(paper.questions), given=len(answers)))
    responses: list[tuple[DrawnQuestion, Any]] = []
    marks: list[tuple[DrawnQuestion, float]] = []
    for number, (drawn, text) in enumerate(zip(paper.questions, answers, strict=True), 1):
        try:
            if drawn.question.type == "short":
                points = float(text.strip() or 0)
                if not 0 <= points <= drawn.points:
                    raise ExamError(t("enter.bad_points", points=text, max=_num(drawn.points)))
                marks.append((drawn, points))
                responses.append((drawn, t("enter.on_paper")))
            else:
                responses.append((drawn, parse_response(drawn, text)))
        except (ExamError, ValueError) as exc:
            raise ExamError(t("enter.at_question", number=number, error=exc)) from exc
    attempt = service.start_attempt(paper_id, trainee, seed=seed)
    if attempt.paper_snapshot.seed != seed:
        raise ExamError(t("enter.open_attempt", trainee=trainee.id))
    for drawn, response in responses:
        if response is not None:
            service.save_answer(attempt.attempt_id, drawn.id, response)
    closed, _ = service.submit(attempt.attempt_id)
    who = by or current_user()
    entry = HistoryEntry(PAPER_ENTRY, to_iso(service.clock()), who, {"code": seed})
    closed = service.update_attempt(closed.attempt_id, lambda stored: stored.with_history(entry))
    for drawn, points in marks:
        closed = service.mark_answer(closed.attempt_id, drawn.id, points, t("enter.mark_note"), by)
    return service.attempt(closed.attempt_id)
