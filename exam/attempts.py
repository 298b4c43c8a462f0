"""The attempt (答卷): one trainee's sitting of one paper, as a typed, immutable record.

Every layer passes :class:`Attempt` objects; dicts exist only on disk and in exported files, made by the one
:meth:`Attempt.to_json` / :meth:`Attempt.from_json` pair. The JSON shape is documented in ``docs/storage.md``
(it is also the ``exam results export`` line format); ``schema`` says which version wrote it, and older records
are migrated on read (:func:`migrate_json`).

States (see docs/storage.md for the files each step writes)::

    in_progress ──submit──▶ submitted
         │
         └──deadline passed──▶ auto_submitted

A closed attempt never opens again; regrading and hand marking change its points and append to ``history``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from exam.models import Trainee
from exam.papers import DrawnPaper

SCHEMA_VERSION = 2
"""Version of the attempt JSON written by this release. 1: the first release (no ``schema`` key)."""


class AttemptStatus(StrEnum):
    """Where an attempt is in its life."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    AUTO_SUBMITTED = "auto_submitted"

    @property
    def closed(self) -> bool:
        return self is not AttemptStatus.IN_PROGRESS


def to_iso(moment: datetime) -> str:
    """ISO 8601 with the UTC offset, to the second (the form every stored time uses)."""
    return moment.isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Response:
    """One saved response: the value in the documented form (see ``check_response``) and when it was saved."""

    value: Any
    at: str


@dataclass(frozen=True)
class GradedAnswer:
    """The score of one question of a closed attempt.

    ``points`` is in the paper's points (0 … ``max_points``, two decimals); ``needs_review`` marks a short answer
    that waits for a trainer's mark; ``marked_by`` names the trainer who set the points by hand.
    """

    question_id: str
    type: str
    response: Any
    points: float
    max_points: float
    needs_review: bool = False
    marked_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "question_id": self.question_id,
            "type": self.type,
            "response": self.response,
            "points": self.points,
            "max_points": self.max_points,
            "needs_review": self.needs_review,
        }
        if self.marked_by:
            record["marked_by"] = self.marked_by
        return record

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GradedAnswer:
        return cls(
            question_id=data["question_id"],
            type=data.get("type", ""),
            response=data.get("response"),
            points=float(data.get("points") or 0),
            max_points=float(data.get("max_points") or 0),
            needs_review=bool(data.get("needs_review", False)),
            marked_by=data.get("marked_by"),
        )


@dataclass(frozen=True)
class HistoryEntry:
    """One event in an attempt's life that a trainer may need to see.

    ``action`` is one of ``extra_time``, ``regrade``, ``mark``, ``clock_jump``, ``takeover``; ``detail`` holds the
    action's own fields (``old``/``new``, ``reason``, ``questions`` …), stored flat beside ``action``/``by``/``at``.
    """

    action: str
    at: str
    by: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "by": self.by, "at": self.at, **self.detail}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HistoryEntry:
        detail = {k: v for k, v in data.items() if k not in ("action", "by", "at")}
        return cls(str(data.get("action", "")), str(data.get("at", "")), str(data.get("by", "")), detail)


@dataclass(frozen=True)
class Attempt:
    """One trainee's sitting of one paper.

    A *summary* (from :meth:`AttemptStore.list_attempts`) has ``drawn=None`` and no responses, answers or history;
    a full attempt has the drawn paper exactly as the trainee saw it. Times are timezone-aware datetimes.
    """

    attempt_id: str
    trainee: Trainee
    paper: str
    paper_title: str
    status: AttemptStatus
    started_at: datetime
    deadline: datetime
    max_score: float
    attempt_no: int = 1
    origin: str = ""
    submitted_at: datetime | None = None
    score: float | None = None
    passed: bool | None = None
    drawn: DrawnPaper | None = None
    responses: Mapping[str, Response] = field(default_factory=dict)
    answers: tuple[GradedAnswer, ...] = ()
    history: tuple[HistoryEntry, ...] = ()

    @property
    def closed(self) -> bool:
        return self.status.closed

    @property
    def paper_snapshot(self) -> DrawnPaper:
        """The drawn paper; raises ``ValueError`` on a summary."""
        if self.drawn is None:
            raise ValueError(f"attempt {self.attempt_id} was read as a summary, without its paper")
        return self.drawn

    def response(self, question_id: str) -> Any:
        """The saved response to a question (``None`` when unanswered)."""
        saved = self.responses.get(question_id)
        return saved.value if saved is not None else None

    def with_history(self, *entries: HistoryEntry) -> Attempt:
        return replace(self, history=(*self.history, *entries))

    def summary(self) -> Attempt:
        """The index row: everything but the paper, responses, answers and history."""
        return replace(self, drawn=None, responses={}, answers=(), history=())

    # -- JSON ---------------------------------------------------------------------------------------------------

    def to_json(self, summary: bool = False) -> dict[str, Any]:
        """The documented record (``summary=True``: the index row, without paper, responses and answers)."""
        record: dict[str, Any] = {
            "schema": SCHEMA_VERSION,
            "attempt_id": self.attempt_id,
            "trainee": self.trainee.as_dict(),
            "paper": self.paper,
            "paper_title": self.paper_title,
            "status": self.status.value,
            "started_at": to_iso(self.started_at),
            "submitted_at": to_iso(self.submitted_at) if self.submitted_at else None,
            "deadline": to_iso(self.deadline),
            "score": self.score,
            "max_score": self.max_score,
            "passed": self.passed,
            "attempt_no": self.attempt_no,
            "origin": self.origin,
        }
        if summary:
            return record
        record["drawn"] = self.drawn.to_dict() if self.drawn else None
        record["responses"] = {qid: {"response": r.value, "at": r.at} for qid, r in self.responses.items()}
        record["answers"] = [a.to_json() for a in self.answers]
        record["history"] = [h.to_json() for h in self.history]
        return record

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Attempt:
        """Read a stored or exported record of any schema version; raises ``KeyError``/``ValueError``/``TypeError``
        when it is not an attempt (the store turns those into one message naming the file)."""
        data = migrate_json(data)
        trainee = data["trainee"]
        drawn = data.get("drawn")
        responses = data.get("responses") or {}
        return cls(
            attempt_id=str(data["attempt_id"]),
            trainee=Trainee(
                name=str(trainee["name"]),
                id=str(trainee["id"]),
                unit=str(trainee.get("unit") or ""),
                position=str(trainee.get("position") or ""),
            ),
            paper=str(data["paper"]),
            paper_title=str(data.get("paper_title") or data["paper"]),
            status=AttemptStatus(data["status"]),
            started_at=from_iso(data["started_at"]),
            deadline=from_iso(data["deadline"]),
            max_score=float(data.get("max_score") or 0),
            attempt_no=int(data.get("attempt_no") or 1),
            origin=str(data.get("origin") or ""),
            submitted_at=from_iso(data["submitted_at"]) if data.get("submitted_at") else None,
            score=None if data.get("score") is None else float(data["score"]),
            passed=data.get("passed"),
            drawn=DrawnPaper.from_dict(drawn) if drawn else None,
            responses={qid: Response(r.get("response"), str(r.get("at", ""))) for qid, r in responses.items()},
            answers=tuple(GradedAnswer.from_json(a) for a in data.get("answers") or ()),
            history=tuple(HistoryEntry.from_json(h) for h in data.get("history") or ()),
        )


def migrate_json(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Bring a stored attempt record up to :data:`SCHEMA_VERSION` (pure; the input is not changed).

    Version 1 (no ``schema`` key) had the same fields; ``attempt_no`` and ``origin`` could be missing and
    ``history`` entries used the same flat form. Raises ``ValueError`` for a version newer than this release.
    """
    version = data.get("schema", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ValueError(f"attempt record schema {version!r} is newer than this program ({SCHEMA_VERSION})")
    if version == SCHEMA_VERSION:
        return data
    upgraded = dict(data)
    upgraded.setdefault("attempt_no", 1)
    upgraded.setdefault("origin", "")
    upgraded["schema"] = SCHEMA_VERSION
    return upgraded
