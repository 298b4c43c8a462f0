"""The API the TUI and the CLI use: sign-in data, papers, attempts, answers, submission, review, practice.

Nothing here imports Textual. Time comes from an injectable ``clock`` so tests can move it.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from exam.errors import AttemptClosedError, ExamError, NotFoundError
from exam.i18n import t
from exam.models import OPTION_LETTERS, Question, Trainee
from exam.papers import DrawnPaper, PaperSpec, assemble_paper, default_seed, practice_paper
from exam.plugins import Registry
from exam.qtypes import QuestionType
from exam.store.base import AttemptDict, AttemptStore

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC).astimezone()


def to_iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class PaperStatus:
    """A paper as the home screen lists it for one trainee."""

    spec: PaperSpec
    attempts_used: int
    in_progress: str | None

    @property
    def attempts_left(self) -> int | None:
        if self.spec.attempts == 0:
            return None
        return max(0, self.spec.attempts - self.attempts_used)


class ExamService:
    """Everything a trainee or trainer does, over a :class:`Registry` and an :class:`AttemptStore`."""

    def __init__(self, registry: Registry, store: AttemptStore, clock: Clock = system_clock) -> None:
        self.registry = registry
        self.store = store
        self.clock = clock

    # -- catalogue --------------------------------------------------------------------------------------------------

    def question_type(self, name: str) -> QuestionType:
        try:
            return self.registry.types[name]
        except KeyError:
            raise NotFoundError(t("service.unknown_type", name=name)) from None

    def paper(self, paper_id: str) -> PaperSpec:
        try:
            return self.registry.papers[paper_id]
        except KeyError:
            known = ", ".join(self.registry.papers)
            raise NotFoundError(t("service.unknown_paper", paper=paper_id, known=known)) from None

    def papers_for(self, trainee: Trainee, summaries: list[AttemptDict] | None = None) -> list[PaperStatus]:
        """Every paper with this trainee's attempts at it; ``summaries`` saves a second scan of the index."""
        listed = self.store.list_attempts() if summaries is None else summaries
        mine = [s for s in listed if s["trainee"]["id"] == trainee.id]
        result = []
        for spec in self.registry.papers.values():
            used = [a for a in mine if a["paper"] == spec.id]
            open_ = next((a["attempt_id"] for a in used if a["status"] == "in_progress"), None)
            result.append(PaperStatus(spec, len(used), open_))
        return result

    # -- attempts -----------------------------------------------------------------------------------------------------

    def start_attempt(self, paper_id: str, trainee: Trainee, seed: str | None = None) -> AttemptDict:
        """Resume the trainee's open attempt at this paper, or draw a new paper and start one."""
        spec = self.paper(paper_id)
        summaries = self.store.list_attempts()
        if self.finalise_expired(summaries):
            summaries = self.store.list_attempts()
        status = next(s for s in self.papers_for(trainee, summaries) if s.spec.id == paper_id)
        if status.in_progress:
            return self.store.get_attempt(status.in_progress)
        if status.attempts_left == 0:
            raise ExamError(t("service.no_attempts_left", title=spec.title, attempts=spec.attempts))
        attempt_no = status.attempts_used + 1
        drawn = assemble_paper(spec, self.registry.banks, seed or default_seed(spec.id, trainee.id, attempt_no))
        now = self.clock()
        extra = self.extra_minutes(paper_id, trainee.id)
        attempt: AttemptDict = {
            "attempt_id": uuid.uuid4().hex,
            "trainee": trainee.as_dict(),
            "paper": spec.id,
            "paper_title": spec.title,
            "status": "in_progress",
            "started_at": to_iso(now),
            "submitted_at": None,
            "deadline": to_iso(now + timedelta(minutes=spec.time_limit + extra)),
            "score": None,
            "max_score": drawn.max_score,
            "passed": None,
            "attempt_no": attempt_no,
            "origin": socket.gethostname(),
            "drawn": drawn.to_dict(),
            "answers": [],
            "history": [],
        }
        self.store.create_attempt(attempt)
        return self.store.get_attempt(attempt["attempt_id"])

    def drawn(self, attempt: AttemptDict) -> DrawnPaper:
        return DrawnPaper.from_dict(attempt["drawn"])

    def seconds_left(self, attempt: AttemptDict) -> float:
        """Seconds until the stored absolute deadline (negative once past)."""
        return (from_iso(attempt["deadline"]) - self.clock()).total_seconds()

    def check_response(self, question: Question, response: Any) -> Any:
        """Validate a response's shape for its type; ``None`` clears the answer."""
        if response is None:
            return None
        kind = self.question_type(question.type).input_kind
        letters = OPTION_LETTERS[: len(question.options)]
        if kind == "choice" and isinstance(response, str) and response in letters:
            return response
        if kind == "choices" and isinstance(response, (list, tuple)) and all(r in letters for r in response):
            return sorted(set(response)) or None
        if kind == "judge" and isinstance(response, bool):
            return response
        if kind == "blanks" and isinstance(response, (list, tuple)) and all(isinstance(r, str) for r in response):
            return list(response) if any(r.strip() for r in response) else None
        if kind == "text" and isinstance(response, str):
            return response if response.strip() else None
        raise ExamError(t("service.bad_response", type=question.type, response=repr(response)))

    def save_answer(self, attempt_id: str, question_id: str, response: Any, attempt: AttemptDict | None = None) -> Any:
        """Durably record a response; returns the normalised response. Raises once the time is up."""
        attempt = attempt or self.store.get_attempt(attempt_id)
        if attempt["status"] != "in_progress":
            raise AttemptClosedError(t("service.already_submitted"))
        if self.seconds_left(attempt) <= 0:
            self.submit(attempt_id, auto=True)
            raise AttemptClosedError(t("service.time_up"))
        drawn = DrawnPaper.from_dict(attempt["drawn"])
        try:
            question = drawn.get(question_id).question
        except KeyError:
            raise NotFoundError(t("service.no_question", question=question_id)) from None
        value = self.check_response(question, response)
        self.store.save_answer(attempt_id, question_id, value, to_iso(self.clock()))
        return value

    def grade(self, attempt: AttemptDict) -> AttemptDict:
        """Score every question from the stored responses and the drawn paper (pure; no writes)."""
        drawn = DrawnPaper.from_dict(attempt["drawn"])
        responses = attempt.get("responses") or {}
        answers = []
        total = 0.0
        for item in drawn.questions:
            qtype = self.question_type(item.question.type)
            response = (responses.get(item.id) or {}).get("response")
            points = qtype.grade(item.question, response, item.points, drawn.rules)
            points = max(0.0, min(float(item.points), points))
            total += points
            answers.append(
                {
                    "question_id": item.id,
                    "type": item.question.type,
                    "response": response,
                    "points": points,
                    "max_points": item.points,
                    "needs_review": not qtype.auto_final and response is not None,
                }
            )
        score = round(total, 2)
        return dict(attempt, answers=answers, score=score, passed=score >= drawn.pass_mark)

    def submit(self, attempt_id: str, auto: bool = False) -> tuple[AttemptDict, bool]:
        """Finalise exactly once. An automatic submission is stamped with the deadline, never later."""

        def finish(attempt: AttemptDict) -> AttemptDict:
            graded = self.grade(attempt)
            now = self.clock()
            deadline = from_iso(attempt["deadline"])
            late = now >= deadline
            graded["status"] = "auto_submitted" if (auto or late) else "submitted"
            graded["submitted_at"] = to_iso(min(now, deadline))
            return graded

        attempt, closed_now = self.store.finalise(attempt_id, finish)
        if closed_now:
            self._record_wrong_answers(attempt)
            self.registry.notify_submitted(public_attempt(attempt))
        return attempt, closed_now

    def finalise_expired(self, summaries: list[AttemptDict] | None = None) -> list[AttemptDict]:
        """Auto-submit every in-progress attempt whose deadline passed (e.g. while the app was down).

        Args:
            summaries: The index as just listed, to save a scan; read from the store when not given.
        """
        closed = []
        listed = self.store.list_attempts() if summaries is None else summaries
        for summary in listed:
            if summary["status"] == "in_progress" and from_iso(summary["deadline"]) <= self.clock():
                attempt, now = self.submit(summary["attempt_id"], auto=True)
                if now:
                    closed.append(attempt)
        return closed

    def in_progress_for(self, trainee: Trainee) -> AttemptDict | None:
        self.finalise_expired()
        for summary in self.store.list_attempts(trainee_id=trainee.id, status="in_progress"):
            return self.store.get_attempt(summary["attempt_id"])
        return None

    def history(self, trainee: Trainee) -> list[AttemptDict]:
        return [a for a in self.store.list_attempts(trainee_id=trainee.id) if a["status"] != "in_progress"]

    # -- trainer settings ---------------------------------------------------------------------------------------------

    def extra_minutes(self, paper_id: str, trainee_id: str) -> int:
        return int(self.store.get_record("extra_time", f"{paper_id}|{trainee_id}") or 0)

    def set_extra_minutes(self, paper_id: str, trainee_id: str, minutes: int) -> None:
        self.paper(paper_id)
        self.store.put_record("extra_time", f"{paper_id}|{trainee_id}", int(minutes))

    def roster(self) -> list[Trainee]:
        """Everyone on the imported roster (``exam roster import``), ordered by 单位 then 考号; empty if none."""
        from exam.trainer.roster import roster_members

        return roster_members(self.store)

    # -- 错题本 (wrong-answer book) and practice -------------------------------------------------------------------

    def _record_wrong_answers(self, attempt: AttemptDict) -> None:
        trainee_id = attempt["trainee"]["id"]
        book = self.store.get_record("wrong_book", trainee_id) or {}
        changed = False
        for answer in attempt.get("answers", []):
            if answer["type"] == "short":
                continue
            if answer["points"] < answer["max_points"]:
                entry = book.setdefault(answer["question_id"], {"streak": 0, "wrong": 0})
                entry["streak"] = 0
                entry["wrong"] += 1
                changed = True
        if changed:
            self.store.put_record("wrong_book", trainee_id, book)

    def wrong_book(self, trainee: Trainee) -> list[Question]:
        """Questions still in the trainee's 错题本 (leave after two correct practice answers in a row)."""
        book = self.store.get_record("wrong_book", trainee.id) or {}
        return [q for qid, entry in book.items() if entry["streak"] < 2 and (q := self.find_question(qid))]

    def find_question(self, question_id: str) -> Question | None:
        bank_id = question_id.split(":", 1)[0]
        bank = self.registry.banks.get(bank_id)
        if bank is None:
            return None
        return next((q for q in bank.questions if q.id == question_id), None)

    def practice_set(self, bank_id: str | None, tag: str | None, trainee: Trainee, count: int = 10) -> DrawnPaper:
        pool = [
            q
            for b in self.registry.banks.values()
            if bank_id in (None, b.id)
            for q in b.questions
            if tag is None or tag in q.tags
        ]
        if not pool:
            raise NotFoundError(t("service.no_practice"))
        import random

        seed = f"{trainee.id}|{bank_id}|{tag}|{to_iso(self.clock())}"
        chosen = random.Random(seed).sample(pool, min(count, len(pool)))
        return practice_paper(chosen, t("service.practice_title"), seed)

    def practice_answer(self, trainee: Trainee, question: Question, response: Any) -> tuple[float, bool]:
        """Grade one practice response and update the 错题本; returns ``(points, fully correct)``."""
        from exam.qtypes import GradingRules

        value = self.check_response(question, response)
        qtype = self.question_type(question.type)
        points = qtype.grade(question, value, question.points, GradingRules("all_or_nothing"))
        correct = points >= question.points
        book = self.store.get_record("wrong_book", trainee.id) or {}
        entry = book.get(question.id)
        if not correct and question.type != "short":
            entry = book.setdefault(question.id, {"streak": 0, "wrong": 0})
            entry["streak"], entry["wrong"] = 0, entry["wrong"] + 1
        elif entry is not None and correct:
            entry["streak"] += 1
        if entry is not None:
            self.store.put_record("wrong_book", trainee.id, book)
        return points, correct

    def practice_topics(self) -> dict[str, list[str]]:
        """Tags per bank, most used first, for the practice picker."""
        topics: dict[str, list[str]] = {}
        for bank in self.registry.banks.values():
            counts: dict[str, int] = {}
            for q in bank.questions:
                for tag in q.tags:
                    counts[tag] = counts.get(tag, 0) + 1
            topics[bank.id] = sorted(counts, key=lambda tag: -counts[tag])
        return topics

    # -- review -----------------------------------------------------------------------------------------------------

    def cited_text(self, question: Question) -> str | None:
        """The full text of the cited article (or speech section), for the review screen."""
        src = question.source
        if src.doc not in self.registry.sources:
            return None
        doc = self.registry.sources[src.doc]
        try:
            if src.article is not None:
                return doc.article_text(src.article)
            return doc.text(src)
        except ExamError:
            return None

    def citation_label(self, question: Question) -> str:
        return question.source.label(self.registry.sources)


def public_attempt(attempt: AttemptDict) -> AttemptDict:
    """The documented ``exam results --format jsonl`` record of an attempt."""
    trainee = attempt["trainee"]
    if attempt["status"] == "in_progress":
        drawn = attempt.get("drawn", {}).get("questions", [])
        responses = attempt.get("responses") or {}
        answers = [
            {
                "question_id": q["question"]["id"],
                "response": (responses.get(q["question"]["id"]) or {}).get("response"),
                "points": None,
                "max_points": q["points"],
            }
            for q in drawn
        ]
    else:
        answers = [
            {k: a[k] for k in ("question_id", "response", "points", "max_points")} for a in attempt.get("answers", [])
        ]
    return {
        "attempt_id": attempt["attempt_id"],
        "trainee": {"name": trainee["name"], "id": trainee["id"], "unit": trainee.get("unit", "")},
        "paper": attempt["paper"],
        "status": attempt["status"],
        "started_at": attempt["started_at"],
        "submitted_at": attempt["submitted_at"],
        "deadline": attempt["deadline"],
        "score": attempt["score"],
        "max_score": attempt["max_score"],
        "passed": attempt["passed"],
        "answers": answers,
    }
