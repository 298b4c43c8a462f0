"""The edges of a trainee's session: signing out, and an exam that closed while they were away."""

from __future__ import annotations

from textual.widgets import Input, Static

from exam.i18n import t
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.tui.dialogs.message import MessageDialog
from exam.tui.screens.exam import ExamScreen
from exam.tui.screens.home import HomeScreen
from exam.tui.screens.result import ResultScreen
from exam.tui.screens.signin import SignInScreen
from exam.tui.widgets.countdown import Countdown
from tests._support import store_root
from tests.conftest import FakeClock
from tests.tui.conftest import make_app, on_top, settle, sign_in, start_first_paper


async def test_sign_out_clears_the_form_and_the_old_error(mini_service: ExamService) -> None:
    """After signing out, the next trainee finds empty fields, no error from before, and the cursor in 姓名."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        form = app.screen
        assert isinstance(form, SignInScreen)
        await pilot.click("#signin")  # no name: an error is shown
        await pilot.pause()
        assert str(form.query_one("#signin-error", Static).render()) == t("signin.need_name")
        form.query_one("#position", Input).value = "人大主席"
        await sign_in(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")  # 退出登录
        await settle(pilot)
        assert on_top(app, form)
        assert [field.value for field in form.query("#signin-fields Input").results(Input)] == [""] * 5
        assert str(form.query_one("#signin-error", Static).render()) == ""
        assert form.focused is form.query_one("#name", Input)


async def test_an_exam_closed_while_away_is_told_once_at_sign_in(mini_service: ExamService, clock: FakeClock) -> None:
    """An exam left open when the app closed and whose time then ran out is named, with its score, in a message
    after the next sign-in; the sign-in after that says nothing more."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        await pilot.press("1")
        await settle(pilot)
    clock.advance(minutes=30)  # the app is closed; the 10 minutes run out meanwhile

    service = ExamService(mini_service.registry, TinyDBAttemptStore(store_root(mini_service)), clock, clock.monotonic)
    app2 = make_app(service)
    async with app2.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await settle(pilot)
        trainee = app2.trainee
        assert trainee is not None
        (attempt,) = service.history(trainee)
        assert attempt.status == "auto_submitted"
        dialog = app2.screen
        assert isinstance(dialog, MessageDialog)
        assert dialog.title_text == t("signin.closed_away_title")
        assert dialog.body == t(
            "signin.closed_away_item", title="小测验", score=f"{attempt.score:g}", max=f"{attempt.max_score:g}"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app2.screen, HomeScreen)
        await pilot.press("escape")
        await settle(pilot)
        await sign_in(pilot)
        await settle(pilot)
        assert isinstance(app2.screen, HomeScreen)


async def test_an_exam_closed_in_front_of_the_trainee_is_not_told_again(
    mini_service: ExamService, clock: FakeClock
) -> None:
    """Time running out on the exam screen is shown there (result and time-up message); signing out and in again
    does not report that attempt as closed while away."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        exam = app.screen
        assert isinstance(exam, ExamScreen)
        clock.advance(minutes=11)
        exam.query_one(Countdown).tick()
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog) and app.screen.title_text == t("exam.time_up_title")
        await pilot.press("enter")  # the time-up message
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("escape")  # home
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")  # sign out
        await settle(pilot)
        await sign_in(pilot)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
