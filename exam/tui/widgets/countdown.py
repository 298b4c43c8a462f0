"""A countdown computed from the stored absolute deadline, never from counting ticks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.cells import cell_len
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from exam.i18n import t

WARN_SECONDS = 300
DANGER_SECONDS = 60


def format_seconds(seconds: float) -> str:
    """``mm:ss`` (or ``h:mm:ss``), never negative."""
    total = max(0, int(seconds + 0.999))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class Countdown(Static):
    """Shows the time left; warns at 5 minutes and 1 minute; posts :class:`Countdown.Expired` once."""

    DEFAULT_CSS = """
    Countdown { width: auto; padding: 0 1; text-style: bold; }
    Countdown.warning { background: $warning; color: $text; }
    Countdown.danger { background: $error; color: $text; }
    """

    class Warned(Message):
        """Crossed a warning threshold (``seconds`` is 300 or 60)."""

        def __init__(self, seconds: int) -> None:
            super().__init__()
            self.seconds = seconds

    class Expired(Message):
        """The deadline has passed. Posted exactly once."""

    seconds_left: reactive[float] = reactive(0.0)
    """Seconds until the deadline, recomputed from the clock on every tick."""

    def __init__(
        self,
        deadline: datetime,
        clock: Callable[[], datetime],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.deadline = deadline
        self.clock = clock
        self._warned: set[int] = set()
        self._expired = False
        self._text = ""

    def on_mount(self) -> None:
        # A warning is for crossing a threshold: a paper shorter than five minutes does not open with one.
        left = (self.deadline - self.clock()).total_seconds()
        self._warned = {threshold for threshold in (WARN_SECONDS, DANGER_SECONDS) if left <= threshold}
        self.tick()
        self.set_interval(0.5, self.tick, name="countdown")

    def tick(self) -> None:
        """Recompute from the deadline (so suspending or a slow machine never adds time)."""
        self.seconds_left = (self.deadline - self.clock()).total_seconds()
        for threshold in (WARN_SECONDS, DANGER_SECONDS):
            if self.seconds_left <= threshold and threshold not in self._warned:
                self._warned.add(threshold)
                if self.seconds_left > 0:
                    self.post_message(self.Warned(threshold))
        if self.seconds_left <= 0 and not self._expired:
            self._expired = True
            self.post_message(self.Expired())

    def set_deadline(self, deadline: datetime) -> None:
        """Follow a changed stored deadline (extra time): the countdown may expire again at the new one."""
        self.deadline = deadline
        left = (deadline - self.clock()).total_seconds()
        if left > 0:
            self._expired = False
            self._warned = {threshold for threshold in self._warned if left <= threshold}
        self.tick()

    def watch_seconds_left(self, value: float) -> None:
        text = t("exam.time_left", time=format_seconds(value))
        if text == self._text:
            return  # ticks come twice a second; the display changes once
        # The countdown is as wide as its text: lay the bar out again only when the width changes (at an hour).
        layout = cell_len(text) != cell_len(self._text)
        self._text = text
        self.update(text, layout=layout)
        self.set_class(DANGER_SECONDS < value <= WARN_SECONDS, "warning")
        self.set_class(value <= DANGER_SECONDS, "danger")
