"""A program in a real pseudo-terminal, its screen kept with pyte: what benchmarks/run.py uses to time the ``exam``
app (and the floor apps) as a person sees it.

Time "to the screen" is from writing a key (or spawning the program) to the arrival of the output after which the
emulated screen shows the expected text. A reader thread stamps each chunk of output as it arrives, before the
emulator (pure Python, slow on a full repaint) sees it, so the emulator's cost does not count as the app's; it is
still reported (``reader_seconds``) and is paid in the same way for the floor apps.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyte

TICKS = os.sysconf("SC_CLK_TCK")


class ScreenTimeout(Exception):
    """The expected text did not appear in time; the message holds the screen as it was."""


class TerminalProgram:
    """``argv`` started in its own session on a new pty of ``cols`` x ``rows``.

    Raises ``OSError`` when the program cannot be started.
    """

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], cols: int = 100, rows: int = 30) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.master = master
        self.output = 0
        self.reader_seconds = 0.0
        """Time spent in the emulator (feeding output, rendering the screen to text): the measurement's own cost."""
        self._chunks: queue.Queue[tuple[float, bytes]] = queue.Queue()
        self.started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                list(argv), stdin=slave, stdout=slave, stderr=slave, env=dict(env), start_new_session=True
            )
        finally:
            os.close(slave)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """The reader thread: every chunk the program writes, stamped with when it arrived (before any emulation),
        so the emulator's cost does not delay the time a screen is judged to have been shown."""
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the program has gone (EIO on Linux) or the pty was closed
                chunk = b""
            self._chunks.put((time.perf_counter(), chunk))
            if not chunk:
                return

    def text(self) -> str:
        """The emulated screen, one line per row (a wide character's second cell is empty and left out; pyte's own
        ``display`` fails on an empty cell that follows no wide character)."""
        buffer, columns = self.screen.buffer, self.screen.columns
        return "\n".join("".join(buffer[y][x].data for x in range(columns)) for y in range(self.screen.lines))

    def _drain(self, timeout: float) -> float | None:
        """Feed the emulator everything that has arrived (waiting up to ``timeout`` for the first chunk); returns the
        arrival time of the last chunk fed, or None when nothing came (or the program has gone)."""
        try:
            arrived, chunk = self._chunks.get(timeout=timeout)
        except queue.Empty:
            return None
        last = None
        while True:
            if not chunk:
                self._chunks.put((arrived, chunk))  # keep the end-of-output mark for later calls
                return last
            self.output += len(chunk)
            began = time.perf_counter()
            self.stream.feed(chunk)
            self.reader_seconds += time.perf_counter() - began
            last = arrived
            try:
                arrived, chunk = self._chunks.get_nowait()
            except queue.Empty:
                return last

    def wait_for(self, text: str, timeout: float = 30.0) -> float:
        """Read until ``text`` is on the screen; returns the ``perf_counter`` time at which the output that showed it
        had arrived. Raises :class:`ScreenTimeout` after ``timeout`` seconds or when the program exits first."""
        deadline = time.perf_counter() + timeout
        shown_at = time.perf_counter()
        while True:
            began = time.perf_counter()
            shown = text in self.text()
            self.reader_seconds += time.perf_counter() - began
            if shown:
                return shown_at
            left = deadline - time.perf_counter()
            arrived = self._drain(min(left, 0.5)) if left > 0 else None
            if arrived is not None:
                shown_at = arrived
            elif left <= 0 or self.process.poll() is not None:
                state = "exited" if self.process.poll() is not None else "running"
                raise ScreenTimeout(f"{text!r} not shown ({state}); the screen was:\n{self.text()}")

    def send(self, data: str | bytes) -> float:
        """Write keys to the program; returns the ``perf_counter`` time just before the write."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        moment = time.perf_counter()
        os.write(self.master, raw)
        return moment

    def key_to_screen(self, key: str | bytes, text: str, timeout: float = 30.0) -> float:
        """Seconds from writing ``key`` to ``text`` being on the screen."""
        sent = self.send(key)
        return self.wait_for(text, timeout) - sent

    def settle(self, quiet: float = 0.3, limit: float = 5.0) -> None:
        """Read until the program has written nothing for ``quiet`` seconds (or ``limit`` passed)."""
        end = time.perf_counter() + limit
        while time.perf_counter() < end and self._drain(quiet) is not None:
            pass

    def cpu_seconds(self) -> float:
        """User + system CPU time of the program so far (all its threads), from /proc/<pid>/stat."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def peak_rss_mib(self) -> float:
        """The program's peak resident set size so far (VmHWM), in MiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise OSError("no VmHWM in /proc status")

    def close(self) -> None:
        """Kill the program's own process group (it was started in a new session) and close the pty."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        os.close(self.master)
        self._reader.join(timeout=5)


FLOOR_APP = '''\
"""The floor of benchmarks/run.py rows 1, 4 and 11: a one-widget Textual app that changes a label on a key."""
from textual.app import App, ComposeResult
from textual.widgets import Label


class Floor(App[None]):
    def compose(self) -> ComposeResult:
        self.number = 1
        self.answered = 0
        yield Label("第 1 题", id="label")

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        if key == "right":
            self.number += 1
        elif key == "1":
            self.answered += 1
        else:
            return
        self.query_one(Label).update(f"第 {self.number} 题  已答 {self.answered}/100")


Floor().run()
'''
"""Starts with "第 1 题" on screen; "→" shows "第 n 题", "1" shows "已答 k/100" — the same texts the exam screen
shows, so the same reader times both."""


def write_floor_app(folder: Path) -> Path:
    """Write :data:`FLOOR_APP` into ``folder``; returns its path."""
    path = folder / "floor_app.py"
    path.write_text(FLOOR_APP, encoding="utf-8")
    return path
