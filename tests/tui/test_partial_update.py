"""The wide-text compositor's partial updates redraw everything a full update would, also when the region to
redraw begins inside a run of chops that one widget's strip covers whole."""

from __future__ import annotations

from rich.console import Console
from rich.segment import ControlType, Segment
from textual.geometry import Region
from textual.widgets import Select

from exam.service import ExamService
from exam.tui.compositor import WideTextCompositor
from tests.tui.conftest import make_app, settle


def _paint(rows: list[list[str]], segments: list[Segment]) -> None:
    """Apply rendered segments (cursor moves and text) to a grid of cells; a wide character takes two cells."""
    from rich.cells import cell_len

    x = y = 0
    for segment in segments:
        if segment.control:
            for control in segment.control:
                kind, *place = control
                if kind == ControlType.CURSOR_MOVE_TO:
                    x, y = (int(value) for value in place)
            continue
        for char in segment.text:
            if char == "\n":
                x, y = 0, y + 1
                continue
            width = cell_len(char)
            if 0 <= y < len(rows) and x < len(rows[y]):
                rows[y][x] = char
                if width == 2 and x + 1 < len(rows[y]):
                    rows[y][x + 1] = ""
            x += width


def _grid(compositor: WideTextCompositor, segments: list[Segment] | None = None) -> list[list[str]]:
    width, height = compositor.size
    rows = [[" "] * width for _ in range(height)]
    if segments is not None:
        _paint(rows, segments)
    return rows


async def test_a_partial_update_inside_a_merged_run_redraws_it(mini_service: ExamService) -> None:
    """With the roster list open over the form, a repaint of part of the list that starts past the first cut under
    it is drawn: the screen after the partial update equals a full render."""
    mini_service.store.put_record(
        "roster", "A001", {"name": "欧阳明月", "id": "A001", "unit": "东关镇", "position": ""}
    )
    app = make_app(mini_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l", "down")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#roster", Select).expanded
        compositor = screen._compositor
        assert isinstance(compositor, WideTextCompositor)
        console = Console(width=80, height=24, legacy_windows=False, force_terminal=True, color_system=None)
        full = list(console.render(compositor.render_full_update(), console.options))
        expected = _grid(compositor, full)

        overlay = next(w for w in compositor.visible_widgets if type(w).__name__ == "SelectOverlay")
        region, _ = compositor.visible_widgets[overlay]
        # Some cut inside the list's rows (an edge of a widget beneath it), and a repaint starting just after it.
        inside = [
            (y, cut)
            for y in range(region.y, region.bottom)
            for cut in compositor.cuts[y]
            if region.x < cut < region.right - 4
        ]
        assert inside, "no widget edge lies under the open list"
        y, cut = inside[0]
        dirty = Region(cut + 1, y, region.right - cut - 1, 1)
        stale = [row[:] for row in expected]
        for y in range(dirty.y, dirty.bottom):
            for x in range(dirty.x, dirty.right):
                stale[y][x] = "?"  # what the terminal showed before: anything
        compositor._dirty_regions.add(dirty)
        update = compositor.render_partial_update()
        assert update is not None
        _paint(stale, list(console.render(update, console.options)))
        assert ["".join(row) for row in stale] == ["".join(row) for row in expected]
