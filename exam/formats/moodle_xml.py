"""Moodle XML: import and export (https://docs.moodle.org/en/Moodle_XML_format), the format Moodle exports by default.

What maps to what:

=====================  ===============================================================================================
``multichoice``        ``single`` when ``<single>true</single>`` (the key: the answer with the highest positive
                       ``fraction``), else ``multiple`` (the keys: answers with a positive fraction)
``truefalse``          ``judge`` (the answer with fraction 100: ``true`` or ``false``)
``shortanswer``        ``blank`` with one blank at the end of the stem (the answers with fraction 100 are accepted)
``essay``              ``short``: the reference answer is ``<graderinfo>``; keywords must be added before it loads
``category``           ``$course$/top/宪法/第三章``: the last part becomes a tag of the questions after it
other types            (numerical, matching, description, cloze, calculated …) skipped, one report each
=====================  ===============================================================================================

``<name>`` is the question's title; ``<idnumber>`` its id when it is a valid id (otherwise ids are generated,
``q001`` …); ``<generalfeedback>`` the explanation; ``<tags>`` the tags; ``<defaultgrade>`` the points. Text in
``format="html"`` becomes plain text (:func:`~exam.formats.htmltext.html_to_text`). Per-answer feedback and partial
credit of single-choice and short-answer questions are not carried.

Export writes what Moodle imports (plain-text format, so no HTML escaping surprises), one category named after the
bank, and our other fields (source, quote, difficulty, a short answer's keywords …) in an ``<examdata>`` element
holding JSON, which Moodle ignores and we read back: our own round trip keeps every question it writes. A fill-in
question with several blanks has no Moodle counterpart outside Cloze and is reported, not written.

The XML is parsed with defusedxml (entity expansion, external entities and DTDs are refused: a hostile file cannot
exhaust memory or read local files); the line of each question is kept for reports.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from exam.banks import QUESTION_ID
from exam.errors import Problem
from exam.formats.document import ImportedBank, bank_meta, line_dict, line_list, question_document
from exam.formats.gift import category_tag, weight_text
from exam.formats.htmltext import html_to_text
from exam.i18n import t
from exam.models import OPTION_LETTERS, Bank
from exam.qtypes import BLANK_MARK

MAX_BYTES = 20 * 1024 * 1024
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DATA_TAG = "examdata"
BANK_TAG = "exambank"


class _LineTreeBuilder(ET.TreeBuilder):
    """Builds the tree and remembers the line each element starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.parser: Any = None

    def start(self, tag: Any, attrs: dict[Any, Any]) -> ET.Element:
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def _text(element: ET.Element | None, path: str = "text") -> str:
    """The text of ``element/path``, as plain text when the element says ``format="html"``."""
    if element is None:
        return ""
    node = element.find(path) if path else element
    raw = (node.text or "") if node is not None else ""
    if element.get("format", "").lower() == "html":
        return html_to_text(raw)
    return raw.strip()


def _fraction(answer: ET.Element) -> float:
    return float(answer.get("fraction", "0") or "0")


def parse_moodle_xml(data: bytes, path: str) -> ImportedBank:
    """Read a Moodle XML file's bytes; every question is imported or reported with its line."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    out = ImportedBank(path)
    target = _LineTreeBuilder()
    parser = DefusedXMLParser(target=target)
    target.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        out.problem(exc.position[0] if exc.position else None, None, t("formats.xml_unreadable", error=exc))
        return out
    except DefusedXmlException as exc:
        out.problem(None, None, t("formats.xml_unreadable", error=type(exc).__name__))
        return out
    if root.tag != "quiz":
        out.problem(target.lines.get(root), None, t("formats.xml_not_quiz", tag=root.tag))
        return out
    category: str | None = None
    for element in root.findall("question"):
        line = target.lines.get(element, 1)
        kind = element.get("type", "")
        if kind == "category":
            category = category_tag(_text(element.find("category")))
            bank = element.find(BANK_TAG)
            if bank is not None and bank.text:
                try:
                    meta = json.loads(bank.text)
                except json.JSONDecodeError as exc:
                    out.problem(target.lines.get(bank, line), None, t("formats.xml_bad_data", error=exc.msg))
                else:
                    if isinstance(meta, dict):
                        out.meta.update(meta)
            continue
        _question(element, kind, line, category, out, target.lines)
    if not out.questions and not out.problems and not out.skipped:
        out.problem(None, None, t("formats.no_questions"))
    return out


def _question(
    element: ET.Element, kind: str, line: int, category: str | None, out: ImportedBank, lines: dict[ET.Element, int]
) -> None:
    title = _text(element.find("name"))
    raw_id = (element.findtext("idnumber") or "").strip()
    qid = raw_id if QUESTION_ID.match(raw_id) else ""
    item = qid or title or None
    extra: dict[str, Any] = {}
    data = element.find(DATA_TAG)
    if data is not None and data.text:
        try:
            loaded = json.loads(data.text)
        except json.JSONDecodeError as exc:
            out.leave_out(lines.get(data, line), item, t("formats.xml_bad_data", error=exc.msg))
            return
        if not isinstance(loaded, dict):
            out.leave_out(lines.get(data, line), item, t("formats.xml_bad_data", error="not an object"))
            return
        extra = loaded
    if kind not in ("multichoice", "truefalse", "shortanswer", "essay"):
        out.skip(line, item, t("formats.skipped_kind", kind=t("formats.kind_moodle", type=kind or "?")))
        return
    question: dict[str, Any] = {"id": qid}
    if isinstance(extra.get("title"), str):  # our own export names an untitled question by its id
        title = extra["title"]
    if title:
        question["title"] = title
    stem = _text(element.find("questiontext"))
    answers = element.findall("answer")
    try:
        fractions = [_fraction(a) for a in answers]
    except ValueError:
        bad = next(a.get("fraction") for a in answers if not _is_number(a.get("fraction", "0")))
        out.leave_out(line, item, t("formats.xml_bad_fraction", value=bad))
        return
    texts = [_text(a) for a in answers]
    if kind == "multichoice":
        single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
        if not any(f > 0 for f in fractions):
            out.leave_out(line, item, t("formats.xml_no_right_answer"))
            return
        question["type"] = "single" if single else "multiple"
        question["stem"] = stem
        question["options"] = line_list(texts, line)
        if single:
            best = max(range(len(fractions)), key=lambda i: fractions[i])
            question["answer"] = OPTION_LETTERS[best] if best < len(OPTION_LETTERS) else ""
        else:
            question["answer"] = [OPTION_LETTERS[i] for i, f in enumerate(fractions) if f > 0 and i < 8]
    elif kind == "truefalse":
        right = [text for text, f in zip(texts, fractions, strict=True) if f > 0]
        if not right:
            out.leave_out(line, item, t("formats.xml_no_right_answer"))
            return
        question["type"] = "judge"
        question["stem"] = stem
        question["answer"] = right[0].strip().lower() in ("true", "t", "1", "对", "正确")
    elif kind == "shortanswer":
        accepted = [text for text, f in zip(texts, fractions, strict=True) if f >= 100]
        if not accepted:
            out.leave_out(line, item, t("formats.xml_no_right_answer"))
            return
        question["type"] = "blank"
        question["stem"] = stem if stem.count(BLANK_MARK) == 1 else stem + BLANK_MARK
        question["answer"] = line_list([line_list(accepted, line)], line)
        if isinstance(extra.get("answer"), list):
            question["answer"] = line_list(extra["answer"], line)
    else:  # essay
        if "answer" not in extra and not _text(element.find("graderinfo")):
            out.skip(line, item, t("formats.skipped_kind", kind=t("formats.kind_essay_without_key")))
            return
        question["type"] = extra.get("type", "short")
        question["stem"] = stem
        if isinstance(extra.get("options"), list):
            question["options"] = line_list(extra["options"], line)
        question["answer"] = extra.get("answer", {"reference": _text(element.find("graderinfo")), "keywords": []})
    question["explanation"] = _text(element.find("generalfeedback"))
    question["source"] = extra.get("source")
    question["quote"] = extra.get("quote", "")
    grade = element.findtext("defaultgrade")
    if "points" in extra:
        question["points"] = extra["points"]
    elif grade and _is_number(grade) and float(grade) > 0:
        question["points"] = int(float(grade)) if float(grade).is_integer() else float(grade)
    tags = [(tag.findtext("text") or "").strip() for tag in element.findall("tags/tag")]
    tags = [tag for tag in tags if tag] or ([category] if category else [])
    if isinstance(extra.get("tags"), list):
        tags = extra["tags"]
    if tags:
        question["tags"] = line_list(tags, line)
    for key in ("difficulty", "negated", "group", "application"):
        if extra.get(key) is not None:
            question[key] = extra[key]
    out.questions.append(line_dict(question, line))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_moodle_xml(path: Path | str, data: bytes | None = None) -> ImportedBank:
    """Read a Moodle XML file (at most :data:`MAX_BYTES`)."""
    if data is None:
        try:
            size = Path(path).stat().st_size
            if size > MAX_BYTES:
                out = ImportedBank(str(path))
                out.problem(None, None, t("formats.too_large", size=size, limit=MAX_BYTES))
                return out
            data = Path(path).read_bytes()
        except OSError as exc:
            out = ImportedBank(str(path))
            out.problem(None, None, t("formats.unreadable", error=exc.strerror or exc))
            return out
    return parse_moodle_xml(data, str(path))


# -- export ----------------------------------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _text_element(parent: ET.Element, tag: str, text: str, fmt: str | None = "plain_text") -> ET.Element:
    element = _sub(parent, tag, **({"format": fmt} if fmt else {}))
    _sub(element, "text", text)
    return element


def _answer(parent: ET.Element, fraction: str, text: str) -> None:
    answer = _sub(parent, "answer", fraction=fraction, format="plain_text")
    _sub(answer, "text", text)
    _text_element(answer, "feedback", "")


def _question_element(record: dict[str, Any]) -> tuple[ET.Element | None, str | None]:
    """One question as a ``<question>``, or ``None`` and why Moodle XML cannot hold it."""
    qtype = record["type"]
    extra: dict[str, Any] = {
        "title": record.get("title", ""),
        "source": record["source"],
        "quote": record["quote"],
        "difficulty": record.get("difficulty", 2),
        "tags": list(record.get("tags") or []),
        "points": record.get("points"),
    }
    for flag in ("negated", "group", "application"):
        if record.get(flag):
            extra[flag] = record[flag]
    answer = record["answer"]
    moodle_type = {"single": "multichoice", "multiple": "multichoice", "judge": "truefalse", "blank": "shortanswer"}
    element = ET.Element("question", type=moodle_type.get(qtype, "essay"))
    _text_element(element, "name", record.get("title") or record["id"], None)
    _text_element(element, "questiontext", record["stem"])
    _text_element(element, "generalfeedback", record.get("explanation") or "")
    points = record.get("points")
    _sub(element, "defaultgrade", str(points if points is not None else 1))
    _sub(element, "penalty", "0")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", record["id"])
    if qtype in ("single", "multiple"):
        _sub(element, "single", "true" if qtype == "single" else "false")
        _sub(element, "shuffleanswers", "false")  # options such as 以上都对 depend on their place
        _sub(element, "answernumbering", "ABCD")
        weight = weight_text(len(answer)) if qtype == "multiple" else "100"
        for letter, option in zip(OPTION_LETTERS, record["options"], strict=False):
            right = letter == answer if qtype == "single" else letter in answer
            _answer(element, weight if right else ("0" if qtype == "single" else "-100"), option)
    elif qtype == "judge":
        _answer(element, "100" if answer else "0", "true")
        _answer(element, "0" if answer else "100", "false")
    elif qtype == "blank":
        if len(answer) != 1:
            return None, t("formats.xml_cannot_hold", count=len(answer))
        _sub(element, "usecase", "0")
        if any(isinstance(a, dict) for a in answer[0]):
            extra["answer"] = answer
        for accepted in answer[0]:
            _answer(element, "100", "、".join(accepted["any_order"]) if isinstance(accepted, dict) else str(accepted))
    else:  # short, or a plugin's type: an essay; the key rides in <examdata>
        extra["type"] = qtype
        extra["answer"] = answer
        if record.get("options"):
            extra["options"] = list(record["options"])
        _sub(element, "responseformat", "editor")
        _sub(element, "responserequired", "1")
        _sub(element, "responsefieldlines", "10")
        reference = answer.get("reference", "") if isinstance(answer, dict) else ""
        _text_element(element, "graderinfo", reference)
        _text_element(element, "responsetemplate", "")
    if record.get("tags"):
        tags = _sub(element, "tags")
        for tag in record["tags"]:
            _text_element(tags, "tag", tag, None)
    _sub(element, DATA_TAG, json.dumps(extra, ensure_ascii=False))
    return element, None


def export_moodle_xml(bank: Bank) -> tuple[bytes, list[Problem]]:
    """The bank as a Moodle XML file, and one problem per question it cannot hold."""
    where = bank.path or bank.id
    root = ET.Element("quiz")
    category = _sub(root, "question", type="category")
    _text_element(category, "category", f"$course$/top/{bank.title.replace('/', '//')}", None)
    _text_element(category, "info", bank.description, "plain_text")
    _sub(category, BANK_TAG, json.dumps(bank_meta(bank), ensure_ascii=False))
    skipped: list[Problem] = []
    for question in bank.questions:
        record = question_document(question)
        element, reason = _question_element(record)
        if element is None:
            skipped.append(Problem(where, question.line, record["id"], reason or ""))
            continue
        texts = [node.text or "" for node in element.iter()]
        if any(_XML_INVALID.search(text) for text in texts):
            skipped.append(Problem(where, question.line, record["id"], t("formats.xlsx_illegal_character")))
            continue
        root.append(element)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"), skipped
