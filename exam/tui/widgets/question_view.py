"""One question with the input its type asks for. Posts :class:`QuestionView.Answered` on every change."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, Static, TextArea

from exam.i18n import t
from exam.models import OPTION_LETTERS
from exam.papers import DrawnQuestion
from exam.qtypes import BLANK_MARK, QuestionType, type_label


def numbered_blanks(stem: str) -> str:
    """``…____…____…`` → ``…（1）____…（2）____…`` so each input can be matched to its blank."""
    parts = stem.split(BLANK_MARK)
    out = parts[0]
    for i, part in enumerate(parts[1:], 1):
        out += f"（{i}）{BLANK_MARK}" + part
    return out


class QuestionView(Vertical):
    """Shows ``drawn`` (number, type label, points, stem) and the matching input widgets."""

    DEFAULT_CSS = """
    QuestionView { height: auto; padding: 0 1; }
    QuestionView > .q-meta { color: $text-muted; height: 1; }
    QuestionView > .q-stem { margin: 1 0; text-style: bold; }
    QuestionView RadioSet { width: 1fr; border: none; }
    QuestionView Checkbox { width: 1fr; border: none; }
    QuestionView .blank-label { margin-top: 1; }
    QuestionView TextArea { height: 10; }
    """

    class Answered(Message):
        """The trainee changed the answer of ``question_id`` to ``response`` (``None`` = cleared)."""

        def __init__(self, question_id: str, response: Any) -> None:
            super().__init__()
            self.question_id = question_id
            self.response = response

    def __init__(
        self,
        drawn: DrawnQuestion,
        number: int,
        qtype: QuestionType,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.drawn = drawn
        self.number = number
        self.qtype = qtype
        self.options = drawn.displayed_options()

    @property
    def kind(self) -> str:
        return self.qtype.input_kind

    def compose(self) -> ComposeResult:
        question = self.drawn.question
        label = type_label(self.qtype)
        meta = t("exam.meta", number=self.number, type=label, points=f"{self.drawn.points:g}")
        yield Label(Content(meta), classes="q-meta")
        stem = numbered_blanks(question.stem) if self.kind == "blanks" else question.stem
        yield Static(Content(stem), classes="q-stem")
        if self.kind == "choice":
            with RadioSet(id="choices"):
                for i, (_, text) in enumerate(self.options):
                    yield RadioButton(Content(f"{OPTION_LETTERS[i]}. {text}"), id=f"opt-{i}")
        elif self.kind == "choices":
            for i, (_, text) in enumerate(self.options):
                yield Checkbox(Content(f"{OPTION_LETTERS[i]}. {text}"), id=f"opt-{i}")
        elif self.kind == "judge":
            with RadioSet(id="choices"):
                yield RadioButton(t("exam.true"), id="opt-0")
                yield RadioButton(t("exam.false"), id="opt-1")
        elif self.kind == "blanks":
            for i in range(question.stem.count(BLANK_MARK)):
                yield Label(t("exam.blank", n=i + 1), classes="blank-label")
                yield Input(placeholder=t("exam.blank_placeholder"), id=f"blank-{i}")
        else:
            yield Label(t("exam.short_hint"))
            yield TextArea(id="text", soft_wrap=True)

    # -- reading and writing the widgets' state ----------------------------------------------------------------

    def current_response(self) -> Any:
        """The response the widgets show now, in canonical (bank) option letters."""
        if self.kind == "choice":
            pressed = self.query_one(RadioSet).pressed_index
            return self.options[pressed][0] if pressed >= 0 else None
        if self.kind == "choices":
            chosen = [self.options[i][0] for i, box in enumerate(self.query(Checkbox)) if box.value]
            return sorted(chosen) or None
        if self.kind == "judge":
            pressed = self.query_one(RadioSet).pressed_index
            return None if pressed < 0 else pressed == 0
        if self.kind == "blanks":
            values = [field.value for field in self.query(Input)]
            return values if any(v.strip() for v in values) else None
        text = self.query_one(TextArea).text
        return text if text.strip() else None

    def set_response(self, response: Any) -> None:
        """Show a saved response without posting :class:`Answered`."""
        with self.prevent(RadioSet.Changed, Checkbox.Changed, Input.Changed, TextArea.Changed):
            if self.kind == "choice":
                for i, (letter, _) in enumerate(self.options):
                    self.query_one(f"#opt-{i}", RadioButton).value = letter == response
            elif self.kind == "choices":
                chosen = set(response or ())
                for i, (letter, _) in enumerate(self.options):
                    self.query_one(f"#opt-{i}", Checkbox).value = letter in chosen
            elif self.kind == "judge":
                self.query_one("#opt-0", RadioButton).value = response is True
                self.query_one("#opt-1", RadioButton).value = response is False
            elif self.kind == "blanks":
                values = list(response or [])
                for i, field in enumerate(self.query(Input)):
                    field.value = values[i] if i < len(values) else ""
            else:
                self.query_one(TextArea).text = response or ""

    def choose(self, index: int) -> bool:
        """Keyboard choice: select (single/judge) or toggle (multiple) displayed option ``index``."""
        if self.kind == "choice" and 0 <= index < len(self.options):
            self.query_one(f"#opt-{index}", RadioButton).value = True
            return True
        if self.kind == "choices" and 0 <= index < len(self.options):
            box = self.query_one(f"#opt-{index}", Checkbox)
            box.value = not box.value
            return True
        if self.kind == "judge" and index in (0, 1):
            self.query_one(f"#opt-{index}", RadioButton).value = True
            return True
        return False

    def focus_input(self) -> bool:
        """Move focus to the first blank or the text box; ``False`` for choice questions."""
        for target in [*self.query(Input), *self.query(TextArea)]:
            target.focus()
            return True
        return False

    def _changed(self) -> None:
        self.post_message(self.Answered(self.drawn.id, self.current_response()))

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._changed()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._changed()
