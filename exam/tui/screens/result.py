"""The result after submitting: score, pass or fail, time used, a breakdown by question type."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, DataTable, Footer, Header, Static

from exam.attempts import Attempt, AttemptStatus
from exam.i18n import t
from exam.qtypes import type_label
from exam.scoring import format_points
from exam.tui.screens.base import ServiceScreen
from exam.tui.widgets.countdown import format_seconds


def type_breakdown(attempt: Attempt) -> dict[str, list[float]]:
    """``type -> [questions, points earned, points possible]`` in paper order."""
    rows: dict[str, list[float]] = {}
    for answer in attempt.answers:
        row = rows.setdefault(answer.type, [0, 0.0, 0.0])
        row[0] += 1
        row[1] += answer.points
        row[2] += answer.max_points
    return rows


class ResultScreen(ServiceScreen[None]):
    """Shows one closed attempt's result; review is offered when the paper allows it."""

    BINDINGS = [("r", "review", "result.review"), ("escape", "home", "result.home")]

    def __init__(self, attempt: Attempt) -> None:
        super().__init__()
        self.attempt = attempt

    def compose(self) -> ComposeResult:
        a = self.attempt
        used = ((a.submitted_at or a.started_at) - a.started_at).total_seconds()
        passed = a.passed
        yield Header()
        with Vertical(id="result"):
            yield Static(Content(a.paper_title), classes="screen-title")
            yield Static(
                t("result.score", score=format_points(a.score or 0), max=format_points(a.max_score)),
                id="result-score",
                classes="passed" if passed else "failed",
            )
            yield Static(t("result.passed") if passed else t("result.failed"), id="result-verdict")
            yield Static(t("result.time_used", time=format_seconds(used)), id="result-time")
            yield Static(t("status." + a.status.value), id="result-status")
            if any(ans.needs_review for ans in a.answers):
                yield Static(t("result.short_pending"), classes="hint")
            yield DataTable(id="breakdown", cursor_type="none", zebra_stripes=True)
            with Horizontal(classes="buttons"):
                if a.paper_snapshot.show_answers:
                    yield Button(t("result.review"), variant="primary", id="review")
                yield Button(t("result.home"), id="home")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#breakdown", DataTable)
        table.add_columns(t("result.col_type"), t("result.col_count"), t("result.col_score"))
        for qtype, (count, got, possible) in type_breakdown(self.attempt).items():
            label = type_label(self.service.question_type(qtype))
            table.add_row(Text(label), str(int(count)), f"{format_points(got)} / {format_points(possible)}")
        for button in self.query("#review"):
            button.focus()
        if self.attempt.status is AttemptStatus.AUTO_SUBMITTED:
            # The trainee sees this one closed here: the next sign-in must not report it as closed while away.
            service, trainee = self.service, self.trainee
            self.writer.run(lambda: service.closed_while_away(trainee), lambda _told: None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "review":
            self.action_review()
        elif event.button.id == "home":
            self.action_home()

    def action_review(self) -> None:
        if not self.attempt.paper_snapshot.show_answers:
            self.notify(t("result.no_review"))
            return
        from exam.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.attempt))

    def action_home(self) -> None:
        self.dismiss(None)
