"""The trainee's own past attempts (never anyone else's)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from exam.attempts import Attempt
from exam.i18n import t
from exam.scoring import format_points
from exam.tui.screens.base import ServiceScreen


class HistoryScreen(ServiceScreen[None]):
    BINDINGS = [("escape", "back", "review.back")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="history"):
            yield Static(t("history.title"), classes="screen-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static(t("history.hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            t("history.col_paper"), t("history.col_started"), t("history.col_status"), t("history.col_score"),
            t("history.col_passed"),
        )  # fmt: skip
        trainee = self.trainee
        self.writer.run(lambda: self.service.history(trainee), self._show)

    def _show(self, rows: list[Attempt]) -> None:
        table = self.query_one(DataTable)
        for row in reversed(rows):
            table.add_row(
                Text(row.paper_title or row.paper), row.started_at.strftime("%Y-%m-%d %H:%M"),
                t("status." + row.status.value), f"{format_points(row.score or 0)} / {format_points(row.max_score)}",
                t("cli.yes") if row.passed else t("cli.no"), key=row.attempt_id,
            )  # fmt: skip
        if not rows:
            self.query_one(".hint", Static).update(t("history.empty"))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        attempt_id = str(event.row_key.value)

        def open_review(attempt: Attempt) -> None:
            from exam.tui.screens.result import ResultScreen

            self.app.push_screen(ResultScreen(attempt))

        self.writer.run(lambda: self.service.attempt(attempt_id), open_review)

    def action_back(self) -> None:
        self.dismiss(None)
