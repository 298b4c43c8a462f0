"""The trainer screen (behind the passphrase): results, item analysis, marking short answers, exporting.

Trainees never reach it: the sign-in screen opens it only after
:meth:`exam.service.ExamService.verify_trainer_passphrase`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, DataTable, Footer, Header, Input, Label, Select, Static, TabbedContent

from exam.attempts import Attempt, GradedAnswer
from exam.i18n import t
from exam.qtypes import type_label
from exam.safetext import safe_text
from exam.scoring import format_points
from exam.trainer.regrade import pending_reviews
from exam.trainer.scoresheet import ScoreReport, Selection, flag_text
from exam.tui.screens.base import ServiceScreen


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _literal(text: str) -> Text:
    """A table cell showing ``text`` as it is: no markup, and no control character or escape sequence (text stored
    by an older version may still have them)."""
    return Text(safe_text(text))


class TrainerScreen(ServiceScreen[None]):
    """What a trainer does in the app; the same functions as the ``exam`` trainer commands."""

    BINDINGS = [("escape", "back", "review.back")]

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[tuple[Attempt, GradedAnswer]] = []

    def compose(self) -> ComposeResult:
        papers = [(Content(spec.title), spec.id) for spec in self.service.registry.papers.values()]
        yield Header()
        with Vertical(id="trainer"):
            yield Static(t("trainer.title"), classes="screen-title")
            yield Select(papers, id="paper", allow_blank=False, prompt=t("trainer.paper"))
            with TabbedContent(t("trainer.tab_results"), t("trainer.tab_stats"), t("trainer.tab_marking"),
                               t("trainer.tab_export"), id="trainer-tabs"):  # fmt: skip
                yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
                with Vertical():
                    yield Static("", id="stats-summary")
                    yield DataTable(id="stats", cursor_type="row", zebra_stripes=True)
                with Vertical():
                    yield DataTable(id="pending", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="pending-answer")
                    with Horizontal(classes="buttons"):
                        yield Input(id="mark-points", type="number", placeholder=t("trainer.points"), compact=True)
                        yield Input(id="mark-note", placeholder=t("trainer.note"), compact=True)
                        yield Button(t("trainer.save_mark"), id="save-mark", variant="primary")
                with Vertical():
                    yield Label(t("trainer.export_path"))
                    yield Input(id="export-path", compact=True)
                    yield Select([("xlsx", "xlsx"), ("csv", "csv")], id="export-format", allow_blank=False)
                    yield Checkbox(t("trainer.overwrite"), id="export-force")
                    yield Button(t("trainer.export"), id="export", variant="primary")
                    yield Static("", id="export-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#results", DataTable).add_columns(
            t("col.name"), t("col.trainee_id"), t("col.unit"), t("col.score"), t("col.max_score"), t("col.passed"),
            t("col.status"),
        )  # fmt: skip
        self.query_one("#stats", DataTable).add_columns(
            t("trainer.col_question"), t("trainer.col_type"), t("trainer.col_attempts"), t("trainer.col_facility"),
            t("trainer.col_discrimination"), t("trainer.col_flag"),
        )  # fmt: skip
        self.query_one("#pending", DataTable).add_columns(
            t("col.name"), t("trainer.col_question"), t("trainer.col_provisional")
        )
        self.reload()

    @property
    def paper_id(self) -> str:
        return str(self.query_one("#paper", Select).value)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "paper" and self.is_mounted:
            self.reload()

    def reload(self) -> None:
        paper = self.paper_id
        self.query_one("#export-path", Input).value = str(Path.home() / f"成绩单-{paper}-{date.today():%Y%m%d}.xlsx")
        labels = {name: type_label(qtype) for name, qtype in self.service.registry.types.items()}
        spec = self.service.registry.papers.get(paper)

        def load() -> tuple[ScoreReport, list[tuple[Attempt, GradedAnswer]]]:
            report = self.service.score_report(
                Selection(paper, all_attempts=True), spec.title if spec else paper, labels
            )
            return report, pending_reviews(self.service, paper)

        self.writer.run(load, lambda data: self._show(data[0], data[1], labels))

    def _show(self, report: ScoreReport, pending: list[tuple[Attempt, GradedAnswer]], labels: dict[str, str]) -> None:
        results = self.query_one("#results", DataTable)
        results.clear()
        for a in report.attempts:
            results.add_row(
                _literal(a.trainee.name), _literal(a.trainee.id), _literal(a.trainee.unit), format_points(a.score or 0),
                format_points(a.max_score), t("cli.yes") if a.passed else t("cli.no"), t("status." + a.status.value),
            )  # fmt: skip
        stats = report.statistics
        self.query_one("#stats-summary", Static).update(
            t("trainer.stats_summary", attempts=stats.attempts, mean=_pct(stats.mean), sd=_pct(stats.sd),
              cic=_pct(stats.cic))
        )  # fmt: skip
        table = self.query_one("#stats", DataTable)
        table.clear()
        for item in stats.items:
            table.add_row(
                _literal(item.question_id), _literal(labels.get(item.type, item.type)), str(item.attempts),
                _pct(item.facility), _pct(item.discrimination), _literal(flag_text(item)),
            )  # fmt: skip
        self.pending = pending
        pending_table = self.query_one("#pending", DataTable)
        pending_table.clear()
        for attempt, answer in pending:
            pending_table.add_row(
                _literal(attempt.trainee.name), _literal(answer.question_id),
                f"{format_points(answer.points)} / {format_points(answer.max_points)}",
            )  # fmt: skip
        self._show_pending_answer()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "pending":
            self._show_pending_answer()

    def _selected_pending(self) -> tuple[Attempt, GradedAnswer] | None:
        table = self.query_one("#pending", DataTable)
        if not self.pending or table.cursor_row < 0 or table.cursor_row >= len(self.pending):
            return None
        return self.pending[table.cursor_row]

    def _show_pending_answer(self) -> None:
        chosen = self._selected_pending()
        text = "" if chosen is None else t("trainer.answer_text", text=chosen[1].response or "")
        self.query_one("#pending-answer", Static).update(Content(text or t("trainer.nothing_pending")))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save-mark":
            self.save_mark()
        elif event.button.id == "export":
            self.export()

    def save_mark(self) -> None:
        chosen = self._selected_pending()
        if chosen is None:
            return
        attempt, answer = chosen
        try:
            points = float(self.query_one("#mark-points", Input).value)
        except ValueError:
            self.notify(t("trainer.points_needed"), severity="warning")
            return
        note = self.query_one("#mark-note", Input).value
        self.writer.run(
            lambda: self.service.mark_answer(attempt.attempt_id, answer.question_id, points, note),
            self._marked,
        )

    def _marked(self, _attempt: Any) -> None:
        self.notify(t("trainer.marked"))
        self.reload()

    def export(self) -> None:
        path = Path(self.query_one("#export-path", Input).value).expanduser()
        fmt = str(self.query_one("#export-format", Select).value)
        force = self.query_one("#export-force", Checkbox).value
        exporter = self.service.registry.exporters.get(fmt)
        status = self.query_one("#export-status", Static)
        if exporter is None:
            status.update(t("trainer.no_exporter", format=fmt))
            return
        if not path.name.endswith(exporter.suffix):
            path = path.with_suffix(exporter.suffix)
        if path.exists() and not force:
            status.update(Content(t("trainer.exists", path=str(path))))
            return
        labels = {name: type_label(qtype) for name, qtype in self.service.registry.types.items()}
        paper = self.paper_id
        spec = self.service.registry.papers.get(paper)

        def write() -> Path:
            report = self.service.score_report(Selection(paper), spec.title if spec else paper, labels)
            return self.service.export_scores(report, exporter.name, path)

        self.writer.run(write, lambda written: status.update(Content(t("trainer.exported", path=str(written)))))

    def action_back(self) -> None:
        self.dismiss(None)
