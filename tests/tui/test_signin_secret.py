"""The secret at sign-in: a trainee who types a classmate's 考号 gets nowhere without the classmate's PIN or code."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Static

from exam.attempts import AttemptStatus
from exam.i18n import t
from exam.service import ExamService
from exam.tui.dialogs.pin import SetPinDialog
from exam.tui.screens.exam import ExamScreen
from exam.tui.screens.home import HomeScreen
from exam.tui.screens.signin import SignInScreen
from tests.tui.conftest import PIN, make_app, set_pin, settle, sign_in, start_first_paper


@pytest.fixture(autouse=True)
def _fast_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Delays a thousand times shorter, still growing with each wrong try."""
    monkeypatch.setenv("EXAM_THROTTLE_SCALE", "0.001")


def error_line(screen: object) -> str:
    assert isinstance(screen, SignInScreen)
    return str(screen.query_one("#signin-error", Static).render())


async def test_a_classmate_cannot_open_resume_or_see_the_attempts_of_another(mini_service: ExamService) -> None:
    """A signs in (choosing a PIN) and leaves an exam open. B then types A's 考号 with B's name, with A's name and no
    PIN, and with A's name and a wrong PIN: each time B stays on the sign-in screen with a message saying why, nobody
    is signed in, and A's open attempt keeps A's lease. With A's PIN the home screen offers A's exam to resume."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "张三", "320101")
        assert isinstance(app.screen, HomeScreen)
        await start_first_paper(pilot)
        assert isinstance(app.screen, ExamScreen)
    (open_attempt,) = mini_service.attempts(trainee_id="320101", status=AttemptStatus.IN_PROGRESS)

    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        form = app.screen
        lease_before = mini_service.store.live_state(open_attempt.attempt_id).lease
        attempt_before = mini_service.store.get_attempt(open_attempt.attempt_id)
        await sign_in(pilot, "李四", "320101", secret="")
        assert error_line(form) == t("signin.name_mismatch", id="320101")
        await sign_in(pilot, "张三", "320101", secret="")
        assert error_line(form) == t("signin.need_pin")
        await sign_in(pilot, "张三", "320101", secret="1357")
        assert "PIN" in error_line(form) and "秒" in error_line(form)  # says to wait before the next try
        await sign_in(pilot, "张三", "320101", secret="9999")
        assert "秒" in error_line(form)
        assert app.screen is form and app.identity is None
        assert mini_service.store.live_state(open_attempt.attempt_id).lease == lease_before
        assert mini_service.store.get_attempt(open_attempt.attempt_id) == attempt_before
        assert form.query_one("#secret", Input).value == ""  # a wrong secret is not left in the field

        await sign_in(pilot, "张三", "320101", secret=PIN)
        assert isinstance(app.screen, HomeScreen)
        assert app.trainee is not None and app.trainee.id == "320101"
        assert mini_service.in_progress_for(app.trainee) is not None


async def test_the_first_sign_in_sets_a_pin_typed_twice(mini_service: ExamService) -> None:
    """A new 考号 opens the PIN dialog: too short and two different PINs are refused on the dialog (fields emptied),
    cancelling goes back to the form; two equal PINs sign in. Later the PIN is needed; after a trainer reset the next
    sign-in sets a new one."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        form = app.screen
        assert str(form.query_one("#secret-label", Label).render()) == "PIN"
        await sign_in(pilot, "王五", "w001")  # no PIN yet: the helper answers the dialog with PIN twice
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")  # sign out
        await settle(pilot)

        form.query_one("#name", Input).value = "王五"
        form.query_one("#trainee-id", Input).value = "w002"
        await pilot.click("#signin")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SetPinDialog)
        await pilot.press("1", "2", "enter", "1", "2", "enter")
        assert str(dialog.query_one("#pin-error", Static).render()) == t("signin.pin_rule")
        await pilot.press(*"1234", "enter", *"1235", "enter")
        assert str(dialog.query_one("#pin-error", Static).render()) == t("signin.pin_mismatch")
        assert [dialog.query_one(f"#{f}", Input).value for f in ("pin", "pin-again")] == ["", ""]
        assert app.screen is dialog
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form and app.identity is None
        assert mini_service.signin_kind("w002") is None  # cancelling set nothing

        await pilot.click("#signin")
        await settle(pilot)
        await set_pin(pilot, "864200", "864200")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")
        await settle(pilot)

        await sign_in(pilot, "王五", "w002", secret="864200")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")
        await settle(pilot)

        assert mini_service.reset_pin("w002")
        form.query_one("#name", Input).value = "王五"
        form.query_one("#trainee-id", Input).value = "w002"
        form.query_one("#secret", Input).value = "864200"
        await pilot.click("#signin")
        await settle(pilot)
        assert isinstance(app.screen, SetPinDialog)  # the old PIN is gone: a new one is chosen


async def test_a_roster_member_signs_in_with_the_code_and_not_without(mini_service: ExamService) -> None:
    """For a roster member the field is labelled 登录码; a wrong code is refused and slowed, the right one (typed in
    lower case with a space) signs in with the roster's 单位."""
    from exam.models import Trainee

    mini_service.store.put_record("roster", "r001", {"name": "赵六", "id": "r001", "unit": "西关镇", "position": ""})
    slips: list[tuple[Trainee, str]] = []
    mini_service.issue_codes(mini_service.roster(), slips.extend)
    ((_, code),) = slips
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        form = app.screen
        form.query_one("#trainee-id", Input).value = "r001"
        await pilot.pause()
        assert str(form.query_one("#secret-label", Label).render()) == "登录码"
        wrong = "".join(sorted(set("23456789ABCDEFGHJKMNPQRSTUVWXYZ") - set(code)))[:6]
        await sign_in(pilot, "赵六", "r001", unit="", secret=wrong)
        assert "登录码不对" in error_line(form) and app.identity is None
        await sign_in(pilot, "赵六", "r001", unit="", secret=f"{code[:3].lower()} {code[3:]}")
        assert isinstance(app.screen, HomeScreen)
        assert app.trainee is not None and app.trainee.unit == "西关镇"
