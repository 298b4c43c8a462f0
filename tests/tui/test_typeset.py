"""Chinese line breaking (避头尾, issue 10): no line of bank text begins with a closing mark or ends with an opening
one, at any width, in the exam, review and practice screens."""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from exam.models import Question
from exam.papers import DrawnQuestion
from exam.plugins import Registry
from exam.service import ExamService
from exam.tui.screens.review import explanation_block, question_body
from exam.tui.typeset import NO_LINE_END, NO_LINE_START, break_lines, typeset
from exam.tui.widgets.question_view import QuestionView

HANZI = "人民代表大会常务委员会选举法第五十一条乡镇主席依法履职监督"
CLOSING = "，。、；：？！）》」』】”’"
OPENING = "（《「『【“‘"


@st.composite
def chinese_text(draw: st.DrawFn) -> str:
    """Sentences as bank text writes them: words of Chinese characters, now and then a number or a Latin word, with
    closing marks after a word and opening marks before one (at most two marks in a row, as in ``）。``)."""
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 40))):
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(OPENING)))
        kind = draw(st.sampled_from(["hanzi", "hanzi", "hanzi", "digits", "latin"]))
        if kind == "hanzi":
            parts.append(draw(st.text(alphabet=HANZI, min_size=1, max_size=5)))
        elif kind == "digits":
            parts.append(str(draw(st.integers(0, 99999))))
        else:
            parts.append(" " + draw(st.text(alphabet="abcdefGHIJ", min_size=1, max_size=6)) + " ")
        parts.append(draw(st.text(alphabet=CLOSING, max_size=2)))
    return "".join(parts)


def assert_obeys_rule(lines: Iterable[str], width: int | None = None) -> None:
    for line in lines:
        shown = line.strip()
        if not shown:
            continue
        assert shown[0] not in NO_LINE_START, f"line begins with {shown[0]!r}: {line!r}"
        assert shown[-1] not in NO_LINE_END, f"line ends with {shown[-1]!r}: {line!r}"
        if width is not None:
            assert cell_len(line.rstrip()) <= width, f"wider than {width}: {line!r}"


@given(chinese_text(), st.integers(14, 120))
def test_no_line_begins_with_a_closing_mark_or_ends_with_an_opening_one(text: str, width: int) -> None:
    """For any such text and width, every line obeys 避头尾, fits the width (a Chinese character takes two cells),
    and the lines joined give back the text (only the spaces at a break are dropped)."""
    lines = break_lines(text, width)
    assert_obeys_rule(lines, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    position = 0
    for line in lines:  # in order, each line a piece of the text
        found = text.find(line, position)
        assert found >= position
        position = found + len(line)


def test_plain_textual_wrapping_breaks_the_rule_that_typesetting_keeps() -> None:
    """The fault this fixes: Textual's own wrapping ends a line with ``（`` and begins one with ``，``; the typeset
    lines do not."""
    text = "代表在本级人民代表大会闭会期间（第三十条），应当联系原选区选民。"
    plain = [str(line) for line in Content(text).wrap(16)] + [str(line) for line in Content(text).wrap(20)]
    assert any(line[-1] in NO_LINE_END for line in plain), plain
    assert any(line[0] in NO_LINE_START for line in plain), plain
    for width in (16, 20):
        assert_obeys_rule((str(line) for line in typeset(text).broken(width).split("\n")), width)


def test_a_latin_word_or_number_is_not_split_while_a_break_elsewhere_fits() -> None:
    """``51`` and ``GB/T`` stay whole: a run of Latin letters or digits breaks only at a space or next to Chinese."""
    assert break_lines("根据代表法第51条", 13) == ["根据代表法第", "51条"]
    assert break_lines("参照 GB/T 15834 规定", 10) == ["参照 GB/T", "15834 规定"]


def longest(questions: list[Question], measure: str) -> list[Question]:
    def size(question: Question) -> int:
        if measure == "options":
            return max((len(option) for option in question.options), default=0)
        return len(getattr(question, measure))

    return sorted(questions, key=size, reverse=True)[:3]


class TypesetHarness(App[None]):
    """A question and its explanation and cited article (opened), in a column as wide as the exam's beside the
    answer card."""

    def __init__(self, service: ExamService, questions: list[Question]) -> None:
        super().__init__()
        self.service = service
        self.questions = questions

    def compose(self) -> ComposeResult:
        with Horizontal():
            with VerticalScroll():
                for number, question in enumerate(self.questions, 1):
                    drawn = DrawnQuestion(question, 2, tuple(range(len(question.options))))
                    yield QuestionView(drawn, number, self.service.question_type(question.type))
                    yield from question_body(drawn)
                    yield from explanation_block(self.service, question)
            yield VerticalScroll(classes="card")

    CSS = ".card { width: 24; }"


def rendered_lines(widget: Widget) -> list[str]:
    return [strip.text for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))]


async def test_the_longest_bank_texts_are_typeset_at_80x24_and_100x30(registry: Registry, service: ExamService) -> None:
    """The real banks' longest stems, options and explanations (and their cited articles, opened), as the exam and
    the review lay them out at 80×24 and 100×30: no rendered line begins with a closing mark or ends with an
    opening one, and nothing is cut."""
    questions = [q for bank in registry.banks.values() for q in bank.questions]
    chosen = {q.id: q for measure in ("stem", "options", "explanation") for q in longest(questions, measure)}
    for size in ((80, 24), (100, 30)):
        app = TypesetHarness(service, list(chosen.values()))
        async with app.run_test(size=size) as pilot:
            for collapsible in app.query(Collapsible):
                collapsible.collapsed = False
            await pilot.pause()
            checked = 0
            for widget in app.query("QuestionView Static, QuestionView OptionBox, QuestionView OptionButton, Static"):
                if widget.size.width == 0 or isinstance(widget.parent, Collapsible):
                    continue
                lines = rendered_lines(widget)
                assert_obeys_rule(lines)
                assert all("…" not in line or "…" in str(widget.render()) for line in lines)
                checked += len(lines)
            assert checked > 100
            wrapped = [w for w in app.query(".q-stem") if isinstance(w, Static) and w.size.height > 1]
            assert wrapped, "the longest stems must wrap for the test to mean anything"
