"""Moving results between machines: ``exam results export`` and ``exam results import``.

The file is JSON Lines in UTF-8. The first line is a header::

    {"format": "township-exam-results", "version": 2, "exported_at": "...", "origin": "host", "attempts": 12,
     "seal": {"algorithm": "HMAC-SHA256", "key_id": "1a2b3c4d5e6f7a8b"}}

every further line is one closed attempt exactly as stored (trainee, paper snapshot ``drawn``, responses,
``answers``, scores, ``history``) plus ``"seal"``: its latest seal record from the sender's store (see
:mod:`exam.seals`), and the last line is a trailer ``{"file_mac": "<HMAC-SHA256>"}`` over every byte before it,
under the sender's seal key. Attempt ids are random UUIDs, so the same attempt arriving twice (two exports of one
laptop) is recognised and skipped. A file is checked completely before anything of it is stored: one bad line and
nothing of that file is imported.

Importing verifies the seals with the sender's key: the receiving store's own key when the file was sealed with it
(a file exported from this store), else the key given with ``--key-file`` (the sender's ``seal.key``, carried
separately from the file). A file that does not verify — an edited attempt (named, with what changed), lines added,
removed or reordered, no key to check with, or a file of version 1 (no seals) — is refused; with
``--allow-unverified`` its attempts are imported and marked unverified (``exam results``, the score sheet). Every
imported attempt is then sealed again in the receiving store under its own key.
"""

from __future__ import annotations

import hmac
import json
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from exam.attempts import Attempt
from exam.errors import ExamError
from exam.i18n import t
from exam.papers import DrawnPaper
from exam.safetext import safe_data, safe_text
from exam.seals import (
    SealError,
    check_exported_attempt,
    export_seals,
    file_mac,
    key_id,
    mark_unverified,
    read_key,
    seal_existing,
)
from exam.service import ExamService
from exam.store.atomic import atomic_write_bytes

FORMAT_NAME = "township-exam-results"
FORMAT_VERSION = 2
"""2: seals and the file MAC (version 1 files, without seals, import only with ``--allow-unverified``)."""
CLOSED = ("submitted", "auto_submitted")
ATTEMPT_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_LINE = 16 * 1024 * 1024


class ResultsFileError(ExamError):
    """A results file cannot be imported; the message names the file and the line."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        where = t("results.where_line", path=self.path, line=line) if line else self.path
        super().__init__(f"{where}: {message}")


class UnverifiedFileError(ResultsFileError):
    """A results file whose seals do not verify; ``problems`` lists ``(line, attempt id, trainee, what)``."""

    def __init__(
        self,
        path: str | Path,
        reason: str,
        problems: Sequence[tuple[int, str, str, str]] = (),
        whole_file: bool = True,
    ) -> None:
        self.problems = tuple(problems)
        self.whole_file = whole_file
        """The file as a whole does not verify (no seals, no key, no trailer, lines changed), not only the attempts
        named."""
        lines = [reason]
        for line, attempt_id, trainee, what in self.problems:
            lines.append(t("seal.import_problem", line=line, attempt=attempt_id[:8], who=trainee, what=what))
        lines.append(t("seal.import_hint"))
        super().__init__(path, None, "\n  ".join(lines))


@dataclass(frozen=True)
class ImportResult:
    """What importing one file did; ``unverified``: attempts imported with ``--allow-unverified`` unverified."""

    path: str
    added: int
    skipped: int
    unverified: int = 0


@dataclass
class ResultsFile:
    """A results file as read: its header, its attempts with the line and seal of each, and its trailer."""

    path: Path
    header: dict[str, Any]
    attempts: list[Attempt]
    lines: list[int]
    seals: list[Any]
    signed: bytes = b""
    """The bytes the trailer's MAC covers (every line before it)."""
    file_mac: str | None = None


def export_results(
    service: ExamService,
    path: Path,
    paper: str | None = None,
    clock: Callable[[], datetime] | None = None,
    progress: Callable[[list[Attempt]], Iterable[Attempt]] | None = None,
) -> int:
    """Write every closed attempt (of ``paper``, if given) to ``path``; returns how many.

    The file is written atomically: a reader never sees half of it.
    """
    service.finalise_expired()  # attempts whose time ran out while nobody held them belong in the file
    service.complete_pending_effects()  # seals of closes that were cut short
    now = (clock or (lambda: datetime.now().astimezone()))()
    summaries = [s for s in service.attempts(paper=paper) if s.closed]
    if summaries and not service.store.seal_log():
        seal_existing(service.store, now)  # a store from before seals is sealed once, on upgrade
    key, seals = export_seals(service.store, [s.attempt_id for s in summaries])
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": now.isoformat(timespec="seconds"),
        "origin": socket.gethostname(),
        "attempts": len(summaries),
        "seal": {"algorithm": "HMAC-SHA256", "key_id": key_id(key)} if key else None,
    }
    lines = [json.dumps(header, ensure_ascii=False)]
    for summary in progress(summaries) if progress else summaries:
        record = service.attempt(summary.attempt_id).to_json()
        if summary.attempt_id in seals:
            record["seal"] = seals[summary.attempt_id]
        lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    body = ("\n".join(lines) + "\n").encode("utf-8")
    if key is not None:
        body += json.dumps({"file_mac": file_mac(key, body)}).encode() + b"\n"
    atomic_write_bytes(Path(path), body)
    return len(summaries)


def read_results_file(path: str | Path) -> list[Attempt]:
    """Every attempt of a results file, after checking all of it; raises :class:`ResultsFileError` at the first
    bad line (with its number). The seals are not checked here (see :func:`verify_results_file`)."""
    return load_results_file(path).attempts


def load_results_file(path: str | Path) -> ResultsFile:
    """A results file read and checked line by line (as :func:`read_results_file`), with its seals and trailer."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ResultsFileError(path, None, t("results.missing_file")) from None
    except OSError as exc:
        raise ResultsFileError(path, None, exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise ResultsFileError(path, bad_line, t("results.not_utf8")) from None
    loaded = ResultsFile(path, {}, [], [], [])
    header_seen = False
    offset = 0
    # Split on "\n" only: JSON keeps U+2028 or U+0085 in a name unescaped, and str.splitlines() would cut there.
    for number, line in enumerate(text.split("\n"), 1):
        start, offset = offset, offset + len(line.encode("utf-8")) + 1
        if not line.strip():
            continue
        if loaded.file_mac is not None:
            raise ResultsFileError(path, number, t("results.after_trailer"))
        if len(line) > MAX_LINE:
            raise ResultsFileError(path, number, t("results.line_too_long"))
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ResultsFileError(path, number, t("results.bad_json", error=exc.msg)) from None
        if not header_seen:
            _check_header(path, number, data)
            loaded.header = data
            header_seen = True
            continue
        if isinstance(data, dict) and set(data) == {"file_mac"} and isinstance(data["file_mac"], str):
            loaded.file_mac = data["file_mac"]
            loaded.signed = raw.removeprefix(b"\xef\xbb\xbf")[:start]
            continue
        problem = attempt_problem(data)
        if problem:
            raise ResultsFileError(path, number, problem)
        try:
            loaded.attempts.append(Attempt.from_json(data))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise ResultsFileError(path, number, t("results.bad_field", field=str(exc))) from None
        loaded.lines.append(number)
        loaded.seals.append(data.get("seal"))
    if not header_seen:
        raise ResultsFileError(path, None, t("results.not_export"))
    return loaded


def verify_results_file(loaded: ResultsFile, own_key: bytes | None, sender_key: bytes | None) -> None:
    """Check a results file's seals and MAC; returns when it verifies, raises :class:`UnverifiedFileError` naming
    every attempt that does not (and why the file as a whole does not, if it does not).

    Args:
        loaded: The file as read by :func:`load_results_file`.
        own_key: The receiving store's key (used when the file was sealed with it).
        sender_key: The key given with ``--key-file``.
    """
    path = loaded.path
    seal = loaded.header.get("seal") if loaded.header.get("version", 1) >= 2 else None
    file_key_id = seal.get("key_id") if isinstance(seal, dict) else None
    if not isinstance(file_key_id, str):
        raise UnverifiedFileError(path, t("seal.import_no_seals"))
    key = None
    for candidate in (sender_key, own_key):
        if candidate is not None and key_id(candidate) == file_key_id:
            key = candidate
            break
    if key is None and sender_key is not None:
        raise UnverifiedFileError(path, t("seal.import_wrong_key", key=key_id(sender_key), file=file_key_id))
    problems = []
    for number, attempt, record in zip(loaded.lines, loaded.attempts, loaded.seals, strict=True):
        what = check_exported_attempt(key, attempt, record)
        if what is not None:
            problems.append((number, attempt.attempt_id, f"{attempt.trainee.name} {attempt.trainee.id}", what))
    if key is None:
        raise UnverifiedFileError(path, t("seal.import_no_key", key=file_key_id), problems)
    if loaded.file_mac is None:
        raise UnverifiedFileError(path, t("seal.import_no_trailer"), problems)
    if not hmac.compare_digest(file_mac(key, loaded.signed), loaded.file_mac):
        raise UnverifiedFileError(path, t("seal.import_file_changed"), problems)
    if problems:
        raise UnverifiedFileError(path, t("seal.import_edited_attempts", count=len(problems)), problems, False)


def read_key_file(path: str | Path) -> bytes:
    """The sender's seal key from ``--key-file``: the ``seal.key`` file, or the folder of the sender's store.

    Raises:
        ExamError: No key there, or it is damaged.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "seal.key"
    try:
        key = read_key(path)
    except SealError as exc:
        raise ExamError(str(exc)) from None
    if key is None:
        raise ExamError(t("seal.key_file_missing", path=path))
    return key


def _neutralised(data: Any) -> Any:
    """An exported attempt with its text made safe (:mod:`exam.safetext`): names and answers from another machine
    must not carry control characters or escape sequences into the terminal or a score sheet. A name or 考号 is one
    line. Text an honest store wrote is unchanged: the sign-in form already removes these characters."""
    data = safe_data(data)
    trainee = data.get("trainee") if isinstance(data, dict) else None
    if isinstance(trainee, dict):
        data["trainee"] = {k: safe_text(v) if isinstance(v, str) else v for k, v in trainee.items()}
    return data


def _check_header(path: Path, number: int, data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise ResultsFileError(path, number, t("results.not_export"))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ResultsFileError(path, number, t("results.bad_version", version=version))
    if version > FORMAT_VERSION:
        raise ResultsFileError(path, number, t("results.newer_version", version=version, supported=FORMAT_VERSION))


def attempt_problem(data: Any) -> str | None:
    """What is wrong with one exported attempt, or ``None``."""
    if not isinstance(data, dict):
        return t("results.not_object")
    attempt_id = data.get("attempt_id")
    if not isinstance(attempt_id, str) or not ATTEMPT_ID.match(attempt_id):
        return t("results.bad_field", field="attempt_id")
    if data.get("status") not in CLOSED:
        return t("results.not_closed", status=data.get("status"))
    trainee = data.get("trainee")
    if not isinstance(trainee, dict) or not all(isinstance(trainee.get(k), str) for k in ("name", "id")):
        return t("results.bad_field", field="trainee")
    for key in ("paper", "started_at", "deadline"):
        if not isinstance(data.get(key), str):
            return t("results.bad_field", field=key)
    for key in ("started_at", "deadline", "submitted_at"):
        value = data.get(key)
        if key == "submitted_at" and value is None:
            continue
        try:
            datetime.fromisoformat(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return t("results.bad_field", field=key)
    for key in ("score", "max_score"):
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return t("results.bad_field", field=key)
    answers = data.get("answers")
    if not isinstance(answers, list) or not all(_answer_ok(a) for a in answers):
        return t("results.bad_field", field="answers")
    if "history" in data and not isinstance(data["history"], list):
        return t("results.bad_field", field="history")
    try:
        DrawnPaper.from_dict(data["drawn"])
    except Exception:  # any shape problem in the snapshot: report the field, not a traceback
        return t("results.bad_field", field="drawn")
    return None


def _answer_ok(answer: Any) -> bool:
    if not isinstance(answer, dict) or not isinstance(answer.get("question_id"), str):
        return False
    if not isinstance(answer.get("type"), str):
        return False
    return all(
        not isinstance(answer.get(k), bool) and isinstance(answer.get(k), (int, float))
        for k in ("points", "max_points")
    )


def import_results(
    service: ExamService,
    paths: Sequence[str | Path],
    sender_key: bytes | None = None,
    allow_unverified: bool = False,
) -> tuple[list[ImportResult], list[ResultsFileError]]:
    """Import each file on its own: a good file is stored even when another is refused.

    Args:
        service: The receiving store's service.
        paths: The files.
        sender_key: The sender's seal key (``--key-file``); the receiving store's own key is tried too.
        allow_unverified: Import a file that does not verify, marking its failing attempts (every attempt, when the
            file as a whole fails) unverified, instead of refusing it.

    Returns the result of every imported file and the error of every refused one (an
    :class:`UnverifiedFileError` for a file whose seals do not verify).
    """
    results: list[ImportResult] = []
    errors: list[ResultsFileError] = []
    try:
        own_key = read_key(service.store.seal_key_path())
    except SealError:
        own_key = None
    for path in paths:
        try:
            loaded = load_results_file(path)
        except ResultsFileError as exc:
            errors.append(exc)
            continue
        unverified: list[str] = []
        try:
            verify_results_file(loaded, own_key, sender_key)
        except UnverifiedFileError as exc:
            if not allow_unverified:
                errors.append(exc)
                continue
            named = {attempt_id for _line, attempt_id, _who, _what in exc.problems}
            unverified = [a.attempt_id for a in loaded.attempts if exc.whole_file or a.attempt_id in named]
        present = {s.attempt_id for s in service.attempts()}
        fresh = [a for a in unverified if a not in present]
        mark_unverified(service.store, fresh, str(path), service.clock())
        # Seals were checked on the records as sent; what is stored is their text made safe (an honest store's
        # text is unchanged by it), and the receiving store seals it under its own key.
        safe = [Attempt.from_json(_neutralised(a.to_json())) for a in loaded.attempts]
        added, skipped = service.import_attempts(safe)
        results.append(ImportResult(str(path), added, skipped, len(fresh)))
    return results, errors
