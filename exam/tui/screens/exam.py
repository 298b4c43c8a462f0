"""The exam: countdown, one question at a time, the answer card, flagging and submission.

Every change is saved through the store writer; a question shows as answered on the card only once its answer is
on disk. The screen holds an :class:`~exam.service.ExamSession` (the lease on the attempt): the countdown runs on
the session's monotonic clock against the stored deadline, a heartbeat picks up extra time and takeovers, and at
zero the service closes the attempt only if the *stored* deadline has passed.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Offset
from textual.reactive import reactive
from textual.widget import AwaitMount, Widget
from textual.widgets import Button, Footer, Static

from exam.attempts import Attempt
from exam.errors import AttemptClosedError, LeaseLostError
from exam.i18n import t
from exam.service import LEASE_HEARTBEAT_SECONDS, ExamSession, Heartbeat
from exam.tui.dialogs.confirm import ConfirmDialog, submit_summary
from exam.tui.dialogs.message import MessageDialog
from exam.tui.screens.base import QuestionScreen
from exam.tui.widgets.answer_card import AnswerCard, CardGrid
from exam.tui.widgets.countdown import DANGER_SECONDS, WARN_SECONDS, Countdown
from exam.tui.widgets.question_view import OptionBox, OptionButton, QuestionView

LETTERS = "abcdefgh"


class ExamScreen(QuestionScreen):
    """One attempt in progress."""

    BINDINGS = [
        Binding("left", "move(-1)", "key.prev", key_display="←"),
        Binding("right", "move(1)", "key.next", key_display="→"),
        Binding("p", "move(-1)", "key.prev", show=False),
        Binding("n", "n_key", "key.next", show=False),
        Binding("y", "judge(True)", "exam.true", show=False),
        Binding("f", "f_key", "key.flag"),
        Binding("ctrl+f", "flag", "key.flag", show=False),
        Binding("ctrl+s", "submit", "key.submit", priority=True),
        Binding("escape", "leave_input", "key.leave_input", show=False),
        Binding("up", "cursor(-1)", "key.option_up", show=False),
        Binding("down", "cursor(1)", "key.option_down", show=False),
        Binding("enter,space", "choose_cursor", "key.choose", show=False),
        *[Binding(str(i), f"choose({i - 1})", show=False) for i in range(1, 10)],
        *[Binding(letter, f"letter('{letter}')", show=False) for letter in "abcdegh"],
    ]

    current: reactive[int] = reactive(0, init=False)
    """Index of the question shown."""

    def __init__(self, attempt: Attempt, session: ExamSession) -> None:
        super().__init__()
        self.attempt_id = attempt.attempt_id
        self.session = session
        self.paper = session.paper
        self.responses: dict[str, Any] = {qid: r.value for qid, r in attempt.responses.items()}
        """The answers on disk (what the card shows as answered)."""
        self.shown: dict[str, Any] = dict(self.responses)
        """The answers as last given, saved or not yet: a question shown again shows these."""
        self._view: QuestionView | None = None
        self._view_mounting: AwaitMount | None = None
        self._progress_text = ""
        self.flags: set[int] = set()
        self.submitting = False
        self.finished = False
        self.close_failure_told = False
        self._clicked: set[Widget] = set()
        """Buttons whose click was acted on in input order; their own click message is then ignored."""
        self._cells_clicked: list[int] = []
        """Card cells whose click was acted on in input order; the card's own message for each is then ignored."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="exam-bar"):
            yield Static(Content(self.paper.title), id="exam-title")
            yield Static("", id="exam-progress")
            yield Countdown(self.session.deadline, self.session.now, id="countdown")
        yield Static("", id="time-warning")
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
        # Tab goes straight into a blank or the text box: nothing else on this screen takes focus.
        for container in self.query("#question-pane, #answer-card"):
            container.can_focus = False
        first_open = next((i for i, q in enumerate(self.paper.questions) if self.responses.get(q.id) is None), 0)
        await self.show_question(first_open)
        self.writer.run(lambda: self.service.flags(self.attempt_id), self._flags_read, lambda _error: None)
        if not self.session.writable:  # the trainee chose to view it read-only: no dialog, the status line says so
            self._become_read_only(t("exam.read_only"), tell=False)
        self.set_interval(LEASE_HEARTBEAT_SECONDS, self.heartbeat, name="heartbeat")

    def _flags_read(self, flags: list[int]) -> None:
        self.flags = {i for i in flags if 0 <= i < len(self.paper.questions)}
        self.refresh_card()

    def on_unmount(self) -> None:
        service, session = self.service, self.session
        self.writer.run(lambda: service.close_session(session), lambda _: None, lambda _error: None)

    def heartbeat(self) -> None:
        """Renew the lease; learn of extra time, a takeover, or a close elsewhere; retry an overdue close."""
        if self.finished:
            return
        self.writer.run(lambda: self.service.heartbeat(self.session), self._heartbeat_done, lambda _error: None)

    def _heartbeat_done(self, beat: Heartbeat) -> None:
        if self.finished:
            return
        countdown = self.query_one(Countdown)
        if beat.deadline != countdown.deadline:
            countdown.set_deadline(beat.deadline)
            self._time_warning_after_extra_time()
            self.notify(t("exam.deadline_changed"))
        if beat.closed:
            self.close_when_due()
        elif not beat.writable and self.session.lost_reason:
            self._become_read_only(self.session.lost_reason)
        elif self.session.seconds_left() <= 0 and not self.submitting:
            self.close_when_due()  # an earlier close failed (disk full, say): try again

    def _become_read_only(self, reason: str, tell: bool = True) -> None:
        """Stop saving (another window holds the attempt) and say so, once."""
        if self.has_class("read-only"):
            return
        self.add_class("read-only")
        self.query_one("#save-status", Static).update(Content(t("exam.read_only")))
        if tell:
            self.app.push_screen(MessageDialog(t("lease.dialog_title"), reason, error=True))

    # -- showing questions ----------------------------------------------------------------------------------------

    @property
    def view(self) -> QuestionView:
        """The question view: one for the whole attempt, showing each question in turn (see :meth:`select_question`)."""
        assert self._view is not None
        return self._view

    def select_question(self, index: int) -> QuestionView:
        """Make question ``index`` the one shown, synchronously: from here on every key acts on it (the view holds
        the answer as state), whether or not its widgets have been updated yet."""
        index = max(0, min(len(self.paper.questions) - 1, index))
        previous, self.current = self.current, index
        drawn = self.paper.questions[index]
        qtype = self.service.question_type(drawn.question.type)
        if self._view is None:
            self.set_focus(None)  # the keys are the screen's until Tab enters a blank
            self._view = QuestionView(drawn, index + 1, qtype, self.shown.get(drawn.id))
            self._view_mounting = self.query_one("#question-pane", VerticalScroll).mount(self._view)
        elif index != previous or self._view.drawn.id != drawn.id:
            self.set_focus(None)  # a blank or text box of the question left must not take the keys
            self._view.show(drawn, index + 1, qtype, self.shown.get(drawn.id))
            self.query_one("#question-pane", VerticalScroll).scroll_home(animate=False, immediate=True)
        self.refresh_card()
        return self._view

    async def show_question(self, index: int) -> None:
        """Show question ``index`` and wait until its widgets are on the screen."""
        self.select_question(index)
        if self._view_mounting is not None:
            await self._view_mounting
            self._view_mounting = None
        await self.view.replaced()

    def answered(self) -> set[int]:
        return {i for i, q in enumerate(self.paper.questions) if self.responses.get(q.id) is not None}

    def refresh_card(self) -> None:
        """Show the current question, the answered ones and the flags on the card and in the bar; only what changed
        is redrawn (each of these lines has a fixed size, so nothing is laid out anew)."""
        answered = self.answered()
        self.query_one(AnswerCard).show(self.current, answered, self.flags)
        progress = t("exam.progress", answered=len(answered), total=len(self.paper.questions), flagged=len(self.flags))
        bar = self.query_one("#exam-progress", Static)
        if progress != self._progress_text:
            # The bar's width follows its text: lay out again only when the width changes.
            same_width = cell_len(progress) == cell_len(self._progress_text)
            self._progress_text = progress
            bar.update(progress, layout=not same_width)
        label = t("key.unflag") if self.current in self.flags else t("key.flag")
        flag = self.query_one("#flag", Button)
        if str(flag.label) != label:
            flag.label = label

    # -- answering ---------------------------------------------------------------------------------------------------

    def on_question_view_answered(self, event: QuestionView.Answered) -> None:
        event.stop()
        if event.question_id != self.view.drawn.id:
            return  # a click on a view being replaced: only the question shown takes answers
        self._save(event.question_id, event.response)

    def _answer_by_key(self, changed: bool) -> None:
        """After a key changed the shown view's answer: save it for that view's question."""
        if changed:
            self._save(self.view.drawn.id, self.view.current_response())

    def _save(self, question_id: str, response: Any) -> None:
        self.shown[question_id] = response
        if self.finished or not self.session.writable:
            return
        self.query_one("#save-status", Static).update(t("exam.saving"))
        attempt_id, session = self.attempt_id, self.session

        def save() -> Any:
            return self.service.save_answer(attempt_id, question_id, response, session)

        self.writer.run(save, lambda value: self._saved(question_id, value), self._save_failed)

    def _saved(self, question_id: str, value: Any) -> None:
        self.responses[question_id] = value
        stamp = self.service.clock().strftime("%H:%M:%S")
        self.query_one("#save-status", Static).update(t("exam.saved", time=stamp))
        self.refresh_card()

    def _save_failed(self, error: Exception) -> None:
        self.query_one("#save-status", Static).update(t("exam.not_saved"))
        if isinstance(error, LeaseLostError):
            self._become_read_only(str(error))
        elif isinstance(error, AttemptClosedError):
            self.close_when_due()  # time is up: the closed attempt is shown
        else:
            self.exam_app.show_error(error)

    # -- keys --------------------------------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.select_question(self.current + step)

    def action_n_key(self) -> None:
        if self.view.kind == "judge":
            self._answer_by_key(self.view.choose(1))
        else:
            self.select_question(self.current + 1)

    def action_judge(self, value: bool) -> None:
        if self.view.kind == "judge":
            self._answer_by_key(self.view.choose(0 if value else 1))

    def action_choose(self, index: int) -> None:
        self._answer_by_key(self.view.choose(index))

    def action_letter(self, letter: str) -> None:
        self._answer_by_key(self.view.choose(LETTERS.index(letter)))

    def action_cursor(self, step: int) -> None:
        self.view.move_cursor(step)

    def action_choose_cursor(self) -> None:
        self._answer_by_key(self.view.choose_cursor())

    def action_f_key(self) -> None:
        if self.view.kind in ("choice", "choices") and len(self.view.options) > LETTERS.index("f"):
            self._answer_by_key(self.view.choose(LETTERS.index("f")))
        else:
            self.action_flag()

    def action_flag(self) -> None:
        self.flags ^= {self.current}
        flags = sorted(self.flags)
        attempt_id = self.attempt_id
        if self.session.writable:
            self.writer.run(lambda: self.service.set_flags(attempt_id, flags), lambda _: None)
        self.refresh_card()

    def action_leave_input(self) -> None:
        self.set_focus(None)

    def click_in_input_order(self, widget: Widget, at: Offset) -> None:
        """A click on a card cell, a button or an option of the question shown acts before any key typed after it:
        a cell clicked and an option key in one burst answer the question clicked to, never the one being left.

        The act takes the path of a key's binding (:meth:`act_in_input_order`); focus leaves a blank at once, so the
        keys typed after the click come to this screen. The widget's own click message, which comes later, is then
        ignored."""
        target = next(
            (
                node
                for node in widget.ancestors_with_self
                if isinstance(node, (CardGrid, Button, OptionButton, OptionBox))
            ),
            None,
        )
        if not isinstance(target, Widget) or target.disabled:
            return
        if isinstance(target, CardGrid):
            cell = target.cell_at_screen(at)
            if cell is not None:
                self._cells_clicked.append(cell)
                self.set_focus(None)
                self.act_in_input_order(self.select_question, cell)
        elif isinstance(target, Button) and target.id in ("prev", "next", "flag", "submit"):
            self._clicked.add(target)
            self.act_in_input_order(self._press, target.id)
        elif isinstance(target, (OptionButton, OptionBox)) and target in self.view.option_widgets:
            target.click_taken = True
            self.act_in_input_order(self._option_clicked, target)

    def _option_clicked(self, option: OptionButton | OptionBox) -> None:
        if option in self.view.option_widgets:  # its question's input widgets were not replaced meanwhile
            self._answer_by_key(self.view.choose(option.index))

    def on_answer_card_selected(self, event: AnswerCard.Selected) -> None:
        if event.index in self._cells_clicked:  # already selected when the click came in
            self._cells_clicked.remove(event.index)
            return
        # Selected at once, so a key handled next already acts on the new question.
        self.select_question(event.index)

    def _press(self, button_id: str | None) -> None:
        """What the exam's buttons do; the question to show is selected at once (see :meth:`select_question`)."""
        if button_id in ("prev", "next"):
            step = -1 if button_id == "prev" else 1
            self.select_question(self.current + step)
        elif button_id == "flag":
            self.action_flag()
        elif button_id == "submit":
            self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button in self._clicked:
            self._clicked.discard(event.button)
            return
        self._press(event.button.id)

    # -- submission --------------------------------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.submitting or self.finished:
            return
        if not self.session.writable:
            self.notify(t("exam.read_only"), severity="warning")
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
            self.submit()

    def submit(self) -> None:
        """Hand in now (the trainee's choice)."""
        if self.submitting or self.finished:
            return
        self.submitting = True
        self.close_failure_told = False  # a retry by hand reports its own failure
        attempt_id, session = self.attempt_id, self.session
        self.writer.run(lambda: self.service.submit(attempt_id, session)[0], self._handed_in, self._submit_failed)

    def close_when_due(self) -> None:
        """Time is up by the countdown: the service closes the attempt if the stored deadline has passed."""
        if self.submitting or self.finished:
            return
        self.submitting = True
        attempt_id, session = self.attempt_id, self.session
        self.writer.run(lambda: self.service.close_if_due(attempt_id, session), self._handed_in, self._submit_failed)

    def _handed_in(self, attempt: Attempt | None) -> None:
        self.submitting = False
        if attempt is None:  # extra time was granted meanwhile: keep going
            self.query_one(Countdown).set_deadline(self.session.deadline)
            self._time_warning_after_extra_time()
            self.notify(t("exam.deadline_changed"))
            return
        from exam.tui.screens.result import ResultScreen

        self.finished = True
        self.app.switch_screen(ResultScreen(attempt))
        if attempt.status.value == "auto_submitted":
            self.app.push_screen(MessageDialog(t("exam.time_up_title"), t("exam.time_up_body")))

    def _submit_failed(self, error: Exception) -> None:
        """The screen keeps working: answers still save, Ctrl+S retries, the heartbeat retries an overdue close.
        The failure is told once until a close succeeds or the trainee retries by hand: the heartbeat's retries
        must not stack a dialog every few seconds."""
        self.submitting = False
        if isinstance(error, LeaseLostError):
            self._become_read_only(str(error))
            return
        if self.close_failure_told:
            return
        self.close_failure_told = True
        reason = str(error).rstrip("。.")
        self.app.push_screen(MessageDialog(t("app.error_title"), t("exam.submit_failed", error=reason), error=True))

    def on_countdown_warned(self, event: Countdown.Warned) -> None:
        """Say how little time is left on a line of its own under the bar: a toast would cover the key help at
        80×24 and wrap mid-phrase, and it would vanish while the time is still short."""
        warning = self.query_one("#time-warning", Static)
        warning.update(t("exam.warn_5" if event.seconds >= 300 else "exam.warn_1"))
        warning.set_class(event.seconds < 300, "danger")
        warning.display = True

    def _time_warning_after_extra_time(self) -> None:
        """With more time the warning goes (or says 5 minutes again); the countdown warns anew when crossed."""
        left = self.query_one(Countdown).seconds_left
        warning = self.query_one("#time-warning", Static)
        if left > WARN_SECONDS:
            warning.display = False
        elif left > DANGER_SECONDS and warning.has_class("danger"):
            warning.update(t("exam.warn_5"))
            warning.remove_class("danger")

    def on_countdown_expired(self, event: Countdown.Expired) -> None:
        self.close_when_due()

    @property
    def in_progress(self) -> bool:
        """Whether the trainee is answering here: not yet handed in, and this window holds the attempt (quitting
        then asks first, since the clock keeps running)."""
        return not self.finished and self.session.writable
