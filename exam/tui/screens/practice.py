"""Practice by bank and topic, and the 错题本: immediate feedback with the explanation and the article.

A wrong answer (here or in an exam) goes into the 错题本; a question leaves it after two correct answers in a row.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Offset
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from exam.i18n import t
from exam.papers import DrawnPaper
from exam.tui.screens.base import QuestionScreen, ServiceScreen
from exam.tui.screens.review import describe_key, describe_response, explanation_block
from exam.tui.typeset import typeset
from exam.tui.widgets.question_view import OptionBox, OptionButton, QuestionView

ALL = "__all__"


class PracticeSetupScreen(ServiceScreen[None]):
    """Pick a bank, a topic and how many questions."""

    BINDINGS = [("escape", "back", "review.back")]

    def compose(self) -> ComposeResult:
        banks = [(Content(bank.title), bank.id) for bank in self.service.registry.banks.values()]
        yield Header()
        with Vertical(id="practice-setup"):
            yield Static(t("practice.title"), classes="screen-title")
            yield Label(t("practice.bank"))
            yield Select(banks, prompt=t("practice.bank_prompt"), id="bank", allow_blank=False)
            yield Label(t("practice.topic"))
            yield Select([(t("practice.all_topics"), ALL)], id="topic", allow_blank=False)
            yield Label(t("practice.count"))
            yield Input("10", id="count", type="integer", max_length=3)
            with Horizontal(classes="buttons"):
                yield Button(t("practice.start"), variant="primary", id="start")
        yield Footer()

    def on_mount(self) -> None:
        self._fill_topics()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "bank":
            self._fill_topics()

    def _fill_topics(self) -> None:
        bank = self.query_one("#bank", Select).value
        topics = self.service.practice_topics().get(str(bank), [])
        self.query_one("#topic", Select).set_options(
            [(t("practice.all_topics"), ALL)] + [(Content(tag), tag) for tag in topics]
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.start()

    def start(self) -> None:
        bank = str(self.query_one("#bank", Select).value)
        topic = self.query_one("#topic", Select).value
        try:
            count = max(1, min(100, int(self.query_one("#count", Input).value or "10")))
        except ValueError:
            count = 10
        trainee = self.trainee
        paper = self.service.practice_set(bank, None if topic == ALL else str(topic), trainee, count)
        self.app.switch_screen(PracticeScreen(paper))

    def action_back(self) -> None:
        self.dismiss(None)


class PracticeScreen(QuestionScreen):
    """One question at a time; check it, see why, go on.

    Shows ``paper`` as drawn: options in its drawn (shuffled) order, as an exam shows them, labelled A, B, C … in
    that order; responses and feedback go through the drawn question, so the letter pressed is the option shown.
    """

    BINDINGS = [
        # Not a priority binding: Ctrl+S then passes through the focused blank after the keys typed before it, so a
        # burst of text + Ctrl+S checks the text the blank shows.
        Binding("ctrl+s", "check", "practice.check"),
        Binding("right", "next", "key.next"),
        Binding("y", "judge(True)", "exam.true", show=False),
        Binding("n", "judge(False)", "exam.false", show=False),
        *[Binding(str(i), f"choose({i - 1})", show=False) for i in range(1, 10)],
        *[Binding(letter, f"choose({i})", show=False) for i, letter in enumerate("abcdefgh")],
        Binding("up", "cursor(-1)", "key.option_up", show=False),
        Binding("down", "cursor(1)", "key.option_down", show=False),
        Binding("enter,space", "choose_cursor", "key.choose", show=False),
        Binding("escape", "back", "review.back"),
    ]

    def __init__(self, paper: DrawnPaper) -> None:
        super().__init__()
        self.paper = paper
        self.index = 0
        self.correct = 0
        self.checked = False
        self.feedback_shown = False
        self._view: QuestionView | None = None
        self._clicked: set[Widget] = set()
        """Buttons whose click was acted on in input order; their own click message is then ignored."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="practice"):
            yield Static(Content(self.paper.title), id="practice-title", classes="screen-title")  # 练习 or 错题本
            yield Static("", id="practice-progress")
            yield VerticalScroll(id="question-pane")
            yield VerticalScroll(id="feedback")
            with Horizontal(classes="buttons"):
                yield Button(t("practice.check"), variant="primary", id="check")
                yield Button(t("key.next"), id="next")
        yield Footer()

    async def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False
        # Tab goes straight into a blank or the text box: nothing else on this screen takes focus.
        for container in self.query("#question-pane, #feedback"):
            container.can_focus = False
        await self.show(0)

    @property
    def view(self) -> QuestionView:
        """The question shown; switched before its widgets are mounted, so keys never reach the one leaving."""
        assert self._view is not None
        return self._view

    async def show(self, index: int) -> None:
        """Show question ``index`` in the one question view (made for the first question), without its verdict."""
        self.index, self.checked, self.feedback_shown = index, False, False
        drawn = self.paper.questions[index]
        qtype = self.service.question_type(drawn.question.type)
        self.set_focus(None)  # a blank or text box of the question left must not take the keys
        pane = self.query_one("#question-pane", VerticalScroll)
        if self._view is None:
            self._view = QuestionView(drawn, index + 1, qtype)
            await pane.mount(self._view)
        else:
            self._view.show(drawn, index + 1, qtype)
            pane.scroll_home(animate=False, immediate=True)
        await self.query_one("#feedback", VerticalScroll).remove_children()
        await self._view.replaced()
        self.query_one("#practice-progress", Static).update(
            t("practice.progress", n=index + 1, total=len(self.paper.questions), correct=self.correct)
        )
        self.query_one("#next", Button).disabled = True
        self.query_one("#check", Button).disabled = False

    def on_question_view_answered(self, event: QuestionView.Answered) -> None:
        event.stop()

    def action_choose(self, index: int) -> None:
        if not self.checked:
            self.view.choose(index)

    def action_judge(self, value: bool) -> None:
        if not self.checked and self.view.kind == "judge":
            self.view.choose(0 if value else 1)

    def action_cursor(self, step: int) -> None:
        if not self.checked:
            self.view.move_cursor(step)

    def action_choose_cursor(self) -> None:
        """Enter/Space: choose the option under the cursor; once checked, Enter goes on to the next question."""
        if self.checked:
            self.run_worker(self.action_next(), exclusive=True)
        else:
            self.view.choose_cursor()

    def click_in_input_order(self, widget: Widget, at: Offset) -> None:
        """A click on an option of the question shown or on 提交本题 / 下一题 acts before any key typed after it (an
        option clicked and Ctrl+S in one burst check the option clicked): the act takes the path of a key's binding
        (:meth:`act_in_input_order`). The widget's own click message, which comes later, is then ignored."""
        target = next(
            (node for node in widget.ancestors_with_self if isinstance(node, (Button, OptionButton, OptionBox))), None
        )
        if not isinstance(target, Widget) or target.disabled:
            return
        if isinstance(target, Button) and target.id in ("check", "next"):
            self._clicked.add(target)
            self.act_in_input_order(self._press, target.id)
        elif isinstance(target, (OptionButton, OptionBox)) and target in self.view.option_widgets:
            target.click_taken = True
            self.act_in_input_order(self._option_clicked, target)

    def _option_clicked(self, option: OptionButton | OptionBox) -> None:
        if option in self.view.option_widgets:  # its question's input widgets were not replaced meanwhile
            self.action_choose(option.index)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button in self._clicked:
            self._clicked.discard(event.button)
            return
        self._press(event.button.id)

    def _press(self, button_id: str | None) -> None:
        if button_id == "check":
            self.action_check()
        elif button_id == "next":
            self.run_worker(self.action_next(), exclusive=True)

    def action_check(self) -> None:
        if self.checked:
            return
        response = self.view.current_response()
        if response is None:
            self.notify(t("practice.need_answer"), severity="warning")
            return
        self.checked = True
        index, drawn = self.index, self.paper.questions[self.index]
        trainee = self.trainee
        self.writer.run(
            lambda: self.service.practice_answer(trainee, drawn.question, response),
            lambda result: self._show_feedback(index, response, result),
        )

    def _show_feedback(self, index: int, response: Any, result: tuple[float, bool]) -> None:
        self.run_worker(self._feedback(index, response, result), exclusive=True)

    async def _feedback(self, index: int, response: Any, result: tuple[float, bool]) -> None:
        """Show the verdict on question ``index`` (the one checked), and only while it is still shown."""
        _points, right = result
        if right:
            self.correct += 1
        if index != self.index:
            return
        drawn = self.paper.questions[index]
        feedback = self.query_one("#feedback", VerticalScroll)
        widgets = [
            Static(t("practice.right") if right else t("practice.wrong"), classes="right" if right else "wrong"),
            Static(typeset(t("review.yours", text=describe_response(drawn, response)))),
            Static(typeset(t("review.key", text=describe_key(drawn))), classes="review-key"),
            *explanation_block(self.service, drawn.question),
        ]
        await feedback.mount_all(widgets)
        self.query_one("#check", Button).disabled = True
        self.query_one("#next", Button).disabled = False
        self.query_one("#practice-progress", Static).update(
            t("practice.progress", n=self.index + 1, total=len(self.paper.questions), correct=self.correct)
        )
        self.feedback_shown = True

    async def action_next(self) -> None:
        if not self.feedback_shown:  # the verdict is on its way: going on now would show it on the next question
            return
        if self.index + 1 < len(self.paper.questions):
            await self.show(self.index + 1)
        else:
            from exam.tui.dialogs.message import MessageDialog

            total = len(self.paper.questions)
            self.dismiss(None)
            summary = t("practice.done", correct=self.correct, total=total)
            self.app.push_screen(MessageDialog(t("practice.done_title"), summary))

    def action_back(self) -> None:
        """Esc leaves a blank or the text box first; only from outside one does it leave the set."""
        if self.focused is not None and self.focused in self.view.input_widgets():
            self.set_focus(None)
            return
        self.dismiss(None)
