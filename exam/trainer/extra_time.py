"""Per-trainee extra time (延时): more minutes for one trainee on one paper.

The minutes are kept by :meth:`ExamService.set_extra_minutes` and added to the time limit when the trainee starts
the paper. A trainee already sitting the paper when the extra time is granted gets it at once: the stored deadline
of the running attempt moves by the added minutes, recorded in its history.
"""

from __future__ import annotations

from datetime import timedelta

from exam.errors import ExamError
from exam.i18n import t
from exam.service import ExamService, from_iso, to_iso
from exam.store.base import AttemptDict
from exam.trainer.regrade import current_user


def grant_extra_time(service: ExamService, paper: str, trainee_id: str, minutes: int, by: str | None = None) -> int:
    """Set the trainee's extra minutes for ``paper``; returns how many running attempts were extended.

    Only added minutes reach a running attempt: taking time away applies to later attempts, never to one under
    way, and an attempt already over time is left to be submitted as it stands.
    """
    trainee_id = trainee_id.strip()
    if not trainee_id:
        raise ExamError(t("extra.blank_trainee"))
    if not 0 <= minutes <= 600:
        raise ExamError(t("extra.out_of_range"))
    old = service.extra_minutes(paper, trainee_id)
    service.set_extra_minutes(paper, trainee_id, minutes)
    added = minutes - old
    if added <= 0:
        return 0
    who = by or current_user()
    count = 0
    for summary in service.store.list_attempts(paper=paper, trainee_id=trainee_id, status="in_progress"):
        if service.seconds_left(summary) <= 0:
            continue

        def change(attempt: AttemptDict) -> AttemptDict:
            if attempt["status"] != "in_progress":
                return attempt
            deadline = to_iso(from_iso(attempt["deadline"]) + timedelta(minutes=added))
            record = {
                "action": "extra_time",
                "by": who,
                "at": to_iso(service.clock()),
                "old": attempt["deadline"],
                "new": deadline,
                "reason": t("extra.history_reason", old=old, new=minutes),
            }
            return dict(attempt, deadline=deadline, history=[*(attempt.get("history") or []), record])

        service.store.update_attempt(summary["attempt_id"], change)
        count += 1
    return count
