"""Moving results between machines: ``exam results export`` and ``exam results import``.

The file is JSON Lines in UTF-8. The first line is a header::

    {"format": "township-exam-results", "version": 1, "exported_at": "...", "origin": "host", "attempts": 12}

and every further line is one closed attempt exactly as stored (trainee, paper snapshot ``drawn``, responses,
``answers``, scores, ``history``). Attempt ids are random UUIDs, so the same attempt arriving twice (two exports of
one laptop) is recognised and skipped. A file is checked completely before anything of it is stored: one bad line
and nothing of that file is imported.
"""

from __future__ import annotations

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
from exam.service import ExamService
from exam.store.atomic import atomic_write_bytes

FORMAT_NAME = "township-exam-results"
FORMAT_VERSION = 1
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


@dataclass(frozen=True)
class ImportResult:
    """What importing one file did."""

    path: str
    added: int
    skipped: int


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
    summaries = [s for s in service.attempts(paper=paper) if s.closed]
    now = (clock or (lambda: datetime.now().astimezone()))()
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": now.isoformat(timespec="seconds"),
        "origin": socket.gethostname(),
        "attempts": len(summaries),
    }
    lines = [json.dumps(header, ensure_ascii=False)]
    for summary in progress(summaries) if progress else summaries:
        record = service.attempt(summary.attempt_id).to_json()
        lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    atomic_write_bytes(Path(path), ("\n".join(lines) + "\n").encode("utf-8"))
    return len(summaries)


def read_results_file(path: str | Path) -> list[Attempt]:
    """Every attempt of a results file, after checking all of it; raises :class:`ResultsFileError` at the first
    bad line (with its number)."""
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
    attempts: list[Attempt] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            raise ResultsFileError(path, number, t("results.line_too_long"))
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ResultsFileError(path, number, t("results.bad_json", error=exc.msg)) from None
        if not header_seen:
            _check_header(path, number, data)
            header_seen = True
            continue
        data = _neutralised(data)
        problem = attempt_problem(data)
        if problem:
            raise ResultsFileError(path, number, problem)
        try:
            attempts.append(Attempt.from_json(data))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise ResultsFileError(path, number, t("results.bad_field", field=str(exc))) from None
    if not header_seen:
        raise ResultsFileError(path, None, t("results.not_export"))
    return attempts


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
    service: ExamService, paths: Sequence[str | Path]
) -> tuple[list[ImportResult], list[ResultsFileError]]:
    """Import each file on its own: a good file is stored even when another is refused.

    Returns the result of every imported file and the error of every refused one.
    """
    results: list[ImportResult] = []
    errors: list[ResultsFileError] = []
    for path in paths:
        try:
            attempts = read_results_file(path)
        except ResultsFileError as exc:
            errors.append(exc)
            continue
        added, skipped = service.import_attempts(attempts)
        results.append(ImportResult(str(path), added, skipped))
    return results, errors
