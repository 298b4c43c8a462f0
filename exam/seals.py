"""Tamper-evident results: every closed attempt is sealed with a keyed MAC in a hash chain.

A *seal* is one record of the store's append-only seal log (see docs/storage.md for the file format)::

    {"v": 1, "seq": 7, "attempt_id": "…", "reason": "close", "at": "2026-11-30T09:00:00+08:00",
     "parts": {"identity": "<sha256>", "paper": "…", "responses": "…", "answers": "…", "score": "…",
               "status": "…", "times": "…"},
     "digest": "<sha256 of the parts>", "unverified": false, "prev": "<mac of seq 6>", "mac": "<HMAC-SHA256>"}

``parts`` are SHA-256 digests of the canonical JSON (sorted keys, no spaces, UTF-8) of what matters in the attempt:
its id, the trainee's 考号 and name, the paper and attempt number (``identity``); the drawn paper with its keys
(``paper``); every response; the points of every question (``answers``); total, maximum and pass (``score``); the
status; the start, close and deadline times (``times``, so extra time is covered). ``mac`` is HMAC-SHA256 under the
store's key (32 random bytes in ``seal.key``, mode 0600) over the record without ``mac``; ``prev`` is the previous
record's ``mac`` (64 zeros for the first), and ``seq`` counts from 1 — so a record edited, removed from the middle,
moved or forged without the key breaks the chain.

The latest seal of an attempt is the one its stored form must match: closing seals it (a pending ``seal`` effect,
carried out exactly once by :meth:`~exam.service.ExamService.complete_pending_effects`), and a legitimate change
after closing (regrade, hand marking) seals it again. :func:`verify_store` checks the store against the chain.

What seals do not protect against is written down in docs/security.md: whoever can read ``seal.key`` (the store's
OS account) can make valid seals, and a whole store folder rolled back to an older copy verifies as that copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from exam.attempts import Attempt, to_iso
from exam.errors import ExamError, NotFoundError, StoreError
from exam.i18n import t
from exam.models import Question
from exam.papers import DrawnPaper
from exam.store.base import AttemptStore

SEAL_VERSION = 1
"""Version of the seal record and of the canonical content it digests."""
KEY_BYTES = 32
GENESIS = "0" * 64
"""``prev`` of the first record of a chain."""
PARTS = ("identity", "paper", "responses", "answers", "score", "status", "times")
"""The parts of an attempt a seal digests, in the order a report names them."""
UNVERIFIED_TABLE = "unverified_import"
"""Record table: attempts imported with ``--allow-unverified`` whose first seal is still to be made."""
ANSWERS_TABLE = "sealed_answers"
"""Record table, by attempt id: what ``exam stats`` reads of each sealed attempt instead of the whole attempt
(issue 17): ``{"paper": paper id, "digest": the seal's answers part, "columns": text, "mac": HMAC}`` where ``text``
is :func:`answers_columns` (each question's id, response, points and maximum, as four JSON lists) and ``mac`` is
HMAC-SHA256 under the seal key over the attempt id, digest and text (:func:`columns_mac`). Written after each seal
(:func:`_append`); :func:`sealed_answers` uses a record only while its digest is the attempt's latest seal's and its
MAC holds, so a stale or edited record is never used (the attempt is read whole instead). Derived data: losing the
table loses nothing."""

# -- kinds of findings --------------------------------------------------------------------------------------------
EDITED = "edited"
DELETED = "deleted"
REORDERED = "reordered"
REPLAYED = "replayed"
UNSEALED = "unsealed"
DAMAGED = "damaged"
KEY_MISSING = "key_missing"


class SealError(ExamError):
    """Seals cannot be made or checked (the key file is missing or damaged while the chain needs it)."""


# -- the key --------------------------------------------------------------------------------------------------------


def read_key(path: Path) -> bytes | None:
    """The key in ``path``, or ``None`` when there is none; raises :class:`SealError` for a damaged key file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SealError(t("seal.key_unreadable", path=path, error=exc.strerror or str(exc))) from exc
    if len(data) != KEY_BYTES:
        raise SealError(t("seal.key_damaged", path=path, size=len(data), expected=KEY_BYTES))
    return data


def load_or_create_key(path: Path, may_create: bool = True) -> bytes:
    """The seal key in ``path``, created on first use: 32 random bytes, mode 0600, made atomically.

    The new key is written to a temporary file and linked into place, so two processes creating it at once end with
    one key that both use, and a crash never leaves a short key. ``may_create=False`` (the chain already has
    records) refuses to make a new key, which would make every earlier seal fail.

    Raises:
        SealError: The key is missing and may not be created, is damaged, or cannot be written.
    """
    key = read_key(path)
    if key is not None:
        return key
    if not may_create:
        raise SealError(t("seal.key_missing", path=path))
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileExistsError):  # another process was first: use its key
            os.link(tmp, path)
    except OSError as exc:
        raise SealError(t("seal.key_unwritable", path=path, error=exc.strerror or str(exc))) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    key = read_key(path)
    assert key is not None
    return key


def key_id(key: bytes) -> str:
    """A short public name of a key (the first 16 hex digits of its SHA-256), to tell keys apart in messages."""
    return hashlib.sha256(b"township-exam seal key id\0" + key).hexdigest()[:16]


# -- canonical content ------------------------------------------------------------------------------------------------


def canonical(value: Any) -> bytes:
    """The canonical JSON of ``value``: sorted keys, no spaces, UTF-8, no NaN (what seals and file MACs digest)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _sha256(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


_TOKEN = "\x00questions\x00"
_QUESTION_JSON: dict[int, tuple[Question, str]] = {}
"""``id(question)`` → (the question, its canonical JSON): a store shares one object per drawn question between the
attempts that drew it, so a report checking 10,000 attempts encodes each question once. Bounded; questions are
frozen, and the entry keeps its question alive so the id cannot be reused while it is cached."""


def _canonical_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _question_json(question: Question) -> str:
    hit = _QUESTION_JSON.get(id(question))
    if hit is not None and hit[0] is question:
        return hit[1]
    text = _canonical_text(question.to_dict())
    if len(_QUESTION_JSON) >= 50_000:
        _QUESTION_JSON.clear()
    _QUESTION_JSON[id(question)] = (question, text)
    return text


_DRAWN_JSON: dict[tuple[str, str, str], tuple[str, str]] = {}
"""(option order, points, section) → the canonical JSON of a drawn question around its question (a paper has a few
sections and point values, four options two dozen orders): encoded once, not per question of every attempt. Keyed
by ``repr`` of the order and the points, so values equal in Python but written differently in JSON stay apart
(``2`` and ``2.0``, ``0.0`` and ``-0.0``, ``True`` and ``1``). Bounded."""


def _drawn_json(option_order: tuple[int, ...], points: float, section: str, question_json: str) -> str:
    key = (repr(option_order), repr(points), section)
    around = _DRAWN_JSON.get(key)
    if around is None:
        if len(_DRAWN_JSON) >= 10_000:
            _DRAWN_JSON.clear()
        around = _DRAWN_JSON[key] = (
            '{"option_order":' + _canonical_text(list(option_order)) + ',"points":' + _canonical_text(points)
            + ',"question":', ',"section":' + _canonical_text(section) + "}",
        )  # fmt: skip
    return around[0] + question_json + around[1]


def _paper_digest(drawn: DrawnPaper) -> str:
    """``_sha256([SEAL_VERSION, "paper", drawn.to_dict()])``, byte for byte, with each question's JSON cached (see
    :data:`_QUESTION_JSON`): the drawn questions are written in :meth:`DrawnQuestion.to_dict`'s shape with the keys
    in sorted order, as :func:`canonical` writes them (a test compares the two on drawn papers)."""
    data = drawn.to_dict_without_questions()
    data["questions"] = _TOKEN
    head = _canonical_text([SEAL_VERSION, "paper", data])
    items = ",".join(
        _drawn_json(q.option_order, q.points, q.section, _question_json(q.question)) for q in drawn.questions
    )
    token = _canonical_text(_TOKEN)
    if head.count(token) != 1:  # a field holding the token itself (never from a bank: NUL is refused): the long way
        return _sha256([SEAL_VERSION, "paper", drawn.to_dict()])
    return hashlib.sha256(head.replace(token, "[" + items + "]").encode()).hexdigest()


def answers_columns(attempt: Attempt) -> str:
    """``{"q": [question ids], "r": [responses], "p": [points], "m": [maxima]}`` as compact JSON, in paper order
    (whole numbers written as integers: parsed back they are shared small ints, not a float object each)."""
    answers = attempt.answers
    return json.dumps(
        {
            "q": [a.question_id for a in answers],
            "r": [a.response for a in answers],
            "p": [_number(a.points) for a in answers],
            "m": [_number(a.max_points) for a in answers],
        },
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )


def _number(value: float) -> float | int:
    return int(value) if type(value) is float and value.is_integer() else value


def columns_mac(key: bytes, attempt_id: str, digest: str, columns: str) -> str:
    """HMAC-SHA256 of a :data:`ANSWERS_TABLE` record's attempt id, digest and columns, domain-separated from seals."""
    message = "\0".join(("township-exam sealed answers", attempt_id, digest, columns))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def attempt_parts(attempt: Attempt) -> dict[str, str]:
    """The digest of each part of a (whole) attempt that a seal covers; see the module docstring."""
    content: dict[str, Any] = {
        "identity": {
            "attempt_id": attempt.attempt_id,
            "trainee": {"id": attempt.trainee.id, "name": attempt.trainee.name},
            "paper": attempt.paper,
            "attempt_no": attempt.attempt_no,
        },
        "paper": None,  # digested by _paper_digest when drawn
        "responses": {qid: r.value for qid, r in sorted(attempt.responses.items())},
        "answers": _answers_content(attempt),
        "score": [attempt.score, attempt.max_score, attempt.passed],
        "status": attempt.status.value,
        "times": [
            to_iso(attempt.started_at),
            to_iso(attempt.submitted_at) if attempt.submitted_at else None,
            to_iso(attempt.deadline),
        ],
    }
    parts = {name: _sha256([SEAL_VERSION, name, content[name]]) for name in PARTS}
    if attempt.drawn is not None:
        parts["paper"] = _paper_digest(attempt.drawn)
    return parts


def _answers_content(attempt: Attempt) -> list[list[Any]]:
    return [
        [a.question_id, a.response, a.points, a.max_points, a.needs_review, a.marked_by or ""] for a in attempt.answers
    ]


def parts_digest(parts: Mapping[str, str]) -> str:
    return _sha256([SEAL_VERSION, [parts.get(name, "") for name in PARTS]])


def record_mac(key: bytes, record: Mapping[str, Any]) -> str:
    """HMAC-SHA256 of a seal record without its ``mac``."""
    body = {k: v for k, v in record.items() if k != "mac"}
    return hmac.new(key, canonical(body), hashlib.sha256).hexdigest()


def file_mac(key: bytes, data: bytes) -> str:
    """HMAC-SHA256 of an export file's bytes (every line before the trailer), domain-separated from seals."""
    return hmac.new(key, b"township-exam results file\0" + data, hashlib.sha256).hexdigest()


# -- sealing --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seal:
    """One valid record of the chain, as :func:`read_chain` returns it."""

    seq: int
    attempt_id: str
    digest: str
    parts: Mapping[str, str]
    reason: str
    at: str
    unverified: bool = False


def _valid_shape(record: Any) -> bool:
    return (
        isinstance(record, dict)
        and isinstance(record.get("seq"), int)
        and isinstance(record.get("attempt_id"), str)
        and isinstance(record.get("digest"), str)
        and isinstance(record.get("parts"), dict)
        and isinstance(record.get("prev"), str)
        and isinstance(record.get("mac"), str)
    )


def _as_seal(record: Mapping[str, Any]) -> Seal:
    return Seal(
        record["seq"],
        record["attempt_id"],
        record["digest"],
        dict(record["parts"]),
        str(record.get("reason", "")),
        str(record.get("at", "")),
        bool(record.get("unverified", False)),
    )


def latest_seals(log: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """The last record of each attempt in a raw log (shape-checked only; :func:`verify_store` checks the MACs)."""
    latest: dict[str, dict[str, Any]] = {}
    for record in log:
        if _valid_shape(record):
            latest[record["attempt_id"]] = record
    return latest


def _answers_record(key: bytes, attempt: Attempt, digest: str) -> dict[str, str]:
    columns = answers_columns(attempt)
    mac = columns_mac(key, attempt.attempt_id, digest, columns)
    return {"paper": attempt.paper, "digest": digest, "columns": columns, "mac": mac}


class SealedAnswersWriter:
    """Writes the :data:`ANSWERS_TABLE` records of attempts sealed before those records existed, from the whole
    attempts a report had to read anyway: :meth:`take` each, then :meth:`write` once. An attempt gets its record only
    if it matches the ``answers`` part of its latest seal now and no new seal of it is pending (so a record is never
    made from a changed attempt). ``exam stats`` uses it: the first run after an upgrade reads every attempt whole,
    the next ones read the records."""

    def __init__(self, store: AttemptStore) -> None:
        self.store = store
        try:
            self._key = read_key(store.seal_key_path())
        except SealError:
            self._key = None
        self._latest = latest_seals(store.seal_log()) if self._key is not None else {}
        self._pending = {a for a, effects in store.pending_effects().items() if "seal" in effects}
        self._rows: dict[str, dict[str, str]] = {}

    def take(self, attempt: Attempt) -> None:
        """Keep the record of ``attempt`` (whole, as just read) if it matches its latest seal."""
        seal = self._latest.get(attempt.attempt_id)
        if self._key is None or seal is None or attempt.attempt_id in self._pending or not attempt.closed:
            return
        digest = _sha256([SEAL_VERSION, "answers", _answers_content(attempt)])
        if seal["parts"].get("answers") == digest:
            self._rows[attempt.attempt_id] = _answers_record(self._key, attempt, digest)

    def write(self) -> int:
        """Store the records kept (one batch); how many. A store that cannot be written is left as it is (these
        records only make the next report faster)."""
        try:
            self.store.put_records(ANSWERS_TABLE, self._rows)
        except StoreError:
            return 0
        return len(self._rows)


def sealed_answers(store: AttemptStore, paper: str) -> dict[str, str]:
    """attempt id → :func:`answers_columns` text, for the attempts of ``paper`` whose :data:`ANSWERS_TABLE` record is
    current: its digest is the ``answers`` part of the attempt's latest seal, its MAC holds under the seal key, and
    no new seal of the attempt is pending (so it is what the attempt holds now, not a version before a regrade). An
    attempt missing here must be read whole; without a usable key nothing is returned. The chain itself is not
    checked here (:class:`SealCheck` does): whoever can forge a seal can forge a record.

    Raises:
        StoreError: The store cannot be read.
    """
    try:
        key = read_key(store.seal_key_path())
    except SealError:
        key = None
    if key is None:
        return {}
    records = store.all_records(ANSWERS_TABLE)
    if not records:
        return {}
    # Pending effects before the log: a change sealed between the two reads then shows as pending (read whole), never
    # as an old record that still matches the log read before its new seal.
    pending = {a for a, effects in store.pending_effects().items() if "seal" in effects}
    latest = latest_seals(store.seal_log())
    found: dict[str, str] = {}
    for attempt_id, record in records.items():
        if type(record) is not dict or record.get("paper") != paper or attempt_id in pending:
            continue
        digest, columns, mac, seal = (
            record.get("digest"),
            record.get("columns"),
            record.get("mac"),
            latest.get(attempt_id),
        )
        if type(digest) is not str or type(columns) is not str or type(mac) is not str or seal is None:
            continue
        if seal["parts"].get("answers") == digest and hmac.compare_digest(
            mac, columns_mac(key, attempt_id, digest, columns)
        ):
            found[attempt_id] = columns
    return found


def seal_attempt(store: AttemptStore, attempt: Attempt, reason: str, at: datetime) -> bool:
    """Append a seal of ``attempt`` as stored now, unless its latest seal already matches; returns whether one was
    appended (so repeating it after a crash changes nothing).

    The first seal of a store first seals every closed attempt it already holds (``existing``): stores made before
    seals are brought in once, on upgrade. An attempt recorded as imported unverified keeps that mark in every seal.

    Raises:
        SealError: The key file is missing (while the chain has records) or damaged.
        StoreError: The seal log cannot be written.
    """
    if store.seal_head() is None:
        seal_existing(store, at, skip={attempt.attempt_id})
    # Only an imported attempt can carry the unverified mark (a close never does): no lookup at every close.
    unverified = reason != "close" and store.get_record(UNVERIFIED_TABLE, attempt.attempt_id) is not None
    marks = {attempt.attempt_id} if unverified else set()
    return bool(_append(store, [(attempt, reason)], marks, at))


def seal_attempts(store: AttemptStore, attempts: Sequence[Attempt], reason: str, at: datetime) -> int:
    """:func:`seal_attempt` for many attempts (an import) in one append and one batch of sealed answers, rather than
    a write of the log and of a lookup shard per attempt; returns how many seals were appended.

    Raises:
        SealError: The key file is missing (while the chain has records) or damaged.
        StoreError: The seal log cannot be written.
    """
    if not attempts:
        return 0
    if store.seal_head() is None:
        seal_existing(store, at, skip={a.attempt_id for a in attempts})
    unverified = set(store.all_records(UNVERIFIED_TABLE)) if reason != "close" else set()
    marks = {a.attempt_id for a in attempts} & unverified
    return len(_append(store, [(attempt, reason) for attempt in attempts], marks, at))


def _append(
    store: AttemptStore, items: Sequence[tuple[Attempt, str]], marks: set[str], at: datetime
) -> list[dict[str, Any]]:
    """Seal each ``(attempt, reason)`` whose latest seal does not match it, in one append; returns the records.
    Then the :data:`ANSWERS_TABLE` record of each attempt sealed is written (a crash in between leaves it missing
    or stale: never used; the attempt is read whole, and given its record, by the next ``exam stats``)."""
    prepared = [(attempt, reason, attempt_parts(attempt)) for attempt, reason in items]

    keys: list[bytes] = []  # the key make() loaded, for the records after the seals (not read from disk twice)

    def make(head: dict[str, Any] | None, latest: Callable[[str], dict[str, Any] | None]) -> list[dict[str, Any]]:
        key = load_or_create_key(store.seal_key_path(), may_create=head is None)
        keys.append(key)
        made: list[dict[str, Any]] = []
        for attempt, reason, parts in prepared:
            digest = parts_digest(parts)
            previous = latest(attempt.attempt_id)
            if previous is not None and previous.get("digest") == digest:
                continue
            seq = head.get("seq") if head is not None else 0
            record: dict[str, Any] = {
                "v": SEAL_VERSION,
                "seq": (seq if isinstance(seq, int) else 0) + 1,
                "attempt_id": attempt.attempt_id,
                "reason": reason,
                "at": to_iso(at),
                "parts": parts,
                "digest": digest,
                "unverified": bool(previous.get("unverified")) if previous else attempt.attempt_id in marks,
                "prev": head["mac"] if head is not None and isinstance(head.get("mac"), str) else GENESIS,
            }
            record["mac"] = record_mac(key, record)
            made.append(record)
            head = record
        return made

    records = store.append_seals(make)
    sealed = {record["attempt_id"] for record in records}
    if sealed and keys:
        key = keys[-1]
        store.put_records(
            ANSWERS_TABLE,
            {
                a.attempt_id: _answers_record(key, a, parts["answers"])
                for a, _, parts in prepared
                if a.attempt_id in sealed
            },
        )
    return records


def seal_existing(store: AttemptStore, at: datetime, skip: Set[str] = frozenset()) -> list[Attempt]:
    """Seal every closed attempt that has no seal yet (``exam results seal --existing``, and the upgrade of a store
    made before seals), in one append; returns the attempts sealed. Attempts that cannot be read are left for
    ``verify`` to name."""
    sealed_ids = set(latest_seals(store.seal_log()))
    todo: list[tuple[Attempt, str]] = []
    for summary in store.list_attempts():
        if not summary.closed or summary.attempt_id in sealed_ids or summary.attempt_id in skip:
            continue
        try:
            todo.append((store.get_attempt(summary.attempt_id), "existing"))
        except StoreError:
            continue
    if not todo:
        return []
    marks = set(store.all_records(UNVERIFIED_TABLE))
    made = {r["attempt_id"] for r in _append(store, todo, marks, at)}
    return [attempt for attempt, _reason in todo if attempt.attempt_id in made]


class TamperedError(ExamError):
    """A trainer's change (regrade, mark) refused because the attempt fails its seal: sealing the change would
    launder the tampering."""


def require_intact(store: AttemptStore, attempt: Attempt) -> None:
    """Raise :class:`TamperedError` unless the closed ``attempt`` as stored matches its latest seal (checked with the
    key), or it may lawfully have none yet (a store never sealed, or its seal still pending).

    Called before a change to a closed attempt is written and sealed, and by ``exam regrade`` for every attempt.
    """
    record = store.latest_seal(attempt.attempt_id)
    digest = parts_digest(attempt_parts(attempt))
    if record is None or record.get("digest") != digest:
        # The quick lookup is a cache: before refusing, read the attempt's latest record from the log itself.
        record = latest_seals(store.seal_log()).get(attempt.attempt_id)
    if record is None:
        if store.seal_head() is None:
            return  # a store from before seals: the first seal brings it in
        try:
            if "seal" in store.pending_effects().get(attempt.attempt_id, ()):
                return
        except StoreError:
            pass
        raise TamperedError(t("seal.refuse_change", attempt=attempt.attempt_id[:8], kind=t("seal.kind_unsealed")))
    key = read_key(store.seal_key_path())
    valid = _valid_shape(record) and key is not None and hmac.compare_digest(record_mac(key, record), record["mac"])
    if not valid:
        raise TamperedError(t("seal.refuse_change", attempt=attempt.attempt_id[:8], kind=t("seal.kind_damaged")))
    if record["digest"] != digest:
        raise TamperedError(t("seal.refuse_change", attempt=attempt.attempt_id[:8], kind=t("seal.kind_edited")))


# -- verifying ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing wrong: ``kind`` (edited, deleted, reordered, replayed, unsealed, damaged, key_missing), the attempt
    (may be empty for the log as a whole), the trainee as stored or sealed, and details (parts edited, log line)."""

    kind: str
    attempt_id: str = ""
    trainee: str = ""
    detail: str = ""


@dataclass
class VerifyReport:
    """What :func:`verify_store` found.

    Attributes:
        checked: Closed attempts checked.
        sealed: Of them, those matching their latest seal.
        chain: Records in the seal log.
        findings: Everything wrong; empty for an honest store.
        legacy: Closed attempts of a store never sealed (not tampered; ``exam results seal --existing``).
        pending: Attempts whose seal is pending (a close was interrupted; the next start completes it).
        unverified: Attempts imported with ``--allow-unverified``.
        not_read: Sealed attempts whose content this report did not compare (a report that checks only what it
            shows: :meth:`SealCheck.finish`); the chain, deletions and missing seals were still checked for them.
    """

    checked: int = 0
    sealed: int = 0
    chain: int = 0
    findings: list[Finding] = field(default_factory=list)
    legacy: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    not_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def problems_by_attempt(self) -> dict[str, str]:
        """attempt id → the first finding's kind, for marking rows of a table."""
        marks: dict[str, str] = {}
        for finding in self.findings:
            if finding.attempt_id:
                marks.setdefault(finding.attempt_id, finding.kind)
        return marks

    def status_line(self) -> str:
        """One line for ``exam results`` and the score sheet."""
        if self.findings:
            attempts = len({f.attempt_id for f in self.findings if f.attempt_id})
            return t("seal.status_bad", problems=len(self.findings), attempts=attempts)
        if self.legacy:
            return t("seal.status_legacy", count=len(self.legacy))
        line = t("seal.status_ok", count=self.sealed)
        if self.unverified:
            line += t("seal.status_unverified", count=len(self.unverified))
        if self.not_read:
            line += t("seal.status_not_read", count=self.not_read)
        return line


def _visible(text: str) -> str:
    """Control and format characters (ESC, NUL, bidi marks) shown as ``\\x1b``: names reach a terminal."""
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def _who(attempt: Attempt | None) -> str:
    return _visible(f"{attempt.trainee.name} {attempt.trainee.id}") if attempt is not None else ""


def verify_store(store: AttemptStore) -> VerifyReport:
    """Check every attempt of ``store`` against its seal chain (nothing is written).

    The chain is walked first: each record's MAC under the key, its ``seq`` and its link to the record before;
    a record that fails is *damaged* (forged or edited), one out of place *reordered*. Then every attempt: a closed
    attempt must match its latest valid seal (else *replayed* when it matches an earlier one, *edited* otherwise,
    naming the parts), its index row must agree with its file, and an attempt that has a seal must still exist
    (*deleted*). Closed attempts without a seal are *unsealed* once the store has been sealed; in a store never
    sealed they are listed as legacy.
    """
    return SealCheck(store).finish(read_rest=True)


class SealCheck:
    """:func:`verify_store` in steps, for reports that read attempts anyway or show only some of them.

    Made, it has walked the chain and the index (summaries only): damaged, reordered, deleted and unsealed attempts
    are found without reading any attempt. :meth:`check` compares one whole attempt, already read by the caller,
    with its seals; :meth:`finish` reads and checks the rest (``read_rest=True``: the whole store, as
    ``exam results verify``) or leaves them out and counts them in :attr:`VerifyReport.not_read` (a score sheet
    checks the attempts it reads; a page of ``exam results`` the attempts it shows), so a report over 10,000
    attempts reads each once.
    """

    def __init__(self, store: AttemptStore) -> None:
        self.store = store
        report = self.report = VerifyReport()
        log = store.seal_log()
        self._chain_started = bool(log)
        report.chain = len(log)
        key_path = store.seal_key_path()
        try:
            key = read_key(key_path)
        except SealError as exc:
            key = None
            report.findings.append(Finding(KEY_MISSING, detail=str(exc)))
        else:
            if key is None and log:
                report.findings.append(Finding(KEY_MISSING, detail=t("seal.key_missing", path=key_path)))
            elif key is not None and not log:
                # The key is made by the first seal: a store with a key and no log had its log removed or emptied.
                report.findings.append(Finding(DAMAGED, detail=t("seal.log_missing", key=key_path)))
        seals: dict[str, list[Seal]] = {}
        previous_mac = GENESIS
        for line, record in enumerate(log, 1):
            if not _valid_shape(record):
                report.findings.append(Finding(DAMAGED, detail=t("seal.bad_record", line=line)))
                previous_mac = ""
                continue
            attempt_id = record["attempt_id"]
            mac_ok = key is not None and hmac.compare_digest(record_mac(key, record), record["mac"])
            if key is not None and not mac_ok:
                report.findings.append(Finding(DAMAGED, attempt_id, detail=t("seal.forged_record", line=line)))
            elif record["seq"] != line or record["prev"] != previous_mac:
                report.findings.append(Finding(REORDERED, attempt_id, detail=t("seal.out_of_place", line=line)))
            if mac_ok or key is None:
                seals.setdefault(attempt_id, []).append(_as_seal(record))
            previous_mac = record["mac"]
        self._seals = seals
        try:
            self._pending = {a for a, effects in store.pending_effects().items() if "seal" in effects}
        except StoreError:
            self._pending = set()
        listing = store.list_attempts()
        for path in getattr(listing, "unreadable", ()):
            report.findings.append(Finding(DAMAGED, detail=str(path)))
        self._to_check: dict[str, Attempt] = {}
        for summary in listing:
            history = seals.get(summary.attempt_id, [])
            if not summary.closed and not history:
                continue
            if not history:  # nothing to compare the content with: its verdict needs only the summary
                if summary.closed:
                    report.checked += 1
                _check_attempt(report, summary, summary, history, self._pending, self._chain_started)
                continue
            self._to_check[summary.attempt_id] = summary
        present = {summary.attempt_id for summary in listing}
        for attempt_id, history in seals.items():
            if attempt_id not in present:
                report.findings.append(
                    Finding(
                        DELETED, attempt_id, detail=t("seal.deleted_detail", seq=history[-1].seq, at=history[-1].at)
                    )
                )

    def check(self, attempt: Attempt) -> None:
        """Compare ``attempt`` (whole, as just read from this store) with its seals; an attempt already checked, or
        with nothing to check, is passed over."""
        summary = self._to_check.pop(attempt.attempt_id, None)
        if summary is None:
            return
        if attempt.closed:
            self.report.checked += 1
        history = self._seals.get(attempt.attempt_id, [])
        _check_attempt(self.report, summary, attempt, history, self._pending, self._chain_started)

    def finish(self, read_rest: bool) -> VerifyReport:
        """The report: with ``read_rest`` the attempts not given to :meth:`check` are read and checked now; without,
        they are counted in :attr:`VerifyReport.not_read`."""
        if read_rest:
            self.read(list(self._to_check))
        self.report.not_read = len(self._to_check)
        return self.report

    def read(self, attempt_ids: Iterable[str]) -> None:
        """Read and check these attempts (those that need it); one that cannot be read is a *damaged* finding."""
        for attempt_id in attempt_ids:
            summary = self._to_check.get(attempt_id)
            if summary is None:
                continue
            try:
                attempt = self.store.get_attempt(attempt_id)
            except (StoreError, NotFoundError) as exc:
                self._to_check.pop(attempt_id)
                self.report.findings.append(Finding(DAMAGED, attempt_id, _who(summary), str(exc)))
                continue
            self.check(attempt)


def _check_attempt(
    report: VerifyReport,
    summary: Attempt,
    attempt: Attempt,
    history: list[Seal],
    pending: set[str],
    chain_started: bool,
) -> None:
    attempt_id = attempt.attempt_id
    who = _who(attempt)
    if not history:
        if attempt_id in pending:
            report.pending.append(attempt_id)
        elif chain_started:
            report.findings.append(Finding(UNSEALED, attempt_id, who, t("seal.unsealed_detail")))
        else:
            report.legacy.append(attempt_id)
        return
    parts = attempt_parts(attempt)
    digest = parts_digest(parts)
    latest = history[-1]
    if digest != latest.digest:
        if any(s.digest == digest for s in history[:-1]):
            report.findings.append(Finding(REPLAYED, attempt_id, who, t("seal.replayed_detail", at=latest.at)))
        else:
            changed = [name for name in PARTS if latest.parts.get(name) != parts[name]]
            names = t("seal.part_sep").join(t(f"seal.part_{name}") for name in changed)
            report.findings.append(Finding(EDITED, attempt_id, who, names))
        return
    if summary.to_json(summary=True) != attempt.to_json(summary=True):
        report.findings.append(Finding(EDITED, attempt_id, who, t("seal.part_index")))
        return
    report.sealed += 1
    if latest.unverified:
        report.unverified.append(attempt_id)


def finding_text(finding: Finding) -> str:
    """One line of ``exam results verify``: ``[已改动] 答卷 1a2b3c4d（张三 510001）：分数``."""
    kind = t(f"seal.kind_{finding.kind}")
    if not finding.attempt_id:
        return t("seal.finding_store", kind=kind, detail=finding.detail)
    who = t("seal.finding_who", who=finding.trainee) if finding.trainee else ""
    return t("seal.finding", kind=kind, attempt=finding.attempt_id[:8], who=who, detail=finding.detail)


# -- exports --------------------------------------------------------------------------------------------------------


def export_seals(store: AttemptStore, attempt_ids: Iterable[str]) -> tuple[bytes | None, dict[str, dict[str, Any]]]:
    """The store's key (``None`` when the store was never sealed) and the latest seal record of each attempt."""
    log = store.seal_log()
    key = read_key(store.seal_key_path()) if log else None
    latest = latest_seals(log)
    return key, {a: latest[a] for a in attempt_ids if a in latest}


def check_exported_attempt(key: bytes | None, attempt: Attempt, seal: Any) -> str | None:
    """What is wrong with one attempt of an export file against the seal it carries, or ``None``.

    Without ``key`` only the digests are compared (an edit that did not recompute them); with it the seal's MAC too.
    """
    if not _valid_shape(seal):
        return t("seal.import_unsealed")
    if key is not None and not hmac.compare_digest(record_mac(key, seal), seal["mac"]):
        return t("seal.import_forged")
    if seal["attempt_id"] != attempt.attempt_id:
        return t("seal.import_forged")
    parts = attempt_parts(attempt)
    if parts_digest(parts) != seal["digest"] or parts_digest(seal["parts"]) != seal["digest"]:
        changed = [name for name in PARTS if seal["parts"].get(name) != parts[name]]
        names = t("seal.part_sep").join(t(f"seal.part_{name}") for name in changed)
        return t("seal.import_edited", parts=names)
    return None


def mark_unverified(store: AttemptStore, attempt_ids: Iterable[str], source: str, at: datetime) -> None:
    """Record that these attempts are imported without verification; their seals then carry ``unverified``."""
    for attempt_id in attempt_ids:
        store.put_record(UNVERIFIED_TABLE, attempt_id, {"file": source, "at": to_iso(at)})


__all__ = [
    "Finding",
    "Seal",
    "SealError",
    "TamperedError",
    "VerifyReport",
    "attempt_parts",
    "check_exported_attempt",
    "export_seals",
    "file_mac",
    "finding_text",
    "key_id",
    "load_or_create_key",
    "mark_unverified",
    "require_intact",
    "seal_attempt",
    "seal_existing",
    "SealCheck",
    "verify_store",
]
