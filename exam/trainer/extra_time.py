"""Per-trainee extra time (延时): more minutes for one trainee on one paper.

The minutes are kept by :meth:`ExamService.set_extra_minutes` and added to the time limit when the trainee starts
the paper. A trainee already sitting the paper when the extra time is granted gets it at once: the stored deadline
of the running attempt moves by the added minutes, recorded in its history; the running exam picks it up at its
next heartbeat, and never closes before the stored deadline.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from exam.attempts import Attempt, AttemptStatus, HistoryEntry, to_iso
from exam.errors import ExamError
from exam.i18n import t
from exam.service import ExamService
from exam.trainer.regrade import current_user


def grant_extra_time(service: ExamService, paper: str, trainee_id: str, minutes: int, by: str | None = None) -> int:
    """Set the trainee's extra minutes for ``paper``; returns how many running attempts were extended.

    Only added minutes reach a running attempt: taking time away applies to later attempts, never to one under
    way, and an attempt already over time is left to be submitted as it stands. Raises :class:`ExamError` for a
    blank trainee or minutes outside 0–600.
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
    for summary in service.attempts(paper=paper, trainee_id=trainee_id, status=AttemptStatus.IN_PROGRESS):

        def change(attempt: Attempt) -> Attempt:
            if attempt.closed or service.seconds_left(attempt) <= 0:
                return attempt
            # What this attempt has had already, read from its stored deadline: granting 10, taking it back to 0
            # and granting 10 again gives 10 in all, not 20.
            had = (attempt.deadline - attempt.started_at) - timedelta(minutes=attempt.paper_snapshot.time_limit)
            more = timedelta(minutes=minutes) - had
            if more <= timedelta(0):
                return attempt
            deadline = attempt.deadline + more
            entry = HistoryEntry(
                "extra_time",
                to_iso(service.clock()),
                who,
                {
                    "old": to_iso(attempt.deadline),
                    "new": to_iso(deadline),
                    "reason": t("extra.history_reason", old=old, new=minutes),
                },
            )
            return replace(attempt, deadline=deadline).with_history(entry)

        if service.update_attempt(summary.attempt_id, change).deadline != summary.deadline:
            count += 1
    return count
