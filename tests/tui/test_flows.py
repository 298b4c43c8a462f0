"""App tests: the real app over a temp store, driven with Pilot as a trainee would."""

from __future__ import annotations

from textual.widgets import Input, Label, Static, TextArea

from exam.models import OPTION_LETTERS, Trainee
from exam.papers import practice_paper
from exam.plugins import PluginFailure
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.tui.dialogs.confirm import ConfirmDialog
from exam.tui.screens.exam import ExamScreen
from exam.tui.screens.home import HomeScreen
from exam.tui.screens.result import ResultScreen
from exam.tui.screens.review import ReviewScreen
from exam.tui.screens.signin import SignInScreen
from exam.tui.widgets.answer_card import AnswerCard
from exam.tui.widgets.countdown import Countdown
from tests._support import blank_key, choice_key, store_root
from tests.conftest import FakeClock
from tests.core._support import derive_registry
from tests.tui.conftest import make_app, settle, sign_in, start_first_paper, until


async def test_sign_in_requires_name_and_id(mini_service: ExamService) -> None:
    """Signing in without a name or 考号 shows a message and stays on the sign-in screen."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, SignInScreen)

        def error() -> str:
            return str(screen.query_one("#signin-error", Static).render())

        await pilot.click("#signin")
        await until(pilot, lambda: "姓名" in error())  # the click is handled after the keys before it: a few turns
        screen.query_one("#name", Input).value = "李四"
        await pilot.click("#signin")
        await until(pilot, lambda: "考号" in error())
        assert app.screen is screen


async def test_markup_in_names_is_shown_literally(mini_service: ExamService) -> None:
    """A name full of Rich/Textual markup neither crashes the app nor acts: it is shown as typed."""
    app = make_app(mini_service)
    name = "[@click=app.quit]王[/]五[b"
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, name=name, unit="[red]镇")
        assert isinstance(app.screen, HomeScreen)
        welcome = str(app.screen.query_one("#welcome", Static).render())
        assert name in welcome and "[red]镇" in welcome
        await pilot.click("#welcome")
        await pilot.pause()
        assert app.is_running


async def test_exam_flow_answers_every_type_flags_submits_and_reviews(mini_service: ExamService) -> None:
    """Sign in → exam → answer each type with the keyboard → flag → submit → result → review."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        paper = screen.paper
        keys = {}
        for index, drawn in enumerate(paper.questions):
            await screen.show_question(index)
            question = drawn.question
            if question.type == "single":
                shown = [c for c, _ in drawn.displayed_options()]
                await pilot.press(str(shown.index(choice_key(question)[0]) + 1))
            elif question.type == "multiple":
                shown = [c for c, _ in drawn.displayed_options()]
                for letter in choice_key(question):
                    await pilot.press("abcdefgh"[shown.index(letter)])
            elif question.type == "judge":
                await pilot.press("y" if question.answer else "n")
            elif question.type == "blank":
                for i, accepted in enumerate(blank_key(question)):
                    field = screen.query(Input)[i]
                    field.focus()
                    await pilot.press(*accepted[0])
                await pilot.press("escape")
            else:
                screen.query_one(TextArea).focus()
                await pilot.press(*"人民代表大会")
                await pilot.press("escape")
            await settle(pilot)
            keys[drawn.id] = question.answer
            assert index in screen.answered(), f"question {index + 1} not shown as answered after saving"
        await pilot.press("f")
        await settle(pilot)
        card = screen.query_one(AnswerCard)
        assert "card-grid--flagged" in card.grid.states(screen.current)

        stored = mini_service.store.get_attempt(screen.attempt_id).responses
        assert set(stored) == {q.id for q in paper.questions}, "every answer is on disk before submitting"

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "0 题未作答" in str(app.screen.query_one(".dialog-body", Static).render())
        assert "1 题做了标记" in str(app.screen.query_one(".dialog-body", Static).render())
        await pilot.click("#confirm")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen), getattr(app.screen, "body", None)
        attempt = app.screen.attempt
        assert attempt.status == "submitted"
        objective = [a for a in attempt.answers if a.type != "short"]
        assert all(a.points == a.max_points for a in objective)
        assert attempt.passed is True
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert len(app.screen.query(".review-item")) == len(paper.questions)


async def test_answer_card_click_moves_to_question(mini_service: ExamService) -> None:
    """Clicking a cell of the answer card shows that question."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        grid = app.screen.query_one(AnswerCard).grid
        await pilot.click(grid, offset=grid.cell_region(3).offset - grid.region.offset + (1, 0))
        await settle(pilot)
        assert isinstance(app.screen, ExamScreen) and app.screen.current == 3
        assert "card-grid--current" in grid.states(3) and "card-grid--current" not in grid.states(0)


async def test_auto_submit_at_deadline_exactly_once(mini_service: ExamService, clock: FakeClock) -> None:
    """When the injected clock passes the deadline, the paper is auto-submitted once with what was saved."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        first = screen.paper.questions[0]
        await pilot.press("1")
        await settle(pilot)
        clock.advance(minutes=9, seconds=30)
        screen.query_one(Countdown).tick()
        await pilot.pause()
        assert screen.query_one(Countdown).has_class("danger")
        clock.advance(minutes=1)
        countdown = screen.query_one(Countdown)
        countdown.tick()
        countdown.tick()  # a second tick after expiry must not submit again
        await settle(pilot)
        await settle(pilot)
        attempts = mini_service.store.list_attempts()
        assert len(attempts) == 1
        assert attempts[0].status == "auto_submitted"
        stored = mini_service.store.get_attempt(attempts[0].attempt_id)
        assert stored.submitted_at == stored.deadline
        answered = {a.question_id: a.response for a in stored.answers}
        assert answered[first.id] is not None
        assert any(isinstance(s, ResultScreen) for s in app.screen_stack)


async def test_resume_after_the_app_is_killed(mini_service: ExamService, clock: FakeClock) -> None:
    """Answers saved before the app died come back on resume, with the same deadline."""
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        attempt_id, deadline = screen.attempt_id, screen.session.deadline
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        await pilot.press("a", "b")
        await settle(pilot)
        before = dict(screen.responses)
    # The first app is gone without submitting (as if killed); a new one starts on the same store.
    clock.advance(minutes=2)
    app2 = make_app(
        ExamService(mini_service.registry, TinyDBAttemptStore(store_root(mini_service)), clock, clock.monotonic)
    )
    async with app2.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        home = app2.screen
        assert isinstance(home, HomeScreen)
        assert not home.query_one("#resume").has_class("hidden")
        await pilot.click("#resume-button")
        await settle(pilot)
        screen = app2.screen
        assert isinstance(screen, ExamScreen)
        assert screen.attempt_id == attempt_id
        assert screen.session.deadline == deadline
        assert {k: v for k, v in screen.responses.items() if v is not None} == {
            k: v for k, v in before.items() if v is not None
        }
        assert len(before) >= 2


async def test_practice_wrong_answer_goes_to_wrong_book_and_leaves_after_two_right(mini_service: ExamService) -> None:
    """A wrong practice answer enters the 错题本; two right answers in a row take it out."""
    from exam.tui.screens.practice import PracticeScreen

    app = make_app(mini_service)
    question = next(q for q in mini_service.registry.banks["constitution-2018"].questions if q.type == "single")
    wrong = next(OPTION_LETTERS[i] for i in range(len(question.options)) if OPTION_LETTERS[i] != question.answer)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        trainee = app.trainee
        assert trainee is not None
        app.push_screen(PracticeScreen(practice_paper([question], "练习", seed="practice")))
        await settle(pilot)
        practice = app.screen
        assert isinstance(practice, PracticeScreen)
        drawn = practice.paper.questions[0]
        shown = [c for c, _ in drawn.displayed_options()]
        await pilot.press(str(shown.index(wrong) + 1))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert [q.id for q in mini_service.wrong_book(trainee)] == [question.id]
        for _ in range(2):
            app.pop_screen()
            app.push_screen(PracticeScreen(practice_paper([question], "练习", seed="practice")))
            await settle(pilot)
            practice = app.screen
            assert isinstance(practice, PracticeScreen)
            drawn = practice.paper.questions[0]
            shown = [c for c, _ in drawn.displayed_options()]
            await pilot.press(str(shown.index(choice_key(question)[0]) + 1))
            await pilot.press("ctrl+s")
            await settle(pilot)
            await settle(pilot)
        assert mini_service.wrong_book(trainee) == []


async def test_exam_is_usable_at_80x24(mini_service: ExamService) -> None:
    """At 80×24 the stem, the options, the answer card and the submit button are all on screen."""
    app = make_app(mini_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        for selector in (".q-stem", "#answer-card", "#submit", "#countdown", "RadioButton"):
            region = screen.query(selector).first().region
            assert region.width > 0 and region.height > 0, selector
            assert region.right <= 80 and region.bottom <= 24, selector


async def test_plugin_failures_are_shown_in_a_dialog(
    mini_service: ExamService, store: TinyDBAttemptStore, clock: FakeClock
) -> None:
    """A plugin that failed to load is reported in a dialog at start; the app keeps working."""
    from exam.tui.dialogs.message import MessageDialog

    failure = PluginFailure("broken-plugin", "ImportError: [red]no module[/] named x")
    service = ExamService(derive_registry(mini_service.registry, failures=[failure]), store, clock, clock.monotonic)
    app = make_app(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        assert "broken-plugin" in app.screen.body and "[red]no module[/]" in app.screen.body
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)


async def test_a_storage_failure_is_shown_and_the_answer_is_not_marked_saved(
    mini_service: ExamService, monkeypatch: object
) -> None:
    """If the disk refuses an answer, a dialog says so and the answer card does not show it as answered."""
    from exam.errors import StoreError
    from exam.tui.dialogs.message import MessageDialog

    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)

        def refuse(*args: object, **kwargs: object) -> None:
            raise StoreError("磁盘已满，无法保存")

        monkeypatch.setattr(mini_service.store, "save_answer", refuse)  # type: ignore[attr-defined]
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "磁盘已满" in app.screen.body
        assert 0 not in screen.answered()
        assert "未保存" in str(screen.query_one("#save-status", Static).render())


async def test_extra_time_granted_during_the_exam_moves_the_countdown(
    mini_service: ExamService, clock: FakeClock
) -> None:
    """A deadline moved in the store (extra time) reaches the running exam screen's countdown."""
    from exam.trainer.extra_time import grant_extra_time

    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        before = screen.query_one(Countdown).deadline
        grant_extra_time(mini_service, "mini", "320101", 5)
        screen.heartbeat()
        await settle(pilot)
        after = screen.query_one(Countdown).deadline
        assert (after - before).total_seconds() == 300
        assert after == mini_service.store.get_attempt(screen.attempt_id).deadline


async def test_trainee_picks_their_name_from_the_roster(mini_service: ExamService) -> None:
    """With a roster imported, choosing one's name fills the sign-in form (markup in names stays literal) but never
    the secret: the trainee types the 登录码 from their slip."""
    from textual.widgets import Select

    first = {"name": "[b]赵六", "id": "r001", "unit": "西关镇", "position": "主席"}
    mini_service.store.put_record("roster", "r001", first)
    mini_service.store.put_record("roster", "r002", {"name": "钱七", "id": "r002", "unit": "东关镇", "position": ""})
    slips: list[tuple[Trainee, str]] = []
    mini_service.issue_codes(mini_service.roster(), slips.extend)
    code = dict((member.id, code) for member, code in slips)["r001"]
    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.screen.query_one("#secret", Input).value = "typed-before"
        app.screen.query_one("#roster", Select).value = "r001"
        await pilot.pause()
        assert app.screen.query_one("#name", Input).value == "[b]赵六"
        assert app.screen.query_one("#unit", Input).value == "西关镇"
        assert app.screen.query_one("#secret", Input).value == ""
        assert app.screen.focused is app.screen.query_one("#secret", Input)
        assert str(app.screen.query_one("#secret-label", Label).render()) == "登录码"
        await pilot.press(*code.lower())  # typed in lower case: codes are matched in upper case
        await pilot.click("#signin")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.trainee is not None
        assert app.trainee.id == "r001" and app.trainee.position == "主席"


async def test_review_shows_a_key_corrected_after_the_exam(
    mini_service: ExamService, store: TinyDBAttemptStore, clock: FakeClock
) -> None:
    """After a trainer corrects a key in the bank, the review shows the corrected key next to the one drawn."""
    import dataclasses

    from exam.models import Trainee
    from exam.tui.screens.review import corrected_key

    attempt = mini_service.start_attempt("mini", Trainee(name="孙八", id="k001"))
    drawn = next(d for d in attempt.paper_snapshot.questions if d.question.type == "single")
    assert corrected_key(mini_service, drawn) is None
    bank = mini_service.registry.banks["constitution-2018"]
    other = next(letter for letter in OPTION_LETTERS[: len(drawn.question.options)] if letter != drawn.question.answer)
    fixed = dataclasses.replace(drawn.question, answer=other)
    questions = tuple(fixed if q.id == fixed.id else q for q in bank.questions)
    corrected = derive_registry(mini_service.registry, banks={bank.id: dataclasses.replace(bank, questions=questions)})
    text = corrected_key(ExamService(corrected, store, clock, clock.monotonic), drawn)
    assert text is not None and drawn.question.options[OPTION_LETTERS.index(other)] in text


async def test_practice_set_is_shown_in_the_order_the_service_drew(mini_service: ExamService) -> None:
    """Starting practice from the setup screen shows the service's drawn set as drawn (same questions, same option
    order), with each option labelled by its shown position."""
    from textual.widgets import Checkbox, RadioButton, Select

    from exam.tui.screens.practice import PracticeScreen, PracticeSetupScreen

    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        app.push_screen(PracticeSetupScreen())
        await settle(pilot)
        app.screen.query_one("#bank", Select).value = "constitution-2018"
        await settle(pilot)
        await pilot.click("#start")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        assert app.trainee is not None
        expected = mini_service.practice_set("constitution-2018", None, app.trainee, 10)
        assert screen.paper.to_dict() == expected.to_dict()
        first = screen.paper.questions[0]
        if first.question.options:
            labels = [str(button.label) for button in [*screen.query(RadioButton), *screen.query(Checkbox)]]
            shown = [text for _, text in first.displayed_options()]
            assert labels == [f"{OPTION_LETTERS[i]}. {text}" for i, text in enumerate(shown)]


async def test_practice_shuffles_options_and_grades_the_letter_shown(mini_service: ExamService, clock: object) -> None:
    """For some practice draw the options are shown in an order other than the bank's; pressing the letter shown
    next to the key is graded right (and the feedback names that shown letter), pressing another shown letter is
    graded wrong."""
    from textual.widgets import RadioButton

    from exam.tui.screens.practice import PracticeScreen

    app = make_app(mini_service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        trainee = app.trainee
        assert trainee is not None
        for _ in range(50):  # practice seeds include the time: move it until a draw starts with a shuffled single
            paper = mini_service.practice_set("constitution-2018", None, trainee, 5)
            first = paper.questions[0]
            key = first.question.answer
            shown = [canon for canon, _ in first.displayed_options()]
            if first.question.type == "single" and shown.index(key) != OPTION_LETTERS.index(key):  # type: ignore[arg-type]
                break  # the key is shown under another letter than the bank gives it
            clock.advance(minutes=1)  # type: ignore[attr-defined]
        else:
            raise AssertionError("no practice draw in 50 moved the key of a first single-choice question")
        question = first.question
        shown_letters = [canon for canon, _ in first.displayed_options()]
        assert shown_letters != sorted(shown_letters)  # not the bank's order
        key_position = shown_letters.index(question.answer)  # type: ignore[arg-type]
        assert key_position != OPTION_LETTERS.index(question.answer)  # type: ignore[arg-type]

        for position, right in ((key_position, True), ((key_position + 1) % len(shown_letters), False)):
            app.push_screen(PracticeScreen(paper))
            await settle(pilot)
            labels = [str(button.label) for button in app.screen.query(RadioButton)]
            assert labels[position].startswith(f"{OPTION_LETTERS[position]}. ")
            await pilot.press(OPTION_LETTERS[position].lower(), "ctrl+s")
            await settle(pilot)
            await settle(pilot)
            feedback = " ".join(str(w.render()) for w in app.screen.query("#feedback Static"))
            assert ("回答正确" in feedback) is right, feedback
            key_text = question.options[OPTION_LETTERS.index(question.answer)]  # type: ignore[arg-type]
            assert f"正确答案：{OPTION_LETTERS[key_position]}. {key_text}" in feedback
            app.pop_screen()
            await settle(pilot)


async def test_wrong_book_practice_opens_its_questions_with_shuffled_options(mini_service: ExamService) -> None:
    """The 错题本 button opens a practice of the book's questions, options drawn (a permutation) as in any practice
    set, titled 错题本."""
    from exam.tui.screens.practice import PracticeScreen

    app = make_app(mini_service)
    question = next(q for q in mini_service.registry.banks["constitution-2018"].questions if q.type == "single")
    wrong = next(letter for letter in OPTION_LETTERS[: len(question.options)] if letter != question.answer)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        assert app.trainee is not None
        mini_service.practice_answer(app.trainee, question, wrong)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        assert screen.paper.title == "错题本"
        assert [item.question.id for item in screen.paper.questions] == [question.id]
        assert sorted(screen.paper.questions[0].option_order) == list(range(len(question.options)))
