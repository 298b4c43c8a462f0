"""Review of a closed attempt: each question with the trainee's answer, the key, the explanation and the cited
article's text from the shipped source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Collapsible, Footer, Header, Static

from exam.attempts import Attempt
from exam.i18n import t
from exam.models import OPTION_LETTERS, Question, ShortAnswer
from exam.papers import DrawnQuestion
from exam.qtypes import BLANK_MARK, type_label
from exam.scoring import format_points
from exam.tui.screens.base import ServiceScreen
from exam.tui.typeset import typeset

if TYPE_CHECKING:
    from exam.service import ExamService


def describe_response(drawn: DrawnQuestion, response: Any) -> str:
    """A response as the trainee saw it: displayed letters with option text, 对/错, blanks joined."""
    if response is None:
        return t("review.unanswered")
    question = drawn.question
    if question.type in ("single", "multiple"):
        # in the order the trainee saw them, A–H: A, C, not C, A
        return "、".join(f"{letter}. {text}" if text else letter for letter, text in drawn.shown_choices(response))
    if question.type == "judge":  # no key hint here: 对（Y） belongs where Y is pressed
        return t("review.true") if response else t("review.false")
    if isinstance(response, list):
        return "；".join(f"（{i}）{v}" for i, v in enumerate(response, 1))
    return str(response)


def describe_key(drawn: DrawnQuestion) -> str:
    answer = drawn.question.answer
    if isinstance(answer, ShortAnswer):
        return answer.reference
    if drawn.question.type == "blank" and isinstance(answer, tuple):
        return "；".join(f"（{i}）{' / '.join(acc)}" for i, acc in enumerate(answer, 1))
    return describe_response(drawn, answer)


def corrected_key(service: ExamService, drawn: DrawnQuestion) -> str | None:
    """The bank's current key when a trainer corrected it after this paper was drawn (regrading follows it)."""
    current = service.find_question(drawn.id)
    if current is None or current.answer == drawn.question.answer or current.options != drawn.question.options:
        return None
    return describe_key(DrawnQuestion(current, drawn.points, drawn.option_order, drawn.section))


class ReviewScreen(ServiceScreen[None]):
    """Scrollable review of every question."""

    BINDINGS = [("escape", "back", "review.back")]

    def __init__(self, attempt: Attempt) -> None:
        super().__init__()
        self.attempt = attempt
        self.paper = attempt.paper_snapshot

    def compose(self) -> ComposeResult:
        yield Header()
        answers = {a.question_id: a for a in self.attempt.answers}
        with VerticalScroll(id="review"):
            yield Static(
                Content(t("review.title", title=self.paper.title, score=format_points(self.attempt.score or 0),
                          max=format_points(self.attempt.max_score))),
                classes="screen-title",
            )  # fmt: skip
            for number, drawn in enumerate(self.paper.questions, 1):
                answer = answers.get(drawn.id)
                got, possible = (answer.points if answer else 0), drawn.points
                css = "right" if got >= possible else ("partial" if got > 0 else "wrong")
                label = type_label(self.service.question_type(drawn.question.type))
                with Vertical(classes=f"review-item {css}"):
                    yield Static(
                        Content(
                            t(
                                "review.heading",
                                number=number,
                                type=label,
                                got=format_points(got),
                                points=format_points(possible),
                            )
                        ),
                        classes="review-heading",
                    )
                    yield from question_body(drawn)
                    yield Static(
                        typeset(t("review.yours", text=describe_response(drawn, answer.response if answer else None)))
                    )
                    yield Static(typeset(t("review.key", text=describe_key(drawn))), classes="review-key")
                    corrected = corrected_key(self.service, drawn)
                    if corrected is not None:
                        yield Static(typeset(t("review.key_corrected", text=corrected)), classes="review-key")
                    yield from explanation_block(self.service, drawn.question)
        yield Footer()

    def action_back(self) -> None:
        self.dismiss(None)


def question_body(drawn: DrawnQuestion) -> ComposeResult:
    """Stem and options in the order the trainee saw them."""
    question = drawn.question
    yield Static(typeset(question.stem.replace(BLANK_MARK, "（  ）") if question.type == "blank" else question.stem))
    for i, (_, text) in enumerate(drawn.displayed_options()):
        yield Static(typeset(f"  {OPTION_LETTERS[i]}. {text}"))


def explanation_block(service: ExamService, question: Question) -> ComposeResult:
    """解析, the citation, and the cited article's full text (collapsed); 未注明出处 for a question naming no source."""
    if question.explanation:
        yield Static(typeset(t("review.explanation", text=question.explanation)), classes="review-explanation")
    label = service.citation_label(question)
    if label is None:
        yield Static(Content(t("review.unsourced")))
        return
    text = service.cited_text(question)
    if text:
        yield SourceCollapsible(label, Static(typeset(text), classes="review-source"))
    else:
        yield Static(typeset(t("review.source_only", label=label)))


class SourceCollapsible(Collapsible):
    """The cited article, collapsed; its title says what a click does: 展开看原文 when closed, 收起原文 when open."""

    def __init__(self, label: str, *children: Widget) -> None:
        self.source_label = label
        super().__init__(*children, title=self._source_title(True))

    def _source_title(self, collapsed: bool) -> str:
        key = "review.source" if collapsed else "review.source_shown"
        return escape(t(key, label=self.source_label))  # the title is markup; the label comes from a plugin

    def watch_collapsed(self, collapsed: bool) -> None:
        self.title = self._source_title(collapsed)
