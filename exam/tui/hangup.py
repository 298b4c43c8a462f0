"""Noticing that the app's terminal has gone away, so that an orphaned ``exam`` ends instead of running on.

A terminal goes away when its reader closes it: a terminal window or tmux pane closed, an SSH session dropped, the
benchmark's pty master closed, or ``exam serve`` (whose pipes are the app's terminal) killed. Left to itself an app
then runs for hours: Textual 8's Linux driver reads end-of-file from the hung-up terminal and selects and reads
again at once, without telling the app, so one core spins (upstream: Textualize/textual PR #6690, "Fix input thread
busy-looping at 100% CPU when stdin reaches EOF", open); its web driver stops reading quietly and the app idles on.
Either way the exam screen keeps renewing its attempt's lease, so the trainee cannot resume elsewhere.

:class:`TerminalWatch` is the one place that decides the terminal is gone. A daemon thread waits in ``poll`` with no
events asked for, which returns only on ``POLLHUP`` or ``POLLERR`` of the standard streams: a hung-up terminal, a
pipe whose other end has closed. Waiting costs no CPU, and a slow reader (a terminal that stops reading for a while,
so the app's writes block) is not a gone one: its streams report neither. ``SIGHUP`` (sent by the kernel to the
terminal's session, by tmux and by sshd) is the other sign; the app routes it here too. What to do then is the
app's: it finishes the store work in flight, gives up its attempt's lease and exits (see
:meth:`exam.tui.app.ExamApp.terminal_gone`). Should that not happen within :data:`HANGUP_GRACE_SECONDS`, the watch
ends the process itself: every answer shown as saved is on disk already, and a stuck shutdown must not leave an
orphan behind.

POSIX only (``select.poll``); where poll cannot watch a stream (``POLLNVAL``, as for ttys on macOS) only ``SIGHUP``
counts.

Textual's Linux driver needs two more changes to let the app exit once its terminal has hung up (see
:func:`hangup_safe`): its writer thread dies on the first ``EIO`` and the app then blocks on a full queue, and the
``SIGCONT`` the kernel sends with ``SIGHUP`` makes it start its threads again on the dead terminal.
"""

from __future__ import annotations

import contextlib
import functools
import os
import select
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO, cast

from textual.message import Message

if TYPE_CHECKING:
    from textual.driver import Driver

HANGUP_EXIT_STATUS = 129
"""The exit status when the terminal went away: 128 + ``SIGHUP``, as a shell reports a process ended by a hang-up."""

HANGUP_GRACE_SECONDS = 10.0
"""Seconds the app has, once its terminal is gone, to finish store work in flight and exit on its own; after that
the watch ends the process with :data:`HANGUP_EXIT_STATUS`."""

STANDARD_STREAMS = (0, 1, 2)
"""The file descriptors watched: the terminal's input and the app's output (the Linux driver writes to stderr, the
web driver to stdout)."""


class TerminalWatch:
    """Calls ``on_gone(reason)`` once, from a background thread or a signal handler, when the terminal goes away.

    Args:
        on_gone: Called once with ``"hangup"`` (a stream reported ``POLLHUP``/``POLLERR``) or what the caller passed
            to :meth:`gone` (``"SIGHUP"``). It must be thread-safe and must not block (post to the event loop).
        fds: The file descriptors to watch; the standard streams by default.
        grace: Seconds after ``on_gone`` before the process is ended by ``exit_now``.
        exit_now: Ends the process with a status; :func:`os._exit` by default (tests pass a recorder).
    """

    def __init__(
        self,
        on_gone: Callable[[str], object],
        fds: Sequence[int] = STANDARD_STREAMS,
        grace: float = HANGUP_GRACE_SECONDS,
        exit_now: Callable[[int], object] = os._exit,
    ) -> None:
        self._on_gone = on_gone
        self._fds = tuple(dict.fromkeys(fds))
        self._grace = grace
        self._exit_now = exit_now
        self._lock = threading.Lock()
        self.reason: str | None = None
        """Why the terminal counts as gone (``None`` while it is there)."""
        self.thread: threading.Thread | None = None
        """The watching thread, once started; it ends after reporting, or when no stream can be watched."""

    def start(self) -> bool:
        """Start the watching thread; returns ``False`` (and watches nothing) where ``select.poll`` is missing."""
        if not hasattr(select, "poll"):
            return False
        self.thread = threading.Thread(target=self._wait_for_hangup, name="exam-terminal-watch", daemon=True)
        self.thread.start()
        return True

    def gone(self, reason: str) -> None:
        """The terminal is gone: tell the app (once) and start the grace period. Safe from any thread and from a
        signal handler run by the event loop."""
        with self._lock:
            if self.reason is not None:
                return
            self.reason = reason
        guard = threading.Timer(self._grace, self._exit_now, (HANGUP_EXIT_STATUS,))
        guard.name = "exam-hangup-guard"
        guard.daemon = True  # a normal exit within the grace period is not held up by it
        guard.start()
        self._on_gone(reason)

    def _wait_for_hangup(self) -> None:
        poller = select.poll()
        watched = set()
        for fd in self._fds:
            try:
                poller.register(fd, 0)  # no events asked for: poll returns only on POLLHUP, POLLERR, POLLNVAL
            except (OSError, ValueError):
                continue
            watched.add(fd)
        while watched:
            for fd, mask in poller.poll():
                if mask & (select.POLLHUP | select.POLLERR):
                    self.gone("hangup")
                    return
                # POLLNVAL: closed, or a stream poll cannot watch; stop asking about it
                poller.unregister(fd)
                watched.discard(fd)


# -- Textual's Linux driver, made to survive its terminal going away ---------------------------------------------------


class OutputFailed(Message):
    """Posted to the app by the terminal driver when writing to the terminal failed (``EIO``: it has hung up)."""

    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error
        """The error of the first write that failed."""


class TerminalOutput:
    """The Linux driver's output stream: writes go to ``file`` until one fails, then are discarded.

    Textual's writer thread dies on the first failed write (a hung-up terminal answers ``EIO``); its queue of 30
    writes then fills and the next write from the UI thread blocks for ever, so the app never finishes exiting.
    Discarding keeps every write returning; ``failed`` is told once (from the writer thread).

    Args:
        file: The stream the driver writes to (stderr).
        failed: Called once with the first ``OSError``; must be thread-safe and must not block.
    """

    def __init__(self, file: TextIO, failed: Callable[[OSError], object]) -> None:
        self._file = file
        self._failed = failed
        self.error: OSError | None = None
        """The first write error; from then on nothing is written."""

    def _fail(self, error: OSError) -> None:
        if self.error is None:
            self.error = error
            self._failed(error)

    def write(self, text: str) -> int:
        if self.error is None:
            try:
                return self._file.write(text)
            except OSError as error:
                self._fail(error)
        return len(text)

    def flush(self) -> None:
        if self.error is None:
            try:
                self._file.flush()
            except OSError as error:
                self._fail(error)

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()


def hangup_safe(driver_class: type[Driver]) -> type[Driver]:
    """The driver class the app should use: ``driver_class`` itself, except Textual's Linux driver, for which a
    subclass that survives its terminal going away (:func:`_linux_driver`)."""
    if os.name != "posix":
        return driver_class
    from textual.drivers.linux_driver import LinuxDriver

    return _linux_driver() if driver_class is LinuxDriver else driver_class


@functools.cache
def _linux_driver() -> type[Driver]:
    """Textual 8's ``LinuxDriver`` with two changes, both for a terminal that goes away (Textual 8.2.8):

    - its output is a :class:`TerminalOutput`, so a write to a hung-up terminal is discarded instead of killing the
      writer thread and then blocking the app for ever; the first failure is posted to the app as
      :class:`OutputFailed`;
    - ``SIGCONT`` resumes application mode only after the driver itself stopped the app (``SIGTSTP``, Ctrl+Z). The
      kernel sends ``SIGCONT`` with ``SIGHUP`` when a terminal hangs up (tmux ``kill-server``, a closed window), and
      Textual's handler would start a second writer and a second input thread on the dead terminal.
    """
    from textual.drivers.linux_driver import LinuxDriver

    class HangupSafeLinuxDriver(LinuxDriver):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if self._file is not None:
                # Duck-typed: the writer thread calls write, flush and fileno only.
                self._file = cast(Any, TerminalOutput(self._file, self._output_failed))

        def _output_failed(self, error: OSError) -> None:
            with contextlib.suppress(RuntimeError):  # the event loop has closed: the app is gone already
                self.send_message(OutputFailed(error))

        def _sigcont_application(self, *args: Any) -> None:
            if self._must_signal_resume:  # set by _sigtstp_application: this driver stopped the app itself
                super()._sigcont_application(*args)

    return HangupSafeLinuxDriver
