"""The base of every exam screen: typed access to the app, its service and its store writer; footer labels.

Screens call the service (never the store) and queue anything that touches the disk on :attr:`ServiceScreen.writer`,
so the UI thread never waits for a file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import events
from textual.binding import ActiveBinding, Binding, BindingType
from textual.dom import DOMNode
from textual.errors import NoWidget
from textual.geometry import Offset
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button

from exam.i18n import t
from exam.messages import CATALOGUE
from exam.tui.compositor import use_wide_text_compositor

if TYPE_CHECKING:
    from exam.models import Trainee
    from exam.service import ExamService
    from exam.tui.app import ExamApp
    from exam.tui.saver import StoreWriter
    from exam.tui.widgets.question_view import QuestionView

ResultT = TypeVar("ResultT")


def exam_app(node: DOMNode) -> ExamApp:
    """The :class:`ExamApp` that ``node`` belongs to.

    Raises:
        TypeError: ``node`` runs in some other app (a test harness that composes a screen on its own).
    """
    from exam.tui.app import ExamApp  # the app module imports the screens, so not at the top

    app = node.app
    if not isinstance(app, ExamApp):
        raise TypeError(f"{type(node).__name__} needs an ExamApp, not {type(app).__name__}")
    return app


class ServiceScreen(Screen[ResultT]):
    """A screen of the exam app.

    Binding descriptions are catalogue keys (``Binding("right", "next", "key.next")``), translated whenever the
    footer asks for them, so the language chosen when the app starts (``--lang en``) reaches them even though the
    class was defined before. A description that is not a key shows as written.

    Composes with :class:`~exam.tui.compositor.WideTextCompositor`, so an open list or a notification never loses
    a Chinese character over the edge of a widget it covers.
    """

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name, id, classes)
        use_wide_text_compositor(self)

    @property
    def exam_app(self) -> ExamApp:
        """The app this screen runs in."""
        return exam_app(self)

    @property
    def service(self) -> ExamService:
        """The one way a screen reaches domain work; set before any screen of this kind is shown."""
        return self.exam_app.exam

    @property
    def writer(self) -> StoreWriter:
        """The ordered queue for store work off the UI thread (:class:`~exam.tui.saver.StoreWriter`)."""
        return self.exam_app.writer

    @property
    def trainee(self) -> Trainee:
        """Who is signed in; only the screens after sign-in ask.

        Raises:
            RuntimeError: nobody is signed in (the sign-in and trainer screens).
        """
        trainee = self.exam_app.trainee
        if trainee is None:
            raise RuntimeError(f"{type(self).__name__} is shown before anyone signed in")
        return trainee

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings with every description translated into the language in force."""
        return translated(super().active_bindings)

    def _forward_event(self, event: events.Event) -> None:
        # Textual hands a click to the clicked widget's own message queue, while keys come through the screen's: a key
        # typed after a click (in one burst from the terminal or a browser) can be handled before the click. Here,
        # where the app forwards input in the order it arrived, the screen is offered the click first.
        if isinstance(event, events.Click) and not event.is_forwarded:
            try:
                widget, _ = self.get_widget_at(event.x, event.y)
            except NoWidget:
                widget = None
            if widget is not None:
                self.click_in_input_order(widget, Offset(event.x, event.y))
        super()._forward_event(event)

    def act_in_input_order(self, callback: Callable[..., object], *args: object) -> None:
        """Run ``callback(*args)`` where a key binding typed now would run: after the keys that came before it and
        before those that come after it.

        A key is forwarded by the app to this screen's queue, and from there it bubbles back to the app's queue,
        where its (non-priority) binding runs. A click's act takes the same two hops: a callback on this screen's
        queue that queues the act on the app's. Acting at once, while the app forwards the click, would come before
        the bindings of keys typed earlier whose second hop is still to come.
        """
        self.call_later(self.app.call_later, callback, *args)

    def click_in_input_order(self, widget: Widget, at: Offset) -> None:
        """A click on ``widget`` (the innermost widget under the pointer, at ``at`` on the screen), in input order:
        called before any key that came after it. A screen whose keys act on what a click changes (the exam's answer
        card) acts on the click here and then ignores the widget's own click message, which comes later. Nothing by
        default."""


class QuestionScreen(ServiceScreen[None]):
    """A screen that shows one question at a time (the exam, practice): Tab goes into the question's blank or text
    box, and the keys typed right behind it go there too.

    Textual hands a key to the widget that has focus when the key is read, and a (normal) Tab binding moves focus a
    hop later: in a burst — a batching connection such as the browser's, a quick typist, a paste — the text after
    Tab reached the screen and was lost (found in Chromium). So Tab is a priority binding that holds every key the
    screen receives from then on, and, in input order (after the keys before it, e.g. → to this question), focuses
    the box once it is mounted and hands it the held keys in the order they came; keys with nothing to type into
    take their usual way.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "enter_input", "key.enter_input", show=False, priority=True),
    ]

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name, id, classes)
        self._held: list[list[events.Key]] = []  # one list per Tab still to act: the keys received after it

    @property
    def view(self) -> QuestionView:
        """The question shown."""
        raise NotImplementedError

    def action_enter_input(self) -> None:
        # The hold starts in this screen's queue, behind the keys read before the Tab (they go their usual way);
        # the focus moves in the app's, behind those keys' bindings (→ to this question): act_in_input_order's hops.
        self.call_later(self._hold_keys)

    def _hold_keys(self) -> None:
        self._held.append([])
        self.app.call_later(self._enter_input)

    async def _enter_input(self) -> None:
        await self.view.enter_next_input(self.focused)
        held = self._held.pop(0) if self._held else []
        target: Widget = self.focused or self
        for key in held:
            target.post_message(events.Key(key.key, key.character))

    def on_key(self, event: events.Key) -> None:
        if self._held:
            event.stop()
            event.prevent_default()
            self._held[-1].append(event)


class ExamDialog(ModalScreen[ResultT]):
    """A modal dialog of the exam app; binding descriptions are catalogue keys, as on :class:`ServiceScreen`.

    Every dialog works the same way: its primary button has focus when it opens, Enter presses the focused button,
    Escape cancels, and ←/→ move between the buttons (an input keeps ←/→ for its cursor: its own bindings come
    first). Composes with :class:`~exam.tui.compositor.WideTextCompositor`, as :class:`ServiceScreen` does.
    """

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name, id, classes)
        use_wide_text_compositor(self)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move_button(-1)", show=False),
        Binding("right", "move_button(1)", show=False),
    ]

    def action_move_button(self, step: int) -> None:
        """Focus the previous (``-1``) or next (``1``) button of the dialog, wrapping around."""
        buttons = [button for button in self.query(Button) if button.focusable]
        if not buttons:
            return
        focused = self.focused
        index = buttons.index(focused) if isinstance(focused, Button) and focused in buttons else -step
        buttons[(index + step) % len(buttons)].focus()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings with every description translated into the language in force."""
        return translated(super().active_bindings)


TEXTUAL_DESCRIPTIONS: dict[str, str] = {"Dismiss menu": "key.dismiss_menu"}
"""Catalogue keys for the descriptions of Textual's own bindings that its footer may show (an open
:class:`~textual.widgets.Select` list's Esc)."""


def translated(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """``bindings`` with each description looked up in the catalogue.

    A description of one of Textual's own bindings is looked up through :data:`TEXTUAL_DESCRIPTIONS`; one that is
    neither a key nor listed there is hidden from the footer (the key still works), so no English word of
    Textual's reaches the Chinese screen.
    """
    result: dict[str, ActiveBinding] = {}
    for key, active in bindings.items():
        description = active.binding.description
        if description:
            catalogue_key = TEXTUAL_DESCRIPTIONS.get(description, description)
            binding = active.binding
            if catalogue_key in CATALOGUE:
                binding = dataclasses.replace(binding, description=t(catalogue_key))
            else:
                binding = dataclasses.replace(binding, show=False)
            active = active._replace(binding=binding)
        result[key] = active
    return result
