"""Domain state: plain frozen dataclasses, validated at the boundary (:mod:`exam.banks`, :mod:`exam.papers`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from exam.sources import Citation

OPTION_LETTERS = "ABCDEFGH"


def letters_in_order(letters: Iterable[str]) -> list[str]:
    """Option letters in A–H order, each once: the one order in which a multiple-choice key or response is shown.

    Anything that is not an option letter (a damaged or foreign record) follows, in the order given."""
    given = list(dict.fromkeys(letters))
    known = sorted((c for c in given if c in OPTION_LETTERS), key=OPTION_LETTERS.index)
    return known + [c for c in given if c not in OPTION_LETTERS]


JSON = Any


@dataclass(frozen=True)
class ShortAnswer:
    """Key of a ``short`` question: a reference answer and the keyword groups that earn points."""

    reference: str
    keywords: tuple[tuple[str, ...], ...]


class AnyOrder(str):
    """An accepted blank answer that lists items which may be typed in any order (``{any_order: [主动性, 积极性]}``).

    It is a ``str`` whose value is the items joined by 、 (主动性、积极性), so that whatever shows or exports a key as
    text (review, score sheets, GIFT) needs no case for it; only grading and the grounding checks look at
    :attr:`items`. Equality is that of the text, so a key changed only to order-free counts as the same key.
    """

    items: tuple[str, ...]

    def __new__(cls, items: tuple[str, ...] | list[str]) -> AnyOrder:
        items = tuple(items)
        text = super().__new__(cls, "、".join(items))
        text.items = items
        return text

    def __getnewargs__(self) -> tuple[tuple[str, ...]]:  # type: ignore[override]
        return (self.items,)

    def __repr__(self) -> str:
        return f"AnyOrder({list(self.items)!r})"


Answer = str | tuple[str, ...] | bool | tuple[tuple[str, ...], ...] | ShortAnswer
"""single → "B"; multiple → ("A", "C"); judge → bool; blank → one tuple of accepted strings per blank (an
:class:`AnyOrder` among them for an order-free list); short."""

Equivalents = tuple[tuple[str, ...], ...]
"""Classes of interchangeable terms a bank declares (``equivalents: [[人大, 人民代表大会], [上级, 上一级]]``)."""


@dataclass(frozen=True)
class Question:
    """One question of a bank. ``id`` is global (``bank:local``)."""

    id: str
    bank: str
    type: str
    stem: str
    answer: Answer
    explanation: str
    source: Citation | None
    """Where the key is stated; ``None`` for a question of an imported bank that names no source (未注明出处: see
    :attr:`unsourced`). Banks that declare ``sources`` (the built-ins) never hold such a question."""
    quote: str
    options: tuple[str, ...] = ()
    difficulty: int = 2
    tags: tuple[str, ...] = ()
    points: float = 1
    negated: bool = False
    group: str | None = None
    """Related questions (asking the same fact) share a bank-local group name; a paper draws at most one of them."""
    application: bool = False
    """An application question: a short township situation, which organ, which threshold, which level."""
    equivalents: Equivalents = ()
    """The bank's classes of interchangeable terms that concern this question's key (blank and short answers are
    compared with them); carried by the question so that a stored paper is graded as it was drawn."""
    title: str = ""
    """An optional name (a Moodle question's ``name``, GIFT ``::title::``); kept for export, not shown to trainees."""
    line: int | None = field(default=None, compare=False)

    @property
    def unsourced(self) -> bool:
        """Whether the question names no source (shown as 未注明出处 where the citation would be)."""
        return self.source is None

    @property
    def citation(self) -> Citation:
        """The source of a question known to name one (every question of a bank that declares ``sources``).

        Raises:
            ValueError: The question is unsourced.
        """
        if self.source is None:
            raise ValueError(f"{self.id} names no source")
        return self.source

    @property
    def local_id(self) -> str:
        """The id inside its bank: ``q001`` for ``speech:q001``."""
        return self.id.split(":", 1)[1]

    def answer_json(self) -> JSON:
        """The key in the documented JSON form (see docs/bank-format.md and ``exam banks dump``)."""
        return answer_to_json(self.answer)

    def to_dict(self) -> dict[str, JSON]:
        """The documented ``exam banks dump`` record."""
        record: dict[str, JSON] = {
            "id": self.id,
            "bank": self.bank,
            "type": self.type,
            "stem": self.stem,
            "options": list(self.options),
            "answer": self.answer_json(),
            "explanation": self.explanation,
            "source": self.source.as_dict() if self.source is not None else None,
            "quote": self.quote,
            "difficulty": self.difficulty,
            "tags": list(self.tags),
            "points": self.points,
        }
        if self.negated:
            record["negated"] = True
        if self.group:
            record["group"] = self.group
        if self.application:
            record["application"] = True
        if self.equivalents:
            record["equivalents"] = [list(terms) for terms in self.equivalents]
        if self.title:
            record["title"] = self.title
        return record

    @classmethod
    def from_dict(cls, data: dict[str, JSON]) -> Question:
        """Rebuild a question from :meth:`to_dict` (used for the paper snapshot stored with an attempt)."""
        return cls(
            id=data["id"],
            bank=data["bank"],
            type=data["type"],
            stem=data["stem"],
            answer=answer_from_json(data["type"], data["answer"]),
            explanation=data.get("explanation", ""),
            source=Citation(**data["source"]) if data.get("source") else None,
            quote=data.get("quote", ""),
            options=tuple(data.get("options") or ()),
            difficulty=int(data.get("difficulty", 2)),
            tags=tuple(data.get("tags") or ()),
            points=data.get("points", 1),
            negated=bool(data.get("negated", False)),
            group=data.get("group"),
            application=bool(data.get("application", False)),
            equivalents=tuple(tuple(terms) for terms in data.get("equivalents") or ()),
            title=data.get("title", ""),
        )


def accepted_to_json(accepted: str) -> JSON:
    """One accepted blank answer as written in a bank file: the text, or ``{"any_order": [items]}``."""
    return {"any_order": list(accepted.items)} if isinstance(accepted, AnyOrder) else accepted


def accepted_from_json(value: JSON) -> str:
    """The reverse of :func:`accepted_to_json`."""
    return AnyOrder(value["any_order"]) if isinstance(value, dict) else value


def answer_to_json(answer: Answer) -> JSON:
    """A key in its documented JSON form (docs/bank-format.md).

    Returns:
        ``{"reference", "keywords": [[...]]}`` for a short answer; the ``bool`` (judge) or ``str`` (single) as is;
        a list of lists of accepted forms for blanks; a list of letters for multiple choice.
    """
    if isinstance(answer, ShortAnswer):
        return {"reference": answer.reference, "keywords": [list(group) for group in answer.keywords]}
    if isinstance(answer, (bool, str)):
        return answer
    if answer and isinstance(answer[0], tuple):
        return [[accepted_to_json(a) for a in group] for group in answer]
    return list(answer)


def answer_from_json(qtype: str, value: JSON) -> Answer:
    """The reverse of :func:`answer_to_json` for a question of type ``qtype``.

    Raises:
        KeyError, TypeError: ``value`` is not the JSON form of a key (it is trusted: it was written by the program).
    """
    if qtype == "short" or isinstance(value, dict):
        return ShortAnswer(value["reference"], tuple(tuple(g) for g in value["keywords"]))
    if isinstance(value, list):
        if value and isinstance(value[0], list):
            return tuple(tuple(accepted_from_json(a) for a in g) for g in value)
        return tuple(value)
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Bank:
    """A question bank: metadata plus its questions, as registered by a plugin."""

    id: str
    title: str
    version: str
    questions: tuple[Question, ...]
    description: str = ""
    sources: tuple[str, ...] = ()
    path: str | None = None
    equivalents: Equivalents = ()
    """Classes of interchangeable terms for comparing typed answers (``bank.equivalents``)."""

    def count_by_type(self) -> dict[str, int]:
        """Number of questions by type name (``{"single": 40, ...}``); types with none are absent."""
        counts: dict[str, int] = {}
        for question in self.questions:
            counts[question.type] = counts.get(question.type, 0) + 1
        return counts


@dataclass(frozen=True)
class Trainee:
    """Who sits an exam. ``id`` is the 考号 (or the last six digits of the ID card)."""

    name: str
    id: str
    unit: str = ""
    position: str = ""

    def as_dict(self) -> dict[str, str]:
        """The four fields by name, as stored and exported."""
        return {"name": self.name, "id": self.id, "unit": self.unit, "position": self.position}
