"""End to end: the installed ``exam`` whose terminal goes away exits, promptly and without spinning, and the
trainee resumes the attempt, with the answer given before, in a new window (issue 17: orphaned apps).

The app runs in a real pseudo-terminal made here (as a benchmark, an SSH server or tmux makes one), in its own
session without a controlling terminal, so closing the pty gives it end-of-file and hang-ups on its streams only, no
``SIGHUP`` from the kernel: the case that left Textual's input thread spinning. ``SIGHUP`` is tested on its own; so
are tmux killed (the pane is the app's controlling terminal: the kernel sends ``SIGHUP`` and ``SIGCONT``) and a room
whose ``exam serve`` dies (its apps' terminal is the pipes to it).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import shutil
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import psutil
import pyte
import pytest

from exam.tui.hangup import HANGUP_EXIT_STATUS, HANGUP_GRACE_SECONDS
from tests.e2e._room import TerminalSession, room_cookie, room_env, running_room
from tests.e2e._support import exam_command

pytestmark = pytest.mark.slow

TICKS = os.sysconf("SC_CLK_TCK")
COLUMNS, ROWS = 100, 30

PAPER = """\
paper:
  id: hangup
  title: 断线测验
  time_limit: 30
  pass_mark: 1
  sections:
    - {title: 单选, type: single, count: 2, points: 2, banks: [constitution-2018]}
    - {title: 判断, type: judge, count: 1, points: 1, banks: [deputies-law-2025]}
"""

CPU_AFTER_HANGUP_LIMIT = 3.0
"""CPU seconds the app may use from losing its terminal to its exit (it uses about 0.1 s). The spinning orphan
used one core for as long as it ran; the watch's last resort ends it 10 s after the hang-up, so a spin until then
(about 10 s) fails this."""

EXIT_WAIT = 30.0
"""Bound on waiting for the process to end (it ends in well under a second; the machine may be busy)."""


class PtyApp:
    """``exam`` on a new pty of :data:`COLUMNS` x :data:`ROWS`, its screen kept with pyte by a reader thread;
    ``ignore_sighup`` starts it with ``SIGHUP`` ignored."""

    def __init__(self, env: dict[str, str], ignore_sighup: bool = False) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.master = master
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self._lock = threading.Lock()
        self._reading = threading.Event()
        self._reading.set()
        self._stop = threading.Event()
        try:
            # A signal ignored by the shell stays ignored across exec, as under nohup or `trap '' HUP`.
            command = ["sh", "-c", "trap '' HUP; exec \"$0\"", exam_command()] if ignore_sighup else [exam_command()]
            self.process = subprocess.Popen(
                command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
            )
        finally:
            os.close(slave)
        self.status: int | None = None
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            if not self._reading.wait(0.05):
                continue
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the program has gone (EIO)
                return
            if not chunk:
                return
            with self._lock:
                self.stream.feed(chunk)

    def text(self) -> str:
        """The emulated screen, one line per row (pyte's own ``display`` fails on an empty cell that follows no wide
        character, as a half-redrawn screen has)."""
        with self._lock:
            buffer, columns = self.screen.buffer, self.screen.columns
            return "\n".join("".join(buffer[y][x].data for x in range(columns)) for y in range(self.screen.lines))

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """Poll the emulated screen until ``text`` is shown (the app redraws asynchronously)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.text()
            if text in screen:
                return screen
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.text()}")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode("utf-8"))

    def pause_reading(self) -> None:
        self._reading.clear()

    def resume_reading(self) -> None:
        self._reading.set()

    def pending_output(self) -> int:
        """Bytes the app has written that this side has not read yet."""
        (count,) = struct.unpack("i", fcntl.ioctl(self.master, termios.FIONREAD, b"\0\0\0\0"))
        return int(count)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the running app (all its threads), from /proc."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def hang_up(self) -> None:
        """Close the terminal as its owner would: stop reading, then close the master (the app keeps running)."""
        self._stop.set()
        self._reader.join(5)
        os.close(self.master)
        self.master = -1

    def wait_exit(self, timeout: float = EXIT_WAIT) -> tuple[int | None, float]:
        """Wait (polling, bounded) for the app to end; returns its exit status (``None`` if it did not end in time,
        after which it is killed) and the CPU seconds it used in its whole life (its rusage)."""
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.process.returncode = self.status = os.waitstatus_to_exitcode(status)
                return self.status, usage.ru_utime + usage.ru_stime
            if time.monotonic() > deadline:
                self.close()
                return None, float("inf")
            time.sleep(0.05)

    def close(self) -> None:
        """Kill the app if it still runs (its own session) and close the pty."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self._stop.set()
        self._reader.join(5)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    (banks_dir / "hangup.paper.yaml").write_text(PAPER, encoding="utf-8")
    return {
        **os.environ,
        "EXAM_DB": str(tmp_path / "store"),
        "EXAM_CONFIG": str(tmp_path / "none.yaml"),
        "EXAM_LANG": "zh",
        "EXAM_BANKS_DIRS": str(banks_dir),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }


@pytest.fixture
def apps(env: dict[str, str]) -> Iterator[list[PtyApp]]:
    """Starts apps (call ``apps[0]`` ... after :func:`_start`); every one is killed and closed afterwards."""
    started: list[PtyApp] = []
    yield started
    for app in started:
        app.close()


def _start(apps: list[PtyApp], env: dict[str, str]) -> PtyApp:
    app = PtyApp(env)
    apps.append(app)
    app.wait_for("学员登录")
    return app


def _sign_in(app: PtyApp, first_time: bool) -> None:
    """Sign in as 赵六 (e2e-hup); the first time the PIN is set, later it is typed."""
    for value in ("赵六", "hup001", "西关镇", "人大主席"):
        app.send(value)
        app.wait_for(value)  # in the focused field before moving on
        app.send("\r")
    if first_time:
        app.send("\r")  # PIN left empty: set one
        app.wait_for("设置 PIN")
        app.send("2468\t2468\r")
    else:
        app.send("2468\r")
    app.wait_for("可参加的考试")


def _start_paper_and_answer(app: PtyApp, env: dict[str, str]) -> None:
    listing = subprocess.run(
        [exam_command(), "papers", "list"], env=env, capture_output=True, text=True, check=True
    ).stdout
    ids = [line.split("│")[1].strip() for line in listing.splitlines() if line.startswith("│")]
    app.send("\x1b[B" * ids.index("hangup") + "\r")
    app.wait_for("开始后计时不会暂停")
    app.send("y")
    app.wait_for("第 1 题")
    app.send("1")
    app.wait_for("已答 1/3")
    app.wait_for("已保存")  # on disk: only then does the trainee count it as answered


@pytest.mark.parametrize("how", ["terminal closed", "SIGHUP"])
def test_an_app_whose_terminal_goes_away_exits_and_the_answer_is_kept(
    env: dict[str, str], apps: list[PtyApp], how: str
) -> None:
    """During an exam, with one answer saved, the terminal is closed (the pty master, no signal) or the app gets
    ``SIGHUP``: it exits with status 129, using almost no CPU meanwhile (the orphan spun one core for hours). The
    trainee then signs in again in a new window and resumes the attempt, still in progress, with the answer there,
    without being told that another window holds it."""
    app = _start(apps, env)
    _sign_in(app, first_time=True)
    _start_paper_and_answer(app, env)
    before = app.cpu_seconds()
    if how == "SIGHUP":
        os.kill(app.process.pid, signal.SIGHUP)
    else:
        app.hang_up()
    status, cpu = app.wait_exit()
    assert status == HANGUP_EXIT_STATUS, f"the app did not exit as hung up: status {status}"
    assert cpu - before < CPU_AFTER_HANGUP_LIMIT

    again = _start(apps, env)
    _sign_in(again, first_time=False)
    again.wait_for("继续作答")
    again.send("\r")  # the resume button has the focus
    screen = again.wait_for("已答 1/3")
    # It opens at the first question not answered: the second.
    assert "第 2 题" in again.wait_for("第 2 题") and "答卷已在另一个窗口打开" not in screen


def test_an_app_on_the_sign_in_screen_exits_when_the_terminal_closes(env: dict[str, str], apps: list[PtyApp]) -> None:
    """Nobody signed in yet (the service may still be loading): closing the terminal ends the app just the same."""
    app = _start(apps, env)
    before = app.cpu_seconds()
    app.hang_up()
    status, cpu = app.wait_exit()
    assert status == HANGUP_EXIT_STATUS
    assert cpu - before < CPU_AFTER_HANGUP_LIMIT


def test_a_terminal_that_stops_reading_is_slow_not_gone(env: dict[str, str], apps: list[PtyApp]) -> None:
    """The terminal stops reading while the app has output for it (a slow SSH link): the app waits, without
    exiting, until its output no longer fits; when reading resumes, it goes on where it was."""
    app = _start(apps, env)
    app.pause_reading()
    # Each size change redraws the whole screen: far more output than the pty holds while nobody reads.
    for rows in (ROWS - 1, ROWS) * 6:
        fcntl.ioctl(app.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, COLUMNS, 0, 0))
        os.kill(app.process.pid, signal.SIGWINCH)
        app.send("甲")  # typed into the name field, echoed on every redraw
    # Wait (bounded) until the output stops growing: the app is blocked writing to a full terminal.
    deadline = time.monotonic() + 30
    pending, unchanged_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = app.pending_output()
        if now != pending:
            pending, unchanged_since = now, time.monotonic()
        elif pending >= 4000 and time.monotonic() - unchanged_since >= 1.0:  # Linux shows at most 4095
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the app's output never backed up (pending {pending} bytes)")
    assert app.process.poll() is None
    app.resume_reading()
    app.send("乙丙丁")
    app.wait_for("乙丙丁")
    assert app.process.poll() is None


async def test_the_apps_of_a_room_end_when_exam_serve_dies(tmp_path: Path) -> None:
    """``exam serve`` is killed outright (SIGKILL: no chance to tell its apps): each app's terminal (the pipes to
    the server) is gone, so the app ends instead of idling on with its lease renewed."""
    with running_room(room_env(tmp_path)) as room:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await room_cookie(http, room)
            session = await TerminalSession.open(http, room)
            await session.wait_for("学员登录")
            app_processes = psutil.Process(room.process.pid).children(recursive=True)
            assert app_processes
            room.process.kill()
            room.process.wait(10)
            _gone, alive = psutil.wait_procs(app_processes, timeout=EXIT_WAIT)
            for process in alive:
                process.kill()
            assert alive == []


@pytest.mark.parametrize("stdin", ["/dev/null", "a pipe"])
def test_exam_without_a_terminal_to_read_says_so_and_exits(env: dict[str, str], stdin: str) -> None:
    """``exam`` started with its input at end-of-file from the start (``< /dev/null``, a pipe from a script) used to
    spin one core forever: it now says, in one line, that it needs a terminal window, and exits with status 1."""
    command = [exam_command()]
    if stdin == "/dev/null":
        result = subprocess.run(
            command, stdin=subprocess.DEVNULL, env=env, capture_output=True, text=True, timeout=EXIT_WAIT
        )
    else:
        result = subprocess.run(command, input="", env=env, capture_output=True, text=True, timeout=EXIT_WAIT)
    assert result.returncode == 1
    assert "终端窗口中运行" in result.stderr and "exam serve" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_ignored_sighup_stays_ignored_but_closing_the_terminal_still_ends_the_app(
    env: dict[str, str], apps: list[PtyApp]
) -> None:
    """An app started with ``SIGHUP`` ignored (``trap '' HUP``, as ``nohup`` does) keeps ignoring it, and still
    exits when its terminal is closed."""
    app = PtyApp(env, ignore_sighup=True)
    apps.append(app)
    app.wait_for("学员登录")
    os.kill(app.process.pid, signal.SIGHUP)
    app.send("仍在运行")  # typed after the signal: shown only by an app that kept running
    app.wait_for("仍在运行")
    assert app.process.poll() is None
    app.hang_up()
    status, _cpu = app.wait_exit()
    assert status == HANGUP_EXIT_STATUS


@pytest.mark.tmux
def test_killing_its_tmux_ends_the_app_by_itself(env: dict[str, str]) -> None:
    """tmux's pane is the app's controlling terminal: killing tmux hangs it up, and the kernel sends ``SIGHUP`` and
    ``SIGCONT``. Textual's driver then restarted itself on the dead terminal and its next writes blocked for ever,
    so only the last resort (10 s after the hang-up) ended the app. It now ends by itself, before that."""
    binary = shutil.which("tmux")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required in CI (.ci/run installs it)")
        pytest.skip("tmux is not installed")
    socket = f"exam-hup-{os.getpid()}-{time.monotonic_ns()}"
    exports = " ".join(f"{k}='{v}'" for k, v in env.items() if k.startswith(("EXAM_", "TERM", "LANG")))
    try:
        subprocess.run(
            [binary, "-L", socket, "-u", "new-session", "-d", "-s", "exam", "-x", "100", "-y", "30",
             f"env {exports} '{exam_command()}'"],
            check=True,
            env=env,
        )  # fmt: skip

        def screen() -> str:
            return subprocess.run(
                [binary, "-L", socket, "capture-pane", "-p", "-t", "exam"], capture_output=True, text=True
            ).stdout

        deadline = time.monotonic() + 30
        while "学员登录" not in screen():
            assert time.monotonic() < deadline, f"no sign-in screen:\n{screen()}"
            time.sleep(0.1)
        for keys in (["-l", "赵六"], ["Enter"], ["-l", "hup002"], ["Enter", "Enter", "Enter", "Enter"]):
            subprocess.run([binary, "-L", socket, "send-keys", "-t", "exam", *keys], check=True)
        while "设置 PIN" not in screen():
            assert time.monotonic() < deadline, f"no PIN dialog:\n{screen()}"
            time.sleep(0.1)
        pane = subprocess.run(
            [binary, "-L", socket, "list-panes", "-t", "exam", "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        app = psutil.Process(int(pane.strip()))
        hung_up = time.monotonic()
    finally:
        subprocess.run([binary, "-L", socket, "kill-server"], capture_output=True)
    try:
        app.wait(EXIT_WAIT)  # not our child: psutil polls until it has gone
    except psutil.TimeoutExpired:
        app.kill()
        raise AssertionError("the app outlived its tmux") from None
    assert time.monotonic() - hung_up < HANGUP_GRACE_SECONDS, "ended by the last resort, not by itself"
