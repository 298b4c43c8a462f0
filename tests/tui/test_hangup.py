"""The app's terminal going away (issue 17): :class:`~exam.tui.hangup.TerminalWatch` notices it from the streams
alone, and the app finishes the store work in flight before it exits with status 129.

The installed ``exam`` in a real pty (the terminal closed, ``SIGHUP``, a reader that only pauses) is tested in
tests/e2e/test_hangup.py.
"""

from __future__ import annotations

import asyncio
import io
import os
import threading
from collections.abc import Iterator

import pytest

from exam.attempts import AttemptStatus
from exam.service import ExamService
from exam.tui.hangup import HANGUP_EXIT_STATUS, TerminalOutput, TerminalWatch, hangup_safe
from exam.tui.screens.exam import ExamScreen
from tests.tui.conftest import make_app, sign_in, start_first_paper

WAIT = 10.0
"""Bound on waiting for the watch's thread (it reacts within milliseconds)."""


class Reports:
    """What a watch reported, with an event to wait on."""

    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.exits: list[int] = []
        self.reported = threading.Event()
        self.exited = threading.Event()

    def on_gone(self, reason: str) -> None:
        self.reasons.append(reason)
        self.reported.set()

    def exit_now(self, status: int) -> None:
        self.exits.append(status)
        self.exited.set()


class Pipe:
    """An OS pipe whose ends are closed once each (a descriptor number closed twice may be someone else's)."""

    def __init__(self) -> None:
        self.read_end, self.write_end = os.pipe()
        self._open = {self.read_end, self.write_end}

    def close(self, fd: int) -> None:
        if fd in self._open:
            self._open.discard(fd)
            os.close(fd)


@pytest.fixture
def pipe() -> Iterator[Pipe]:
    opened = Pipe()
    yield opened
    for fd in (opened.read_end, opened.write_end):
        opened.close(fd)


def test_the_other_end_closing_counts_as_gone(pipe: Pipe) -> None:
    """A watched input whose writer closes (textual-serve's server ended; a pty master closed) is reported once, as
    "hangup", and the grace period then ends the process with status 129."""
    reports = Reports()
    watch = TerminalWatch(reports.on_gone, fds=[pipe.read_end], grace=0.05, exit_now=reports.exit_now)
    assert watch.start()
    pipe.close(pipe.write_end)
    assert reports.reported.wait(WAIT) and reports.exited.wait(WAIT)
    assert reports.reasons == ["hangup"] and watch.reason == "hangup"
    assert reports.exits == [HANGUP_EXIT_STATUS] == [129]


def test_a_terminal_that_only_stops_reading_is_not_gone() -> None:
    """A pty whose reader stops reading while the app writes until the pty is full is still there; closing it
    afterwards is reported (the watch was still on)."""
    master, slave = os.openpty()
    try:
        reports = Reports()
        watch = TerminalWatch(reports.on_gone, fds=[slave], exit_now=reports.exit_now)
        assert watch.start()
        os.set_blocking(slave, False)
        written = 0
        with pytest.raises(BlockingIOError):  # the output is full: the app's writes would now wait for the reader
            for _ in range(100_000):
                written += os.write(slave, b"x" * 1024)
        assert written > 0
        assert not reports.reported.is_set() and watch.reason is None
        os.close(master)
        master = -1
        assert reports.reported.wait(WAIT)
        assert reports.reasons == ["hangup"]
    finally:
        os.close(slave)
        if master >= 0:
            os.close(master)


def test_sighup_and_the_stream_report_once(pipe: Pipe) -> None:
    """``SIGHUP`` (routed to :meth:`TerminalWatch.gone`) and the stream hanging up right after make one report."""
    reports = Reports()
    watch = TerminalWatch(reports.on_gone, fds=[pipe.read_end], exit_now=reports.exit_now)
    assert watch.start()
    watch.gone("SIGHUP")
    pipe.close(pipe.write_end)
    assert watch.thread is not None
    watch.thread.join(WAIT)
    assert not watch.thread.is_alive()
    assert reports.reasons == ["SIGHUP"]


def test_a_stream_poll_cannot_watch_is_dropped_without_a_report() -> None:
    """A descriptor that is not open (``POLLNVAL``, as poll reports ttys on macOS) is not a hang-up: the watch stops
    watching it and reports nothing."""
    reports = Reports()
    # A descriptor that is not open: the highest number this process may use, which no other thread's open takes
    # meanwhile (a closed low number could be reused at once).
    unused = os.sysconf("SC_OPEN_MAX") - 1
    watch = TerminalWatch(reports.on_gone, fds=[unused], exit_now=reports.exit_now)
    assert watch.start()
    assert watch.thread is not None
    watch.thread.join(WAIT)
    assert not watch.thread.is_alive()
    assert reports.reasons == [] and watch.reason is None


async def test_the_app_finishes_store_work_then_exits_with_129(
    mini_service: ExamService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the terminal goes, a save still being written is waited for, and only then does the app exit, with
    status 129; a second report changes nothing."""
    app = make_app(mini_service)
    saved: list[str] = []
    exits: list[tuple[list[str], int]] = []
    real_exit = app.exit

    exited = asyncio.Event()

    def recording_exit(result: None = None, return_code: int = 0, message: object = None) -> None:
        exits.append((list(saved), return_code))
        exited.set()
        real_exit(return_code=return_code)

    monkeypatch.setattr(app, "exit", recording_exit)
    writing = threading.Event()
    release = threading.Event()

    def slow_save() -> str:
        writing.set()
        release.wait(WAIT)
        return "answer"

    async with app.run_test(size=(100, 30)) as pilot:
        app.writer.run(slow_save, saved.append)
        assert await asyncio.to_thread(writing.wait, WAIT)  # waited for off the event loop, which the worker needs
        app.terminal_gone("hangup")
        app.terminal_gone("SIGHUP")
        await pilot.pause()
        assert exits == [] and app.terminal_lost == "hangup"
        release.set()
        await asyncio.wait_for(exited.wait(), WAIT)
    assert exits == [(["answer"], HANGUP_EXIT_STATUS)]
    assert app.return_code == HANGUP_EXIT_STATUS


async def test_leaving_after_a_hangup_keeps_the_answer_and_frees_the_attempt(
    mini_service: ExamService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """During an exam with one answer given, the terminal goes: the app exits with 129, the answer is stored, the
    attempt is still in progress, and its lease is given up before the app exits (not left to the exam screen's
    unmounting, which comes after the store queue has stopped), so another computer can open it without waiting
    for the lease to go stale."""
    app = make_app(mini_service)
    leases_at_exit: list[object] = []
    real_exit = app.exit
    exited = asyncio.Event()

    def recording_exit(result: None = None, return_code: int = 0, message: object = None) -> None:
        leases_at_exit.append(mini_service.store.live_state(attempt_id).lease)
        exited.set()
        real_exit(return_code=return_code)

    monkeypatch.setattr(app, "exit", recording_exit)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await start_first_paper(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        attempt_id = screen.attempt_id
        first = screen.paper.questions[0].id
        assert mini_service.store.live_state(attempt_id).lease is not None
        await pilot.press("1")  # queued for the store; the hang-up comes before anything waits for it
        app.terminal_gone("hangup")
        await asyncio.wait_for(exited.wait(), WAIT)
    assert app.return_code == HANGUP_EXIT_STATUS
    assert leases_at_exit == [None]
    attempt = mini_service.store.get_attempt(attempt_id)
    assert attempt.status is AttemptStatus.IN_PROGRESS
    assert attempt.response(first) is not None
    assert mini_service.store.live_state(attempt_id).lease is None


def test_output_to_a_hung_up_terminal_is_discarded_and_reported_once() -> None:
    """The Linux driver's output once its pty is closed: the write that fails (EIO) is reported once, and it and
    every later write and flush return instead of raising (Textual's writer thread died on the first, and the app
    then blocked on its full queue)."""
    master, slave = os.openpty()
    errors: list[OSError] = []
    # Unbuffered, so that nothing the pty refused is left to be written again when the stream is closed.
    with io.TextIOWrapper(os.fdopen(slave, "wb", buffering=0), encoding="utf-8", write_through=True) as stream:
        output = TerminalOutput(stream, errors.append)
        assert output.write("第 1 题") == len("第 1 题")
        output.flush()
        assert errors == []
        os.close(master)
        for text in ("第 2 题", "第 3 题"):
            assert output.write(text) == len(text)
            output.flush()
        assert len(errors) == 1 and isinstance(errors[0], OSError) and output.error is errors[0]
        assert output.fileno() == slave


def test_only_textual_linux_driver_is_replaced() -> None:
    """The app gets the hang-up-safe subclass for Textual's Linux driver and any other driver unchanged (the web
    driver textual-serve asks for, the headless one of tests)."""
    from textual.drivers.headless_driver import HeadlessDriver
    from textual.drivers.linux_driver import LinuxDriver
    from textual.drivers.web_driver import WebDriver

    safe = hangup_safe(LinuxDriver)
    assert safe is not LinuxDriver and issubclass(safe, LinuxDriver)
    assert hangup_safe(WebDriver) is WebDriver and hangup_safe(HeadlessDriver) is HeadlessDriver
