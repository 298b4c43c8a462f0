"""A training room for tests and the load benchmark: ``exam serve`` run as a trainer runs it, and a websocket
client that speaks textual-serve's protocol and keeps the app's screen (pyte, a terminal emulator).

textual-serve's protocol (its ``textual.js``): the page opens ``/ws?width=W&height=H``; the browser sends text
frames ``["stdin", "keys"]``, ``["resize", {"width": W, "height": H}]``, ``["ping", "n"]``; the server sends the
app's terminal output as binary frames (escape sequences) and ``["pong", "n"]`` as text.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pyte

ROOM_CODE = "KX7-MP3"
WIDTH, HEIGHT = 110, 36

#: Keys as xterm.js sends them.
KEY_ENTER = "\r"
KEY_TAB = "\t"
KEY_ESC = "\x1b"
KEY_RIGHT = "\x1b[C"
KEY_LEFT = "\x1b[D"
KEY_DOWN = "\x1b[B"
KEY_CTRL_S = "\x13"
KEY_CTRL_Q = "\x11"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Room:
    """A running ``exam serve``: its process, its URL, its room code and the environment of its store."""

    process: subprocess.Popen[str]
    port: int
    code: str
    env: dict[str, str]
    banner: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app_processes(self) -> int:
        """How many app processes the server runs now (children of the server process)."""
        import psutil

        return len(psutil.Process(self.process.pid).children(recursive=False))


def room_env(tmp_path: Path, banks_dir: Path | None = None) -> dict[str, str]:
    """The environment of a room whose store is under ``tmp_path`` (Chinese interface, no config file)."""
    env = {
        **os.environ,
        "EXAM_DB": str(tmp_path / "store"),
        "EXAM_CONFIG": str(tmp_path / "none.yaml"),
        "EXAM_LANG": "zh",
        "LANG": "C.UTF-8",
    }
    env.pop("EXAM_ROOM_CODE", None)
    if banks_dir is not None:
        env["EXAM_BANKS_DIRS"] = str(banks_dir)
    return env


@contextmanager
def running_room(env: dict[str, str], *args: str, code: str = ROOM_CODE, timeout: float = 30) -> Iterator[Room]:
    """Start ``python -m exam serve --room-code CODE ARGS...`` on a free port; stop it (and its apps) afterwards.

    Waits until the server prints the room code (it prints it once it listens).
    """
    port = free_port()
    command = [sys.executable, "-m", "exam", "serve", "--port", str(port), *args]
    if code:
        command += ["--room-code", code]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
    )
    assert process.stdout is not None
    room = Room(process, port, code, env)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                raise AssertionError("exam serve stopped:\n" + "".join(room.banner))
            room.banner.append(line)
            if "考场口令" in line or "Room code" in line:
                break
        else:
            raise AssertionError("exam serve printed no room code:\n" + "".join(room.banner))
        yield room
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def room_cookie(http: aiohttp.ClientSession, room: Room, code: str | None = None) -> str:
    """Enter the room code on the code page; returns the room cookie's value (the session keeps it too)."""
    async with http.post(f"{room.url}/room", data={"code": code or room.code}, allow_redirects=False) as response:
        assert response.status == 303, await response.text()
        cookie = response.cookies["exam_room"]
        return cookie.value


class TerminalSession:
    """One browser tab's websocket to the app, with the screen the app has drawn so far."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.websocket = websocket
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        self.closed = asyncio.Event()
        self.changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(
        cls,
        http: aiohttp.ClientSession,
        room: Room,
        width: int = WIDTH,
        height: int = HEIGHT,
        origin: str | None = None,
    ) -> TerminalSession:
        """Open ``/ws`` as the page does (the session's cookies go with it); raises on a refused handshake."""
        url = f"ws://127.0.0.1:{room.port}/ws?width={width}&height={height}"
        websocket = await http.ws_connect(url, origin=origin)
        session = cls(websocket, width, height)
        await session.websocket.send_json(["resize", {"width": width, "height": height}])
        return session

    async def _read(self) -> None:
        try:
            async for message in self.websocket:
                if message.type == aiohttp.WSMsgType.BINARY:
                    self.stream.feed(message.data)
                    self.changed.set()
        finally:
            self.closed.set()
            self.changed.set()

    def text(self) -> str:
        """The screen as lines of text."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    async def wait_for(self, text: str, timeout: float = 30) -> str:
        """Wait until ``text`` is on the screen; returns the screen. Raises AssertionError with the screen."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while text not in self.text() and text not in self.text().replace(" ", ""):
            remaining = deadline - loop.time()
            if remaining <= 0 or self.closed.is_set():
                raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.text()}")
            self.changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)
        return self.text()

    async def keys(self, data: str) -> None:
        """Send keys as xterm.js does."""
        await self.websocket.send_json(["stdin", data])

    async def close(self) -> None:
        await self.websocket.close()
        await self._reader


async def sign_in(
    session: TerminalSession,
    name: str,
    trainee_id: str,
    unit: str,
    post: str,
    timeout: float = 30,
    pin: str = "2468",
) -> None:
    """Sign in on the sign-in screen as a trainee does the first time (name, 考号, 单位, 职务, each followed by Enter;
    Enter in the empty PIN field), choosing ``pin`` (typed twice) in the dialog that opens.

    The one place the tests and the load benchmark sign in over the websocket.
    """
    await session.wait_for("学员登录", timeout=timeout)
    for value in (name, trainee_id, unit):
        await session.keys(value)
        await session.wait_for(value)
        await session.keys(KEY_ENTER)
    await session.keys(post)
    await session.wait_for(post)
    await session.keys(KEY_ENTER)
    await session.keys(KEY_ENTER)  # the PIN field, empty at the first sign-in: choose a PIN
    await session.wait_for("设置 PIN", timeout=timeout)
    for key in (pin, KEY_ENTER, pin, KEY_ENTER):
        await session.keys(key)
