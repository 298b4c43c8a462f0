"""Reading bank files (``*.bank.yaml``) into :class:`~exam.models.Bank`, reporting every problem at once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from exam.errors import BankFormatError, Problem
from exam.models import Bank, Question
from exam.qtypes import BLANK_MARK, AnswerFormatError, QuestionType
from exam.sources import PREAMBLE, Citation, SourceLibrary
from exam.textnorm import contains
from exam.yamlsafe import LineDict, LineList, load_yaml

BANK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
QUESTION_KEYS = {
    "id", "type", "stem", "options", "answer", "explanation", "source", "quote",
    "difficulty", "tags", "points", "negated",
}  # fmt: skip
REQUIRED_KEYS = ("id", "type", "stem", "answer", "explanation", "source", "quote")
BANK_KEYS = {"id", "title", "version", "description", "sources"}


class _Collector:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int | None, item: str | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, item, message))


def _line(mapping: Any, key: str | None = None) -> int | None:
    if isinstance(mapping, LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return getattr(mapping, "line", None)


def parse_citation(value: Any) -> Citation:
    """Read ``source:``; raises ValueError with a message naming what is wrong."""
    if not isinstance(value, Mapping):
        raise ValueError("source 应写作 {doc: …, article: …, paragraph: …} 或 {doc: speech, section: …}")
    unknown = set(value) - {"doc", "article", "paragraph", "section"}
    if unknown:
        raise ValueError(f"source 中有未知的键：{', '.join(sorted(unknown))}")
    doc = value.get("doc")
    if not isinstance(doc, str) or not doc.strip():
        raise ValueError("source.doc（出处文件）不能为空")
    article, paragraph, section = value.get("article"), value.get("paragraph"), value.get("section")
    for name, number in (("article", article), ("paragraph", paragraph)):
        if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 1):
            raise ValueError(f"source.{name} 应是正整数")
    if section is not None and not isinstance(section, str):
        raise ValueError("source.section 应是文字，如 一（二）")
    if article is None and section is None:
        raise ValueError("source 需要 article（条）或 section（部分）")
    if article is not None and section is not None:
        raise ValueError("source 只能有 article 或 section 之一")
    if paragraph is not None and article is None and section != PREAMBLE:
        raise ValueError("source.paragraph 只能和 article 一起使用（或序言）")
    return Citation(doc=doc, article=article, paragraph=paragraph, section=section)


def parse_question(
    raw: Any,
    bank_id: str,
    types: Mapping[str, QuestionType],
    sources: SourceLibrary | None,
    out: _Collector,
) -> Question | None:
    """Validate one question mapping; report its problems to ``out``; return it only when valid."""
    if not isinstance(raw, LineDict):
        out.add(_line(raw), None, "每道题应是一个映射（键: 值）")
        return None
    qid = raw.get("id")
    item = str(qid) if qid is not None else None
    before = len(out.problems)

    def bad(key: str | None, message: str) -> None:
        out.add(_line(raw, key), item, message)

    for key in sorted(set(raw) - QUESTION_KEYS):
        bad(key, f"未知的字段“{key}”（可用字段：{', '.join(sorted(QUESTION_KEYS))}）")
    for key in REQUIRED_KEYS:
        if key not in raw or raw[key] is None or raw[key] == "":
            bad(None, f"缺少必填字段“{key}”")
    if qid is not None and (not isinstance(qid, str) or not QUESTION_ID.match(qid)):
        bad("id", f"题目编号“{qid}”无效：只能用字母、数字、-、_、.，且不超过 63 个字符")

    qtype_name = raw.get("type")
    qtype = types.get(qtype_name) if isinstance(qtype_name, str) else None
    if qtype_name is not None and qtype is None:
        bad("type", f"未知的题型“{qtype_name}”（可用题型：{', '.join(types)}）")

    for key in ("stem", "explanation", "quote"):
        if key in raw and raw[key] is not None and not isinstance(raw[key], str):
            bad(key, f"“{key}”应是文字")

    options: tuple[str, ...] = ()
    raw_options = raw.get("options")
    if qtype is not None and qtype.needs_options:
        if not isinstance(raw_options, list):
            bad("options", "选择题需要 options（2 到 8 个选项的列表）")
        elif not 2 <= len(raw_options) <= 8:
            bad("options", f"选项应为 2 到 8 个，现有 {len(raw_options)} 个")
        else:
            for opt, opt_line in zip(raw_options, getattr(raw_options, "item_lines", []), strict=False):
                if not isinstance(opt, str) or not opt.strip():
                    out.add(opt_line, item, f"选项 {opt!r} 应是非空文字（数字或 yes/no 之类请加引号）")
            if all(isinstance(o, str) for o in raw_options):
                options = tuple(o.strip() for o in raw_options)
                seen: set[str] = set()
                for opt in options:
                    if opt in seen:
                        bad("options", f"选项“{opt}”重复")
                    seen.add(opt)
    elif raw_options is not None and qtype is not None:
        bad("options", f"{qtype.label[0]}不应有 options")

    answer = None
    # Without valid options the letters cannot be checked; the options problem is reported already.
    if qtype is not None and "answer" in raw and raw["answer"] is not None and (options or not qtype.needs_options):
        try:
            answer = qtype.parse_answer(raw["answer"], len(options))
        except AnswerFormatError as exc:
            bad("answer", str(exc))
        if answer is not None and qtype.input_kind == "blanks" and isinstance(raw.get("stem"), str):
            blanks = raw["stem"].count(BLANK_MARK)
            if blanks != len(answer):  # type: ignore[arg-type]
                bad("answer", f"题干中有 {blanks} 个空（{BLANK_MARK}），答案却有 {len(answer)} 项")  # type: ignore[arg-type]

    citation = None
    if "source" in raw and raw["source"] is not None:
        try:
            citation = parse_citation(raw["source"])
        except ValueError as exc:
            bad("source", str(exc))
    if citation is not None and sources is not None and citation.doc in sources:
        try:
            cited = sources.text(citation)
        except Exception as exc:  # NotFoundError: the article or section does not exist
            bad("source", f"出处不存在：{exc}")
        else:
            quote = raw.get("quote")
            if isinstance(quote, str) and quote.strip() and not contains(cited, quote):
                bad("quote", "quote 与出处原文不一致（不是所引条款中的原话）")

    difficulty = raw.get("difficulty", 2)
    if isinstance(difficulty, bool) or difficulty not in (1, 2, 3):
        bad("difficulty", f"难度应为 1、2 或 3，而不是 {difficulty!r}")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in tags):
        bad("tags", "tags 应是文字列表")
    points = raw.get("points", qtype.default_points if qtype else 1)
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 < points <= 100:
        bad("points", f"分值应是 0 到 100 之间的正数，而不是 {points!r}")
    negated = raw.get("negated", False)
    if not isinstance(negated, bool):
        bad("negated", "negated 只能是 true 或 false")

    if len(out.problems) > before or qtype is None or answer is None or citation is None:
        return None
    return Question(
        id=f"{bank_id}:{qid}",
        bank=bank_id,
        type=qtype.name,
        stem=raw["stem"].strip(),
        options=options,
        answer=answer,
        explanation=raw["explanation"].strip(),
        source=citation,
        quote=raw["quote"].strip(),
        difficulty=difficulty,
        tags=tuple(t.strip() for t in tags),
        points=points,
        negated=negated,
        line=raw.line,
    )


def parse_bank(
    data: Any,
    path: str,
    types: Mapping[str, QuestionType],
    sources: SourceLibrary | None = None,
) -> Bank:
    """Validate a whole bank document; raise :class:`BankFormatError` listing every problem."""
    out = _Collector(path)
    if not isinstance(data, LineDict):
        raise BankFormatError.single(path, 1, None, "题库文件应以 bank: 和 questions: 两部分组成")
    for key in sorted(set(data) - {"bank", "questions"}):
        out.add(_line(data, key), None, f"未知的顶层字段“{key}”（应为 bank 和 questions）")
    meta = data.get("bank")
    bank_id = ""
    title = version = description = ""
    declared_sources: tuple[str, ...] = ()
    if not isinstance(meta, LineDict):
        out.add(_line(data, "bank"), None, "缺少 bank: 部分（id、title、version）")
    else:
        for key in sorted(set(meta) - BANK_KEYS):
            out.add(_line(meta, key), None, f"bank 中有未知的字段“{key}”")
        raw_id = meta.get("id")
        bank_id = raw_id if isinstance(raw_id, str) else ""
        if not BANK_ID.match(bank_id):
            out.add(_line(meta, "id"), None, f"题库编号“{meta.get('id')}”无效：只能用小写字母、数字和 -")
        raw_title = meta.get("title")
        title = raw_title.strip() if isinstance(raw_title, str) else ""
        if not title:
            out.add(_line(meta, "title"), None, "bank.title（题库名称）不能为空")
        raw_version = meta.get("version", "1")
        version = str(raw_version)
        if not isinstance(raw_version, str):
            out.add(_line(meta, "version"), None, f"bank.version 应加引号写成文字，如 \"{raw_version}\"")
        description = meta.get("description", "") if isinstance(meta.get("description", ""), str) else ""
        raw_sources = meta.get("sources", [])
        if isinstance(raw_sources, list) and all(isinstance(s, str) for s in raw_sources):
            declared_sources = tuple(raw_sources)
        else:
            out.add(_line(meta, "sources"), None, "bank.sources 应是出处文件编号的列表")

    raw_questions = data.get("questions")
    questions: list[Question] = []
    if not isinstance(raw_questions, list):
        out.add(_line(data, "questions"), None, "缺少 questions: 列表")
    else:
        first_line: dict[str, int | None] = {}
        for raw in raw_questions:
            qid = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(qid, str):
                if qid in first_line:
                    out.add(_line(raw, "id"), qid, f"题目编号重复（第一次在第 {first_line[qid]} 行）")
                    continue
                first_line[qid] = _line(raw, "id")
            question = parse_question(raw, bank_id or "bank", types, sources, out)
            if question is not None:
                questions.append(question)
        if not raw_questions:
            out.add(_line(data, "questions"), None, "题库中没有题目")  # type: ignore[unreachable]
    if out.problems:
        raise BankFormatError(out.problems)
    return Bank(
        id=bank_id,
        title=title,
        version=version,
        questions=tuple(questions),
        description=description,
        sources=declared_sources,
        path=path,
    )


def load_bank_file(
    path: str | Path,
    types: Mapping[str, QuestionType],
    sources: SourceLibrary | None = None,
) -> Bank:
    """Read and validate one ``*.bank.yaml`` file; a :class:`BankFormatError` lists every problem, in line order."""
    found: list[Problem] = []
    data = load_yaml(path, collect=found)  # a key written twice must not hide the file's other problems
    found = _name_questions(data, found)
    try:
        bank = parse_bank(data, str(path), types, sources)
    except BankFormatError as exc:
        found.extend(exc.problems)
    if found:
        raise BankFormatError(sorted(found, key=lambda p: p.line or 0))
    return bank


def _name_questions(data: Any, problems: list[Problem]) -> list[Problem]:
    """Name the question a YAML-level problem (e.g. a key written twice) falls in, from the questions' lines."""
    raw_questions = data.get("questions") if isinstance(data, LineDict) else None
    if not problems or not isinstance(raw_questions, LineList):
        return problems
    starts = sorted(
        (q.line, str(q["id"])) for q in raw_questions if isinstance(q, LineDict) and isinstance(q.get("id"), str)
    )
    named = []
    for problem in problems:
        inside = [qid for line, qid in starts if problem.line is not None and line <= problem.line]
        if problem.item is None and inside and problem.line is not None and problem.line > raw_questions.line:
            problem = Problem(problem.path, problem.line, inside[-1], problem.message)
        named.append(problem)
    return named
