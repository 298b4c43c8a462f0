"""One question with the input its type asks for. Posts :class:`QuestionView.Answered` on every change."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, RadioButton, Static, TextArea
from textual.widgets._toggle_button import ToggleButton

from exam.i18n import t
from exam.models import OPTION_LETTERS
from exam.papers import DrawnQuestion
from exam.qtypes import BLANK_MARK, QuestionType, type_label
from exam.scoring import format_points
from exam.tui.typeset import typeset


def numbered_blanks(stem: str) -> str:
    """``…____…____…`` → ``…（1）____…（2）____…`` so each input can be matched to its blank."""
    parts = stem.split(BLANK_MARK)
    out = parts[0]
    for i, part in enumerate(parts[1:], 1):
        out += f"（{i}）{BLANK_MARK}" + part
    return out


OPTION_CSS = """
{cls} {{ width: 1fr; height: auto; border: none; padding: 0 1 0 0; background: transparent;
        text-wrap: wrap; text-overflow: fold; }}
{cls} > .toggle--button {{ background: transparent; color: $text; }}
{cls}.-on > .toggle--button {{ background: transparent; color: $text-success; text-style: bold; }}
{cls}.-cursor > .toggle--label {{ text-style: bold underline; }}
"""


def _render_option(button: ToggleButton, glyph: str, cursor: bool) -> Content:
    """``› ● A. text``: the pointer marks the cursor and the glyph the choice, both readable without colour; the
    text wraps by the Chinese line-breaking rule."""
    mark = Content.styled(glyph, button.get_visual_style("toggle--button"))
    label = button.label.stylize_before(button.get_visual_style("toggle--label"))
    return typeset(Content.assemble("› " if cursor else "  ", mark, " ", label))


class _Option(ToggleButton):
    """What single- and multiple-choice options share: a glyph for the choice, a pointer for the cursor (both
    readable without colour), text that wraps instead of being cut, and a click that asks the view."""

    GLYPHS: tuple[str, str] = ("○", "●")

    def __init__(
        self, label: str | Content, index: int, *, value: bool = False, cursor: bool = False, id: str | None = None
    ) -> None:
        super().__init__(label, value, id=id, classes="-cursor" if cursor else None)
        self.index = index
        self.click_taken = False
        """Set when the screen already acted on this click in input order (``click_in_input_order``)."""

    def render(self) -> Content:
        return _render_option(self, self.GLYPHS[self.value], self.has_class("-cursor"))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return Widget.get_content_height(self, container, viewport, width)

    async def _on_click(self, event: events.Click) -> None:
        event.stop()
        if self.click_taken:
            self.click_taken = False
            return
        self.post_message(QuestionView.OptionClicked(self.index))


# The Textual class comes first: CSS and queries (``RadioButton``, ``Checkbox``) follow the first base; neither
# defines what _Option does, so _Option's methods still come before ToggleButton's.
class OptionButton(RadioButton, _Option, can_focus=False):
    """A single-choice or judge option: ``○`` / ``●``."""

    DEFAULT_CSS = OPTION_CSS.format(cls="OptionButton")


class OptionBox(Checkbox, _Option, can_focus=False):
    """A multiple-choice option: ``□`` / ``■``."""

    DEFAULT_CSS = OPTION_CSS.format(cls="OptionBox")
    GLYPHS = ("□", "■")


class QuestionView(Vertical):
    """Shows ``drawn`` (number, type label, points, stem) and the matching input widgets; :meth:`show` puts another
    question into the same view.

    The answer is state of the view, not of its widgets: :meth:`choose`, :meth:`move_cursor` and
    :meth:`current_response` work before the widgets are mounted and while they are being replaced, so a key handled
    during a question switch acts on the question the screen shows, never on a widget that is not there.

    A question shown after another of the same input kind and size (four options after four, two blanks after two)
    reuses the widgets with new content; only a change of kind or size replaces the input widgets. Mounting a view
    per question would lay out and style every widget of the screen on every move.
    """

    DEFAULT_CSS = """
    QuestionView { height: auto; padding: 0 1; }
    QuestionView > .q-meta { color: $text-muted; height: auto; }
    QuestionView > .q-stem { margin: 1 0; text-style: bold; height: auto; }
    QuestionView .blank-label { margin-top: 1; }
    QuestionView TextArea { height: 10; }
    """

    class Answered(Message):
        """The trainee changed the answer of ``question_id`` to ``response`` (``None`` = cleared)."""

        def __init__(self, question_id: str, response: Any) -> None:
            super().__init__()
            self.question_id = question_id
            self.response = response

    class OptionClicked(Message):
        """An option row of this view was clicked (handled by the view itself)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(
        self,
        drawn: DrawnQuestion,
        number: int,
        qtype: QuestionType,
        response: Any = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._meta = Label(classes="q-meta")
        self._stem = Static(classes="q-stem")
        self.options: list[tuple[str, str]] = []
        """The options as displayed: (canonical letter, text)."""
        self.option_widgets: list[OptionButton | OptionBox] = []
        """The option rows of the question shown, by displayed index (empty for typed answers)."""
        self._fields: list[Input] = []
        self._area: TextArea | None = None
        self._inputs: list[Widget] = []
        """Every widget below the stem: what a change of input kind or size replaces."""
        self._inputs_for: tuple[str, int] | None = None
        """The (input kind, size) that the widgets in :attr:`_inputs` were made for."""
        self._replacing: list[Awaitable[Any]] = []
        self._mounting: Awaitable[Any] | None = None  # the last show's new input widgets (awaitable again)
        self._set_question(drawn, number, qtype, response)

    def _set_question(self, drawn: DrawnQuestion, number: int, qtype: QuestionType, response: Any) -> None:
        self.drawn = drawn
        self.number = number
        self.qtype = qtype
        self.options = drawn.displayed_options()
        self.cursor = 0
        """The option ↑/↓ move to and Enter/Space choose."""
        self.chosen: list[bool] = [False] * self.option_count
        """Which displayed options are chosen (choice, multiple choice and judge)."""
        self.blanks: list[str] = [""] * drawn.question.stem.count(BLANK_MARK) if self.kind == "blanks" else []
        self.text = ""
        self._load(response)

    @property
    def kind(self) -> str:
        return self.qtype.input_kind

    @property
    def option_count(self) -> int:
        """How many options ↑/↓ and the number keys reach (two for judge, none for typed answers)."""
        if self.kind in ("choice", "choices"):
            return len(self.options)
        return 2 if self.kind == "judge" else 0

    def _input_shape(self) -> tuple[str, int]:
        return self.kind, self.option_count or len(self.blanks)

    def compose(self) -> ComposeResult:
        self._show_text()
        yield self._meta
        yield self._stem
        yield from self._make_inputs()

    def on_mount(self) -> None:
        self._show_options()

    def show(self, drawn: DrawnQuestion, number: int, qtype: QuestionType, response: Any = None) -> None:
        """Show another question in this view, with ``response`` as its answer (no :class:`Answered` is posted).

        The state switches at once; the widgets follow: updated in place when the input kind and size are those
        shown, replaced otherwise (their removal and mounting then finish after this returns)."""
        self._set_question(drawn, number, qtype, response)
        if not self.is_mounted:  # compose makes the widgets from the state
            return
        self._show_text()
        if self._input_shape() == self._inputs_for:
            self._fill_inputs()
        else:
            old = self._inputs
            removing = self.remove_children(old) if old else None
            mounting = self._mounting = self.mount_all(self._make_inputs())
            self._replacing = [step for step in (removing, mounting) if step is not None]

    async def replaced(self) -> None:
        """Wait until the input widgets replaced by the last :meth:`show` are gone and the new ones mounted."""
        replacing, self._replacing = self._replacing, []
        for step in replacing:
            await step

    def _show_text(self) -> None:
        """Put the number, type, points and stem of the question into their widgets."""
        label = type_label(self.qtype)
        meta = t("exam.meta", number=self.number, type=label, points=format_points(self.drawn.points))
        self._meta.update(Content(meta))
        question = self.drawn.question
        stem = numbered_blanks(question.stem) if self.kind == "blanks" else question.stem
        self._stem.update(typeset(stem))

    def _option_label(self, index: int) -> Content:
        if self.kind == "judge":
            return Content(t("exam.true") if index == 0 else t("exam.false"))
        return Content(f"{OPTION_LETTERS[index]}. {self.options[index][1]}")

    def _make_inputs(self) -> list[Widget]:
        """New input widgets for the question's kind, in the state of the view (a key handled before they are
        mounted is shown)."""
        self.option_widgets, self._fields, self._area = [], [], None
        widgets: list[Widget] = []
        if self.kind in ("choice", "judge"):
            self.option_widgets = [
                OptionButton(self._option_label(i), i, value=self.chosen[i], cursor=i == self.cursor)
                for i in range(self.option_count)
            ]
        elif self.kind == "choices":
            self.option_widgets = [
                OptionBox(self._option_label(i), i, value=self.chosen[i], cursor=i == self.cursor)
                for i in range(self.option_count)
            ]
        elif self.kind == "blanks":
            for i, value in enumerate(self.blanks):
                widgets.append(Label(t("exam.blank", n=i + 1), classes="blank-label"))
                field = Input(value, placeholder=t("exam.blank_placeholder"), classes="blank")
                self._fields.append(field)
                widgets.append(field)
        else:
            widgets.append(Label(t("exam.short_hint")))
            self._area = TextArea(self.text, soft_wrap=True)
            widgets.append(self._area)
        widgets.extend(self.option_widgets)
        self._inputs = widgets
        self._inputs_for = self._input_shape()
        return widgets

    def _fill_inputs(self) -> None:
        """Show the question's options or typed answer in the input widgets already there (same kind and size)."""
        for i, button in enumerate(self.option_widgets):
            button.label = self._option_label(i)
        self._show_options()
        with self.prevent(Input.Changed, TextArea.Changed):
            for field, value in zip(self._fields, self.blanks, strict=False):
                field.value = value
                field.cursor_position = len(value)
            if self._area is not None:
                self._area.load_text(self.text)

    # -- state ------------------------------------------------------------------------------------------------------

    def _load(self, response: Any) -> None:
        if self.kind == "choice":
            self.chosen = [letter == response for letter, _ in self.options]
        elif self.kind == "choices":
            picked = set(response or ())
            self.chosen = [letter in picked for letter, _ in self.options]
        elif self.kind == "judge":
            self.chosen = [response is True, response is False]
        elif self.kind == "blanks":
            values = list(response or [])
            self.blanks = [values[i] if i < len(values) else "" for i in range(len(self.blanks))]
        else:
            self.text = response or ""
        if True in self.chosen:
            self.cursor = self.chosen.index(True)

    def current_response(self) -> Any:
        """The response shown now, in canonical (bank) option letters.

        Typed text is read from the boxes themselves when they are mounted: a key typed just before is in the box
        even if the box's ``Changed`` message is still on its way."""
        if self.kind == "blanks" and len(self._fields) == len(self.blanks):
            for index, field in enumerate(self._fields):
                self.blanks[index] = field.value
        elif self.kind == "text" and self._area is not None:
            self.text = self._area.text
        if self.kind == "choice":
            return next((self.options[i][0] for i, on in enumerate(self.chosen) if on), None)
        if self.kind == "choices":
            return sorted(self.options[i][0] for i, on in enumerate(self.chosen) if on) or None
        if self.kind == "judge":
            return None if True not in self.chosen else self.chosen[0]
        if self.kind == "blanks":
            return list(self.blanks) if any(v.strip() for v in self.blanks) else None
        return self.text if self.text.strip() else None

    def choose(self, index: int) -> bool:
        """Select (single/judge) or toggle (multiple) displayed option ``index``; ``True`` if the answer changed.

        Does not post :class:`Answered`: the caller (a key binding) saves :meth:`current_response` for this view's
        question itself, so the save names the question the key was meant for even mid-switch."""
        if not 0 <= index < self.option_count:
            return False
        self.cursor = index
        if self.kind == "choices":
            self.chosen[index] = not self.chosen[index]
        elif self.chosen[index]:
            self._show_options()
            return False
        else:
            self.chosen = [i == index for i in range(self.option_count)]
        self._show_options()
        return True

    def choose_cursor(self) -> bool:
        """Enter/Space: :meth:`choose` the option under the cursor."""
        return self.choose(self.cursor)

    def move_cursor(self, step: int) -> bool:
        """↑/↓: move the cursor between options (it stops at the first and the last)."""
        if not self.option_count:
            return False
        self.cursor = max(0, min(self.option_count - 1, self.cursor + step))
        self._show_options()
        return True

    def _show_options(self) -> None:
        """Make the option widgets show the state; only a row whose state changed is redrawn."""
        for index, button in enumerate(self.option_widgets):
            if index >= len(self.chosen):
                break
            cursor = index == self.cursor
            if button.value == self.chosen[index] and button.has_class("-cursor") == cursor:
                continue
            with self.prevent(RadioButton.Changed, Checkbox.Changed):
                button.value = self.chosen[index]
            button.set_class(cursor, "-cursor")
            button.refresh()

    # -- typed answers ----------------------------------------------------------------------------------------------

    async def enter_next_input(self, focused: Widget | None) -> None:
        """Tab: focus the first blank or the text box, or from a blank (``focused``) the next one (then the first
        again). When the question's input widgets are still being mounted (a → just before the Tab, in one burst)
        this waits for them, so the keys typed after the Tab go into the box rather than being lost."""
        if self._mounting is not None:
            await self._mounting
        fields = self.input_widgets()
        if not fields:
            return
        position = fields.index(focused) if focused in fields else -1
        fields[(position + 1) % len(fields)].focus()

    def input_widgets(self) -> list[Widget]:
        """The blanks or the text box of the question shown, in order."""
        return [*self._fields, *([self._area] if self._area is not None else [])]

    def focus_input(self) -> bool:
        """Move focus to the first blank or the text box; ``False`` for choice questions."""
        for target in self.input_widgets():
            target.focus()
            return True
        return False

    def _changed(self) -> None:
        self.post_message(self.Answered(self.drawn.id, self.current_response()))

    def on_question_view_option_clicked(self, event: OptionClicked) -> None:
        event.stop()
        if self.choose(event.index):
            self._changed()

    def on_radio_button_changed(self, event: RadioButton.Changed) -> None:
        event.stop()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input not in self._fields or event.value != event.input.value:
            return  # a box of a question no longer shown, or a change superseded since (a question shown in it)
        index = self._fields.index(event.input)
        if index < len(self.blanks) and self.blanks[index] != event.value:
            self.blanks[index] = event.value
            self._changed()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if event.text_area is self._area and event.text_area.text != self.text:
            self.text = event.text_area.text
            self._changed()
