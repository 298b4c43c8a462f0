"""Checking what a trainer asked for before a report or a change runs on it.

A filter that matches nothing is almost always a typing mistake, and a report of nobody (or extra time granted to
nobody) looks like success. Every trainer command with a ``--paper``, ``--trainee``, ``--unit`` or date range checks
it here first and stops with one message naming what did not match and what would have (:class:`NotFoundError`,
:class:`ExamError`: the command line exits non-zero).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from exam.errors import ExamError, NotFoundError
from exam.i18n import t

if TYPE_CHECKING:
    from exam.service import ExamService

MAX_LISTED = 12
"""How many known values an error message lists before it says "…"."""


def known_list(values: Iterable[str]) -> str:
    """``甲镇、乙镇、…`` (sorted, at most :data:`MAX_LISTED`), or ``-`` when there are none."""
    items = sorted({v for v in values if v})
    if not items:
        return "-"
    shown = t("filters.list_sep").join(items[:MAX_LISTED])
    return shown + (t("filters.more", count=len(items) - MAX_LISTED) if len(items) > MAX_LISTED else "")


def check_paper(service: ExamService, paper: str) -> None:
    """``paper`` is a paper of an installed plugin or has stored attempts (results carried from another computer may
    be of a paper not installed here). Raises :class:`NotFoundError` naming the known papers."""
    if paper in service.registry.papers or service.attempts(paper=paper):
        return
    stored = {a.paper for a in service.attempts()}
    raise NotFoundError(t("scores.unknown_paper", paper=paper, known=known_list([*service.registry.papers, *stored])))


def check_dates(date_from: date | None, date_to: date | None) -> None:
    """A date range must not end before it starts. Raises :class:`ExamError`."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ExamError(t("filters.reversed_dates", date_from=date_from.isoformat(), date_to=date_to.isoformat()))


def check_selection(
    service: ExamService, paper: str, date_from: date | None, date_to: date | None, unit: str | None
) -> None:
    """Check a report's filters: the paper exists, the date range is in order and holds at least one attempt of the
    paper, and the 单位 is one of the roster's or of the stored attempts'.

    Raises:
        NotFoundError: the paper, the unit or any attempt in the date range is not found (the message lists the
            known units, or the days the paper was sat).
        ExamError: the date range is reversed.
    """
    check_paper(service, paper)
    check_dates(date_from, date_to)
    if unit is None and date_from is None and date_to is None:
        return  # nothing to look up (listing 10,000 attempts for nothing took a third of a second)
    attempts = service.attempts(paper=paper)
    if unit is not None:
        check_unit(unit, [a.trainee.unit for a in attempts], service.roster_records())
    if date_from is None and date_to is None:
        return
    days = sorted({a.started_at.date() for a in attempts})
    inside = [d for d in days if (date_from is None or d >= date_from) and (date_to is None or d <= date_to)]
    if not inside:
        raise NotFoundError(
            t(
                "filters.empty_dates",
                paper=paper,
                date_from=date_from.isoformat() if date_from else "…",
                date_to=date_to.isoformat() if date_to else "…",
                days=known_list(d.isoformat() for d in days),
            )
        )


def check_unit(unit: str, attempt_units: Iterable[str], roster: Mapping[str, object]) -> None:
    """``unit`` (trimmed) is the 单位 of a roster member or of a stored attempt. Raises :class:`NotFoundError`."""
    wanted = unit.strip()
    known = {u.strip() for u in attempt_units}
    for member in roster.values():
        if isinstance(member, Mapping):
            known.add(str(member.get("unit") or "").strip())
    if not wanted or wanted not in known:
        raise NotFoundError(t("filters.unknown_unit", unit=unit, known=known_list(known)))


def check_trainee(service: ExamService, trainee_id: str) -> None:
    """``trainee_id`` (trimmed) is on the roster or has sat some paper. Raises :class:`NotFoundError`."""
    wanted = trainee_id.strip()
    if wanted and (wanted in service.roster_records() or service.attempts(trainee_id=wanted)):
        return
    raise NotFoundError(t("filters.unknown_trainee", trainee=trainee_id))
