"""Reading bank files (``*.bank.yaml``) into :class:`~exam.models.Bank`, reporting every problem at once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from exam.bankcache import ContentCache, paused_gc
from exam.errors import BankFormatError, Problem
from exam.i18n import t
from exam.models import JSON, Bank, Equivalents, Question, ShortAnswer, answer_from_json, answer_to_json
from exam.qtypes import BLANK_MARK, BUILTIN_TYPES, AnswerFormatError, QuestionType, type_label
from exam.sources import PREAMBLE, Citation, SourceLibrary
from exam.textnorm import answer_form, contains, normalize_answer
from exam.yamlsafe import (
    LineDict,
    LineList,
    decode_utf8,
    load_yaml,
    load_yaml_text,
    read_bytes_capped,
    unsafe_text_problems,
)

BANK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
QUESTION_KEYS = {
    "id", "title", "type", "stem", "options", "answer", "explanation", "source", "quote",
    "difficulty", "tags", "points", "negated", "group", "application",
}  # fmt: skip
REQUIRED_KEYS = ("id", "type", "stem", "answer", "explanation", "source", "quote")
"""Required in a bank that declares ``sources`` (every built-in bank): each question is grounded in its source."""
UNGROUNDED_REQUIRED_KEYS = ("id", "type", "stem", "answer")
"""Required in a bank without ``sources`` (an imported one): a question may name no source (未注明出处) and have no
explanation; one that names a source still needs its ``quote``."""
BANK_KEYS = {"id", "title", "version", "description", "sources", "equivalents"}


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
        raise ValueError(
            t("bank.source_shape", statute="{doc: …, article: …, paragraph: …}", speech="{doc: speech, section: …}")
        )
    unknown = set(value) - {"doc", "article", "paragraph", "section"}
    if unknown:
        raise ValueError(t("bank.source_unknown_keys", keys=", ".join(sorted(unknown))))
    doc = value.get("doc")
    if not isinstance(doc, str) or not doc.strip():
        raise ValueError(t("bank.source_doc_empty"))
    article, paragraph, section = value.get("article"), value.get("paragraph"), value.get("section")
    for name, number in (("article", article), ("paragraph", paragraph)):
        if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 1):
            raise ValueError(t("bank.source_positive", name=name))
    if section is not None and not isinstance(section, str):
        raise ValueError(t("bank.source_section_text"))
    if article is None and section is None:
        raise ValueError(t("bank.source_needs_place"))
    if article is not None and section is not None:
        raise ValueError(t("bank.source_one_place"))
    if paragraph is not None and article is None and section != PREAMBLE:
        raise ValueError(t("bank.source_paragraph_alone"))
    return Citation(doc=doc, article=article, paragraph=paragraph, section=section)


def parse_question(
    raw: Any,
    bank_id: str,
    types: Mapping[str, QuestionType],
    sources: SourceLibrary | None,
    out: _Collector,
    grounded: bool = True,
) -> Question | None:
    """Validate one question mapping; report its problems to ``out``; return it only when valid.

    ``grounded`` (the bank declares ``sources``) makes ``source``, ``quote`` and ``explanation`` required; without it
    a question with neither ``source`` nor ``quote`` is accepted as unsourced (``Question.source`` is ``None``).
    """
    if not isinstance(raw, LineDict):
        out.add(_line(raw), None, t("bank.question_not_mapping"))
        return None
    qid = raw.get("id")
    item = str(qid) if qid is not None else None
    before = len(out.problems)

    def bad(key: str | None, message: str) -> None:
        out.add(_line(raw, key), item, message)

    for key in sorted(set(raw) - QUESTION_KEYS):
        bad(key, t("bank.unknown_field", key=key, known=", ".join(sorted(QUESTION_KEYS))))

    def given(key: str) -> bool:
        return key in raw and raw[key] is not None and raw[key] != ""

    unsourced = not grounded and not given("source")
    for key in REQUIRED_KEYS if grounded or given("source") else UNGROUNDED_REQUIRED_KEYS:
        if not given(key):
            bad(None, t("bank.missing_field", key=key))
    if unsourced and given("quote"):
        bad("quote", t("bank.quote_without_source"))
    if qid is not None and (not isinstance(qid, str) or not QUESTION_ID.match(qid)):
        bad("id", t("bank.bad_question_id", id=qid))

    qtype_name = raw.get("type")
    qtype = types.get(qtype_name) if isinstance(qtype_name, str) else None
    if qtype_name is not None and qtype is None:
        bad("type", t("bank.unknown_type", type=qtype_name, known=", ".join(types)))

    for key in ("title", "stem", "explanation", "quote"):
        if key in raw and raw[key] is not None and not isinstance(raw[key], str):
            bad(key, t("bank.not_text", key=key))

    options: tuple[str, ...] = ()
    raw_options = raw.get("options")
    if qtype is not None and qtype.needs_options:
        if not isinstance(raw_options, list):
            bad("options", t("bank.options_missing"))
        elif not 2 <= len(raw_options) <= 8:
            bad("options", t("bank.options_count", count=len(raw_options)))
        else:
            for opt, opt_line in zip(raw_options, getattr(raw_options, "item_lines", []), strict=False):
                if not isinstance(opt, str) or not opt.strip():
                    out.add(opt_line, item, t("bank.option_not_text", option=repr(opt)))
            if all(isinstance(o, str) for o in raw_options):
                options = tuple(o.strip() for o in raw_options)
                seen: set[str] = set()
                for opt in options:
                    if opt in seen:
                        bad("options", t("bank.option_repeated", option=opt))
                    seen.add(opt)
    elif raw_options is not None and qtype is not None:
        bad("options", t("bank.options_not_allowed", type=type_label(qtype)))

    answer = None
    # Without valid options the letters cannot be checked; the options problem is reported already.
    if qtype is not None and given("answer") and (options or not qtype.needs_options):
        try:
            answer = qtype.parse_answer(raw["answer"], len(options))
        except AnswerFormatError as exc:
            bad("answer", str(exc))
        if answer is not None and qtype.input_kind == "blanks" and isinstance(raw.get("stem"), str):
            blanks = raw["stem"].count(BLANK_MARK)
            if blanks != len(answer):  # type: ignore[arg-type]
                bad("answer", t("bank.blanks_mismatch", blanks=blanks, mark=BLANK_MARK, answers=len(answer)))  # type: ignore[arg-type]

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
            bad("source", t("bank.source_missing", error=exc))
        else:
            quote = raw.get("quote")
            if isinstance(quote, str) and quote.strip() and not contains(cited, quote):
                bad("quote", t("bank.quote_mismatch"))

    difficulty = raw.get("difficulty", 2)
    if isinstance(difficulty, bool) or difficulty not in (1, 2, 3):
        bad("difficulty", t("bank.bad_difficulty", value=repr(difficulty)))
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in tags):
        bad("tags", t("bank.bad_tags"))
    points = raw.get("points", qtype.default_points if qtype else 1)
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 < points <= 100:
        bad("points", t("bank.bad_points", value=repr(points)))
    negated = raw.get("negated", False)
    if not isinstance(negated, bool):
        bad("negated", t("bank.bad_negated"))
    group = raw.get("group")
    if group is not None and (not isinstance(group, str) or not QUESTION_ID.match(group)):
        bad("group", t("bank.bad_group", value=repr(group)))
    application = raw.get("application", False)
    if not isinstance(application, bool):
        bad("application", t("bank.bad_application", value=repr(application)))

    if len(out.problems) > before or qtype is None or answer is None or (citation is None and not unsourced):
        return None
    return Question(
        id=f"{bank_id}:{qid}",
        bank=bank_id,
        type=qtype.name,
        stem=raw["stem"].strip(),
        options=options,
        answer=answer,
        explanation=(raw.get("explanation") or "").strip(),
        source=citation,
        quote=(raw.get("quote") or "").strip(),
        difficulty=difficulty,
        tags=tuple(t.strip() for t in tags),
        points=points,
        negated=negated,
        group=group,
        application=application,
        title=raw["title"].strip() if isinstance(raw.get("title"), str) else "",
        line=raw.line,
    )


def parse_equivalents(value: Any, line: int | None, out: _Collector) -> Equivalents:
    """Read ``bank.equivalents``: a list of classes, each a list of at least two interchangeable terms.

    Every problem goes to ``out`` with the line of the class (or of the field); the valid classes are returned.
    A term may stand in one class only, and must have more than punctuation (answers are compared without it).
    """
    if not isinstance(value, list):
        out.add(line, None, t("bank.equivalents_shape"))
        return ()
    classes: list[tuple[str, ...]] = []
    owner: dict[str, int] = {}
    item_lines = getattr(value, "item_lines", [])
    for index, terms in enumerate(value):
        at = item_lines[index] if index < len(item_lines) else line
        if not isinstance(terms, list) or len(terms) < 2:
            out.add(at, None, t("bank.equivalents_class", n=index + 1))
            continue
        bad = [term for term in terms if not isinstance(term, str) or not normalize_answer(term)]
        if bad:
            out.add(at, None, t("bank.equivalents_term", n=index + 1, term=repr(bad[0])))
            continue
        forms = [answer_form(term) for term in terms]
        if len(set(forms)) != len(forms):
            out.add(at, None, t("bank.equivalents_repeated", n=index + 1))
            continue
        clash = [(term, owner[form]) for term, form in zip(terms, forms, strict=True) if form in owner]
        if clash:
            out.add(at, None, t("bank.equivalents_two_classes", term=clash[0][0], n=index + 1, other=clash[0][1] + 1))
            continue
        owner.update(dict.fromkeys(forms, index))
        classes.append(tuple(term.strip() for term in terms))
    return tuple(classes)


def key_texts(question: Question) -> tuple[str, ...]:
    """The texts a typed answer is compared with: accepted blank answers (each item of an order-free one) and
    short-answer keywords; empty for other types."""
    answer = question.answer
    if isinstance(answer, ShortAnswer):
        return tuple(word for group in answer.keywords for word in group)
    if question.type != "blank" or not isinstance(answer, tuple):
        return ()
    texts: list[str] = []
    for accepted in answer:
        for text in accepted:
            texts.extend(getattr(text, "items", (text,)))
    return tuple(texts)


def equivalents_for(question: Question, equivalents: Equivalents) -> Equivalents:
    """The classes of ``equivalents`` with a term in one of the question's :func:`key_texts`.

    A class none of whose terms is in the key cannot make a typed answer equal to the key, so the question need
    not carry it (a stored paper then holds only what its grading uses).
    """
    forms = [answer_form(text) for text in key_texts(question)]
    return tuple(terms for terms in equivalents if any(answer_form(term) in form for term in terms for form in forms))


def parse_bank(
    data: Any,
    path: str,
    types: Mapping[str, QuestionType],
    sources: SourceLibrary | None = None,
) -> Bank:
    """Validate a whole bank document.

    Args:
        data: The document as :func:`exam.yamlsafe.load_yaml` reads it (a ``LineDict`` with ``bank`` and
            ``questions``), so problems can name lines.
        path: The file name used in problems (also stored as ``Bank.path``).
        types: The registered question types by name; a question of another type is a problem.
        sources: When given, every citation must exist in it and every ``quote`` must be in the cited text.

    Returns:
        The bank, questions in file order with ids ``bank:local``.

    Raises:
        BankFormatError: Listing every problem found, each with file, line and question id.
    """
    out = _Collector(path)
    if not isinstance(data, LineDict):
        raise BankFormatError.single(path, 1, None, t("bank.not_bank"))
    for key in sorted(set(data) - {"bank", "questions"}):
        out.add(_line(data, key), None, t("bank.unknown_top_field", key=key))
    meta = data.get("bank")
    bank_id = ""
    title = version = description = ""
    declared_sources: tuple[str, ...] = ()
    equivalents: Equivalents = ()
    if not isinstance(meta, LineDict):
        out.add(_line(data, "bank"), None, t("bank.meta_missing"))
    else:
        for key in sorted(set(meta) - BANK_KEYS):
            out.add(_line(meta, key), None, t("bank.unknown_meta_field", key=key))
        raw_id = meta.get("id")
        bank_id = raw_id if isinstance(raw_id, str) else ""
        if not BANK_ID.match(bank_id):
            out.add(_line(meta, "id"), None, t("bank.bad_bank_id", id=meta.get("id")))
        raw_title = meta.get("title")
        title = raw_title.strip() if isinstance(raw_title, str) else ""
        if not title:
            out.add(_line(meta, "title"), None, t("bank.title_empty"))
        raw_version = meta.get("version", "1")
        version = str(raw_version)
        if not isinstance(raw_version, str):
            out.add(_line(meta, "version"), None, t("bank.version_not_text", version=raw_version))
        description = meta.get("description", "") if isinstance(meta.get("description", ""), str) else ""
        raw_sources = meta.get("sources", [])
        if isinstance(raw_sources, list) and all(isinstance(s, str) for s in raw_sources):
            declared_sources = tuple(raw_sources)
        else:
            out.add(_line(meta, "sources"), None, t("bank.bad_sources"))
        if "equivalents" in meta:
            equivalents = parse_equivalents(meta["equivalents"], _line(meta, "equivalents"), out)

    raw_questions = data.get("questions")
    questions: list[Question] = []
    if not isinstance(raw_questions, list):
        out.add(_line(data, "questions"), None, t("bank.questions_missing"))
    else:
        first_line: dict[str, int | None] = {}
        for raw in raw_questions:
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            qid = raw_id if isinstance(raw_id, str) else None
            duplicate = qid is not None and qid in first_line
            if qid is not None and duplicate:
                out.add(_line(raw, "id"), qid, t("bank.duplicate_id", line=first_line[qid]))
            elif qid is not None:
                first_line[qid] = _line(raw, "id")
            # A duplicate is still checked, so its other mistakes are reported in the same run.
            question = parse_question(raw, bank_id or "bank", types, sources, out, grounded=bool(declared_sources))
            if question is not None and not duplicate:
                questions.append(question)
        if not raw_questions:
            out.add(_line(data, "questions"), None, t("bank.no_questions"))
    if out.problems:
        raise BankFormatError(out.problems)
    if equivalents:
        questions = [replace(q, equivalents=equivalents_for(q, equivalents)) for q in questions]
    return Bank(
        id=bank_id,
        title=title,
        version=version,
        questions=tuple(questions),
        description=description,
        sources=declared_sources,
        path=path,
        equivalents=equivalents,
    )


def load_bank_file(
    path: str | Path,
    types: Mapping[str, QuestionType],
    sources: SourceLibrary | None = None,
    cache: ContentCache | None = None,
) -> Bank:
    """Read and validate one ``*.bank.yaml`` file (safe YAML, see :mod:`exam.yamlsafe`, then :func:`parse_bank`).

    Args:
        path: The file.
        types: The registered question types by name.
        sources: The source texts citations are checked against (see :func:`parse_bank`).
        cache: When given, a bank validated before from the same bytes, with the same types and cited texts, is
            taken from it without parsing (:mod:`exam.bankcache`), and a newly validated bank is stored in it.

    Raises:
        BankFormatError: Listing every problem, YAML-level and bank-level together, in line order.
    """
    with paused_gc():
        return _load_bank_file(path, types, sources, cache)


def _load_bank_file(
    path: str | Path, types: Mapping[str, QuestionType], sources: SourceLibrary | None, cache: ContentCache | None
) -> Bank:
    name = str(path)
    text: str | None = None
    key = ""
    if cache is not None and cache.folder is not None:
        content = read_bytes_capped(path)
        key = cache.key("bank", content)
        cached = cache.get("bank", key)
        from_cache = bank_from_cache(cached, name, types, sources) if cached is not None else None
        if from_cache is not None:
            return from_cache
        text = decode_utf8(name, content)
    found: list[Problem] = []
    # a key written twice must not hide the file's other problems
    data = load_yaml(path, collect=found) if text is None else load_yaml_text(name, text, collect=found)
    found += unsafe_text_problems(data, path)  # refused, not cleaned: the author should see and fix the text
    found = _name_questions(data, found)
    try:
        bank = parse_bank(data, name, types, sources)
    except BankFormatError as exc:
        found.extend(exc.problems)
    if found:
        raise BankFormatError(sorted(found, key=lambda p: p.line or 0))
    if key and cache is not None:
        entry = bank_to_cache(bank, types, sources)
        if entry is not None:
            cache.put("bank", key, entry)
    return bank


# -- the validated-bank cache (issue 17): a bank as plain JSON data, and back ----------------------------------------

_BUILTIN_TYPES = {qtype.name: qtype for qtype in BUILTIN_TYPES}


def _source_fingerprints(bank: Bank, sources: SourceLibrary | None) -> dict[str, str | None]:
    """What the bank's check read of each document its questions cite: its fingerprint, or ``None`` when the
    document was not there (its citations were then not checked)."""
    cited = {q.source.doc for q in bank.questions if q.source is not None}
    return {doc: sources[doc].fingerprint() if sources is not None and doc in sources else None for doc in cited}


def bank_to_cache(bank: Bank, types: Mapping[str, QuestionType], sources: SourceLibrary | None) -> JSON | None:
    """A validated bank as the plain data :func:`bank_from_cache` reads back, with what its check depended on.

    ``None`` when the bank uses a question type a plugin supplied: its key is whatever that plugin's
    ``parse_answer`` returned, which need not be plain data, so such a bank is always read from its file.
    """
    used = sorted({q.type for q in bank.questions})
    if any(types.get(name) is not _BUILTIN_TYPES.get(name) for name in used):
        return None
    questions = [
        [
            q.id, q.type, q.stem, answer_to_json(q.answer), q.explanation,
            None if q.source is None else [q.source.doc, q.source.article, q.source.paragraph, q.source.section],
            q.quote, list(q.options), q.difficulty, list(q.tags), q.points, q.negated, q.group, q.application,
            [list(terms) for terms in q.equivalents], q.title, q.line,
        ]
        for q in bank.questions
    ]  # fmt: skip
    return {
        "types": used,
        "sources": _source_fingerprints(bank, sources),
        "bank": [bank.id, bank.title, bank.version, bank.description, list(bank.sources)],
        "equivalents": [list(terms) for terms in bank.equivalents],
        "questions": questions,
    }


def _strings(value: Any) -> tuple[str, ...]:
    if type(value) is not list:
        raise TypeError("not a list of text")
    for item in value:
        if type(item) is not str:
            raise TypeError("not a list of text")
    return tuple(value)


def _classes(value: Any) -> Equivalents:
    if type(value) is not list:
        raise TypeError("not a list of classes")
    return tuple(_strings(terms) for terms in value)


_QUESTION_FIELDS = tuple(f.name for f in fields(Question))


def _question_from_cache(row: Any, bank_id: str) -> Question:
    """One question of a cache entry; ``TypeError``/``ValueError``/``KeyError`` when the row is not what
    :func:`bank_to_cache` writes."""
    (qid, qtype, stem, answer, explanation, source, quote, options, difficulty, tags, points, negated, group,
     application, equivalents, title, line) = row  # fmt: skip
    # Plain chains of type checks: a 10,000-question bank is read back in well under a tenth of a second.
    if not (
        type(qid) is str and type(qtype) is str and type(stem) is str and type(explanation) is str
        and type(quote) is str and type(title) is str and qid.startswith(bank_id) and qid[len(bank_id)] == ":"
        and type(difficulty) is int and type(negated) is bool and type(application) is bool
        and (type(points) is int or type(points) is float) and (group is None or type(group) is str)
        and (line is None or type(line) is int)
    ):  # fmt: skip
        raise TypeError("question fields")
    citation = None
    if source is not None:
        doc, article, paragraph, section = source
        if not (
            type(doc) is str and (article is None or type(article) is int)
            and (paragraph is None or type(paragraph) is int) and (section is None or type(section) is str)
        ):  # fmt: skip
            raise TypeError("question source")
        citation = Citation(doc=doc, article=article, paragraph=paragraph, section=section)
    key = answer_from_json(qtype, answer)
    if not _answer_shape_ok(qtype, key):
        raise TypeError("question answer")
    values = (
        qid, bank_id, qtype, stem, key, explanation, citation, quote, _strings(options), difficulty, _strings(tags),
        points, negated, group, application, _classes(equivalents) if equivalents else (), title, line,
    )  # fmt: skip
    # Every field is checked above, and Question's __init__ only assigns them (a frozen dataclass, no
    # __post_init__): filling its __dict__ makes the same object four times faster (tests/core/test_bankcache.py
    # compares every question with one read from the file).
    question: Question = object.__new__(Question)
    question.__dict__.update(zip(_QUESTION_FIELDS, values, strict=True))
    return question


def _answer_shape_ok(qtype: str, answer: Any) -> bool:
    """Whether a key read back from a cache entry has the shape the built-in type ``qtype`` gives a key."""
    if qtype == "single":
        return type(answer) is str
    if qtype == "judge":
        return type(answer) is bool
    if qtype == "multiple":
        return type(answer) is tuple and all(type(letter) is str for letter in answer)
    if qtype == "short":
        return (
            isinstance(answer, ShortAnswer)
            and type(answer.reference) is str
            and all(type(word) is str for group in answer.keywords for word in group)
        )
    if qtype == "blank":
        return type(answer) is tuple and all(
            type(accepted) is tuple and all(isinstance(text, str) for text in accepted) for accepted in answer
        )
    return False


def bank_from_cache(
    entry: Any, path: str, types: Mapping[str, QuestionType], sources: SourceLibrary | None
) -> Bank | None:
    """The bank a cache entry holds, or ``None`` when the entry cannot be used.

    It cannot be used when it is not what :func:`bank_to_cache` writes (damaged or foreign: never trusted), when a
    type it uses is no longer the built-in one, or when a source text it cites changed or came or went since the
    entry was written (its citations must then be checked again).

    Args:
        entry: The entry's data, as :meth:`exam.bankcache.ContentCache.get` returns it.
        path: The file name, stored as ``Bank.path`` (the same bytes may be at another path now).
        types: The registered question types.
        sources: The source texts the bank would be checked against.
    """
    try:
        used = entry["types"]
        if any(types.get(name) is not _BUILTIN_TYPES.get(name) for name in _strings(used)):
            return None
        cited = entry["sources"]
        if type(cited) is not dict:
            return None
        for doc, fingerprint in cited.items():
            now = sources[doc].fingerprint() if sources is not None and doc in sources else None
            if now != fingerprint:
                return None
        bank_id, title, version, description, declared = entry["bank"]
        if not all(type(text) is str for text in (bank_id, title, version, description)):
            return None
        questions = tuple(_question_from_cache(row, bank_id) for row in entry["questions"])
        if not {q.type for q in questions} <= set(used):
            return None
        return Bank(
            id=bank_id,
            title=title,
            version=version,
            questions=questions,
            description=description,
            sources=_strings(declared),
            path=path,
            equivalents=_classes(entry["equivalents"]),
        )
    except Exception:  # not the shape bank_to_cache writes (any way at all): a miss, the file is read instead
        return None


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
