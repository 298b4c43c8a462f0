"""Shared by the bank tests: the built-in banks read from their files, a second grounding checker written
independently of :mod:`exam.grounding` and :mod:`exam.textnorm`, and the per-bank figures ``test_counts`` prints.

The second checker exists so that a bug in ``exam.grounding`` (or in the text normalisation it shares with
grading) cannot make every question pass: the rule that matters most, "every keyed answer is in the quote, and the
quote is in the cited text", is decided here from the raw source files with its own normalisation.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from exam.bankcheck import KeySpread, key_spread, overlapping_pairs
from exam.banks import load_bank_file
from exam.models import OPTION_LETTERS, AnyOrder, Bank, Question, ShortAnswer
from exam.qtypes import BUILTIN_TYPES
from exam.sources import Citation, SourceDocument, SourceLibrary
from tests.core._support import BUILTIN_PLUGIN_PACKAGES, builtin_plugin_dir

BANK_SOURCES: dict[str, tuple[str, ...]] = {
    "speech": ("speech",),
    "constitution-2018": ("constitution-2018",),
    "deputies-law-2025": ("deputies-law-2025",),
    "organic-law-2022": ("organic-law-2022",),
    "election-law-2020": ("election-law-2020",),
}
"""Each built-in bank and the only source texts its questions may cite."""

BANK_IDS = tuple(BANK_SOURCES)
OLDER_BANKS = ("speech", "constitution-2018", "deputies-law-2025")
"""The banks of issue 3; issue 16 adds application questions to them."""
NEW_BANKS = ("organic-law-2022", "election-law-2020")
"""The banks of issue 16: the laws a township chair works with every day."""
STATUTES = tuple(doc for docs in BANK_SOURCES.values() for doc in docs if doc != "speech")
QUESTION_TYPES = ("single", "multiple", "judge", "blank", "short")
TYPES = {qtype.name: qtype for qtype in BUILTIN_TYPES}
PREAMBLE = "序言"
SPEECH_END = "由互联网用户分享整理"  # the trailer after the speech proper is not part of it

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def bank_path(bank_id: str) -> Path:
    """The shipped file of a built-in bank, inside its plugin's package."""
    return builtin_plugin_dir(bank_id) / f"{bank_id}.bank.yaml"


@cache
def library() -> SourceLibrary:
    """The shipped source texts, as the application reads them (each bank plugin's ``exam_register_sources``)."""
    documents: list[SourceDocument] = []
    for bank_id in BANK_IDS:
        importlib.import_module(BUILTIN_PLUGIN_PACKAGES[bank_id]).exam_register_sources(documents.append)
    return SourceLibrary({doc.doc_id: doc for doc in documents})


@cache
def builtin_bank(bank_id: str) -> Bank:
    """A built-in bank read from its file.

    Read without the source library on purpose: the loader would then reject the whole bank for one quote that
    does not match, whereas the grounding tests should name the question. Raises ``BankFormatError`` (listing every
    problem) when the file does not load at all; ``functools.cache`` does not cache that, so every test re-raises it.
    """
    return load_bank_file(bank_path(bank_id), TYPES, None)


def question_params() -> list[Any]:
    """One ``pytest.param(bank_id, local_id)`` per question of the built-in banks, with the global id as test id.

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
    sections: dict[int, str]  # 节 (chapter 3 of the Constitution; chapters 2-4 of the Organic Law)
    preamble: tuple[str, ...]


@cache
def raw_statute(doc_id: str) -> RawStatute:
    path = builtin_plugin_dir(doc_id) / f"{doc_id}.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    articles = {int(a["no"]): tuple(a["paragraphs"]) for a in data["articles"]}
    chapters = {int(a["no"]): a.get("chapter") or "" for a in data["articles"]}
    sections = {int(a["no"]): a["section"] for a in data["articles"] if a.get("section")}
    return RawStatute(articles, chapters, sections, tuple(data.get("preamble") or ()))


@cache
def raw_speech() -> str:
    text = (builtin_plugin_dir("speech") / "speech.txt").read_text(encoding="utf-8")
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
    if citation.doc not in STATUTES:
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
    src = question.citation
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
    src = question.citation
    if src.doc == "speech":
        name = section_name(src.section or "")
        return name[0] if name[:1] in "一二三四五六七八九十" and name else name
    if src.article is None:
        return PREAMBLE
    return raw_statute(src.doc).chapters.get(src.article, "?")


@dataclass(frozen=True)
class BankFigures:
    """What issues 3 and 16 count in one bank (the issue-16 figures come from :mod:`exam.bankcheck`, the checks
    ``exam banks validate`` runs; ``tests/core/test_bankcheck.py`` checks those against brute force)."""

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
    cited: frozenset[tuple[int, int | None]]
    """Every (article, paragraph) a question cites."""
    by_article: dict[int, int]
    application: int
    groups: int
    grouped: int
    spread: KeySpread
    overlaps: tuple[tuple[str, str], ...]
    """Ungrouped overlapping pairs (ids)."""

    def share(self, qtype: str) -> float:
        return self.by_type.get(qtype, 0) / self.total if self.total else 0.0

    @property
    def application_share(self) -> float:
        return self.application / self.total if self.total else 0.0

    def questions_on(self, articles: Iterable[int]) -> int:
        """How many questions cite one of ``articles``."""
        return sum(self.by_article.get(article, 0) for article in set(articles))


def bank_figures(bank: Bank) -> BankFigures:
    questions = bank.questions
    sections_in_order = sorted(
        (q.citation.article, raw_statute(q.citation.doc).sections[q.citation.article])
        for q in questions
        if q.citation.article is not None and q.citation.article in raw_statute(q.citation.doc).sections
    )
    return BankFigures(
        bank_id=bank.id,
        title=bank.title,
        total=len(questions),
        by_type=dict(Counter(q.type for q in questions)),
        by_difficulty=dict(Counter(q.difficulty for q in questions)),
        articles=frozenset(q.citation.article for q in questions if q.citation.article is not None),
        sections=frozenset(section_name(q.citation.section) for q in questions if q.citation.section is not None),
        chapters=dict(Counter(chapter_of(q) for q in questions)),
        statute_sections=dict(Counter(section for _, section in sections_in_order)),  # in article order
        short=sum(q.type == "short" for q in questions),
        tagged_2025=sum("2025修正" in q.tags for q in questions),
        without_explanation=tuple(q.id for q in questions if not q.explanation.strip()),
        without_tags=tuple(q.id for q in questions if not q.tags),
        cited=frozenset(
            (q.citation.article, q.citation.paragraph) for q in questions if q.citation.article is not None
        ),
        by_article=dict(Counter(q.citation.article for q in questions if q.citation.article is not None)),
        application=sum(q.application for q in questions),
        groups=len({q.group for q in questions if q.group}),
        grouped=sum(q.group is not None for q in questions),
        spread=key_spread(questions),
        overlaps=tuple((pair.first.id, pair.second.id) for pair in overlapping_pairs(questions)),
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
        lines.append("  by section (节):")
        lines.extend(f"    {_pad(name, 48)} {n:>4}" for name, n in figures.statute_sections.items())
    lines.append(f"  tagged 2025修正: {figures.tagged_2025}")
    keys = figures.spread
    singles = "  ".join(f"{k} {n} ({keys.single_share(k):.0%})" for k, n in keys.single_keys.items())
    lines.append(f"  application questions: {figures.application} ({figures.application_share:.0%})")
    lines.append(f"  single keys: {singles or '-'}")
    lines.append(
        f"  multiple with >= 2 wrong options: {keys.multiple_two_wrong} of {keys.multiple}"
        f" ({keys.two_wrong_share:.0%}); only the last option wrong: {keys.last_only_wrong}"
    )
    wrong = "  ".join(f"{k} {n}" for k, n in keys.wrong_positions.items())
    lines.append(f"  wrong options of multiple questions by position: {wrong or '-'}")
    lines.append(f"  groups: {figures.groups} ({figures.grouped} questions)")
    lines.append(f"  ungrouped overlapping pairs: {len(figures.overlaps)}")
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Left-justify ``text`` to ``width`` terminal columns (a CJK character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - columns)


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


# -- the issue-16 quality rules (decided here from the figures, so they can be tried on constructed banks) ----------

MAX_SINGLE_KEY_SHARE = 0.35
"""No letter may be the key of more than this share of a bank's single-choice questions."""
MIN_TWO_WRONG_SHARE = 0.5
"""Most (more than this share of) multiple-choice questions have at least two wrong options."""
MIN_APPLICATION_SHARE = 0.35
"""Share of application questions in each new bank."""
MIN_APPLICATION_IN_OLDER_BANKS = 80
"""Application questions across the three older banks together."""


def single_key_problems(figures: BankFigures) -> list[str]:
    """Letters keyed in more than 35 % of the bank's single-choice questions."""
    spread = figures.spread
    return [
        f"{letter} is the key of {n} of {spread.singles} single questions ({spread.single_share(letter):.0%})"
        for letter, n in spread.single_keys.items()
        if spread.single_share(letter) > MAX_SINGLE_KEY_SHARE
    ]


def two_wrong_problems(figures: BankFigures) -> list[str]:
    """Empty when most multiple-choice questions have at least two wrong options (or there are none)."""
    spread = figures.spread
    if not spread.multiple or spread.two_wrong_share > MIN_TWO_WRONG_SHARE:
        return []
    return [f"only {spread.multiple_two_wrong} of {spread.multiple} multiple questions have >= 2 wrong options"]


def overlap_problems(figures: BankFigures) -> list[str]:
    """Every overlapping pair of questions that does not share a group."""
    return [f"{a} and {b} overlap without a shared group" for a, b in figures.overlaps]


def application_problems(figures: BankFigures, share: float = MIN_APPLICATION_SHARE) -> list[str]:
    """Empty when at least ``share`` of the bank are application questions."""
    if figures.total and figures.application_share >= share:
        return []
    return [f"{figures.application} of {figures.total} questions are application questions, need {share:.0%}"]


def coverage_problems(figures: BankFigures, questions: int, articles: int) -> list[str]:
    """Empty when the bank has at least ``questions`` questions over at least ``articles`` distinct articles."""
    problems = []
    if figures.total < questions:
        problems.append(f"{figures.total} questions, need {questions}")
    if len(figures.articles) < articles:
        problems.append(f"{len(figures.articles)} distinct articles, need {articles}")
    return problems


def topic_problems(figures: BankFigures, topics: Mapping[str, Iterable[int]]) -> list[str]:
    """Topics (each a set of articles) that no question cites."""
    return [f"no question on {name} (articles {sorted(arts)})" for name, arts in topics.items()
            if not figures.questions_on(arts)]  # fmt: skip


ORGANIC_CHAPTER_2 = range(7, 46)
"""第二章 地方各级人民代表大会 (arts 7-45), where the township congress's own rules are."""
ORGANIC_TOPICS: dict[str, range | set[int]] = {
    "乡镇人大的职权，含审查和批准本级预算（第十二条）": {12},
    "会议：每年两次、三分之二以上代表出席、五分之一以上代表提议临时召集（第十四条）": {14},
    "乡镇人大主席、副主席和主席团（第十八条、第十九条）": {18, 19},
    "代表五人以上联名提出议案（第二十二条）": {22},
    "罢免和辞职（第三十一条、第三十二条）": {31, 32},
    "街道人大工作机构（第五十九条）": {59},
}
"""What issue 16 names as the township congress's law, by article of the Local Organic Law (2022)."""

ELECTION_NOT_TOWNSHIP = {6, 16, 17, 18, 33, 39, 51}
"""Election Law (2020) articles that concern only the NPC or indirect elections, never a county or township direct
election: the army's elections (6), NPC deputies and their quotas (第四章, 16-18), congresses at county level and
above electing the next level up (33, 39) and recalling deputies so elected (51). Questions that contrast levels
may cite them; a bank weighted to direct elections does not lean on them."""
MAX_NOT_TOWNSHIP_SHARE = 0.2
ELECTION_RECALL = range(49, 58)
"""第十章 对代表的监督和罢免、辞职、补选 (arts 49-57): 9 of the law's 60 articles."""
MIN_RECALL_SHARE = 0.15
"""At least the chapter's share of the law's articles: weighted to recall, not below it."""
ELECTION_TOPICS: dict[str, range | set[int]] = {
    "县乡人大代表由选民直接选举（第三条）": {3},
    "选区划分（第二十五条、第二十六条）": {25, 26},
    "代表候选人的提出（第三十条至第三十五条）": range(30, 36),
    "选民罢免代表（第四十九条至第五十三条）": range(49, 54),
    "补选（第五十七条）": {57},
}
"""What issue 16 names for the Election Law bank: direct election, constituencies, candidates, recall, by-elections."""

WEIGHT = 0.5
"""The weighted part of each new bank is at least half of its questions."""


def organic_weighting_problems(figures: BankFigures) -> list[str]:
    """Where a Local Organic Law bank is not weighted to the township congress (see the constants above)."""
    problems = topic_problems(figures, ORGANIC_TOPICS)
    weighted = figures.questions_on([*ORGANIC_CHAPTER_2, 59])
    if weighted < WEIGHT * figures.total:
        problems.append(f"{weighted} of {figures.total} questions on chapter 2 or art. 59, need {WEIGHT:.0%}")
    top = max(figures.chapters.items(), key=lambda item: item[1], default=("", 0))[0]
    if not top.startswith("第二章"):
        problems.append(f"chapter with most questions is {top!r}, not 第二章: {figures.chapters}")
    if (59, 3) not in figures.cited:
        problems.append("no question on the 街道 working committee (art. 59 款3)")
    return problems


def election_weighting_problems(figures: BankFigures) -> list[str]:
    """Where an Election Law bank is not weighted to direct elections and recall (see the constants above)."""
    problems = topic_problems(figures, ELECTION_TOPICS)
    elsewhere = figures.questions_on(ELECTION_NOT_TOWNSHIP)
    if elsewhere > MAX_NOT_TOWNSHIP_SHARE * figures.total:
        problems.append(
            f"{elsewhere} of {figures.total} questions on NPC or indirect elections only, "
            f"at most {MAX_NOT_TOWNSHIP_SHARE:.0%}"
        )
    recall = figures.questions_on(ELECTION_RECALL)
    if recall < MIN_RECALL_SHARE * figures.total:
        problems.append(f"{recall} of {figures.total} questions on 第十章 (recall), need {MIN_RECALL_SHARE:.0%}")
    return problems
