"""A compositor that never cuts a wide (Chinese) character in two where nothing covers it.

Textual composes each screen line from "chops": it cuts every widget's line at every column where *any* visible
widget starts or ends, and keeps, for each chop, the piece of the top-most widget there. A widget drawn over others
(a :class:`~textual.widgets.Select`'s option list, a notification) is therefore cut at the edges of the widgets
beneath it, though it covers them; where such an edge falls inside a double-width character, Rich's
``Segment.divide`` turns the character into two spaces. So a bank title ``测试题库[甲]`` showed as ``  试题库[甲]``,
the roster showed ``  四`` for 李四 and the topic list ``代表在本级人  代表大会``: a hidden widget's edge at an odd
column under the open list. The same strings render fully where nothing lies beneath them.

:class:`WideTextCompositor` cuts a widget's line only where the owner of the columns changes: consecutive chops that
this widget wins get one piece (placed in the first chop, the others empty), so a character is split only where
another widget really covers half of it. Upstream: https://github.com/Textualize/textual/issues/6357 (open for
Textual 8.2); this module goes when Textual composes wide characters whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip

_EMPTY = Strip([], 0)


class WideTextCompositor(Compositor):
    """Textual's compositor with wide characters kept whole across the edges of covered widgets."""

    def _render_chops(
        self,
        crop: Region,
        is_rendered_line: Callable[[int], bool],
    ) -> Sequence[Mapping[int, Strip]]:
        """The chops of each line (cut column → strip) as Textual's, except for where a widget is divided.

        Widgets come top-most first; a chop keeps the first strip given to it. Each widget's line is divided only
        at the columns where it passes from chops still free to chops already taken (or back), rather than at
        every cut: the run of free chops gets the whole piece in its first chop and an empty strip in the others,
        so no lower widget can claim them and the pieces of a line still add up to its width.
        """
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        for region, clip, strips in self._get_renders(crop):
            render_region = region.intersection(clip)
            render_x = render_region.x
            first_cut, last_cut = render_region.column_span
            for y, strip in zip(render_region.line_range, strips, strict=False):
                if not is_rendered_line(y):
                    continue
                line = chops[y]
                widget_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                starts = widget_cuts[:-1]
                if not starts:
                    continue
                free = [line[start] is None for start in starts]
                # Runs of chops that are all free or all taken: [run_begin, run_end) as indices into ``starts``.
                runs: list[tuple[int, int]] = []
                begin = 0
                for index in range(1, len(starts)):
                    if free[index] != free[index - 1]:
                        runs.append((begin, index))
                        begin = index
                runs.append((begin, len(starts)))
                run_ends = [widget_cuts[end] for _, end in runs]
                pieces = strip.divide([end - render_x for end in run_ends])
                for (run_begin, run_end), piece in zip(
                    runs, pieces, strict=False
                ):  # a strip shorter than its region has fewer pieces
                    if not free[run_begin]:
                        continue
                    line[starts[run_begin]] = piece
                    for index in range(run_begin + 1, run_end):
                        line[starts[index]] = _EMPTY
        # As Textual's: a chop of a line not rendered stays None (a partial update skips it), keys in column order.
        return cast("Sequence[Mapping[int, Strip]]", chops)

    def render_partial_update(self) -> ChopsUpdate | None:
        """Textual's partial update, with each chop ending where its strip ends.

        A chop holding a whole run of chops ends at the run's end, not at the next cut: Textual skips a chop that
        ends before the region to redraw, and would otherwise skip a run whose first cut lies before the region.
        """
        update_regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        if not update_regions:
            return None
        crop = Region.from_union(update_regions).intersection(self.size.region)
        spans = list(self._regions_to_spans(update_regions))
        is_rendered_line = {y for y, _, _ in spans}.__contains__
        chops = self._render_chops(crop, is_rendered_line)
        chop_ends = [
            [
                end if strip is None else max(end, start + strip.cell_length)
                for (start, strip), end in zip(line.items(), cut_set[1:], strict=False)
            ]
            for line, cut_set in zip(chops, self.cuts, strict=False)
        ]
        return ChopsUpdate(chops, spans, chop_ends)


def use_wide_text_compositor(screen: Screen[Any]) -> None:
    """Give ``screen`` a :class:`WideTextCompositor`; call from the screen's ``__init__``, before it is shown."""
    screen._compositor = WideTextCompositor()
