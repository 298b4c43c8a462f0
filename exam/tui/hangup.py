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
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Callable, Sequence

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
