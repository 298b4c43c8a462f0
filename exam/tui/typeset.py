"""Chinese line breaking (避头尾) for bank text shown in the app.

Textual wraps text by words separated by spaces and folds a longer "word" cell by cell. Chinese has no spaces, so a
stem is folded wherever the width runs out and a line can begin with ``，`` or ``）`` or end with ``（``. The rule here
breaks where Chinese allows it and nowhere else, and :class:`TypesetContent` applies it when Textual lays the text out,
at whatever width the widget has (so it follows a resize).

The rule follows the W3C *Requirements for Chinese Text Layout* (clreq, §3.1.7 "Line breaking rules"), after
GB/T 15834-2011: pause and stop marks, closing quotes and brackets, connector and interpunct marks do not begin a
line; opening quotes and brackets do not end one; a two-character dash (——) or ellipsis (……) is not split.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len, get_character_cell_size
from textual.content import Content

if TYPE_CHECKING:
    from textual.content import Span
    from textual.css.styles import RulesMap
    from textual.strip import Strip
    from textual.style import Style
    from textual.visual import RenderOptions

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〗〉”’,.;:?!)]}%‰·・～")
"""Characters that may not begin a line (clreq: 点号, closing quotes and brackets, connectors, interpuncts)."""

NO_LINE_END = frozenset("（《「『【〔〖〈“‘([{")
"""Characters that may not end a line (opening quotes and brackets)."""

UNSPLIT_PAIRS = frozenset("—…")
"""Marks written doubled (——, ……) whose halves stay on one line."""


def _is_wide(char: str) -> bool:
    """Chinese characters and full-width marks: a line may break next to them without a space."""
    return get_character_cell_size(char) == 2


def _respects_rule(text: str, start: int, index: int) -> bool:
    """Whether the line that begins at ``start`` may end before ``text[index]`` by the 避头尾 rule alone (its last
    non-space character may not be an opening mark, the next line's first character not a closing one)."""
    before = text[start:index].rstrip()
    if not before:
        return False
    after = text[index]
    if after.isspace():
        return False
    if before[-1] in NO_LINE_END or after in NO_LINE_START:
        return False
    return not (before[-1] == after and after in UNSPLIT_PAIRS)


def _is_opportunity(text: str, start: int, index: int) -> bool:
    """Whether ``text`` may break before ``index``: after a space, or next to a Chinese character, and by the rule.
    A run of Latin letters or digits (``51``, ``GB/T``) breaks only at spaces."""
    if not _respects_rule(text, start, index):
        return False
    previous = text[index - 1]
    return previous.isspace() or _is_wide(previous) or _is_wide(text[index])


def break_offsets(text: str, width: int) -> list[int]:
    """Where to break one line of ``text`` (no newlines) so that no line is wider than ``width`` cells.

    Each line is as long as fits; it ends at the last place Chinese allows a break (see the module docstring).
    Spaces at a break go to the end of the line before it and are not counted (they are not shown). Only a run
    with no allowed break longer than the width (a long Latin word, a row of marks) is folded: first where the
    rule still holds, else at the width.

    Args:
        text: One line of text.
        width: Cells per line; a wide (Chinese) character takes 2.

    Returns:
        Increasing character offsets, each the start of a new line (empty if the text fits).
    """
    width = max(width, 1)
    offsets: list[int] = []
    start = 0
    size = len(text)
    while cell_len(text[start:].rstrip()) > width:
        end, used = start, 0
        while end < size and used + get_character_cell_size(text[end]) <= width:
            used += get_character_cell_size(text[end])
            end += 1
        while end < size and text[end].isspace():  # spaces at a break are not shown
            end += 1
        candidates = range(end, start, -1)
        cut = next((i for i in candidates if _is_opportunity(text, start, i)), None)
        if cut is None:
            cut = next((i for i in candidates if _respects_rule(text, start, i)), None)
        if cut is None:
            cut = max(end, start + 1)
        offsets.append(cut)
        start = cut
    return offsets


def break_lines(text: str, width: int) -> list[str]:
    """``text`` (newlines allowed) as the lines :func:`break_offsets` makes, trailing spaces at breaks removed."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        cuts = [0, *break_offsets(paragraph, width), len(paragraph)]
        pieces = [paragraph[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
        lines.extend([piece.rstrip() for piece in pieces[:-1]] + pieces[-1:])
    return lines


class TypesetContent(Content):
    """A :class:`~textual.content.Content` that wraps by the Chinese rule of :func:`break_offsets`.

    Use it wherever bank text (stems, options, explanations, cited articles, feedback) is shown: the widget lays it
    out at its own width on every resize. Styles and spans are kept; only where lines break changes.
    """

    def __init__(
        self,
        text: str = "",
        spans: list[Span] | None = None,
        cell_length: int | None = None,
        strip_control_codes: bool = True,
    ) -> None:
        super().__init__(text, spans, cell_length, strip_control_codes)
        self._broken: tuple[int, Content] | None = None

    @classmethod
    def of(cls, content: Content | str) -> TypesetContent:
        """``content`` (plain text is not parsed as markup: bank text may hold square brackets) to be typeset."""
        if isinstance(content, str):
            return cls(content)
        return cls(content.plain, list(content.spans), content.cell_length)

    def broken(self, width: int) -> Content:
        """This content with a newline at every break for ``width`` cells (each line then fits, so Textual's own
        wrapping leaves it as it is)."""
        if self._broken is not None and self._broken[0] == width:
            return self._broken[1]
        lines: list[Content] = []
        for line in self.split("\n", allow_blank=True):
            pieces: Sequence[Content] = line.divide(break_offsets(line.plain, width))
            lines.extend([piece.rstrip() for piece in pieces[:-1]] + list(pieces[-1:]))
        broken = Content("\n").join(lines)
        self._broken = (width, broken)
        return broken

    def _for_rules(self, rules: RulesMap, width: int) -> Content:
        if rules.get("text_wrap", "wrap") == "nowrap":
            return Content(self.plain, list(self.spans), self.cell_length)
        return self.broken(width - rules.get("line_pad", 0) * 2)

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        return self._for_rules(options.rules, width).render_strips(width, height, style, options)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._for_rules(rules, width).get_height(rules, width)


def typeset(content: Content | str) -> TypesetContent:
    """Shorthand for :meth:`TypesetContent.of`."""
    return TypesetContent.of(content)
