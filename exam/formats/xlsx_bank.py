"""The Excel question-bank template (题库模板.xlsx): import, export, and the template itself.

Sheet ``题库`` holds one question per row under these headers (docs/import-export.md has the full table):

==========  =========================================================================================
编号         question id (left empty: ``q001``, ``q002`` … by position)
题型         单选 / 多选 / 判断 / 填空 / 简答 (or single / multiple / judge / blank / short)
题干         the question; a 填空 question marks each blank with ``____``
选项A–选项H  options of 单选/多选, from 选项A on, without gaps
答案         单选 ``B``; 多选 ``AC`` or ``A,C``; 判断 对/错 (正确/错误, √/×); 填空: blanks separated by ``；``,
             accepted alternatives by ``|``; 简答: the reference answer
关键词       简答 only: the points to make, groups separated by ``；``, alternatives by ``|``
解析         why the key is right
难度         1–3 (or 易/中/难)
知识点       tags, separated by ``；``
分值         points (empty: the type's default)
出处         ``constitution-2018 第95条第1款``, ``constitution-2018 序言第7段``, ``speech 一（二）``
原文         the words of the cited text that support the key (bank field ``quote``)
否定题       是 when the question asks which option is *not* stated (bank field ``negated``)
题组         the group of related questions (bank field ``group``); a paper draws one question per group
应用题       是 for an application question (bank field ``application``)
==========  =========================================================================================

A blank's accepted answer that lists items in any order (bank ``{any_order: [主动性, 积极性]}``) is written
``（不计顺序）主动性、积极性``.

Sheet ``题库信息`` holds the bank's id, title, version, description, source documents and interchangeable terms
(``同义词``: ``人大=人民代表大会；上级=上一级``, bank field ``equivalents``). Headers are found by name
(in any order, in one of the first ten rows), so a trainer's own sheet with extra columns still imports.
"""

from __future__ import annotations

import io
import itertools
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from exam.errors import BankFormatError, Problem
from exam.formats.citations import format_citation, parse_citation_text
from exam.formats.document import ImportedBank, bank_meta, line_dict, line_list, question_document
from exam.i18n import t
from exam.models import OPTION_LETTERS, Bank
from exam.qtypes import QuestionType, type_label
from exam.sheets import DisplayedWorkbook, TooManyRows, displayed_rows, open_workbook
from exam.sources import SourceLibrary

QUESTION_SHEET = "题库"
INFO_SHEET = "题库信息"
HELP_SHEET = "说明"
OPTION_HEADERS = tuple(f"选项{letter}" for letter in OPTION_LETTERS)
HEADERS: tuple[str, ...] = (
    "编号", "题型", "题干", *OPTION_HEADERS,
    "答案", "关键词", "解析", "难度", "知识点", "分值", "出处", "原文", "否定题", "题组", "应用题",
)  # fmt: skip
"""Columns of the template, in order."""

MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024
CELL_LIMIT = 32_767
"""Excel keeps at most this many characters in a cell."""

TYPE_LABELS = {"single": "单选", "multiple": "多选", "judge": "判断", "blank": "填空", "short": "简答"}
TYPE_ALIASES: dict[str, str] = {
    **{label: name for name, label in TYPE_LABELS.items()},
    **{label + "题": name for name, label in TYPE_LABELS.items()},
    "单项选择": "single", "单项选择题": "single", "单选择题": "single",
    "多项选择": "multiple", "多项选择题": "multiple", "不定项选择": "multiple", "不定项选择题": "multiple",
    "是非": "judge", "是非题": "judge", "对错": "judge", "判断正误": "judge",
    "问答": "short", "问答题": "short", "论述": "short", "论述题": "short",
    "true/false": "judge", "truefalse": "judge", "true-false": "judge",
}  # fmt: skip

FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "题号", "试题编号", "题目编号", "id"),
    "type": ("题型", "试题类型", "题目类型", "类型", "题类", "type"),
    "stem": ("题干", "题目", "试题", "试题内容", "题目内容", "试题题干", "问题", "stem", "question"),
    "answer": ("答案", "正确答案", "标准答案", "参考答案", "answer"),
    "keywords": ("关键词", "要点", "得分要点", "keywords"),
    "explanation": ("解析", "答案解析", "试题解析", "题目解析", "解释", "explanation"),
    "difficulty": ("难度", "难易度", "难易程度", "难度等级", "试题难度", "difficulty"),
    "tags": ("知识点", "章节", "所属章节", "标签", "分类", "试题分类", "tags"),
    "points": ("分值", "分数", "试题分值", "points"),
    "source": ("出处", "依据", "source"),
    "quote": ("原文", "依据原文", "quote"),
    "negated": ("否定题", "negated"),
    "group": ("题组", "group"),
    "application": ("应用题", "application"),
    **{
        f"option:{letter}": (f"选项{letter}", letter, f"{letter}选项", f"option{letter}", f"option_{letter}")
        for letter in OPTION_LETTERS
    },
}  # fmt: skip
"""The header names each column is recognised by (the template's, and those of common Chinese exam templates);
case, full-width forms, spaces and marks such as ``*`` or （必填） do not count."""
REQUIRED_FIELDS = ("type", "stem", "answer")


def _header_key(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    for mark in ("*", "（必填）", "(必填)", "（选填）", "(选填)", " ", "\u3000", ":", "："):
        text = text.replace(unicodedata.normalize("NFKC", mark), "")
    return text


_FIELD_ALIASES: dict[str, str] = {_header_key(name): field for field, names in FIELD_HEADERS.items() for name in names}

_INFO_ALIASES = {
    "题库编号": "id", "编号": "id", "id": "id",
    "名称": "title", "题库名称": "title", "标题": "title", "title": "title",
    "版本": "version", "version": "version",
    "说明": "description", "简介": "description", "description": "description",
    "出处文件": "sources", "sources": "sources",
    "同义词": "equivalents", "equivalents": "equivalents",
}  # fmt: skip
_INFO_ROWS = (
    ("题库编号", "id"),
    ("名称", "title"),
    ("版本", "version"),
    ("说明", "description"),
    ("出处文件", "sources"),
    ("同义词", "equivalents"),
)

TRUE_WORDS = {"对", "正确", "√", "✓", "✔", "是", "t", "true", "y", "yes", "1"}
FALSE_WORDS = {"错", "错误", "×", "✗", "✘", "x", "否", "f", "false", "n", "no", "0"}
DIFFICULTY_WORDS = {"易": 1, "容易": 1, "简单": 1, "中": 2, "中等": 2, "一般": 2, "难": 3, "较难": 3, "困难": 3}
LIST_SEPARATORS = "；;"
ALTERNATIVE_SEPARATORS = "|｜"
ANY_ORDER_MARK = "（不计顺序）"
"""Starts an accepted blank answer whose items (separated by 、) may come in any order."""
ITEM_SEPARATOR = "、"
TERM_SEPARATOR = "="
"""Between the interchangeable terms of one 同义词 class (classes are separated by ；)."""
TAG_SEPARATORS = "；;，,\n"

HELP_ROWS: tuple[tuple[str, str], ...] = (
    ("列名", "怎么填"),
    ("编号", "题目编号：字母、数字、-、_、.，同一题库内不重复。可留空，导入时按行自动编为 q001、q002……"),
    ("题型", "单选、多选、判断、填空、简答（也可写 single、multiple、judge、blank、short）。"),
    ("题干", "题目内容。填空题的每个空写作四个下划线 ____，空的个数要与答案的个数一致。"),
    ("选项A–选项H", "单选题、多选题的选项，从选项A起依次填写，中间不要空列；2 到 8 个。其他题型留空。"),
    ("答案", "单选：B；多选：AC 或 A,C；判断：对/错（也可写 正确/错误、√/×）；"
             "填空：各空之间用“；”分隔，同一空的多个可接受答案用“|”分隔，如 五|5；简答：参考答案全文。"),
    ("关键词", "仅简答题：得分要点，各要点之间用“；”分隔，同一要点的同义词用“|”分隔，"
               "如 遵守和执行；经济建设|文化建设。"),
    ("解析", "为什么这个答案正确，写明依据的条款（第X条）或讲话部分。"),
    ("难度", "1 容易，2 中等，3 较难（也可写 易/中/难）。留空为 2。"),
    ("知识点", "标签，多个之间用“；”分隔。组卷可按知识点抽题。"),
    ("分值", "本题分值。留空按题型默认：单选 2、多选 3、判断 1、填空 2、简答 5。"),
    ("出处", "文件编号 + 空格 + 位置：constitution-2018 第95条第1款；constitution-2018 序言第7段；speech 一（二）。"
             "文件编号也可写简称（宪法、代表法、讲话）。"),
    ("原文", "所引条款（或讲话段落）中支持答案的原话，逐字摘录。"),
    ("否定题", "题目问“不属于/未提到的是哪一项”时填 是，其余留空。"),
    ("题组", "考同一内容或互相泄露答案的题目填同一个组名（字母、数字、-、_、.）；一份试卷每组只抽一题。可留空。"),
    ("应用题", "以乡镇情境考查理解和运用（哪个机关、什么门槛、哪一级）的题目填 是，其余留空。"),
    ("不计顺序", "填空题的一个答案由几项组成、顺序不限时，写作（不计顺序）主动性、积极性：各项用“、”分隔，"
                 "学员按任意顺序填写都算对。"),
    ("", ""),
    ("题库信息", "在“题库信息”表中填写题库编号（小写字母、数字和 -）、名称、版本、说明和出处文件；"
                 "“同义词”一行写可互换的说法，如 人大=人民代表大会；上级=上一级（填空题和简答题评分时视为相同）。"),
    ("导入", "exam banks import 本文件.xlsx -o 题库名.bank.yaml ；有问题时会按行号逐条列出。"),
    ("示例（单选）", "编号 a095-1｜题型 单选｜题干 根据宪法，乡、民族乡、镇设立（ ）。｜选项A 人民代表大会和人民政府｜"
                  "选项B 人民代表大会常务委员会｜答案 A｜出处 constitution-2018 第95条第1款"),
    ("示例（填空）", "题型 填空｜题干 乡、民族乡、镇的人民代表大会每届任期____年。｜答案 五|5"),
    ("示例（判断）", "题型 判断｜题干 乡、民族乡、镇的人民代表大会代表由选民直接选举。｜答案 对"),
)  # fmt: skip
"""The 说明 sheet: part of the template format, so it is Chinese like the headers."""


# -- reading --------------------------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A value as text. Workbook cells already arrive as the text they show (:mod:`exam.sheets`); other values:
    numbers without a spurious ``.0``, dates in ISO form, ``None`` as ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "对" if value else "错"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def split_list(text: str, separators: str) -> list[str]:
    """Split on any of ``separators``; pieces are stripped (empty pieces are kept so they can be reported)."""
    pieces = [text]
    for sep in separators:
        pieces = [part for piece in pieces for part in piece.split(sep)]
    return [piece.strip() for piece in pieces]


def parse_groups(text: str) -> tuple[list[list[str]], bool]:
    """``五|5；六`` → ``[["五", "5"], ["六"]]``; the flag says whether every group and alternative has text."""
    groups = [split_list(group, ALTERNATIVE_SEPARATORS) for group in split_list(text, LIST_SEPARATORS)]
    return groups, all(alt for group in groups for alt in group)


def parse_accepted(text: str) -> Any:
    """One accepted blank answer: ``（不计顺序）主动性、积极性`` → ``{"any_order": ["主动性", "积极性"]}``; other
    text as it is."""
    folded = unicodedata.normalize("NFKC", text)
    mark = unicodedata.normalize("NFKC", ANY_ORDER_MARK)
    if folded.startswith(mark):
        return {"any_order": split_list(text[len(ANY_ORDER_MARK) :], ITEM_SEPARATOR)}
    return text


def parse_equivalents_text(text: str) -> list[list[str]]:
    """``人大=人民代表大会；上级=上一级`` → ``[["人大", "人民代表大会"], ["上级", "上一级"]]`` (the loader checks
    them)."""
    return [split_list(terms, TERM_SEPARATOR + "＝") for terms in split_list(text, LIST_SEPARATORS) if terms]


def parse_judge_word(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = unicodedata.normalize("NFKC", cell_text(value)).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _number(value: Any) -> Any:
    """A number cell, or a numeric text, as int/float; anything else unchanged (the loader reports it)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else value
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def resolve_type(value: str, types: Mapping[str, QuestionType]) -> str | None:
    """The question type named by a 题型 cell: a Chinese name, a built-in or plugin type name."""
    key = unicodedata.normalize("NFKC", value).strip()
    if key in types:
        return key
    name = TYPE_ALIASES.get(key) or TYPE_ALIASES.get(key.lower())
    if name is None:
        name = next(
            (n for n, qtype in types.items() if key in (type_label(qtype, "zh"), type_label(qtype, "en").lower())), None
        )
    return name


def _row_question(
    values: dict[str, Any],
    row: int,
    types: Mapping[str, QuestionType],
    library: SourceLibrary | None,
    out: ImportedBank,
) -> None:
    """Convert one row. A row with a problem is reported and left out of the bank; it is still shown to the loader
    (with stand-ins for the fields already reported) so that its other problems are listed in the same run."""
    qid = cell_text(values.get("id")).strip()
    item = qid or None
    question: dict[str, Any] = {"id": qid}
    stand_ins: dict[str, Any] = {}
    reported: list[str] = []

    def fail(message: str, key: str | None = None, stand_in: Any = None) -> None:
        out.problem(row, item, message)
        reported.append(message)
        if key is not None:
            stand_ins[key] = stand_in

    type_text = cell_text(values.get("type")).strip()
    qtype = resolve_type(type_text, types) if type_text else None
    if not type_text:
        fail(t("formats.xlsx_no_type"))
    elif qtype is None:
        fail(t("formats.unknown_type", value=type_text, known="单选、多选、判断、填空、简答"))
    question["type"] = qtype or type_text
    question["stem"] = cell_text(values.get("stem"))

    options = [cell_text(values.get(f"option:{letter}")) for letter in OPTION_LETTERS]
    while options and not options[-1].strip():
        options.pop()
    if options:
        question["options"] = line_list(options, row)
    gaps = [letter for letter, option in zip(OPTION_LETTERS, options, strict=False) if not option.strip()]
    for letter in gaps:
        fail(t("formats.xlsx_option_gap", letter=letter), "options",
             line_list([o or f"<{x}>" for x, o in zip(OPTION_LETTERS, options, strict=False)], row))  # fmt: skip

    raw_answer = values.get("answer")
    answer_text = cell_text(raw_answer).strip()
    if qtype == "judge":
        judged = parse_judge_word(raw_answer)
        question["answer"] = judged if judged is not None else answer_text
        if judged is None and answer_text:
            fail(t("formats.xlsx_judge_answer", value=answer_text), "answer", True)
    elif qtype == "blank":
        groups, complete = parse_groups(answer_text)
        question["answer"] = [[parse_accepted(a) for a in group] for group in groups] if answer_text else ""
        if answer_text and not complete:
            fail(t("formats.xlsx_empty_piece", column="答案"), "answer", [[a or "x" for a in g] for g in groups])
    elif qtype == "short":
        keywords_text = cell_text(values.get("keywords")).strip()
        keywords, complete = parse_groups(keywords_text) if keywords_text else ([], True)
        question["answer"] = {"reference": answer_text, "keywords": keywords}
        if not complete:
            fail(t("formats.xlsx_empty_piece", column="关键词"), "answer",
                 {"reference": answer_text or "x", "keywords": [[w or "x" for w in g] for g in keywords]})  # fmt: skip
    elif qtype in ("single", "multiple"):
        letters = unicodedata.normalize("NFKC", answer_text).upper().strip("()（）[]【】 ")
        question["answer"] = letters if qtype == "single" else [c for c in letters if c.isalpha()] or letters
    else:
        question["answer"] = answer_text

    question["explanation"] = cell_text(values.get("explanation"))
    question["source"] = None  # missing: the loader says so, once
    source_text = cell_text(values.get("source")).strip()
    if source_text:
        try:
            question["source"] = parse_citation_text(source_text, library)
        except ValueError as exc:
            fail(str(exc), "source", {"doc": "-", "article": 1})
    question["quote"] = cell_text(values.get("quote"))

    difficulty = cell_text(values.get("difficulty")).strip()
    if difficulty:
        question["difficulty"] = DIFFICULTY_WORDS.get(difficulty, _number(values.get("difficulty")))
    tags_text = cell_text(values.get("tags"))
    if tags_text.strip():
        question["tags"] = line_list([tag for tag in split_list(tags_text, TAG_SEPARATORS) if tag], row)
    if cell_text(values.get("points")).strip():
        question["points"] = _number(values.get("points"))
    negated = values.get("negated")
    if cell_text(negated).strip():
        flag = parse_judge_word(negated)
        if flag is None:
            fail(t("formats.xlsx_negated", value=cell_text(negated)), "negated", False)
        elif flag:
            question["negated"] = True
    group = cell_text(values.get("group")).strip()
    if group:
        question["group"] = group
    application = values.get("application")
    if cell_text(application).strip():
        flag = parse_judge_word(application)
        if flag is None:
            fail(t("formats.xlsx_application", value=cell_text(application)), "application", False)
        elif flag:
            question["application"] = True

    if not reported:
        out.questions.append(line_dict(question, row))
    elif qtype is not None:
        out.rejected.append(line_dict({**question, **stand_ins}, row))
    else:
        out.left_out.append(row)  # counted as reported (issue 14: no question silently dropped)


def _read_info(workbook: DisplayedWorkbook, out: ImportedBank) -> None:
    for _, cells in displayed_rows(workbook, INFO_SHEET, MAX_ROWS):
        if len(cells) < 2:
            continue
        key = _INFO_ALIASES.get(_header_key(cells[0]))
        value = cells[1].strip()
        if key is None or not value:
            continue
        if key == "sources":
            out.meta[key] = [s for s in split_list(value, TAG_SEPARATORS) if s]
        elif key == "equivalents":
            out.meta[key] = parse_equivalents_text(value)
        else:
            out.meta[key] = value


def read_xlsx(
    path: str | Path,
    types: Mapping[str, QuestionType],
    library: SourceLibrary | None = None,
    data: bytes | None = None,
) -> ImportedBank:
    """Read a workbook in the template's layout (or a Chinese exam template's: see :data:`FIELD_HEADERS`).

    Each cell is read as it is shown (:func:`exam.sheets.displayed_rows`: number formats applied, formulas' cached
    values, formatted empty rows skipped); every problem is reported with its Excel row number.
    """
    out = ImportedBank(str(path))
    try:
        if data is None:
            size = Path(path).stat().st_size
            if size > MAX_BYTES:
                out.problem(None, None, t("formats.too_large", size=size, limit=MAX_BYTES))
                return out
            data = Path(path).read_bytes()
        workbook = open_workbook(data)
    except OSError as exc:
        out.problem(None, None, t("formats.unreadable", error=exc.strerror or exc))
        return out
    except Exception as exc:  # not a workbook: zipfile.BadZipFile, KeyError, openpyxl's InvalidFileException …
        out.problem(None, None, t("formats.xlsx_unreadable", error=type(exc).__name__))
        return out
    try:
        sheet = QUESTION_SHEET if QUESTION_SHEET in workbook.sheetnames else None
        if INFO_SHEET in workbook.sheetnames:
            try:
                _read_info(workbook, out)
            except TooManyRows as exc:
                out.problem(exc.row, None, t("formats.xlsx_too_many_rows", limit=exc.limit))
        _read_questions(workbook, sheet, types, library, out)
    finally:
        workbook.close()
    return out


HEADER_SEARCH_ROWS = 10
"""The header is looked for in this many filled rows at the top of the sheet."""


def _find_header(rows: list[tuple[int, tuple[str, ...]]]) -> tuple[int, tuple[str, ...], dict[int, str]] | None:
    """The header row among the first filled rows: the first with a required column and at least one more
    recognised column (so a title row above it is passed over); ``None`` if no row qualifies."""
    for number, cells in rows:
        keys = {index: _FIELD_ALIASES[_header_key(value)] for index, value in enumerate(cells)
                if _header_key(value) in _FIELD_ALIASES}  # fmt: skip
        if len(set(keys.values())) >= 2 and set(keys.values()) & set(REQUIRED_FIELDS):
            return number, cells, keys
    return None


def _header_names(field: str) -> str:
    return "/".join(FIELD_HEADERS[field][:4])


def _read_questions(
    workbook: DisplayedWorkbook,
    sheet: str | None,
    types: Mapping[str, QuestionType],
    library: SourceLibrary | None,
    out: ImportedBank,
) -> None:
    rows = displayed_rows(workbook, sheet, MAX_ROWS)
    head: list[tuple[int, tuple[str, ...]]] = []
    try:
        for filled in rows:
            head.append(filled)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        header = _find_header(head)
        if header is None:
            first = [cell.strip() for cell in head[0][1] if cell.strip()] if head else []
            out.problem(head[0][0] if head else None, None, t(
                "formats.xlsx_no_header", sheet=workbook.title(sheet), rows=HEADER_SEARCH_ROWS,
                found="、".join(first[:12]) or "-",
                expected="；".join(_header_names(field) for field in REQUIRED_FIELDS),
            ))  # fmt: skip
            return
        header_row, header_cells, columns = header
        found = set(columns.values())
        missing = [field for field in REQUIRED_FIELDS if field not in found]
        if missing:
            out.problem(header_row, None, t(
                "formats.xlsx_header_columns", row=header_row,
                found="、".join(header_cells[index].strip() for index in sorted(columns)),
                missing="；".join(_header_names(field) for field in missing),
            ))  # fmt: skip
            return
        body = [row for row in head if row[0] > header_row]
        for row, cells in itertools.chain(body, rows):
            values = {key: cells[index] for index, key in columns.items() if index < len(cells)}
            if all(v.strip() == "" for v in values.values()):
                continue
            _row_question(values, row, types, library, out)
    except TooManyRows as exc:
        out.problem(exc.row, None, t("formats.xlsx_too_many_rows", limit=exc.limit))
        return
    if not out.questions and not out.problems and not out.rejected:
        out.problem(header_row, None, t("formats.no_questions"))


# -- writing --------------------------------------------------------------------------------------------------------


def _accepted_text(accepted: Any) -> str:
    """An accepted answer as a cell writes it (the reverse of :func:`parse_accepted`)."""
    if isinstance(accepted, Mapping):
        return ANY_ORDER_MARK + ITEM_SEPARATOR.join(accepted["any_order"])
    return str(accepted)


def _join_groups(groups: Iterable[Iterable[Any]]) -> str:
    return "；".join("|".join(_accepted_text(a) for a in group) for group in groups)


def question_row(question: dict[str, Any], problem: Any) -> list[Any]:
    """One row of the 题库 sheet for a question document; ``problem(message)`` reports what a cell cannot hold."""
    qtype = question["type"]
    options = list(question.get("options") or [])
    answer = question["answer"]
    keywords = ""
    if qtype == "judge":
        answer_cell: Any = "对" if answer else "错"
    elif qtype == "multiple":
        answer_cell = "".join(answer)
    elif qtype == "blank":
        _check_groups(answer, "答案", problem)
        answer_cell = _join_groups(answer)
    elif qtype == "short":
        answer_cell = answer["reference"]
        _check_groups(answer["keywords"], "关键词", problem)
        keywords = _join_groups(answer["keywords"])
    elif isinstance(answer, (str, int, float)):
        answer_cell = answer
    else:
        problem(t("formats.xlsx_cannot_hold", column="答案", value=repr(answer)))
        answer_cell = ""
    source = question.get("source")
    citation = format_citation(source) if source else None  # unsourced: 出处 and 原文 stay empty
    tags = question.get("tags") or []
    for tag in tags:
        if any(sep in tag for sep in TAG_SEPARATORS):
            problem(t("formats.xlsx_separator_in", column="知识点", value=tag))
    row = [
        question["id"], TYPE_LABELS.get(qtype, qtype), question["stem"],
        *options, *[None] * (len(OPTION_LETTERS) - len(options)),
        answer_cell, keywords, question["explanation"], question.get("difficulty", 2), "；".join(tags),
        question.get("points"), citation, question.get("quote") or None,
        "是" if question.get("negated") else None, question.get("group"),
        "是" if question.get("application") else None,
    ]  # fmt: skip
    return row


def _check_groups(groups: Iterable[Iterable[Any]], column: str, problem: Any) -> None:
    for group in groups:
        for alternative in group:
            items = alternative["any_order"] if isinstance(alternative, Mapping) else [alternative]
            separators = LIST_SEPARATORS + ALTERNATIVE_SEPARATORS + (ITEM_SEPARATOR if len(items) > 1 else "")
            for item in items:
                if any(sep in item for sep in separators):
                    problem(t("formats.xlsx_separator_in", column=column, value=item))


def build_workbook(meta: Mapping[str, Any], rows: Iterable[list[Any]]) -> Any:
    """The workbook: 题库 (header + rows), 题库信息 and 说明. Text cells are always text, never formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = QUESTION_SHEET
    sheet.append(list(HEADERS))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=…" stays text
    sheet.freeze_panes = "C2"
    widths = {"编号": 12, "题型": 8, "题干": 50, "答案": 14, "关键词": 24, "解析": 40, "难度": 6, "知识点": 20,
              "分值": 6, "出处": 28, "原文": 40, "否定题": 8, "题组": 12, "应用题": 8}  # fmt: skip
    for index, header in enumerate(HEADERS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, 18)
    type_column = get_column_letter(HEADERS.index("题型") + 1)
    types = DataValidation(type="list", formula1='"单选,多选,判断,填空,简答"', allow_blank=True, errorStyle="warning")
    types.add(f"{type_column}2:{type_column}{MAX_ROWS}")
    level_column = get_column_letter(HEADERS.index("难度") + 1)
    levels = DataValidation(type="list", formula1='"1,2,3"', allow_blank=True, errorStyle="warning")
    levels.add(f"{level_column}2:{level_column}{MAX_ROWS}")
    sheet.add_data_validation(types)
    sheet.add_data_validation(levels)

    info = workbook.create_sheet(INFO_SHEET)
    info.append(["项目", "内容"])
    for label, key in _INFO_ROWS:
        value = meta.get(key)
        if key == "equivalents":
            value = [TERM_SEPARATOR.join(terms) for terms in value or ()] or None
        info.append([label, "；".join(value) if isinstance(value, (list, tuple)) else value])
        for cell in info[info.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for cell in info[1]:
        cell.font = bold
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 60

    help_sheet = workbook.create_sheet(HELP_SHEET)
    for left, right in HELP_ROWS:
        help_sheet.append([left, right])
    for cell in help_sheet[1]:
        cell.font = bold
    help_sheet.column_dimensions["A"].width = 14
    help_sheet.column_dimensions["B"].width = 110
    for row_cells in help_sheet.iter_rows(min_row=2):
        row_cells[1].alignment = Alignment(wrap_text=True, vertical="top")
    return workbook


def _workbook_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_xlsx(bank: Bank) -> bytes:
    """The bank as a template workbook; raises :class:`BankFormatError` for values a cell cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    problems: list[Problem] = []
    rows = []
    where = bank.path or bank.id
    for question in bank.questions:
        record = question_document(question)

        def problem(message: str, qid: str = record["id"], line: int | None = question.line) -> None:
            problems.append(Problem(where, line, qid, message))

        row = question_row(record, problem)
        for value in row:
            if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                problem(t("formats.xlsx_illegal_character"))
            elif isinstance(value, str) and len(value) > CELL_LIMIT:
                problem(t("formats.xlsx_cell_too_long", limit=CELL_LIMIT))
        rows.append(row)
    if problems:
        raise BankFormatError(problems)
    return _workbook_bytes(build_workbook(bank_meta(bank), rows))


def template_workbook() -> Any:
    """The empty template shipped as ``question_banks/templates/题库模板.xlsx``."""
    return build_workbook({"version": "1.0"}, [])


def template_bytes() -> bytes:
    return _workbook_bytes(template_workbook())
