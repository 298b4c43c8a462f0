"""The API the TUI and the CLI use: sign-in data, papers, attempts, answers, submission, review, practice.

The service owns attempt state: callers pass ids (and, for a running exam, the :class:`ExamSession` handle that
:meth:`ExamService.open_attempt` gave them); every save and every close re-reads what is stored under the
attempt's lock. Nothing here imports Textual. Wall time comes from an injectable ``clock`` and elapsed time from an
injectable ``monotonic``, so tests can move either.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exam.attempts import Attempt, AttemptStatus, HistoryEntry, from_iso, to_iso
from exam.errors import AttemptClosedError, ExamError, LeaseLostError, NotFoundError, StoreError
from exam.i18n import t
from exam.models import OPTION_LETTERS, Question, Trainee
from exam.papers import (
    DrawnPaper,
    PaperSpec,
    assemble_paper,
    default_seed,
    draw_practice_questions,
    practice_paper,
)
from exam.plugins import Registry
from exam.qtypes import GradingRules, QuestionType
from exam.scoring import grade_paper, has_passed, score_answer, total_score
from exam.seals import SealError
from exam.store.base import AttemptStore, Lease, LiveState

if TYPE_CHECKING:
    from exam.seals import SealCheck, VerifyReport
    from exam.signin import SignedIn
    from exam.trainer.roster import RosterImport
    from exam.trainer.scoresheet import ScoreReport, StatisticsReport
    from exam.trainer.scoresheet import Selection as ScoreSelection

Clock = Callable[[], datetime]
Monotonic = Callable[[], float]

LEASE_HEARTBEAT_SECONDS = 5
"""How often a running exam tells the store it is alive (and learns of extra time or a takeover)."""
LEASE_STALE_SECONDS = 30
"""A lease not renewed for this long belongs to a window that is gone; it can be taken without asking."""
CLOCK_JUMP_SECONDS = 120
"""A difference this large between the wall clock and the session's own elapsed time counts as a clock jump."""

__all__ = ["ExamService", "ExamSession", "PaperStatus", "from_iso", "public_attempt", "system_clock", "to_iso"]


def system_clock() -> datetime:
    return datetime.now(UTC).astimezone()


def boot_clock() -> float:
    """Seconds on a clock that never jumps and keeps counting while the machine sleeps (``CLOCK_BOOTTIME`` where
    the system has it; ``time.monotonic`` elsewhere), so a closed laptop lid grants no time."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(boottime) if boottime is not None else time.monotonic()


def _boot_id() -> str:
    """The kernel's id of this boot (Linux), so a lease's boot-clock reading is compared only on the same boot."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


BOOT_ID = _boot_id()
HOST = socket.gethostname()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but not ours to signal
        return True
    return True


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


@dataclass(frozen=True)
class HomeData:
    """What the home screen shows for one trainee (from :meth:`ExamService.home`)."""

    papers: list[PaperStatus]
    open_attempt: Attempt | None
    wrong_book_count: int


@dataclass
class ExamSession:
    """One window's hold on one in-progress attempt (from :meth:`ExamService.open_attempt`).

    Its time runs on the monotonic clock from the moment it opened, so a wall clock moved back never grants time
    and one moved forward never closes the attempt early. ``writable`` is false for a read-only view or after
    another window took the attempt over.
    """

    attempt_id: str
    holder: str
    label: str
    wall_start: datetime
    mono_start: float
    monotonic: Monotonic
    paper: DrawnPaper
    deadline: datetime
    writable: bool = True
    recorded_jump: float = 0.0
    lost_reason: str = ""

    def now(self) -> datetime:
        """The session's time: the wall time it opened at plus the monotonic time elapsed since."""
        return self.wall_start + timedelta(seconds=self.monotonic() - self.mono_start)

    def seconds_left(self) -> float:
        return (self.deadline - self.now()).total_seconds()


@dataclass(frozen=True)
class Heartbeat:
    """What a running exam learns each heartbeat: the stored deadline, and whether it may still write."""

    deadline: datetime
    writable: bool
    closed: bool = False
    reason: str = ""


class ExamService:
    """Everything a trainee or trainer does, over a :class:`Registry` and an :class:`AttemptStore`."""

    def __init__(
        self,
        registry: Registry,
        store: AttemptStore,
        clock: Clock = system_clock,
        monotonic: Monotonic = boot_clock,
    ) -> None:
        self.registry = registry
        self.store = store
        self.clock = clock
        self.monotonic = monotonic
        self._papers: dict[str, DrawnPaper] = {}
        self._question_index: dict[str, tuple[DrawnPaper, dict[str, Question]]] = {}
        """Per attempt: its drawn paper and that paper's questions by id (a save looks one up in O(1))."""

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

    def papers_for(self, trainee: Trainee, summaries: list[Attempt] | None = None) -> list[PaperStatus]:
        """Every paper with this trainee's attempts at it; ``summaries`` saves a second scan of the index."""
        mine = self.store.list_attempts(trainee_id=trainee.id) if summaries is None else summaries
        result = []
        for spec in self.registry.papers.values():
            used = [a for a in mine if a.paper == spec.id and a.trainee.id == trainee.id]
            open_ = next((a.attempt_id for a in used if not a.closed), None)
            result.append(PaperStatus(spec, len(used), open_))
        return result

    def home(self, trainee: Trainee) -> HomeData:
        """The home screen's data: every paper with the trainee's attempts at it, the trainee's open attempt (after
        closing any whose time ran out while nobody held it) and the size of the 错题本."""
        open_attempt = self.in_progress_for(trainee)
        return HomeData(self.papers_for(trainee), open_attempt, len(self.wrong_book(trainee)))

    # -- starting and opening ---------------------------------------------------------------------------------------

    def start_attempt(self, paper_id: str, trainee: Trainee, seed: str | None = None) -> Attempt:
        """Resume the trainee's open attempt at this paper, or draw a new paper and start one.

        The attempts-allowed check and the creation happen under one lock, so any number of processes starting
        at once end with exactly one attempt, which all of them get. Raises :class:`ExamError` when no attempt is
        left.
        """
        spec = self.paper(paper_id)
        self.complete_pending_effects()
        try:
            with self.store.serialised(trainee.id, paper_id):
                return self._resume_or_create(spec, trainee, seed)
        finally:
            self.complete_pending_effects()  # of attempts closed above: plugins are called outside the lock

    def _resume_or_create(self, spec: PaperSpec, trainee: Trainee, seed: str | None) -> Attempt:
        """Under the start lock: the trainee's open attempt at ``spec``, or a new one if any is left."""
        paper_id = spec.id
        mine = self.store.list_attempts(paper=paper_id, trainee_id=trainee.id)
        for summary in mine:
            current = None if summary.closed else self._still_open(summary, effects=False)
            if current is not None:
                return current
        unreadable = getattr(mine, "unreadable", ())
        if unreadable:  # some attempts cannot be counted: never risk a retake beyond the allowed number
            raise StoreError(t("service.cannot_count", paths="、".join(unreadable)))
        used = len(mine)
        if spec.attempts and used >= spec.attempts:
            raise ExamError(t("service.no_attempts_left", title=spec.title, attempts=spec.attempts))
        attempt_no = used + 1
        drawn = assemble_paper(spec, self.registry.banks, seed or default_seed(spec.id, trainee.id, attempt_no))
        now = self.clock()
        extra = self.extra_minutes(paper_id, trainee.id)
        attempt = Attempt(
            attempt_id=uuid.uuid4().hex,
            trainee=trainee,
            paper=spec.id,
            paper_title=spec.title,
            status=AttemptStatus.IN_PROGRESS,
            started_at=now,
            deadline=now + timedelta(minutes=spec.time_limit + extra),
            max_score=drawn.max_score,
            attempt_no=attempt_no,
            origin=socket.gethostname(),
            drawn=drawn,
        )
        return self.store.create_attempt(attempt)

    def open_attempt(self, attempt_id: str, takeover: bool = False, read_only: bool = False) -> ExamSession:
        """Open an in-progress attempt in this window: take its lease (one writer per attempt).

        Raises :class:`~exam.errors.LeaseHeldError` when another live window holds it and neither ``takeover``
        nor ``read_only`` is given; with ``read_only`` the session can show but not save.
        """
        attempt = self.store.get_attempt(attempt_id)
        if attempt.closed:
            raise AttemptClosedError(t("service.already_submitted"))
        state = self.store.live_state(attempt_id)
        wall = self.clock()
        seen = state.seen or (state.lease.heartbeat if state.lease else None)
        # Time never runs backwards for an attempt: a window opened after the clock was set back starts from the
        # latest time any window recorded for it, plus the real time since when it was recorded on this boot.
        start = self._attempt_now(state)
        session = ExamSession(
            attempt_id=attempt_id,
            holder=secrets.token_hex(16),
            label=t("lease.label", host=HOST, pid=os.getpid()),
            wall_start=start,
            mono_start=self.monotonic(),
            monotonic=self.monotonic,
            paper=attempt.paper_snapshot,
            deadline=state.deadline,
            writable=not read_only,
        )
        self._papers[attempt_id] = attempt.paper_snapshot
        if read_only:
            return session
        self.store.acquire_lease(attempt_id, self._lease(session), takeover, self._lease_is_live)
        if takeover:
            self._append_history(attempt_id, "takeover", {"new": session.label})
        if seen is not None and abs((start - wall).total_seconds()) >= CLOCK_JUMP_SECONDS:
            session.recorded_jump = (wall - session.now()).total_seconds()
            self._append_history(
                attempt_id,
                "clock_jump",
                {"seconds": round(session.recorded_jump), "wall": to_iso(wall), "session": to_iso(session.now())},
            )
        return session

    def _attempt_now(self, state: LiveState) -> datetime:
        """The attempt's time: on the boot that recorded ``state.seen``, that time plus the boot clock's time since
        (whatever the wall clock says); otherwise the wall clock, never before ``seen``."""
        wall = self.clock()
        if state.seen is None:
            return wall
        if state.seen_boot and state.seen_boot == BOOT_ID and state.seen_mono:
            return state.seen + timedelta(seconds=max(0.0, self.monotonic() - state.seen_mono))
        return max(wall, state.seen)

    def _lease_is_live(self, lease: Lease) -> bool:
        """Whether a lease's window is alive: on this machine and boot, by the boot clock and its process; else by
        the wall clock."""
        if lease.boot and lease.boot == BOOT_ID and lease.host == HOST:
            if lease.pid and not _process_alive(lease.pid):
                return False
            return self.monotonic() - lease.mono < LEASE_STALE_SECONDS
        return (self.clock() - lease.heartbeat).total_seconds() < LEASE_STALE_SECONDS

    def close_session(self, session: ExamSession) -> None:
        """The window closes: give up the lease so another window can open the attempt without asking."""
        if session.writable:
            self.store.release_lease(session.attempt_id, session.holder)

    def heartbeat(self, session: ExamSession) -> Heartbeat:
        """Renew the lease, pick up the stored deadline (extra time), and record a wall-clock jump once.

        Returns whether the session may still write; after a takeover it may not, and ``reason`` says why.
        """
        try:
            state = self.store.live_state(session.attempt_id)
        except AttemptClosedError:
            return Heartbeat(session.deadline, False, closed=True)
        session.deadline = state.deadline
        if not session.writable:
            return Heartbeat(state.deadline, False, reason=session.lost_reason)
        self._note_clock_jump(session)
        try:
            self.store.renew_lease(session.attempt_id, self._lease(session))
        except LeaseLostError as exc:
            session.writable = False
            session.lost_reason = str(exc)
            return Heartbeat(state.deadline, False, reason=session.lost_reason)
        except AttemptClosedError:
            return Heartbeat(state.deadline, False, closed=True)
        return Heartbeat(state.deadline, True)

    def _lease(self, session: ExamSession) -> Lease:
        return Lease(session.holder, session.label, session.now(), HOST, os.getpid(), BOOT_ID, self.monotonic())

    def _note_clock_jump(self, session: ExamSession) -> None:
        offset = (self.clock() - session.now()).total_seconds()
        if abs(offset - session.recorded_jump) < CLOCK_JUMP_SECONDS:
            return
        session.recorded_jump = offset
        self._append_history(
            session.attempt_id,
            "clock_jump",
            {"seconds": round(offset), "wall": to_iso(self.clock()), "session": to_iso(session.now())},
        )

    def _append_history(self, attempt_id: str, action: str, detail: Mapping[str, Any], by: str = "") -> None:
        entry = HistoryEntry(action, to_iso(self.clock()), by, dict(detail))
        self.store.update_attempt(attempt_id, lambda a: a.with_history(entry))

    # -- answering --------------------------------------------------------------------------------------------------

    def drawn(self, attempt_id: str) -> DrawnPaper:
        """The paper drawn for an attempt (cached: it never changes once drawn)."""
        paper = self._papers.get(attempt_id)
        if paper is None:
            paper = self.store.get_attempt(attempt_id).paper_snapshot
            self._papers[attempt_id] = paper
        return paper

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

    def save_answer(self, attempt_id: str, question_id: str, response: Any, session: ExamSession | None = None) -> Any:
        """Durably record a response; returns the normalised response.

        Checked under the attempt's lock against what is stored: the lease (a window that lost the attempt gets
        :class:`~exam.errors.LeaseLostError`) and the stored deadline, by the session's clock. Once the deadline has
        passed the attempt is closed and :class:`~exam.errors.AttemptClosedError` raised.
        """
        if session is not None and not session.writable:
            raise LeaseLostError(session.lost_reason or t("lease.read_only"))
        paper = self.drawn(attempt_id)
        index = self._question_index.get(attempt_id)
        if index is None or index[0] is not paper:
            index = (paper, {item.id: item.question for item in paper.questions})
            self._question_index[attempt_id] = index
        question = index[1].get(question_id)
        if question is None:
            raise NotFoundError(t("service.no_question", question=question_id))
        value = self.check_response(question, response)
        now = session.now() if session is not None else self.clock()

        def check(state: LiveState) -> None:
            if session is not None and state.lease is not None and state.lease.holder != session.holder:
                session.writable = False
                session.lost_reason = t("lease.lost", where=state.lease.label)
                raise LeaseLostError(session.lost_reason)
            if now >= state.deadline:
                raise _TimeUp

        try:
            self.store.save_answer(attempt_id, question_id, value, to_iso(now), check)
        except _TimeUp:
            self.close_if_due(attempt_id, session)
            raise AttemptClosedError(t("service.time_up")) from None
        return value

    # -- closing ----------------------------------------------------------------------------------------------------

    def submit(self, attempt_id: str, session: ExamSession | None = None) -> tuple[Attempt, bool]:
        """Hand the attempt in (the trainee's choice); exactly once. Returns ``(attempt, closed by this call)``.

        A submission after the stored deadline counts as automatic and is stamped with the deadline.
        """
        if session is not None and not session.writable:
            raise LeaseLostError(session.lost_reason or t("lease.read_only"))
        return self._finalise(attempt_id, session.now() if session else self.clock(), auto=False, session=session)

    def close_if_due(self, attempt_id: str, session: ExamSession | None = None) -> Attempt | None:
        """Close the attempt automatically if its *stored* deadline has passed (by the session's clock, or the wall
        clock without one); returns the closed attempt, or ``None`` while time is left (e.g. extra time granted)."""
        now = session.now() if session else self.clock()
        try:
            state = self.store.live_state(attempt_id)
        except AttemptClosedError:
            stored = self._finalise(attempt_id, now, auto=True)[0]
            return stored if stored.closed else None
        if session is not None:
            session.deadline = state.deadline
        if now < state.deadline:
            return None
        attempt = self._finalise(attempt_id, now, auto=True)[0]
        if session is not None:
            session.deadline = attempt.deadline
        return attempt if attempt.closed else None

    def _finalise(
        self,
        attempt_id: str,
        now: datetime,
        auto: bool,
        session: ExamSession | None = None,
        effects: bool = True,
    ) -> tuple[Attempt, bool]:
        def check(state: LiveState) -> None:
            if session is not None and state.lease is not None and state.lease.holder != session.holder:
                session.writable = False
                session.lost_reason = t("lease.lost", where=state.lease.label)
                raise LeaseLostError(session.lost_reason)

        def finish(attempt: Attempt) -> Attempt:
            if auto and now < attempt.deadline:
                return attempt  # extra time reached the stored deadline meanwhile: not due
            drawn = attempt.paper_snapshot
            answers = grade_paper(drawn, {q: r.value for q, r in attempt.responses.items()}, self.registry.types)
            score = total_score(a.points for a in answers)
            late = now >= attempt.deadline
            return replace(
                attempt,
                answers=answers,
                score=score,
                passed=has_passed(score, drawn.pass_mark),
                status=AttemptStatus.AUTO_SUBMITTED if (auto or late) else AttemptStatus.SUBMITTED,
                submitted_at=min(now, attempt.deadline),
            )

        attempt, closed_now = self.store.finalise(attempt_id, finish, check if session is not None else None)
        if attempt.closed:
            self._papers.pop(attempt_id, None)
            self._question_index.pop(attempt_id, None)
            if effects:
                self.complete_pending_effects(only=attempt_id)
        return attempt, closed_now

    def _close_if_abandoned(self, summary: Attempt, effects: bool = True) -> Attempt | None:
        """Close an in-progress attempt whose stored deadline passed, unless a live window still holds it (that
        window closes it by its own clock). Returns the closed attempt, or ``None`` if it stays open."""
        try:
            state = self.store.live_state(summary.attempt_id)
        except AttemptClosedError:
            stored = self._finalise(summary.attempt_id, self.clock(), auto=True, effects=effects)[0]
            return stored if stored.closed else None
        now = self._attempt_now(state)
        if now < state.deadline or (state.lease is not None and self._lease_is_live(state.lease)):
            return None
        attempt = self._finalise(summary.attempt_id, now, auto=True, effects=effects)[0]
        return attempt if attempt.closed else None

    def finalise_expired(self, summaries: list[Attempt] | None = None) -> list[Attempt]:
        """Auto-submit every in-progress attempt whose stored deadline passed and that no live window holds
        (e.g. the app was closed). ``summaries``: the index as just listed, to save a scan."""
        listed = self.store.list_attempts(status=AttemptStatus.IN_PROGRESS) if summaries is None else summaries
        closed = []
        for summary in listed:
            if not summary.closed and summary.deadline <= self.clock():
                try:
                    attempt = self._close_if_abandoned(summary)
                except StoreError:
                    continue  # one damaged attempt does not keep the others open
                if attempt is not None:
                    closed.append(attempt)
        return closed

    # -- side effects of closing, exactly once ----------------------------------------------------------------------

    def complete_pending_effects(self, only: str | None = None) -> int:
        """Carry out the side effects of closed attempts that are still pending (the seal, the 错题本 update, then the
        ``exam_attempt_submitted`` notification); returns how many attempts were completed.

        Called right after every close, and at every start so that a process that died in between is made good.
        The 错题本 update is idempotent (the book records which attempts it holds). The notification is marked done
        just before the plugins are called: a crash at any write leaves it pending or done, never doubled; only a
        death in the instant between that mark and the call loses it (plugins get the ``attempt_id`` to dedupe).
        """
        try:
            pending = self.store.pending_effects()
        except StoreError:
            return 0  # the effects wait; nobody's start or close fails for them
        done = 0
        for attempt_id, effects in pending.items():
            if only is not None and attempt_id != only:
                continue
            try:
                attempt = self.store.get_attempt(attempt_id)
                for effect in effects:
                    if effect == "seal":
                        from exam.seals import seal_attempt

                        # Idempotent too: a seal is appended only when the attempt's latest seal does not match.
                        seal_attempt(self.store, attempt, _seal_reason(attempt), self.clock())
                        self.store.effect_done(attempt_id, effect)
                    elif effect == "wrong_book":
                        self._record_wrong_answers(attempt)  # idempotent: safe to repeat after a crash
                        self.store.effect_done(attempt_id, effect)
                    elif effect == "notify" and self.store.effect_done(attempt_id, effect):
                        # Marked first, and only by the one process that finds it still pending: plugins cannot be
                        # asked whether they saw it, and a duplicate (a certificate mailed twice) is worse than one
                        # lost in the instant between.
                        self.registry.notify_submitted(public_attempt(attempt))
            except (StoreError, SealError):
                continue  # e.g. this trainee's 错题本 file is damaged: it waits, it does not stop the room
            done += 1
        return done

    # -- reading attempts ---------------------------------------------------------------------------------------------

    def attempt(self, attempt_id: str) -> Attempt:
        """One whole attempt (paper, responses, answers, history)."""
        return self.store.get_attempt(attempt_id)

    def attempts(
        self, paper: str | None = None, trainee_id: str | None = None, status: str | None = None
    ) -> list[Attempt]:
        """Summaries of the stored attempts, oldest first (see :meth:`AttemptStore.list_attempts`)."""
        return self.store.list_attempts(paper=paper, trainee_id=trainee_id, status=status)

    def iter_attempts(
        self, paper: str | None = None, trainee_id: str | None = None, status: str | None = None
    ) -> Iterator[Attempt]:
        """Whole attempts, oldest first, one at a time (see :meth:`AttemptStore.iter_attempts`)."""
        return self.store.iter_attempts(paper=paper, trainee_id=trainee_id, status=status)

    def update_attempt(self, attempt_id: str, change: Callable[[Attempt], Attempt]) -> Attempt:
        """Apply ``change`` to the stored attempt under its lock (trainer tools: regrading, marking, extra time); a
        changed closed attempt is sealed again (its pending ``seal`` effect is carried out here).

        Raises:
            TamperedError: The closed attempt fails its seal (edited, replayed, unsealed): sealing a change to it
                would launder the tampering (see :func:`exam.seals.require_intact`).
        """
        from exam.seals import require_intact

        def checked(before: Attempt) -> Attempt:
            if before.closed:
                require_intact(self.store, before)
            return change(before)

        attempt = self.store.update_attempt(attempt_id, checked)
        if attempt.closed:
            self.complete_pending_effects(only=attempt_id)
        return attempt

    def import_attempts(self, attempts: list[Attempt]) -> tuple[int, int]:
        """Add closed attempts from another machine and seal them in this store; returns ``(added, skipped as
        already present)``."""
        from exam.seals import seal_attempts

        present = {a.attempt_id for a in self.store.list_attempts()}
        result = self.store.import_attempts(attempts)
        fresh = [a.attempt_id for a in attempts if a.attempt_id not in present]  # the skipped keep their own seals
        with contextlib.suppress(StoreError, SealError):  # left pending: the next start seals them
            seal_attempts(self.store, [self.store.get_attempt(i) for i in fresh], "import", self.clock())
        self.complete_pending_effects()
        return result

    def in_progress_for(self, trainee: Trainee) -> Attempt | None:
        """The trainee's open attempt (after closing any whose time ran out while nobody held it)."""
        self.complete_pending_effects()
        for summary in self.store.list_attempts(trainee_id=trainee.id, status=AttemptStatus.IN_PROGRESS):
            current = self._still_open(summary)
            if current is not None:
                return current
        return None

    def _still_open(self, summary: Attempt, effects: bool = True) -> Attempt | None:
        """The whole attempt if it is really still open; ``None`` after closing it because its time ran out while
        nobody held it, or after bringing the index up to date when a crash left it behind the attempt file.
        ``effects=False``: leave the side effects of such a close to the caller (who holds a lock)."""
        current = self.store.get_attempt(summary.attempt_id)
        if current.closed:
            self._finalise(summary.attempt_id, self.clock(), auto=True, effects=effects)  # finishes a cut close
            return None
        return current if self._close_if_abandoned(current, effects) is None else None

    def history(self, trainee: Trainee) -> list[Attempt]:
        return [a for a in self.store.list_attempts(trainee_id=trainee.id) if a.closed]

    def seconds_left(self, attempt: Attempt) -> float:
        """Seconds until the attempt's stored deadline by the wall clock (negative once past)."""
        return (attempt.deadline - self.clock()).total_seconds()

    def flags(self, attempt_id: str) -> list[int]:
        """The question numbers (0-based) the trainee flagged in an attempt."""
        value = self.store.get_record("flags", attempt_id)
        return [i for i in value if isinstance(i, int)] if isinstance(value, list) else []

    def set_flags(self, attempt_id: str, flags: list[int]) -> None:
        self.store.put_record("flags", attempt_id, sorted(set(flags)))

    # -- trainer settings ---------------------------------------------------------------------------------------------

    def extra_minutes(self, paper_id: str, trainee_id: str) -> int:
        """Extra minutes granted to the trainee on the paper (0 when none, or when the record is not a number)."""
        value = self.store.get_record("extra_time", f"{paper_id}|{trainee_id}")
        return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 600 else 0

    def set_extra_minutes(self, paper_id: str, trainee_id: str, minutes: int) -> None:
        self.paper(paper_id)
        self.store.put_record("extra_time", f"{paper_id}|{trainee_id}", int(minutes))

    def roster_records(self) -> dict[str, Any]:
        """The imported roster as stored: 考号 → ``{name, id, unit, position}``."""
        return self.store.all_records("roster")

    def roster(self) -> list[Trainee]:
        """Everyone on the imported roster (``exam roster import``), ordered by 单位 then 考号; empty if none."""
        from exam.trainer.roster import roster_members

        return roster_members(self.store)

    # -- 错题本 (wrong-answer book) and practice -------------------------------------------------------------------

    def _record_wrong_answers(self, attempt: Attempt) -> None:
        """Add the attempt's wrong answers to the trainee's 错题本, once per attempt."""

        if not attempt.closed:
            return

        def change(value: Any) -> Any:
            book = WrongBook.from_json(value)
            if attempt.attempt_id in book.applied:
                return book.to_json()
            for answer in attempt.answers:
                if answer.type != "short" and answer.points < answer.max_points:
                    entry = book.entries.setdefault(answer.question_id, {"streak": 0, "wrong": 0})
                    entry["streak"] = 0
                    entry["wrong"] += 1
            book.applied.append(attempt.attempt_id)
            return book.to_json()

        self.store.update_record("wrong_book", attempt.trainee.id, change)

    def wrong_book(self, trainee: Trainee) -> list[Question]:
        """Questions still in the trainee's 错题本 (leave after two correct practice answers in a row)."""
        book = WrongBook.from_json(self.store.get_record("wrong_book", trainee.id))
        return [q for qid, entry in book.entries.items() if entry["streak"] < 2 and (q := self.find_question(qid))]

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
        seed = f"{trainee.id}|{bank_id}|{tag}|{to_iso(self.clock())}"
        chosen = draw_practice_questions(pool, count, seed)  # at most one question of a group
        return practice_paper(chosen, t("service.practice_title"), seed)

    def practice_answer(self, trainee: Trainee, question: Question, response: Any) -> tuple[float, bool]:
        """Grade one practice response and update the 错题本; returns ``(points, fully correct)``."""
        value = self.check_response(question, response)
        qtype = self.question_type(question.type)
        points = score_answer(qtype, question, value, question.points, GradingRules("all_or_nothing"))
        correct = points >= question.points

        def change(old: Any) -> Any:
            book = WrongBook.from_json(old)
            entry = book.entries.get(question.id)
            if not correct and question.type != "short":
                entry = book.entries.setdefault(question.id, {"streak": 0, "wrong": 0})
                entry["streak"], entry["wrong"] = 0, entry["wrong"] + 1
            elif entry is not None and correct:
                entry["streak"] += 1
            return book.to_json()

        if not correct or question.id in WrongBook.from_json(self.store.get_record("wrong_book", trainee.id)).entries:
            self.store.update_record("wrong_book", trainee.id, change)
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
        """The full text of the cited article (or speech section), for the review screen; ``None`` when the question
        names no source or the text is not shipped."""
        src = question.source
        if src is None or src.doc not in self.registry.sources:
            return None
        doc = self.registry.sources[src.doc]
        try:
            if src.article is not None:
                return doc.article_text(src.article)
            return doc.text(src)
        except ExamError:
            return None

    def citation_label(self, question: Question) -> str | None:
        """``宪法 第九十五条第一款`` and the like; ``None`` for a question that names no source (未注明出处)."""
        return question.source.label(self.registry.sources) if question.source is not None else None

    # -- the trainer passphrase -------------------------------------------------------------------------------------

    def has_trainer_passphrase(self) -> bool:
        """Whether a trainer passphrase has been set (``exam trainer set-passphrase``); reads the store."""
        from exam.trainer.auth import has_passphrase

        return has_passphrase(self.store)

    def verify_trainer_passphrase(self, text: str) -> bool:
        """Whether ``text`` is the trainer passphrase; see :func:`exam.trainer.auth.verify_passphrase`.

        Blocks for the delay that earlier wrong tries call for (up to a minute) and records this try, so call it off
        the UI thread. ``False`` when no passphrase is set or its record is damaged.
        """
        from exam.trainer.auth import verify_passphrase

        return verify_passphrase(self.store, text)

    def set_trainer_passphrase(self, text: str) -> None:
        """Set (or replace) the trainer passphrase; see :func:`exam.trainer.auth.set_passphrase`."""
        from exam.trainer.auth import set_passphrase

        set_passphrase(self.store, text, self.clock())

    # -- trainer flows shared by the CLI and the TUI ------------------------------------------------------------------

    def score_report(
        self,
        selection: ScoreSelection,
        paper_title: str = "",
        type_labels: Mapping[str, str] | None = None,
        progress: Any = None,
        sort: str = "rank",
    ) -> ScoreReport:
        """Everything a score sheet shows for ``selection``, after closing attempts whose time ran out while nobody
        held them (they belong in the sheet). See :func:`exam.trainer.scoresheet.build_report`."""
        from exam.trainer.scoresheet import build_report

        self.finalise_expired()
        spec = self.registry.papers.get(selection.paper)
        title = paper_title or (spec.title if spec else "")
        return build_report(self, selection, title, self.find_question, type_labels, progress, sort)

    def paper_statistics(self, selection: ScoreSelection, progress: Any = None) -> StatisticsReport:
        """The item analysis of ``selection`` (``exam stats``), after closing attempts whose time ran out while
        nobody held them. See :func:`exam.trainer.scoresheet.build_statistics`."""
        from exam.trainer.scoresheet import build_statistics

        self.finalise_expired()
        spec = self.registry.papers.get(selection.paper)
        return build_statistics(self, selection, spec.title if spec else "", self.find_question, progress)

    def export_scores(self, report: ScoreReport, exporter: str, path: Path) -> Path:
        """Write ``report`` as a workbook with the named exporter (``xlsx``, ``csv`` or a plugin's) to ``path``.

        Raises :class:`NotFoundError` for an unknown exporter and :class:`ExamError` when the file cannot be written.
        """
        try:
            writer = self.registry.exporters[exporter]
        except KeyError:
            known = ", ".join(self.registry.exporters) or "-"
            raise NotFoundError(t("scores.unknown_format", format=exporter, known=known)) from None
        try:
            writer.write(report.to_sheet(), path)
        except OSError as exc:
            raise ExamError(t("trainer.export_failed", path=str(path), error=exc.strerror or str(exc))) from exc
        return path

    def grant_extra_time(self, paper: str, trainee_id: str, minutes: int, by: str | None = None) -> int:
        """Extra minutes for one trainee on one paper, reaching a running attempt at once; returns how many running
        attempts were extended. See :func:`exam.trainer.extra_time.grant_extra_time`."""
        from exam.trainer.extra_time import grant_extra_time

        return grant_extra_time(self, paper, trainee_id, minutes, by)

    def mark_answer(
        self, attempt_id: str, question: str, points: float, note: str = "", by: str | None = None
    ) -> Attempt:
        """A trainer's mark for one answer (阅卷). See :func:`exam.trainer.regrade.mark_answer`."""
        from exam.trainer.regrade import mark_answer

        return mark_answer(self, attempt_id, question, points, note, by)

    def import_roster(self, path: str | Path) -> RosterImport:
        """Read a roster file (xlsx/csv) into the store. See :func:`exam.trainer.roster.import_roster`."""
        from exam.trainer.roster import import_roster

        return import_roster(self.store, path)

    def verify_seals(self) -> VerifyReport:
        """Check every attempt against the seal chain (``exam results verify``); writes nothing. See
        :func:`exam.seals.verify_store`."""
        from exam.seals import verify_store

        return verify_store(self.store)

    def sealed_answers(self, paper: str) -> dict[str, str]:
        """attempt id → the sealed answers of each attempt of ``paper`` that has current ones (what ``exam stats``
        reads instead of whole attempts). See :func:`exam.seals.sealed_answers`."""
        from exam.seals import sealed_answers

        return sealed_answers(self.store, paper)

    def seal_check(self) -> SealCheck:
        """The seal check in steps (:class:`exam.seals.SealCheck`): for a report that reads attempts anyway (each
        then checked as it is read) or shows only some of them."""
        from exam.seals import SealCheck

        return SealCheck(self.store)

    def require_intact(self, attempt: Attempt) -> None:
        """Raise :class:`~exam.seals.TamperedError` when a closed attempt fails its seal (before a trainer changes
        it); see :func:`exam.seals.require_intact`."""
        from exam.seals import require_intact

        require_intact(self.store, attempt)

    def seal_existing(self) -> list[Attempt]:
        """Seal every closed attempt that has no seal yet (``exam results seal --existing``); returns them."""
        from exam.seals import seal_existing

        self.complete_pending_effects()  # interrupted closes are sealed as closes, not as existing attempts
        return seal_existing(self.store, self.clock())

    def repair_store(self) -> Any:
        """Rebuild the store's index and set damaged files aside (``exam store repair``); returns the backend's
        report (for the TinyDB store a :class:`~exam.store.tinydb_store.RepairReport`)."""
        repair = getattr(self.store, "repair", None)
        if repair is None:
            raise ExamError(t("service.no_repair"))
        return repair()

    # -- trainee sign-in with a code or PIN (issue 11; the rules are in exam/signin.py) -----------------------------

    def _known_name(self, trainee_id: str) -> str | None:
        """The name on the trainee's latest attempt (a 考号 used before sign-in secrets existed), if any."""
        mine = self.store.list_attempts(trainee_id=trainee_id)
        return mine[-1].trainee.name if mine else None

    def sign_in(self, trainee: Trainee, secret: str) -> SignedIn:
        """The one way a trainee signs in (terminal or ``exam serve``): checks the 登录码 or PIN, throttled per 考号
        across processes; blocks for the throttle's delay, so call it off the UI thread.

        Returns the :class:`~exam.signin.SignedIn` identity the app keeps; raises the errors of
        :func:`exam.signin.sign_in` (``PinNotSetError`` means: ask for a new PIN and call :meth:`set_first_pin`).
        """
        from exam.signin import sign_in

        return sign_in(self.store, trainee, secret, self._known_name(trainee.id))

    def set_first_pin(self, trainee: Trainee, pin: str, again: str) -> SignedIn:
        """First sign-in with a 考号 that has no secret: set its PIN (typed twice) and sign in; see
        :func:`exam.signin.set_first_pin`."""
        from exam.signin import set_first_pin

        return set_first_pin(self.store, trainee, pin, again, self.clock(), self._known_name(trainee.id))

    def signin_kind(self, trainee_id: str) -> str | None:
        """``"code"``, ``"pin"`` or ``None`` (no secret yet) for a 考号."""
        from exam.signin import secret_kind

        return secret_kind(self.store, trainee_id)

    def issue_codes(
        self, members: list[Trainee], write: Callable[[list[tuple[Trainee, str]]], None]
    ) -> list[tuple[Trainee, str]]:
        """New sign-in codes for ``members``: ``write`` gets ``[(member, code)]`` (the slips) and only after it
        returns are the hashes stored, replacing the members' old codes or PINs. Returns what ``write`` got."""
        from exam.signin import new_codes, store_codes

        issued = new_codes(members)
        write(issued)
        store_codes(self.store, issued, self.clock())
        return issued

    def members_without_code(self) -> list[Trainee]:
        """Roster members who have no sign-in code yet."""
        from exam.signin import codes_needed

        return codes_needed(self.store, self.roster())

    def reset_pin(self, trainee_id: str) -> bool:
        """Clear a trainee's PIN (``exam roster reset-pin``); ``False`` when the 考号 has none."""
        from exam.signin import reset_pin

        return reset_pin(self.store, trainee_id)

    # -- notices at sign-in -----------------------------------------------------------------------------------------

    def closed_while_away(self, trainee: Trainee) -> list[Attempt]:
        """The trainee's attempts auto-submitted that they have not been told about yet, oldest first; each is
        returned once (the ids told are kept in the ``closed_told`` record of the trainee).

        Attempts whose time ran out while no window held them are closed first. The first call for a trainee
        (no record yet: a store from before this notice) tells only about attempts still open until now.
        """
        before = {a.attempt_id for a in self.attempts(trainee_id=trainee.id, status=AttemptStatus.AUTO_SUBMITTED)}
        self.in_progress_for(trainee)
        auto = self.attempts(trainee_id=trainee.id, status=AttemptStatus.AUTO_SUBMITTED)
        new: list[Attempt] = []

        def change(value: Any) -> list[str]:
            told = {i for i in value if isinstance(i, str)} if isinstance(value, list) else before
            new[:] = [a for a in auto if a.attempt_id not in told]
            return sorted(told | {a.attempt_id for a in auto})

        self.store.update_record("closed_told", trainee.id, change)
        return new


def _seal_reason(attempt: Attempt) -> str:
    """Why an attempt is sealed now: ``close``, or the last change recorded in its history (``regrade``, ``mark``)
    when it had one since it closed."""
    if attempt.history and attempt.submitted_at is not None:
        last = attempt.history[-1]
        if last.at >= to_iso(attempt.submitted_at) and last.action in ("regrade", "mark", "extra_time"):
            return last.action
    return "close"


class _TimeUp(Exception):
    """Raised inside the store's save check when the stored deadline has passed."""


@dataclass
class WrongBook:
    """A trainee's 错题本 record: per question ``{streak, wrong}``, and the attempts already counted in it.

    Stored as ``{"entries": {...}, "applied": [attempt ids]}``; the first release stored the entries alone.
    """

    entries: dict[str, dict[str, int]] = field(default_factory=dict)
    applied: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, value: Any) -> WrongBook:
        """Read a stored book of either shape; entries or ids of the wrong shape are left out, never fatal."""
        if not isinstance(value, dict):
            return cls()
        raw = value["entries"] if isinstance(value.get("entries"), dict) else value
        entries = {
            qid: {"streak": entry["streak"], "wrong": entry["wrong"]}
            for qid, entry in raw.items()
            if isinstance(qid, str)
            and isinstance(entry, dict)
            and all(isinstance(entry.get(k), int) and not isinstance(entry.get(k), bool) for k in ("streak", "wrong"))
        }
        applied = value.get("applied") if "entries" in value else None
        return cls(entries, [a for a in applied if isinstance(a, str)] if isinstance(applied, list) else [])

    def to_json(self) -> dict[str, Any]:
        return {"entries": self.entries, "applied": self.applied}


def public_attempt(attempt: Attempt) -> dict[str, Any]:
    """The documented ``exam results --format jsonl`` record of an attempt (whole, not a summary)."""
    if attempt.closed:
        answers = [
            {"question_id": a.question_id, "response": a.response, "points": a.points, "max_points": a.max_points}
            for a in attempt.answers
        ]
    else:
        answers = [
            {"question_id": q.id, "response": attempt.response(q.id), "points": None, "max_points": q.points}
            for q in (attempt.drawn.questions if attempt.drawn else ())
        ]
    return {
        "attempt_id": attempt.attempt_id,
        "trainee": {"name": attempt.trainee.name, "id": attempt.trainee.id, "unit": attempt.trainee.unit},
        "paper": attempt.paper,
        "status": attempt.status.value,
        "started_at": to_iso(attempt.started_at),
        "submitted_at": to_iso(attempt.submitted_at) if attempt.submitted_at else None,
        "deadline": to_iso(attempt.deadline),
        "score": attempt.score,
        "max_score": attempt.max_score,
        "passed": attempt.passed,
        "answers": answers,
    }
