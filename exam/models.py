"""Domain state: plain frozen dataclasses, validated at the boundary (:mod:`exam.banks`, :mod:`exam.papers`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from exam.sources import Citation

OPTION_LETTERS = "ABCDEFGH"

JSON = Any


@dataclass(frozen=True)
class ShortAnswer:
    """Key of a ``short`` question: a reference answer and the keyword groups that earn points."""

    reference: str
    keywords: tuple[tuple[str, ...], ...]


Answer = str | tuple[str, ...] | bool | tuple[tuple[str, ...], ...] | ShortAnswer
"""single → "B"; multiple → ("A", "C"); judge → bool; blank → one tuple of accepted strings per blank; short."""


@dataclass(frozen=True)
class Question:
    """One question of a bank. ``id`` is global (``bank:local``)."""

    id: str
    bank: str
    type: str
    stem: str
    answer: Answer
    explanation: str
    source: Citation
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
    line: int | None = field(default=None, compare=False)

    @property
    def local_id(self) -> str:
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
            "source": self.source.as_dict(),
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
            source=Citation(**data["source"]),
            quote=data.get("quote", ""),
            options=tuple(data.get("options") or ()),
            difficulty=int(data.get("difficulty", 2)),
            tags=tuple(data.get("tags") or ()),
            points=data.get("points", 1),
            negated=bool(data.get("negated", False)),
            group=data.get("group"),
            application=bool(data.get("application", False)),
        )


def answer_to_json(answer: Answer) -> JSON:
    if isinstance(answer, ShortAnswer):
        return {"reference": answer.reference, "keywords": [list(group) for group in answer.keywords]}
    if isinstance(answer, (bool, str)):
        return answer
    if answer and isinstance(answer[0], tuple):
        return [list(group) for group in answer]
    return list(answer)


def answer_from_json(qtype: str, value: JSON) -> Answer:
    if qtype == "short" or isinstance(value, dict):
        return ShortAnswer(value["reference"], tuple(tuple(g) for g in value["keywords"]))
    if isinstance(value, list):
        if value and isinstance(value[0], list):
            return tuple(tuple(g) for g in value)
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

    def count_by_type(self) -> dict[str, int]:
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
        return {"name": self.name, "id": self.id, "unit": self.unit, "position": self.position}
