"""Shared by the bank tests: the built-in banks read from their files, a second grounding checker written
independently of :mod:`exam.grounding` and :mod:`exam.textnorm`, and the per-bank figures ``test_counts`` prints.

The second checker exists so that a bug in ``exam.grounding`` (or in the text normalisation it shares with
grading) cannot make every question pass: the rule that matters most, "every keyed answer is in the quote, and the
quote is in the cited text", is decided here from the raw source files with its own normalisation.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from exam.banks import load_bank_file
from exam.models import OPTION_LETTERS, AnyOrder, Bank, Question, ShortAnswer
from exam.qtypes import BUILTIN_TYPES
from exam.resources import builtin_banks_dir, sources_dir
from exam.sources import Citation, SourceLibrary, builtin_library

BANK_SOURCES: dict[str, tuple[str, ...]] = {
    "speech": ("speech",),
    "constitution-2018": ("constitution-2018",),
    "deputies-law-2025": ("deputies-law-2025",),
}
"""Each built-in bank and the only source texts its questions may cite."""

BANK_IDS = tuple(BANK_SOURCES)
QUESTION_TYPES = ("single", "multiple", "judge", "blank", "short")
TYPES = {qtype.name: qtype for qtype in BUILTIN_TYPES}
PREAMBLE = "序言"
SPEECH_END = "由互联网用户分享整理"  # the trailer after the speech proper is not part of it

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def bank_path(bank_id: str) -> Path:
    """The shipped file of a built-in bank."""
    return builtin_banks_dir() / f"{bank_id}.bank.yaml"


@cache
def library() -> SourceLibrary:
    """The shipped source texts, as the application reads them."""
    return builtin_library()


@cache
def builtin_bank(bank_id: str) -> Bank:
    """A built-in bank read from its file.

    Read without the source library on purpose: the loader would then reject the whole bank for one quote that
    does not match, whereas the grounding tests should name the question. Raises ``BankFormatError`` (listing every
    problem) when the file does not load at all; ``functools.cache`` does not cache that, so every test re-raises it.
    """
    return load_bank_file(bank_path(bank_id), TYPES, None)


def question_params() -> list[Any]:
    """One ``pytest.param(bank_id, local_id)`` per question of the three banks, with the global id as test id.

    A bank that does not load still yields one param, whose test then fails with the loader's problems, so a broken
    file fails the run instead of silently contributing no questions.
    """
    params: list[Any] = []
    for bank_id in BANK_IDS:
        try:
            bank = builtin_bank(bank_id)
        except Exception:
            params.append(pytest.param(bank_id, None, id=f"{bank_id}:<bank-does-not-load>"))
            continue
        params.extend(pytest.param(bank_id, q.local_id, id=q.id) for q in bank.questions)
    return params


def get_question(bank_id: str, local_id: str | None) -> Question:
    """The question ``local_id`` of a built-in bank (raises the load error when the bank does not load)."""
    bank = builtin_bank(bank_id)
    for question in bank.questions:
        if question.local_id == local_id:
            return question
    raise LookupError(f"{bank_id}:{local_id} is no longer in the bank (edited during the run?)")


# -- an independent normalisation --------------------------------------------------------------------------------

_LOOKALIKES = str.maketrans({"○": "〇", "◯": "〇", "“": '"', "”": '"', "‘": "'", "’": "'"})
_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")
_QUOTED = re.compile(r"“([^”]+)”")


def fold(text: str) -> str:
    """Fold punctuation width (NFKC), 〇/○ and curly quotes, and drop white space; punctuation itself stays."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_LOOKALIKES))


def occurs(needle: str, haystack: str) -> bool:
    """Whether ``needle`` is in ``haystack`` after :func:`fold` on both (an empty needle never counts)."""
    folded = fold(needle)
    return bool(folded) and folded in fold(haystack)


def bare(text: str) -> str:
    """Only the letters and digits of ``text``, case-folded: for comparing stems and options."""
    return _NOT_WORD.sub("", fold(text)).casefold()


def article_label(number: int) -> str:
    """``第X条`` as statutes write it: 1 → 第一条, 10 → 第十条, 101 → 第一百零一条, 110 → 第一百一十条."""
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    text = digits[hundreds] + "百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    if ones:
        text += digits[ones]
    return f"第{text}条"


# -- the raw source files ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawStatute:
    """A statute as its YAML file says, read without :mod:`exam.sources`."""

    articles: dict[int, tuple[str, ...]]
    chapters: dict[int, str]
    sections: dict[int, str]  # 节 (only chapter 3 of the Constitution has them)
    preamble: tuple[str, ...]


@cache
def raw_statute(doc_id: str) -> RawStatute:
    data = yaml.load((sources_dir() / f"{doc_id}.yaml").read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    articles = {int(a["no"]): tuple(a["paragraphs"]) for a in data["articles"]}
    chapters = {int(a["no"]): a.get("chapter") or "" for a in data["articles"]}
    sections = {int(a["no"]): a["section"] for a in data["articles"] if a.get("section")}
    return RawStatute(articles, chapters, sections, tuple(data.get("preamble") or ()))


@cache
def raw_speech() -> str:
    text = (sources_dir() / "speech.txt").read_text(encoding="utf-8")
    return text.split(SPEECH_END)[0]


@cache
def speech_section_names() -> frozenset[str]:
    """标题, 引言, 结语, the parts 一…三 and their points 一（一）…, from the headings of the speech text."""
    names = {"标题", "引言", "结语"}
    part = ""
    for line in raw_speech().splitlines():
        line = line.strip()
        if m := re.match(r"([一二三四五六七八九十]+)、", line):
            part = m.group(1)
            names.add(part)
        elif (m := re.match(r"[（(]([一二三四五六七八九十]+)[）)]", line)) and part:
            names.add(f"{part}（{m.group(1)}）")
    return frozenset(names)


def section_name(section: str) -> str:
    """``一(二)`` and ``一（二）`` name the same section."""
    return unicodedata.normalize("NFKC", section).replace("(", "（").replace(")", "）").replace(" ", "")


def raw_cited_text(citation: Citation) -> str | None:
    """The text at ``citation`` read straight from the source file; ``None`` when that place does not exist.

    For the speech this is the whole speech (the section boundaries are checked by ``exam.grounding``).
    """
    if citation.doc == "speech":
        if citation.article is not None or citation.section is None:
            return None
        return raw_speech() if section_name(citation.section) in speech_section_names() else None
    if citation.doc not in ("constitution-2018", "deputies-law-2025"):
        return None
    statute = raw_statute(citation.doc)
    if citation.article is not None:
        paragraphs = statute.articles.get(citation.article)
    elif citation.section == PREAMBLE:
        paragraphs = statute.preamble
    else:
        return None
    if not paragraphs or citation.paragraph is None or not 1 <= citation.paragraph <= len(paragraphs):
        return None
    return paragraphs[citation.paragraph - 1]


# -- the independent checker -------------------------------------------------------------------------------------


def answer_items(accepted: str) -> tuple[str, ...]:
    """The texts an accepted blank answer keys: the items of an order-free answer (``{any_order: [...]}``), each of
    which the quote must state, or the answer itself."""
    return accepted.items if isinstance(accepted, AnyOrder) else (accepted,)


def _keys(question: Question) -> set[str]:
    answer = question.answer
    return {answer} if isinstance(answer, str) else set(answer)  # type: ignore[arg-type]


def key_problems(question: Question) -> list[str]:
    """Where a keyed answer is not stated by the quote (or, for ``negated``, where the reverse fails).

    For a choice question that is not negated, a distractor found in the quote is reported too: then the quote
    supports the distractor as much as the key, and the key is at best ambiguous.
    """
    problems: list[str] = []
    quote = question.quote
    if question.type in ("single", "multiple"):
        keys = _keys(question)
        for letter, option in zip(OPTION_LETTERS, question.options, strict=False):
            present = occurs(option, quote)
            if question.negated:
                if letter in keys and present:
                    problems.append(f"negated question: key {letter} “{option}” is in the quote")
                if letter not in keys and not present:
                    problems.append(f"negated question: option {letter} “{option}” is not in the quote")
            elif letter in keys and not present:
                problems.append(f"key {letter} “{option}” is not in the quote")
            elif letter not in keys and present:
                problems.append(f"distractor {letter} “{option}” is in the quote too")
    elif question.type == "blank":
        for i, accepted in enumerate(question.answer, 1):  # type: ignore[arg-type]
            problems.extend(
                f"blank {i}: accepted answer “{text}” is not in the quote"
                for answer in accepted
                for text in answer_items(answer)
                if not occurs(text, quote)
            )
    elif question.type == "short":
        assert isinstance(question.answer, ShortAnswer)
        problems.extend(
            f"keyword group {list(group)} has no word in the quote"
            for group in question.answer.keywords
            if not any(occurs(word, quote) for word in group)
        )
    return problems


def independent_problems(question: Question, bank_id: str) -> list[str]:
    """Every grounding rule of issue 3, decided without :mod:`exam.grounding`; empty when the question is grounded."""
    problems: list[str] = []
    src = question.source
    if src.doc not in BANK_SOURCES[bank_id]:
        problems.append(f"cites “{src.doc}”, which is not a source of bank {bank_id} {BANK_SOURCES[bank_id]}")
    if src.doc != "speech" and src.paragraph is None:
        problems.append("a statute citation must give the paragraph (款)")
    cited = raw_cited_text(src)
    if cited is None:
        problems.append(f"the cited place does not exist: {src.as_dict()}")
    elif not occurs(question.quote, cited):
        problems.append("quote is not verbatim in the cited text")

    problems.extend(key_problems(question))
    if question.options and len({bare(o) for o in question.options}) != len(question.options):
        problems.append(f"the option list repeats an option: {list(question.options)}")
    if question.type == "judge":
        spans = [s for s in _QUOTED.findall(question.explanation) if len(bare(s)) >= 4]
        if not any(occurs(span, question.quote) for span in spans):
            problems.append("judge explanation does not quote in “…” the words of the quote that decide it")

    if src.article is not None:
        if article_label(src.article) not in question.explanation:
            problems.append(f"explanation does not name {article_label(src.article)}")
    elif src.section == PREAMBLE:
        if PREAMBLE not in question.explanation:
            problems.append("explanation does not name 序言")
    elif src.section is not None and section_name(src.section) not in section_name(question.explanation):
        problems.append(f"explanation does not name the section {src.section}")
    if not question.explanation.strip():
        problems.append("no explanation")
    return problems


# -- figures for test_counts -------------------------------------------------------------------------------------


def chapter_of(question: Question) -> str:
    """The chapter (statutes; the preamble is 序言) or speech part (引言, 一, 二, 三, 结语 …) a question is on."""
    src = question.source
    if src.doc == "speech":
        name = section_name(src.section or "")
        return name[0] if name[:1] in "一二三四五六七八九十" and name else name
    if src.article is None:
        return PREAMBLE
    return raw_statute(src.doc).chapters.get(src.article, "?")


@dataclass(frozen=True)
class BankFigures:
    """What issue 3 counts in one bank."""

    bank_id: str
    title: str
    total: int
    by_type: dict[str, int]
    by_difficulty: dict[int, int]
    articles: frozenset[int]
    sections: frozenset[str]
    chapters: dict[str, int]
    statute_sections: dict[str, int]
    short: int
    tagged_2025: int
    without_explanation: tuple[str, ...]
    without_tags: tuple[str, ...]

    def share(self, qtype: str) -> float:
        return self.by_type.get(qtype, 0) / self.total if self.total else 0.0


def bank_figures(bank: Bank) -> BankFigures:
    questions = bank.questions
    return BankFigures(
        bank_id=bank.id,
        title=bank.title,
        total=len(questions),
        by_type=dict(Counter(q.type for q in questions)),
        by_difficulty=dict(Counter(q.difficulty for q in questions)),
        articles=frozenset(q.source.article for q in questions if q.source.article is not None),
        sections=frozenset(section_name(q.source.section) for q in questions if q.source.section is not None),
        chapters=dict(Counter(chapter_of(q) for q in questions)),
        statute_sections=dict(
            Counter(
                raw_statute(q.source.doc).sections[q.source.article]
                for q in questions
                if q.source.article is not None and q.source.article in raw_statute(q.source.doc).sections
            )
        ),
        short=sum(q.type == "short" for q in questions),
        tagged_2025=sum("2025修正" in q.tags for q in questions),
        without_explanation=tuple(q.id for q in questions if not q.explanation.strip()),
        without_tags=tuple(q.id for q in questions if not q.tags),
    )


def figures_table(figures: BankFigures) -> str:
    """A plain-text table of one bank's figures, as printed by ``test_counts``."""
    lines = [f"== {figures.bank_id} ({figures.title}): {figures.total} questions =="]
    lines.append("  type       count  share")
    for qtype in QUESTION_TYPES:
        n = figures.by_type.get(qtype, 0)
        lines.append(f"  {qtype:<9} {n:>6}  {figures.share(qtype):>5.1%}")
    spread = "  ".join(
        f"{level}: {figures.by_difficulty.get(level, 0)} ({figures.by_difficulty.get(level, 0) / figures.total:.0%})"
        for level in (1, 2, 3)
    )
    lines.append(f"  difficulty  {spread}")
    lines.append(f"  distinct articles: {len(figures.articles)}   distinct sections: {len(figures.sections)}")
    lines.append("  by chapter/part:")
    lines.extend(f"    {_pad(name, 30)} {n:>4}" for name, n in sorted(figures.chapters.items(), key=_chapter_order))
    if figures.statute_sections:
        lines.append("  by section (节) of 第三章:")
        lines.extend(
            f"    {_pad(name, 48)} {n:>4}" for name, n in sorted(figures.statute_sections.items(), key=_section_order)
        )
    lines.append(f"  tagged 2025修正: {figures.tagged_2025}")
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Left-justify ``text`` to ``width`` terminal columns (a CJK character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - columns)


def _section_order(item: tuple[str, int]) -> int:
    numerals = "一二三四五六七八九"
    return numerals.index(item[0][1]) if item[0][1:2] and item[0][1] in numerals else len(numerals)


_ORDER = ["标题", "引言", "序言", "一", "二", "三", "四", "五", "六", "结语"]


def _chapter_order(item: tuple[str, int]) -> tuple[int, str]:
    name = item[0]
    for i, prefix in enumerate(_ORDER):
        if name == prefix or name.startswith(f"第{prefix}章"):
            return (i, name)
    return (len(_ORDER), name)


def all_figures_tables() -> str:
    """The tables of every built-in bank that loads (a bank that does not is named instead)."""
    tables = []
    for bank_id in BANK_IDS:
        try:
            tables.append(figures_table(bank_figures(builtin_bank(bank_id))))
        except Exception as exc:
            tables.append(f"== {bank_id}: does not load: {type(exc).__name__}")
    return "\n".join(tables)
