"""Numbered plain text, the batch-import format of Chinese exam platforms, from ``.txt`` and Word ``.docx``::

    一、单项选择题
    1、【单选题】根据宪法，乡、民族乡、镇设立（ ）。
    A．人民代表大会和人民政府
    B．人民代表大会常务委员会
    答案：A
    解析：宪法第九十五条第一款。

* A question starts with its number: ``1、``, ``1.`` or ``1．`` (a number that does not continue the count, such as
  the ``1.`` of a numbered point in a reference answer, continues the text it stands in).
* Options ``A.``/``A、``/``A．`` (A–H), one per line or several on one line (``A.是 B.否``).
* Labelled lines: ``答案：`` (also 正确答案/参考答案), ``解析：`` (also 答案解析/试题解析), and the fields of
  our bank format with the names of the Excel template: 关键词 出处 原文 难度 知识点 分值 编号 题组 否定题 应用题,
  and 标题. A line without a label continues the field before it.
* The type: a marker 【单选题】 【多选题】 【判断题】 【填空题】 【简答题】 (before or after the number), else the
  section heading (``一、单项选择题``), else the answer: one letter → single, several → multiple, 对/错/正确/错误/√/× →
  judge; without options, a stem with a blank (``（ ）``, ``____``) → blank, otherwise short.
* The values are read exactly as the Excel template's cells (:func:`exam.formats.xlsx_bank` conventions: 填空 answers
  ``五|5；一``, 关键词 ``遵守|执行；监督``, 出处 ``宪法 第九十五条``), so the two formats cannot drift apart.

Word: paragraphs are lines (a soft line break too); Word's automatic numbering is not in a paragraph's text, so a
paragraph numbered by a list (``w:numPr`` on the paragraph or its style) gets its number back from the list's
definition: a decimal list item is a question (``1、``), a letter item an option (``A．``), a Chinese-counting item a
section heading. Problems name the paragraph's number as the line.

Export writes every field in this format, so a trainer can edit a bank in Word (or a text editor) and import it again.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from exam.errors import Problem
from exam.formats.citations import format_citation
from exam.formats.document import ImportedBank, question_document
from exam.formats.xlsx_bank import (
    TAG_SEPARATORS,
    _row_question,
    parse_equivalents_text,
    parse_judge_word,
    resolve_type,
    split_list,
)
from exam.i18n import t
from exam.models import OPTION_LETTERS, Bank
from exam.qtypes import BLANK_MARK, QuestionType
from exam.sources import SourceLibrary

_MARKER = r"(?:[【\[]\s*(?P<{name}>[^】\]]{{1,8}}?)\s*[】\]])"
_QUESTION = re.compile(
    r"^" + _MARKER.format(name="m1") + r"?\s*(?P<num>\d{1,4})\s*(?P<sep>[、.．])(?!\d)\s*"
    + _MARKER.format(name="m2") + r"?\s*(?P<text>.*)$"
)  # fmt: skip
_SECTION = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]\s*(?P<title>.*)$")
_OPTION_MARK = re.compile(r"([A-H])\s*[.．、)）]")
_LABEL = re.compile(r"^(?P<label>[^\s:：]{2,4})\s*[:：]\s*(?P<value>.*)$")
_BLANKS = re.compile(r"_{3,}|[（(][ \u3000]*[）)]")
LABELS: dict[str, str] = {
    "答案": "answer", "正确答案": "answer", "参考答案": "answer", "标准答案": "answer",
    "解析": "explanation", "答案解析": "explanation", "试题解析": "explanation",
    "关键词": "keywords", "出处": "source", "原文": "quote", "难度": "difficulty", "知识点": "tags",
    "分值": "points", "编号": "id", "题组": "group", "否定题": "negated", "应用题": "application", "标题": "title",
}  # fmt: skip
"""Labelled lines and the template column (Excel header key) each one fills."""
BANK_LABELS: dict[str, str] = {
    "题库编号": "id", "名称": "title", "题库名称": "title", "版本": "version", "说明": "description",
    "出处文件": "sources", "同义词": "equivalents",
}  # fmt: skip
"""Labelled lines before the first question: the bank's fields, named as on the Excel template's 题库信息 sheet."""
SECTION_TYPES = (("单", "single"), ("多", "multiple"), ("不定项", "multiple"), ("判断", "judge"), ("是非", "judge"),
                 ("填空", "blank"), ("简答", "short"), ("问答", "short"), ("论述", "short"))  # fmt: skip
EXPORT_MARKERS = {"single": "单选题", "multiple": "多选题", "judge": "判断题", "blank": "填空题", "short": "简答题"}


@dataclass
class _Draft:
    """A question being read: its number line, the text of each field, the field a plain line continues."""

    line: int
    number: int
    separator: str
    marker: str
    stem: list[str]
    options: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    last: str = "stem"
    open_block: bool = False
    """The last label's line had no value: the lines after it are the value (a multi-line reference answer)."""


def _section_type(title: str) -> str | None:
    if "题" not in title and "选择" not in title:
        return None
    return next((name for word, name in SECTION_TYPES if word in title), None)


def _split_options(text: str, expected: int) -> list[str] | None:
    """``A.是 B.否`` → ``["是", "否"]`` when the line starts with the option letter due next; else ``None``."""
    marks: list[re.Match[str]] = []
    want = expected
    for match in _OPTION_MARK.finditer(text):
        if want < len(OPTION_LETTERS) and match.group(1) == OPTION_LETTERS[want] and (marks or match.start() == 0):
            marks.append(match)
            want += 1
    if not marks:
        return None
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [text[m.end() : end].strip() for m, end in zip(marks, ends, strict=True)]


def _starts_question(draft: _Draft, number: int, separator: str) -> bool:
    """Whether a numbered line starts the next question rather than continuing the text of ``draft`` (the numbered
    points of a reference answer or a stem: ``答案：`` alone on its line, then ``1. …`` ``2. …``).

    A line with the next number starts a question, unless the open field (答案/解析/原文 whose label line gave no
    value) is being filled with points numbered in another style than the questions (``1.`` under ``1、``). Any other
    number continues the stem or the open field.
    """
    if draft.last not in ("stem", "answer", "explanation", "quote"):
        return True
    if number != draft.number + 1:
        return False
    return not (draft.open_block and separator != draft.separator)


def _infer_type(draft: _Draft, section: str | None, types: Mapping[str, QuestionType]) -> str:
    if draft.marker:
        return resolve_type(draft.marker, types) or draft.marker
    if section:
        return section
    answer = unicodedata.normalize("NFKC", draft.values.get("answer", "")).strip().upper()
    if draft.options:
        letters = [c for c in answer if c.isalpha()]
        return "multiple" if len(letters) > 1 else "single"
    if parse_judge_word(answer) is not None and answer:
        return "judge"
    return "blank" if _BLANKS.search("\n".join(draft.stem)) else "short"


def _finish(
    draft: _Draft,
    section: str | None,
    types: Mapping[str, QuestionType],
    library: SourceLibrary | None,
    out: ImportedBank,
) -> None:
    """Convert a draft with the Excel template's conversions (the same values, the same problems)."""
    if "answer" not in draft.values:
        out.leave_out(draft.line, draft.values.get("id") or None, t("formats.numbered_no_answer"))
        return
    qtype = _infer_type(draft, section, types)
    stem = "\n".join(draft.stem).strip()
    if qtype == "blank":
        stem = _BLANKS.sub(BLANK_MARK, stem)
    values: dict[str, Any] = {**draft.values, "type": qtype, "stem": stem}
    for letter, option in zip(OPTION_LETTERS, draft.options, strict=False):
        values[f"option:{letter}"] = option
    before = len(out.questions)
    _row_question(values, draft.line, types, library, out)
    title = draft.values.get("title", "").strip()
    if title and len(out.questions) > before:
        out.questions[-1]["title"] = title


def parse_lines(
    lines: Iterable[tuple[int, str]],
    path: str,
    types: Mapping[str, QuestionType],
    library: SourceLibrary | None = None,
) -> ImportedBank:
    """Read numbered text given as ``(line number, text)`` pairs; every question is imported or reported."""
    out = ImportedBank(path)
    draft: _Draft | None = None
    section: str | None = None
    info_text: dict[str, str] = {}
    last_info = ""
    for number, raw in lines:
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        question = _QUESTION.match(line)
        if question:
            num = int(question.group("num"))
            if draft is None or _starts_question(draft, num, question.group("sep")):
                if draft is not None:
                    _finish(draft, section, types, library, out)
                marker = question.group("m1") or question.group("m2") or ""
                draft = _Draft(number, num, question.group("sep"), marker, [question.group("text")])
                continue
        heading = _SECTION.match(line)
        if heading and (kind := _section_type(heading.group("title"))) is not None:
            if draft is not None:
                _finish(draft, section, types, library, out)
                draft = None
            section = kind
            continue
        if draft is None:
            info = _LABEL.match(line)
            before_questions = not out.questions and not out.left_out and not out.rejected
            if info and info.group("label") in BANK_LABELS and before_questions:
                last_info = BANK_LABELS[info.group("label")]
                info_text[last_info] = info.group("value").strip()
            elif not info_text and before_questions:
                info_text["title"] = line  # the document's title line
            elif last_info == "description" and before_questions:
                info_text["description"] += "\n" + line
            else:
                out.problem(number, None, t("formats.numbered_orphan"))
            continue
        label = _LABEL.match(line)
        if label and label.group("label") in LABELS:
            key = LABELS[label.group("label")]
            draft.values[key] = label.group("value").strip()
            draft.last = key
            draft.open_block = not draft.values[key]
            continue
        options = _split_options(line, len(draft.options)) if draft.last in ("stem", "option") else None
        if options is not None:
            draft.options.extend(options)
            draft.last = "option"
        elif draft.last == "stem":
            draft.stem.append(line)
        elif draft.last == "option":
            draft.options[-1] += "\n" + line
        else:
            draft.values[draft.last] += "\n" + line
    if draft is not None:
        _finish(draft, section, types, library, out)
    for key, value in info_text.items():
        if key == "sources":
            out.meta[key] = [s for s in split_list(value, TAG_SEPARATORS) if s]
        elif key == "equivalents":
            out.meta[key] = parse_equivalents_text(value)
        elif value:
            out.meta[key] = value
    if not out.questions and not out.problems and not out.left_out and not out.rejected:
        out.problem(None, None, t("formats.no_questions"))
    return out


def parse_numbered(
    text: str, path: str, types: Mapping[str, QuestionType], library: SourceLibrary | None = None
) -> ImportedBank:
    """Read numbered plain text (a ``.txt`` file's content); problems name the line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return parse_lines(enumerate(lines, 1), path, types, library)


# -- Word ------------------------------------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters a Word document (XML 1.0) cannot hold."""
MAX_DOCX_BYTES = 20 * 1024 * 1024
"""Larger Word files are refused unread (a bank with pictures would still be far below this)."""
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CHINESE_DIGITS = "零一二三四五六七八九十"


def _chinese(number: int) -> str:
    if number <= 10:
        return _CHINESE_DIGITS[number]
    tens, ones = divmod(number, 10)
    return (_CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (_CHINESE_DIGITS[ones] if ones else "")


class _Numbering:
    """Word's list numbering: the format of each list level, and the running count Word shows.

    As in Word, lists (``w:num``) that share a definition (``w:abstractNum``) share one count, unless a list restarts
    it (``w:lvlOverride/w:startOverride``, what "Restart at 1" writes); a deeper level restarts under each new item.
    """

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, int], str] = {}
        self.abstract_of: dict[str, str] = {}
        self.overrides: dict[tuple[str, int], int] = {}
        self.counts: dict[tuple[str, int], int] = {}
        self.started: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):  # a document without lists
            return
        for item in root.iter(f"{_W}abstractNum"):
            for level in item.iter(f"{_W}lvl"):
                fmt = level.find(f"{_W}numFmt")
                key = (item.get(f"{_W}abstractNumId", ""), int(level.get(f"{_W}ilvl", "0")))
                self.formats[key] = fmt.get(f"{_W}val", "") if fmt is not None else ""
        for num in root.iter(f"{_W}num"):
            num_id = num.get(f"{_W}numId", "")
            ref = num.find(f"{_W}abstractNumId")
            self.abstract_of[num_id] = ref.get(f"{_W}val", "") if ref is not None else ""
            for override in num.iter(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    ilvl = int(override.get(f"{_W}ilvl", "0"))
                    self.overrides[(num_id, ilvl)] = int(start.get(f"{_W}val", "1"))

    @staticmethod
    def _num_pr(paragraph: Any) -> Any:
        """The paragraph's ``w:numPr``, or its style's (a 'List Number' style numbers without one on the paragraph)."""
        ppr = paragraph._p.pPr
        if ppr is not None and ppr.numPr is not None:
            return ppr.numPr
        style = paragraph.style
        while style is not None:
            sppr = style.element.pPr
            if sppr is not None and sppr.numPr is not None:
                return sppr.numPr
            style = style.base_style
        return None

    def prefix(self, paragraph: Any) -> str:
        """The number Word shows before ``paragraph`` (``3、``, ``B．``, ``二、``), or ``""``."""
        num_pr = self._num_pr(paragraph)
        if num_pr is None or num_pr.numId is None:
            return ""
        num_id = str(num_pr.numId.val)
        ilvl = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        if num_id == "0" or num_id not in self.abstract_of:  # numbering switched off, or a dangling reference
            return ""
        abstract = self.abstract_of[num_id]
        key = (abstract, ilvl)
        if num_id not in self.started:
            self.started.add(num_id)
            for (other, level), start in self.overrides.items():
                if other == num_id:
                    self.counts[(abstract, level)] = start - 1
        count = self.counts.get(key, 0) + 1
        self.counts[key] = count
        for deeper in [k for k in self.counts if k[0] == abstract and k[1] > ilvl]:
            del self.counts[deeper]
        fmt = self.formats.get(key, "decimal")
        if fmt in ("upperLetter", "lowerLetter"):
            return OPTION_LETTERS[count - 1] + "．" if 0 < count <= len(OPTION_LETTERS) else ""
        if fmt.startswith(("chinese", "ideograph", "taiwanese", "japanese")):
            return _chinese(count) + "、"
        if fmt in ("bullet", "none", ""):
            return ""
        return f"{count}、"


def docx_lines(data: bytes) -> list[tuple[int, str]]:
    """The lines of a Word document: ``(paragraph number, text)``, list numbers restored, soft breaks split.

    Raises:
        ValueError: The data is not a readable ``.docx``.
    """
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a Word document
        raise ValueError(type(exc).__name__) from None
    numbering = _Numbering(document)
    lines: list[tuple[int, str]] = []
    for number, paragraph in enumerate(document.paragraphs, 1):
        text = paragraph.text
        prefix = numbering.prefix(paragraph) if text.strip() else ""
        for piece in (prefix + text).split("\n"):
            lines.append((number, piece))
    return lines


def read_docx(
    path: Path | str, types: Mapping[str, QuestionType], library: SourceLibrary | None = None, data: bytes | None = None
) -> ImportedBank:
    """Read a Word ``.docx`` bank in the numbered format; problems name the paragraph."""
    where = str(path)
    if data is None:
        try:
            size = Path(path).stat().st_size
            if size > MAX_DOCX_BYTES:
                out = ImportedBank(where)
                out.problem(None, None, t("formats.too_large", size=size, limit=MAX_DOCX_BYTES))
                return out
            data = Path(path).read_bytes()
        except OSError as exc:
            out = ImportedBank(where)
            out.problem(None, None, t("formats.unreadable", error=exc.strerror or exc))
            return out
    try:
        lines = docx_lines(data)
    except ValueError as exc:
        out = ImportedBank(where)
        out.problem(None, None, t("formats.docx_unreadable", error=exc))
        return out
    return parse_lines(lines, where, types, library)


# -- export ----------------------------------------------------------------------------------------------------------


def _accepted(value: Any) -> str:
    if isinstance(value, Mapping):
        return "（不计顺序）" + "、".join(value["any_order"])
    return str(value)


def _answer_text(record: Mapping[str, Any]) -> tuple[str, str | None]:
    """The 答案 value and, for a short answer, the 关键词 value."""
    answer = record["answer"]
    qtype = record["type"]
    if qtype == "judge" or isinstance(answer, bool):
        return ("对" if answer else "错"), None
    if isinstance(answer, Mapping):
        keywords = "；".join("|".join(group) for group in answer.get("keywords", []))
        return str(answer.get("reference", "")), keywords
    if isinstance(answer, list) and answer and isinstance(answer[0], list):
        return "；".join("|".join(_accepted(a) for a in group) for group in answer), None
    if isinstance(answer, list):
        return "".join(answer), None
    return str(answer), None


def question_lines(number: int, record: Mapping[str, Any]) -> list[str]:
    """One question (a bank-file record) as numbered-text lines."""
    marker = EXPORT_MARKERS.get(record["type"], record["type"])
    lines = [f"{number}、【{marker}】{record['stem']}"]
    lines += [
        f"{letter}．{option}" for letter, option in zip(OPTION_LETTERS, record.get("options") or [], strict=False)
    ]
    answer, keywords = _answer_text(record)
    lines.append(f"答案：{answer}")
    if keywords is not None:
        lines.append(f"关键词：{keywords}")
    if record.get("explanation"):
        lines.append(f"解析：{record['explanation']}")
    if record.get("source"):
        lines.append(f"出处：{format_citation(record['source'])}")
    if record.get("quote"):
        lines.append(f"原文：{record['quote']}")
    if record.get("difficulty", 2) != 2:
        lines.append(f"难度：{record['difficulty']}")
    if record.get("tags"):
        lines.append("知识点：" + "；".join(record["tags"]))
    if record.get("points") is not None:
        points = record["points"]
        lines.append(f"分值：{int(points) if float(points).is_integer() else points}")
    lines.append(f"编号：{record['id']}")
    for key, label in (("group", "题组"), ("title", "标题")):
        if record.get(key):
            lines.append(f"{label}：{record[key]}")
    for key, label in (("negated", "否定题"), ("application", "应用题")):
        if record.get(key):
            lines.append(f"{label}：是")
    return lines


def export_lines(bank: Bank) -> list[str]:
    """The bank as numbered-text lines: its title and fields (题库编号：…), then each question and an empty line."""
    lines = [bank.title, f"题库编号：{bank.id}", f"版本：{bank.version}"]
    if bank.description:
        lines.append(f"说明：{bank.description}")
    if bank.sources:
        lines.append("出处文件：" + "；".join(bank.sources))
    if bank.equivalents:
        lines.append("同义词：" + "；".join("=".join(terms) for terms in bank.equivalents))
    lines.append("")
    for number, question in enumerate(bank.questions, 1):
        lines += [*question_lines(number, question_document(question)), ""]
    return lines


def export_numbered(bank: Bank) -> str:
    """The bank as numbered plain text (UTF-8 with a BOM, which Windows Notepad needs to read it right)."""
    return "\ufeff" + "\n".join(export_lines(bank))


def export_docx(bank: Bank) -> tuple[bytes, list[Problem]]:
    """The bank as a Word document in the numbered format (numbers typed, not Word lists, so they survive editing),
    and one problem per question left out because its text has a control character a Word file cannot hold."""
    import docx

    where = bank.path or bank.id
    skipped = [
        Problem(where, q.line, q.local_id, t("formats.docx_illegal_character"))
        for q in bank.questions
        if any(_XML_INVALID.search(line) for line in question_lines(1, question_document(q)))
    ]
    left_out = {problem.item for problem in skipped}
    kept = replace(bank, questions=tuple(q for q in bank.questions if q.local_id not in left_out))
    document = docx.Document()
    for line in export_lines(kept):
        pieces = _XML_INVALID.sub("", line).split("\n")
        paragraph = document.add_paragraph(pieces[0])
        for piece in pieces[1:]:  # a line break inside a field: a soft break keeps it in the same paragraph
            run = paragraph.add_run()
            run.add_break()
            run.add_text(piece)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), skipped
