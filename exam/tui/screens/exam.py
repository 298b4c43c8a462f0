"""The exam: countdown, one question at a time, the answer card, flagging and submission.

Every change is saved through the store writer; a question shows as answered on the card only once its answer is
on disk. The countdown is computed from the stored deadline; at zero the paper is auto-submitted exactly once.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, RadioButton, RadioSet, Static

from exam.errors import AttemptClosedError
from exam.i18n import t
from exam.papers import DrawnPaper
from exam.service import from_iso
from exam.store.base import AttemptDict
from exam.tui.dialogs.confirm import ConfirmDialog, submit_summary
from exam.tui.dialogs.message import MessageDialog
from exam.tui.widgets.answer_card import AnswerCard
from exam.tui.widgets.countdown import Countdown
from exam.tui.widgets.question_view import QuestionView

LETTERS = "abcdefgh"
DEADLINE_REFRESH_SECONDS = 20


class ExamScreen(Screen[None]):
    """One attempt in progress."""

    BINDINGS = [
        Binding("left", "move(-1)", t("key.prev"), key_display="←"),
        Binding("right", "move(1)", t("key.next"), key_display="→"),
        Binding("p", "move(-1)", t("key.prev"), show=False),
        Binding("n", "n_key", t("key.next"), show=False),
        Binding("y", "judge(True)", t("exam.true"), show=False),
        Binding("f", "f_key", t("key.flag")),
        Binding("ctrl+f", "flag", t("key.flag"), show=False),
        Binding("ctrl+s", "submit", t("key.submit"), priority=True),
        Binding("escape", "leave_input", t("key.leave_input"), show=False),
        *[Binding(str(i), f"choose({i - 1})", show=False) for i in range(1, 10)],
        *[Binding(letter, f"letter('{letter}')", show=False) for letter in "abcdegh"],
    ]

    current: reactive[int] = reactive(0, init=False)
    """Index of the question shown."""

    def __init__(self, attempt: AttemptDict) -> None:
        super().__init__()
        self.attempt = attempt
        self.paper = DrawnPaper.from_dict(attempt["drawn"])
        self.responses: dict[str, Any] = {
            qid: entry.get("response") for qid, entry in (attempt.get("responses") or {}).items()
        }
        self.flags: set[int] = set()
        self.submitting = False

    @property
    def service(self) -> Any:
        return self.app.exam  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Horizontal(id="exam-bar"):
            yield Static(Content(self.paper.title), id="exam-title")
            yield Static("", id="exam-progress")
            yield Countdown(from_iso(self.attempt["deadline"]), self.service.clock, id="countdown")
        with Horizontal(id="exam-body"):
            with Vertical(id="question-column"):
                yield VerticalScroll(id="question-pane")
                yield Static("", id="save-status")
                with Horizontal(id="exam-buttons", classes="buttons"):
                    yield Button(t("key.prev"), id="prev")
                    yield Button(t("key.flag"), id="flag")
                    yield Button(t("key.next"), id="next")
                    yield Button(t("key.submit"), variant="error", id="submit")
            yield AnswerCard(len(self.paper.questions), id="answer-card")
        yield Static(t("exam.keys_help"), id="keys-help")
        yield Footer()

    async def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False
        flags = self.service.store.get_record("flags", self.attempt["attempt_id"]) or []
        self.flags = {i for i in flags if 0 <= i < len(self.paper.questions)}
        first_open = next((i for i, q in enumerate(self.paper.questions) if self.responses.get(q.id) is None), 0)
        await self.show_question(first_open)
        self.set_interval(DEADLINE_REFRESH_SECONDS, self.refresh_deadline, name="deadline-refresh")

    def refresh_deadline(self) -> None:
        """Re-read the stored deadline: a trainer may grant extra time while the exam runs."""
        attempt_id = self.attempt["attempt_id"]
        self.app.writer.run(  # type: ignore[attr-defined]
            lambda: self.service.store.get_attempt(attempt_id), self._deadline_read, lambda _error: None
        )

    def _deadline_read(self, stored: AttemptDict) -> None:
        if stored["status"] != "in_progress":
            self.submit(auto=True)  # closed elsewhere: finalising again returns the stored result
            return
        if stored["deadline"] != self.attempt["deadline"]:
            self.attempt = dict(self.attempt, deadline=stored["deadline"])
            self.query_one(Countdown).deadline = from_iso(stored["deadline"])
            self.notify(t("exam.deadline_changed"))

    # -- showing questions ----------------------------------------------------------------------------------------

    @property
    def view(self) -> QuestionView:
        return self.query_one(QuestionView)

    async def show_question(self, index: int) -> None:
        index = max(0, min(len(self.paper.questions) - 1, index))
        self.current = index
        drawn = self.paper.questions[index]
        pane = self.query_one("#question-pane", VerticalScroll)
        await pane.remove_children()
        view = QuestionView(drawn, index + 1, self.service.question_type(drawn.question.type))
        await pane.mount(view)
        # Choices are made with keys and the mouse; focus stays on the screen so ← → always move between questions.
        for widget in [*view.query(RadioSet), *view.query(RadioButton), *view.query(Checkbox)]:
            widget.can_focus = False
        view.set_response(self.responses.get(drawn.id))
        pane.scroll_home(animate=False)
        self.refresh_card()

    def answered(self) -> set[int]:
        return {i for i, q in enumerate(self.paper.questions) if self.responses.get(q.id) is not None}

    def refresh_card(self) -> None:
        answered = self.answered()
        self.query_one(AnswerCard).show(self.current, answered, self.flags)
        self.query_one("#exam-progress", Static).update(
            t("exam.progress", answered=len(answered), total=len(self.paper.questions), flagged=len(self.flags))
        )
        self.query_one("#flag", Button).label = t("key.unflag") if self.current in self.flags else t("key.flag")

    # -- answering ---------------------------------------------------------------------------------------------------

    def on_question_view_answered(self, event: QuestionView.Answered) -> None:
        if self.submitting:
            return
        self.query_one("#save-status", Static).update(t("exam.saving"))
        attempt_id = self.attempt["attempt_id"]
        question_id, response = event.question_id, event.response

        def save() -> Any:
            return self.service.save_answer(attempt_id, question_id, response, attempt=self.attempt)

        self.app.writer.run(  # type: ignore[attr-defined]
            save, lambda value: self._saved(question_id, value), self._save_failed
        )

    def _saved(self, question_id: str, value: Any) -> None:
        self.responses[question_id] = value
        stamp = self.service.clock().strftime("%H:%M:%S")
        self.query_one("#save-status", Static).update(t("exam.saved", time=stamp))
        self.refresh_card()

    def _save_failed(self, error: Exception) -> None:
        self.query_one("#save-status", Static).update(t("exam.not_saved"))
        if isinstance(error, AttemptClosedError):
            self.submit(auto=True)  # time is up: finalising again returns the stored result
        else:
            self.app.show_error(error)  # type: ignore[attr-defined]

    # -- keys --------------------------------------------------------------------------------------------------------

    async def action_move(self, step: int) -> None:
        await self.show_question(self.current + step)

    async def action_n_key(self) -> None:
        if self.view.kind == "judge":
            self.view.choose(1)
        else:
            await self.show_question(self.current + 1)

    def action_judge(self, value: bool) -> None:
        if self.view.kind == "judge":
            self.view.choose(0 if value else 1)

    def action_choose(self, index: int) -> None:
        self.view.choose(index)

    def action_letter(self, letter: str) -> None:
        self.view.choose(LETTERS.index(letter))

    def action_f_key(self) -> None:
        if self.view.kind in ("choice", "choices") and len(self.view.options) > LETTERS.index("f"):
            self.view.choose(LETTERS.index("f"))
        else:
            self.action_flag()

    def action_flag(self) -> None:
        self.flags ^= {self.current}
        flags = sorted(self.flags)
        attempt_id = self.attempt["attempt_id"]
        self.app.writer.run(  # type: ignore[attr-defined]
            lambda: self.service.store.put_record("flags", attempt_id, flags), lambda _: None
        )
        self.refresh_card()

    def action_leave_input(self) -> None:
        self.set_focus(None)

    def on_answer_card_selected(self, event: AnswerCard.Selected) -> None:
        self.run_worker(self.show_question(event.index), exclusive=True, group="navigate")

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "prev":
            await self.show_question(self.current - 1)
        elif event.button.id == "next":
            await self.show_question(self.current + 1)
        elif event.button.id == "flag":
            self.action_flag()
        elif event.button.id == "submit":
            self.action_submit()

    # -- submission --------------------------------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.submitting:
            return
        unanswered = len(self.paper.questions) - len(self.answered())
        self.app.push_screen(
            ConfirmDialog(
                t("submit.title"), submit_summary(unanswered, len(self.flags)), t("key.submit"), warning=unanswered > 0
            ),
            self._confirmed,
        )

    def _confirmed(self, ok: bool | None) -> None:
        if ok:
            self.submit(auto=False)

    def submit(self, auto: bool) -> None:
        if self.submitting:
            return
        self.submitting = True
        attempt_id = self.attempt["attempt_id"]
        self.app.writer.run(  # type: ignore[attr-defined]
            lambda: self.service.submit(attempt_id, auto=auto), lambda result: self._submitted(result[0])
        )

    def _submitted(self, attempt: AttemptDict) -> None:
        from exam.tui.screens.result import ResultScreen

        self.app.switch_screen(ResultScreen(attempt))
        if attempt["status"] == "auto_submitted":
            self.app.push_screen(MessageDialog(t("exam.time_up_title"), t("exam.time_up_body")))

    def on_countdown_warned(self, event: Countdown.Warned) -> None:
        key = "exam.warn_5" if event.seconds >= 300 else "exam.warn_1"
        self.notify(t(key), severity="warning", timeout=8)

    def on_countdown_expired(self, event: Countdown.Expired) -> None:
        self.submit(auto=True)
