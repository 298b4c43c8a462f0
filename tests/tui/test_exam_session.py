"""The exam screen holds a session on the attempt: extra time at the last second, a failed submit, a takeover."""

from __future__ import annotations

import pytest

from exam.attempts import AttemptStatus
from exam.errors import StoreError
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.trainer.extra_time import grant_extra_time
from exam.tui.dialogs.lease import LeaseDialog
from exam.tui.dialogs.message import MessageDialog
from exam.tui.screens.exam import ExamScreen
from exam.tui.screens.home import HomeScreen
from exam.tui.screens.result import ResultScreen
from exam.tui.widgets.countdown import Countdown
from tests._support import store_root
from tests.conftest import FakeClock
from tests.tui.conftest import make_app, on_top, settle, sign_in, start_first_paper


async def test_extra_time_granted_one_second_before_the_deadline_keeps_the_exam_open(
    mini_service: ExamService, clock: FakeClock
) -> None:
    """The trainer grants 5 minutes one second before the end; the countdown reaches zero at the old deadline before
    any heartbeat, yet the exam stays open (the service closes only past the stored deadline) and the countdown
    follows the new deadline; at the new one it closes."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        clock.advance(minutes=9, seconds=59)
        grant_extra_time(mini_service, "mini", "320101", 5, by="培训组")
        clock.advance(seconds=2)
        screen.query_one(Countdown).tick()
        await settle(pilot)
        assert on_top(app, screen), "the exam must stay open"
        assert mini_service.attempt(screen.attempt_id).status is AttemptStatus.IN_PROGRESS
        assert screen.query_one(Countdown).seconds_left == pytest.approx(5 * 60 - 1)
        await pilot.press("1")
        await settle(pilot)
        assert 0 in screen.answered()
        clock.advance(minutes=5)
        screen.query_one(Countdown).tick()
        await settle(pilot)
        assert any(isinstance(s, ResultScreen) for s in app.screen_stack)
        (stored,) = mini_service.attempts()
        assert stored.status is AttemptStatus.AUTO_SUBMITTED


async def test_a_failed_submit_leaves_the_screen_working_and_a_retry_succeeds(
    mini_service: ExamService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk refuses the close: a dialog says what happened and that answers are saved; the screen still saves
    answers; Ctrl+S again hands the paper in."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        real = mini_service.store.finalise

        def full(*args: object, **kwargs: object) -> None:
            raise StoreError("磁盘已满，无法保存")

        monkeypatch.setattr(mini_service.store, "finalise", full)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#confirm")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "磁盘已满" in app.screen.body and "Ctrl+S" in app.screen.body
        await pilot.press("enter")
        await pilot.pause()
        assert on_top(app, screen)
        await pilot.press("1")
        await settle(pilot)
        assert 0 in screen.answered()
        assert mini_service.attempt(screen.attempt_id).responses
        monkeypatch.setattr(mini_service.store, "finalise", real)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#confirm")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.attempt.status is AttemptStatus.SUBMITTED


async def test_a_takeover_by_another_window_makes_this_one_read_only(
    mini_service: ExamService, clock: FakeClock
) -> None:
    """Another window (another process's store handle) takes the attempt over: this window learns of it at its
    next heartbeat, says why, and saves nothing more."""
    app = make_app(mini_service)
    other = ExamService(mini_service.registry, TinyDBAttemptStore(store_root(mini_service)), clock, clock.monotonic)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        other.open_attempt(screen.attempt_id, takeover=True)
        screen.heartbeat()
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "接管" in app.screen.body
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("1")
        await settle(pilot)
        assert screen.has_class("read-only")
        assert mini_service.attempt(screen.attempt_id).responses == {}


async def test_an_attempt_open_in_another_window_asks_and_can_be_viewed_read_only(
    mini_service: ExamService, clock: FakeClock
) -> None:
    """The trainee's attempt is held by a live window elsewhere: resuming asks (view or take over); viewing
    read-only shows the exam and saves nothing."""
    from exam.models import Trainee

    other = ExamService(mini_service.registry, TinyDBAttemptStore(store_root(mini_service)), clock, clock.monotonic)
    attempt = other.start_attempt("mini", Trainee("张三", "320101", "城关镇"))
    other.open_attempt(attempt.attempt_id)
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.click("#resume-button")
        await settle(pilot)
        assert isinstance(app.screen, LeaseDialog)
        await pilot.click("#read_only")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen) and screen.has_class("read-only")
        await pilot.press("1")
        await settle(pilot)
        assert mini_service.attempt(attempt.attempt_id).responses == {}


async def test_a_damaged_store_file_is_reported_once_without_a_dialog_loop(mini_service: ExamService) -> None:
    """The trainee's 错题本 file is damaged: the home screen reports it once, naming the file; dismissing the
    message leaves the home screen usable instead of showing the message again and again."""
    mini_service.store.put_record("wrong_book", "320101", {"entries": {}, "applied": []})
    (shard,) = (store_root(mini_service) / "records" / "wrong_book").glob("*.json")
    shard.write_bytes(b'{"_default": {"1": {"key": "320101", "val')
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        assert isinstance(app.screen, MessageDialog) and str(shard) in app.screen.body
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert len(list(shard.parent.glob(f"{shard.name}.corrupt-*"))) == 1
