"""The answer card (答题卡): every question as answered / unanswered / flagged / current; click to go there."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from exam.i18n import t


class CardCell(Static):
    """One question's cell; a click selects it."""

    def __init__(self, index: int) -> None:
        super().__init__(f"{index + 1:>2}", id=f"card-{index}", classes="card-cell")
        self.index = index

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(AnswerCard.Selected(self.index))


class AnswerCard(VerticalScroll):
    """A grid of numbered cells, one per question."""

    DEFAULT_CSS = """
    AnswerCard { width: 24; height: 1fr; border: round $primary; padding: 0 1; }
    AnswerCard > #card-title { text-style: bold; height: 1; }
    AnswerCard > #card-legend { height: auto; color: $text-muted; margin-top: 1; }
    AnswerCard Grid { grid-size: 5; grid-gutter: 0 0; grid-rows: 1; height: auto; }
    AnswerCard CardCell { width: 4; height: 1; content-align: center middle; background: $boost; }
    AnswerCard CardCell:hover { background: $accent 40%; }
    AnswerCard CardCell.answered { background: $success; color: $text; }
    AnswerCard CardCell.flagged { background: $warning; color: $text; }
    AnswerCard CardCell.current { text-style: bold reverse; }
    """

    class Selected(Message):
        """The trainee clicked question ``index`` (0-based)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(
        self,
        count: int,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.count = count

    def compose(self) -> ComposeResult:
        yield Static(t("card.title"), id="card-title")
        with Grid():
            for i in range(self.count):
                yield CardCell(i)
        yield Static(t("card.legend"), id="card-legend")

    def show(self, current: int, answered: set[int], flagged: set[int]) -> None:
        """Refresh every cell's state."""
        for cell in self.query(CardCell):
            cell.set_class(cell.index in answered, "answered")
            cell.set_class(cell.index in flagged, "flagged")
            cell.set_class(cell.index == current, "current")
        self.query_one("#card-title", Static).update(t("card.summary", answered=len(answered), total=self.count))
