"""Content-addressed question snapshots: the drawn paper of a stored attempt by reference (issue 17).

Most of an attempt's record is the full text of the questions it drew, and every trainee of a paper draws from the
same banks. So a store keeps each question snapshot (the bank record :meth:`~exam.models.Question.to_dict`, exactly
as drawn) once, keyed by its digest (:func:`question_digest`), and the stored attempt holds, in draw order, the
digest plus what belongs to that attempt alone (``points``, ``option_order``, ``section``)::

    stored "drawn": {"paper_id": …, "questions": [{"ref": "<sha256>", "points": 2, "option_order": [2, 0, 1, 3],
                                                    "section": "单选题"}, …]}

Reading joins them back, so the attempt handed to the service (and its :meth:`~exam.attempts.Attempt.to_json`, which
seals, exports and copies use) is field for field what the trainee saw. A drawn question stored inline (``question``
instead of ``ref``: attempts written before this format) is read as before. Parsed snapshots are immutable and shared
between attempts through a bounded in-process cache, so reading 10,000 attempts of the same banks parses each
question once.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from exam.attempts import Attempt
from exam.models import Question
from exam.papers import DrawnPaper, DrawnQuestion

CACHE_SIZE = 20_000
"""Parsed question snapshots kept in memory (least recently used dropped): a 20,000-question bank fits."""

REF = "ref"
"""The key of a drawn question stored by reference (instead of ``question``, the inline record)."""


def canonical_json(record: Mapping[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: one byte string per value (the same canonical form the seals use)."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def question_digest(record: Mapping[str, Any]) -> str:
    """SHA-256 (64 hex digits) of the canonical JSON of a question record: its address in the store."""
    return hashlib.sha256(canonical_json(record)).hexdigest()


def split_record(record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A full attempt record (:meth:`Attempt.to_json`) as stored: the drawn questions replaced by references.

    Returns ``(record to store, {digest: question record})``; a record without a drawn paper (a summary) is
    returned as it is, with no snapshots. The input is not changed.
    """
    drawn = record.get("drawn")
    if not isinstance(drawn, dict):
        return record, {}
    snapshots: dict[str, dict[str, Any]] = {}
    questions = []
    for item in drawn.get("questions") or ():
        if not isinstance(item, dict) or not isinstance(item.get("question"), dict):
            questions.append(item)  # not ours to reshape: stored as it is
            continue
        digest = question_digest(item["question"])
        snapshots[digest] = item["question"]
        questions.append({REF: digest, **{k: v for k, v in item.items() if k != "question"}})
    return {**record, "drawn": {**drawn, "questions": questions}}, snapshots


def references(record: Mapping[str, Any]) -> list[str]:
    """The digests a stored record refers to, in draw order (none for inline snapshots)."""
    drawn = record.get("drawn")
    if not isinstance(drawn, dict):
        return []
    return [q[REF] for q in drawn.get("questions") or () if isinstance(q, dict) and isinstance(q.get(REF), str)]


class SnapshotCache:
    """Parsed questions by digest: bounded (the oldest entries dropped first), safe to share between threads.

    Reads take no lock (a dict lookup is atomic); only adding does. The questions are frozen dataclasses, so
    attempts may share one object.
    """

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: dict[str, Question] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> Question | None:
        return self._items.get(digest)

    def put(self, digest: str, question: Question) -> None:
        with self._lock:
            self._items[digest] = question
            while len(self._items) > self.size:
                del self._items[next(iter(self._items))]

    def clear(self) -> None:
        """Forget every parsed question (the next read parses the stored snapshot again)."""
        with self._lock:
            self._items.clear()

    def __contains__(self, digest: object) -> bool:
        return digest in self._items


SHARED = SnapshotCache()
"""The process's cache (every store of the process shares it: a digest names the same question everywhere)."""


def parse_snapshot(digest: str, data: Any) -> Question:
    """The question a snapshot holds, after checking that it is what its digest says.

    Raises:
        ValueError: Not a question record, or its digest differs (a damaged or edited snapshot).
    """
    if not isinstance(data, dict) or question_digest(data) != digest:
        raise ValueError(f"snapshot {digest[:12]}… does not match its digest")
    try:
        return Question.from_dict(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"snapshot {digest[:12]}… is not a question record: {exc!r}") from exc


def parse_snapshot_bytes(digest: str, raw: bytes) -> Question:
    """:func:`parse_snapshot` of a stored file's bytes: when they are the canonical form (as written), their own
    SHA-256 is checked without encoding them again.

    Raises:
        ValueError: Not JSON, not a question record, or not what the digest says.
    """
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    if hashlib.sha256(raw).hexdigest() == digest and isinstance(data, dict):
        try:
            return Question.from_dict(data)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a question record: {exc!r}") from exc
    return parse_snapshot(digest, data)


def read_attempt(
    record: Mapping[str, Any],
    load: Callable[[list[str]], Mapping[str, Question]],
    cache: SnapshotCache = SHARED,
) -> Attempt:
    """The attempt a stored record describes, its drawn questions joined from their snapshots.

    ``load(digests)`` returns the parsed questions of digests not in ``cache`` (and raises the backend's error,
    naming the file or row, for one that is missing or damaged); they are added to the cache.

    Raises:
        KeyError, ValueError, TypeError: Not an attempt record (as :meth:`Attempt.from_json`).
    """
    drawn = record.get("drawn")
    items = drawn.get("questions") if isinstance(drawn, dict) else None
    if not isinstance(drawn, dict) or not items or not any(isinstance(item, dict) and REF in item for item in items):
        return Attempt.from_json(record)  # a summary, or questions stored inline (format 2)
    questions = []
    for item in items:
        if not isinstance(item, dict) or REF not in item:
            questions.append(DrawnQuestion.from_dict(item))
            continue
        digest = item[REF]
        question = cache.get(digest)
        if question is None:
            missing = [d for d in dict.fromkeys(references(record)) if cache.get(d) is None]
            loaded = load(missing)
            for key, parsed in loaded.items():
                cache.put(key, parsed)
            question = loaded[digest]
        questions.append(
            DrawnQuestion(
                question=question,
                points=item["points"],
                option_order=tuple(item.get("option_order") or ()),
                section=item.get("section", ""),
            )
        )
    head = DrawnPaper.from_dict({**drawn, "questions": ()})
    attempt = Attempt.from_json({**record, "drawn": None})
    return replace(attempt, drawn=replace(head, questions=tuple(questions)))


def snapshots_of(attempts: Iterable[Attempt]) -> dict[str, dict[str, Any]]:
    """Every question snapshot the attempts' drawn papers hold, by digest (for a backend writing many at once)."""
    found: dict[str, dict[str, Any]] = {}
    for attempt in attempts:
        if attempt.drawn is not None:
            for item in attempt.drawn.questions:
                record = item.question.to_dict()
                found[question_digest(record)] = record
    return found
