"""The answer card (答题卡): every question as answered / unanswered / flagged / current; click to go there.

The cells are drawn by one widget, :class:`CardGrid`, a line at a time (Textual's Line API), not one widget per
question: a paper of 100 questions would otherwise put 100 widgets into every layout of the exam screen, and a key
that changes one cell would lay out and restyle them all. A change redraws only the rows of the cells whose state
changed.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from exam.i18n import t

CELL_WIDTH = 4
"""Columns per cell: a number of up to three digits, centred."""
COLUMNS = 5
"""Cells per row."""


class CardGrid(Widget):
    """The cells of the answer card, ``COLUMNS`` to a row, each ``CELL_WIDTH`` columns wide and one line high.

    A cell's look comes from the component classes below (so themes apply); ``flagged`` is drawn over ``answered``,
    and hovering shows only on a cell that is neither (as the per-cell widgets it replaces did).
    """

    COMPONENT_CLASSES = {
        "card-grid--cell",
        "card-grid--answered",
        "card-grid--flagged",
        "card-grid--current",
        "card-grid--hover",
    }

    DEFAULT_CSS = f"""
    CardGrid {{ width: {COLUMNS * CELL_WIDTH}; height: auto; }}
    CardGrid > .card-grid--cell {{ background: $boost; }}
    CardGrid > .card-grid--hover {{ background: $accent 40%; }}
    CardGrid > .card-grid--answered {{ background: $success; color: $text; }}
    CardGrid > .card-grid--flagged {{ background: $warning; color: $text; }}
    CardGrid > .card-grid--current {{ text-style: bold reverse; }}
    """

    hover_cell: reactive[int | None] = reactive(None, init=False, layout=False, repaint=False)
    """The cell under the mouse pointer, if any."""

    def __init__(self, count: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = count
        self.current = 0
        """Index of the question shown."""
        self.answered: frozenset[int] = frozenset()
        """Indexes of the questions answered (on disk)."""
        self.flagged: frozenset[int] = frozenset()
        """Indexes of the questions flagged."""

    # -- geometry -----------------------------------------------------------------------------------------------------

    @property
    def rows(self) -> int:
        return (self.count + COLUMNS - 1) // COLUMNS

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return COLUMNS * CELL_WIDTH

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.rows

    def cell_region(self, index: int) -> Region:
        """Where cell ``index`` is on the screen (a region of ``CELL_WIDTH`` × 1 cells).

        Raises:
            IndexError: there is no such cell.
        """
        if not 0 <= index < self.count:
            raise IndexError(index)
        row, column = divmod(index, COLUMNS)
        origin = self.content_region.offset
        return Region(origin.x + column * CELL_WIDTH, origin.y + row, CELL_WIDTH, 1)

    def cell_at(self, offset: Offset) -> int | None:
        """The cell at ``offset`` (relative to this widget's content), or ``None`` between or past the cells."""
        x, y = offset
        if x < 0 or y < 0 or x >= COLUMNS * CELL_WIDTH:
            return None
        index = y * COLUMNS + x // CELL_WIDTH
        return index if index < self.count else None

    def cell_at_screen(self, offset: Offset) -> int | None:
        """The cell at ``offset`` in screen coordinates (a click as the app receives it)."""
        return self.cell_at(offset - self.content_region.offset)

    # -- state --------------------------------------------------------------------------------------------------------

    def states(self, index: int) -> tuple[str, ...]:
        """The component classes cell ``index`` is drawn with, lowest first (``current`` over the colours)."""
        classes = ["card-grid--cell"]
        answered, flagged = index in self.answered, index in self.flagged
        if index == self.hover_cell and not answered and not flagged:
            classes.append("card-grid--hover")
        if answered:
            classes.append("card-grid--answered")
        if flagged:
            classes.append("card-grid--flagged")
        if index == self.current:
            classes.append("card-grid--current")
        return tuple(classes)

    def show(self, current: int, answered: frozenset[int], flagged: frozenset[int]) -> None:
        """Show this state; only the rows of cells whose state changed are redrawn (nothing is laid out)."""
        changed = (answered ^ self.answered) | (flagged ^ self.flagged)
        if current != self.current:
            changed |= {current, self.current}
        self.current, self.answered, self.flagged = current, answered, flagged
        self._refresh_cells(changed)

    def _refresh_cells(self, cells: set[int] | frozenset[int]) -> None:
        if not cells or not self.is_mounted:
            return
        width = self.content_region.width or COLUMNS * CELL_WIDTH
        rows = sorted({index // COLUMNS for index in cells if 0 <= index < self.count})
        self.refresh(*(Region(0, row, width, 1) for row in rows))

    def watch_hover_cell(self, old: int | None, new: int | None) -> None:
        self._refresh_cells({cell for cell in (old, new) if cell is not None})

    # -- drawing ------------------------------------------------------------------------------------------------------

    def _styles(self, classes: tuple[str, ...]) -> tuple[Style, Style]:
        """The styles of a cell's number and of the space around it.

        As a one-cell widget drew it: ``reverse`` (the current question) swaps the colours of the number only."""
        style = self.get_visual_style(*classes).rich_style
        plain = Style(bgcolor=style.bgcolor)
        if "card-grid--current" not in classes:
            return style, plain
        text_style = self.get_component_styles("card-grid--current").text_style
        if text_style.reverse:
            style += Style(color=style.bgcolor, bgcolor=style.color)
        return style + Style(bold=text_style.bold), plain

    def render_line(self, y: int) -> Strip:
        """Row ``y`` of the card: its cells, each ``CELL_WIDTH`` columns, the number centred."""
        if not 0 <= y < self.rows:  # the card scrolls in its container, not by itself: line y is row y
            return Strip.blank(self.size.width, self.rich_style)
        segments: list[Segment] = []
        first = y * COLUMNS
        last = min(first + COLUMNS, self.count)
        for index in range(first, last):
            number = f"{index + 1:>2}"
            left = (CELL_WIDTH - len(number)) // 2
            right = CELL_WIDTH - len(number) - left
            text_style, space_style = self._styles(self.states(index))
            if left:
                segments.append(Segment(" " * left, space_style))
            segments.append(Segment(number, text_style))
            if right:
                segments.append(Segment(" " * right, space_style))
        strip = Strip(segments, CELL_WIDTH * (last - first))
        return strip.extend_cell_length(self.size.width, self.rich_style)

    # -- mouse --------------------------------------------------------------------------------------------------------

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hover_cell = self.cell_at(event.offset)

    def on_leave(self, event: events.Leave) -> None:
        self.hover_cell = None

    def on_click(self, event: events.Click) -> None:
        event.stop()
        index = self.cell_at(event.offset)
        if index is not None:
            self.post_message(AnswerCard.Selected(index))


class AnswerCard(VerticalScroll):
    """The card: a summary line, the cells (:class:`CardGrid`) and a legend; keeps the current cell in view."""

    DEFAULT_CSS = """
    AnswerCard { width: 24; height: 1fr; border: round $primary; padding: 0 1; }
    AnswerCard > #card-title { text-style: bold; height: 1; }
    AnswerCard > #card-legend { height: auto; color: $text-muted; margin-top: 1; }
    """

    class Selected(Message):
        """A cell was clicked: show question ``index``."""

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
        self.grid = CardGrid(count, id="card-grid")
        self._summary: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("card.title"), id="card-title")
        yield self.grid
        yield Static(t("card.legend"), id="card-legend")

    def show(self, current: int, answered: set[int] | frozenset[int], flagged: set[int] | frozenset[int]) -> None:
        """Show each cell's state; cells whose state is unchanged are not touched, and nothing is laid out anew."""
        previous = self.grid.current
        self.grid.show(current, frozenset(answered), frozenset(flagged))
        summary = (len(answered), self.count)
        if summary != self._summary:  # one line of fixed height: a new text needs no layout
            self._summary = summary
            text = t("card.summary", answered=summary[0], total=summary[1])
            self.query_one("#card-title", Static).update(Content(text), layout=False)
        if current != previous:
            self.keep_in_view(current)

    def keep_in_view(self, index: int) -> None:
        """Scroll (at once, only if needed) so that cell ``index`` is visible."""
        if not self.grid.size:  # not laid out yet: after the first layout
            self.call_after_refresh(self.keep_in_view, index)
            return
        if index != self.grid.current or not 0 <= index < self.count:
            return
        area = self.grid.virtual_region
        row, column = divmod(index, COLUMNS)
        self.scroll_to_region(Region(area.x + column * CELL_WIDTH, area.y + row, CELL_WIDTH, 1), animate=False)
