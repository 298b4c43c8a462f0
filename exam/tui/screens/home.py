"""Home: resume an open exam first; the papers with attempts left; practice, 错题本 and history."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, DataTable, Footer, Header, Static

from exam.attempts import Attempt
from exam.errors import LeaseHeldError
from exam.i18n import t
from exam.models import Question
from exam.scoring import format_points
from exam.service import ExamSession, HomeData, PaperStatus
from exam.tui.dialogs.confirm import ConfirmDialog
from exam.tui.screens.base import ServiceScreen
from exam.tui.widgets.countdown import format_seconds


class HomeScreen(ServiceScreen[None]):
    """What the signed-in trainee can do."""

    BINDINGS = [
        ("p", "practice", "home.practice"),
        ("w", "wrong_book", "home.wrong_book"),
        ("h", "history", "home.history"),
        ("escape", "sign_out", "home.sign_out"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.papers: list[PaperStatus] = []
        self.load_failed = False
        self.resume_id: str | None = None

    def compose(self) -> ComposeResult:
        trainee = self.trainee
        yield Header()
        with Vertical(id="home"):
            yield Static(Content(t("home.welcome", name=trainee.name, unit=trainee.unit or "-")), id="welcome")
            with Horizontal(id="resume", classes="hidden"):
                yield Static("", id="resume-text")
                yield Button(t("home.resume"), variant="warning", id="resume-button")
            yield Static(t("home.papers"), classes="section-title")
            yield DataTable(id="papers", cursor_type="row", zebra_stripes=True)
            yield Static(t("home.papers_hint"), classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(t("home.practice"), id="practice")
                yield Button(t("home.wrong_book"), id="wrong-book")
                yield Button(t("home.history"), id="history")
                yield Button(t("home.sign_out"), id="sign-out")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#papers", DataTable)
        table.add_columns(
            t("home.col_title"), t("home.col_questions"), t("home.col_points"), t("home.col_minutes"),
            t("home.col_pass"), t("home.col_left"),
        )  # fmt: skip
        # The data is loaded by on_screen_resume, which also runs when the screen is first shown.

    def on_screen_resume(self) -> None:
        if self.load_failed:  # back from the dialog that reported the failure: showing it again would loop
            self.load_failed = False
            return
        self.refresh_data()

    def refresh_data(self) -> None:
        service = self.service
        trainee = self.trainee

        self.writer.run(lambda: service.home(trainee), self._show, self._load_failed)

    def _load_failed(self, error: Exception) -> None:
        self.load_failed = True
        self.exam_app.show_error(error)

    def _show(self, data: HomeData) -> None:
        self.papers, open_attempt, wrong = data.papers, data.open_attempt, data.wrong_book_count
        table = self.query_one("#papers", DataTable)
        # The rows are rebuilt whenever the screen comes back (after a dialog, an exam, practice): the cursor stays
        # on the paper it was on, so the next Enter acts on the paper the trainee chose, not on the first row.
        selected = self._selected_paper(table)
        table.clear()
        for status in self.papers:
            spec = status.spec
            left = t("home.unlimited") if status.attempts_left is None else str(status.attempts_left)
            table.add_row(
                Text(spec.title), str(spec.question_count), format_points(spec.total_points), str(spec.time_limit),
                format_points(spec.pass_mark), left, key=spec.id,
            )  # fmt: skip
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected), animate=False)
        self.query_one("#wrong-book", Button).label = t("home.wrong_book_count", count=wrong)
        resume = self.query_one("#resume")
        if open_attempt is not None:
            self.resume_id = open_attempt.paper
            seconds = self.service.seconds_left(open_attempt)
            self.query_one("#resume-text", Static).update(
                Content(t("home.resume_text", title=open_attempt.paper_title, time=format_seconds(seconds)))
            )
            resume.remove_class("hidden")
            self.query_one("#resume-button", Button).focus()
        else:
            self.resume_id = None
            resume.add_class("hidden")
            table.focus()

    @staticmethod
    def _selected_paper(table: DataTable[object]) -> str | None:
        """The id of the paper under the table's cursor, or ``None`` when the table is empty."""
        if not table.is_valid_row_index(table.cursor_row):
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None else str(key)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "resume-button": self.action_resume,
            "practice": self.action_practice,
            "wrong-book": self.action_wrong_book,
            "history": self.action_history,
            "sign-out": self.action_sign_out,
        }
        if event.button.id in actions:
            actions[event.button.id]()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        paper_id = str(event.row_key.value)
        status = next(s for s in self.papers if s.spec.id == paper_id)
        if status.in_progress:
            self.open_exam(paper_id)
            return
        if status.attempts_left == 0:
            self.notify(t("home.no_attempts_left"), severity="warning")
            return
        spec = status.spec
        rule = t("rule." + spec.multiple_rule)
        body = t(
            "home.start_body",
            title=spec.title, questions=spec.question_count, points=format_points(spec.total_points),
            minutes=spec.time_limit, pass_mark=format_points(spec.pass_mark), rule=rule,
        )  # fmt: skip
        self.app.push_screen(
            ConfirmDialog(t("home.start_title"), body, confirm=t("home.start")),
            lambda ok: self.open_exam(paper_id) if ok else None,
        )

    def open_exam(self, paper_id: str) -> None:
        """Start (or resume) the paper and open it in this window; if another window holds the attempt, ask."""
        service = self.service
        trainee = self.trainee

        def start() -> tuple[Attempt, ExamSession | LeaseHeldError]:
            attempt = service.start_attempt(paper_id, trainee)
            try:
                return attempt, service.open_attempt(attempt.attempt_id)
            except LeaseHeldError as held:
                return attempt, held

        self.writer.run(start, self._opened)

    def _opened(self, result: tuple[Attempt, ExamSession | LeaseHeldError]) -> None:
        from exam.tui.dialogs.lease import LeaseDialog
        from exam.tui.screens.exam import ExamScreen

        attempt, outcome = result
        if isinstance(outcome, ExamSession):
            self.app.push_screen(ExamScreen(attempt, outcome))
            return
        service = self.service

        def chosen(choice: str | None) -> None:
            if choice not in ("read_only", "takeover"):
                return

            def reopen() -> tuple[Attempt, ExamSession]:
                # The lease first, then the answers: an answer saved in between is shown, not only graded.
                session = service.open_attempt(
                    attempt.attempt_id, takeover=choice == "takeover", read_only=choice == "read_only"
                )
                return service.attempt(attempt.attempt_id), session

            self.writer.run(reopen, self._opened)

        self.app.push_screen(LeaseDialog(str(outcome)), chosen)

    def action_resume(self) -> None:
        if self.resume_id:
            self.open_exam(self.resume_id)

    def action_practice(self) -> None:
        from exam.tui.screens.practice import PracticeSetupScreen

        self.app.push_screen(PracticeSetupScreen())

    def action_wrong_book(self) -> None:
        from datetime import UTC, datetime

        from exam.papers import practice_paper
        from exam.tui.screens.practice import PracticeScreen

        service = self.service
        trainee = self.trainee

        def practise(questions: list[Question]) -> None:
            if not questions:
                self.notify(t("home.wrong_book_empty"))
                return
            # A new option order each time, as a practice set gets: the trainee learns the answer, not its letter.
            seed = f"{trainee.id}|wrong-book|{datetime.now(UTC).isoformat()}"
            self.app.push_screen(PracticeScreen(practice_paper(questions, t("home.wrong_book"), seed)))

        self.writer.run(lambda: service.wrong_book(trainee), practise)

    def action_history(self) -> None:
        from exam.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def action_sign_out(self) -> None:
        self.exam_app.identity = None
        self.app.pop_screen()
