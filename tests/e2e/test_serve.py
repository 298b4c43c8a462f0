"""`exam serve` for a training room, tested over HTTP and the websocket as a browser (or an intruder) reaches it:
no app before the room code, wrong codes slowed down, foreign origins refused, a session limit, idle sessions
ended, and a page that needs nothing from outside the room."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp
import psutil
import pytest

from tests.e2e._room import ROOM_CODE, Room, TerminalSession, free_port, room_cookie, room_env, running_room

pytestmark = pytest.mark.slow


def _no_redirects() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Room]:
    with running_room(room_env(tmp_path)) as running:
        yield running


async def test_without_the_room_code_no_app_is_reachable(room: Room) -> None:
    """The page sends a browser without the room cookie to the code page; the websocket, the statics and a forged or
    tampered cookie get 403, and no app process is started (no sign-in screen reaches the client)."""
    async with _no_redirects() as http:
        async with http.get(room.url + "/", allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/room"
        async with http.get(room.url + "/static/js/textual.js") as response:
            assert response.status == 403
        for cookie in (None, "abc.99999999999.deadbeef", "x" * 40):
            headers = {"Cookie": f"exam_room={cookie}"} if cookie else {}
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"ws://127.0.0.1:{room.port}/ws", headers=headers)
            assert refused.value.status == 403
        good = await room_cookie(http, room)
        tampered = good[:-1] + ("0" if good[-1] != "0" else "1")
    async with _no_redirects() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"ws://127.0.0.1:{room.port}/ws", headers={"Cookie": f"exam_room={tampered}"})
        assert refused.value.status == 403
    assert room.app_processes() == 0


async def test_the_room_code_leads_to_sign_in(room: Room) -> None:
    """After the code (typed in lower case with a space), the page is the app page and its websocket shows the
    sign-in screen; the cookie is HttpOnly and SameSite=Strict."""
    async with _no_redirects() as http:
        async with http.post(room.url + "/room", data={"code": "kx7 mp3"}, allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/"
            set_cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
        async with http.get(room.url + "/") as response:
            page = await response.text()
        assert response.status == 200 and "js/textual.js" in page
        session = await TerminalSession.open(http, room)
        await session.wait_for("学员登录")
        assert room.app_processes() == 1
        await session.close()


async def test_wrong_codes_are_slowed_down_per_address(room: Room) -> None:
    """A wrong code is refused with a delay; during it even the right code is refused unchecked (429); after it the
    right code opens the room."""
    async with _no_redirects() as http:
        async with http.post(room.url + "/room", data={"code": "WRONG1"}, allow_redirects=False) as response:
            assert response.status == 403
            assert "口令不对" in await response.text()
        async with http.post(room.url + "/room", data={"code": ROOM_CODE}, allow_redirects=False) as response:
            assert response.status == 429
            assert "请等" in await response.text()
        assert "exam_room" not in {c.key for c in http.cookie_jar}
        # The first delay is one second: poll until the right code is taken (within a generous bound).
        deadline = time.monotonic() + 10
        status = 429
        while status == 429 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            async with http.post(room.url + "/room", data={"code": ROOM_CODE}, allow_redirects=False) as response:
                status = response.status
        assert status == 303


async def test_a_foreign_origin_is_refused(room: Room) -> None:
    """A page on another site cannot drive the app: the websocket with ``Origin: https://evil.example`` gets 403
    even with a valid cookie, and no app process starts; the served origin is accepted."""
    async with _no_redirects() as http:
        await room_cookie(http, room)
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"ws://127.0.0.1:{room.port}/ws", origin="https://evil.example")
        assert refused.value.status == 403
        assert room.app_processes() == 0
        async with http.post(
            room.url + "/room", data={"code": ROOM_CODE}, headers={"Origin": "https://evil.example"}
        ) as response:
            assert response.status == 403
        session = await TerminalSession.open(http, room, origin=room.url)
        await session.wait_for("学员登录")
        await session.close()


async def test_a_full_room_says_so(tmp_path: Path) -> None:
    """With ``--max-sessions 1`` and one tab open, the page is the Chinese "room full" page (503) and another
    websocket is refused; after the tab closes, the page is the app again."""
    with running_room(room_env(tmp_path), "--max-sessions", "1") as room:
        async with _no_redirects() as http:
            await room_cookie(http, room)
            first = await TerminalSession.open(http, room)
            await first.wait_for("学员登录")
            async with http.get(room.url + "/") as response:
                assert response.status == 503
                assert "考场已满" in await response.text()
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"ws://127.0.0.1:{room.port}/ws")
            assert refused.value.status == 503
            await first.close()
            deadline = time.monotonic() + 20
            status = 503
            while status == 503 and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
                async with http.get(room.url + "/") as response:
                    status = response.status
            assert status == 200


async def test_an_idle_session_is_ended(tmp_path: Path) -> None:
    """A session without a key pressed for ``--idle-minutes`` is closed by the server and its app process ends."""
    with running_room(room_env(tmp_path), "--idle-minutes", "0.05") as room:  # 3 seconds
        async with _no_redirects() as http:
            await room_cookie(http, room)
            opened = time.monotonic()
            session = await TerminalSession.open(http, room)
            await session.wait_for("学员登录")  # the app process runs: its first screen is drawn
            await asyncio.wait_for(session.closed.wait(), 30)
            assert time.monotonic() - opened >= 3  # closed for being idle, not at once
            deadline = time.monotonic() + 20
            while room.app_processes() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert room.app_processes() == 0


# An absolute URL, or a protocol-relative one (``//host.tld/...``; not ``${protocol}//`` built in script code).
_URL = re.compile(r"""https?://[^\s"'()<>`]+|(?<![\w:}$`/])//[a-z0-9-]+(?:\.[a-z0-9-]+)+""", re.IGNORECASE)
_REFERENCE = re.compile(r"""(?<=\s)(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


def _external(text: str, host: str) -> list[str]:
    """URLs in ``text`` that leave ``host``: ``http(s)://`` elsewhere, ``//cdn...``, ``@import url(http...)``."""
    found = []
    for match in _URL.finditer(text):
        url = match.group(0)
        if urlsplit(url if "://" in url else "http:" + url).netloc != host:
            found.append(url)
    return found


def _strip_css_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)


async def test_the_pages_and_statics_reference_nothing_outside_the_room(room: Room) -> None:
    """The code page, the app page and every static file they load (and the CSS they import) name no URL outside
    the served host, so the page works in a classroom without internet."""
    host = f"127.0.0.1:{room.port}"
    async with _no_redirects() as http:
        async with http.get(room.url + "/room") as response:
            code_page = await response.text()
        await room_cookie(http, room)
        async with http.get(room.url + "/") as response:
            app_page = await response.text()
        assert _external(code_page, host) == [] and _external(app_page, host) == []
        assert "fonts.googleapis" not in app_page
        statics = {m.group(1) or m.group(2) for m in _REFERENCE.finditer(app_page)}
        assert {"/static/js/textual.js", "/static/css/xterm.css"} <= statics
        for path in sorted(statics):
            async with http.get(urljoin(room.url + "/", path)) as response:
                assert response.status == 200, path
                body = await response.text()
            if path.endswith(".css"):
                body = _strip_css_comments(body)
                assert "@import" not in body, path
            assert _external(body, host) == [], path


def test_the_external_url_check_can_fail() -> None:
    """The check above flags a web font, a protocol-relative CDN script and an ``@import`` of a remote sheet."""
    host = "127.0.0.1:8000"
    assert _external('<link href="https://fonts.googleapis.com/css?family=Roboto">', host)
    assert _external('<script src="//cdn.example.com/x.js"></script>', host)
    assert _external("@import url(http://example.com/a.css);", host)
    assert _external(f'<script src="http://{host}/static/js/textual.js">', host) == []


def test_listening_on_every_address_prints_the_urls_and_a_warning(tmp_path: Path) -> None:
    """``--host 0.0.0.0`` prints the URL of every non-loopback IPv4 address of the machine, the code, and a warning
    about who can reach the page."""
    port = free_port()
    env = room_env(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "exam", "serve", "--host", "0.0.0.0", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not any("考场口令" in line for line in lines):
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    output = "".join(lines)
    expected = {
        address.address
        for addresses in psutil.net_if_addrs().values()
        for address in addresses
        if address.family.name == "AF_INET" and not address.address.startswith("127.")
    }
    for address in expected:
        assert f"http://{address}:{port}" in output
    assert "0.0.0.0" not in output.split("考场口令")[0]
    code = re.search(r"考场口令：(\S+)", output)
    assert code is not None and len(code.group(1)) == 6
    assert "注意" in stderr and "0.0.0.0" in stderr


def test_a_room_code_too_short_is_refused(tmp_path: Path) -> None:
    """``--room-code 12`` is refused with a message naming the rule; the server does not start."""
    result = subprocess.run(
        [sys.executable, "-m", "exam", "serve", "--room-code", "1-2", "--port", str(free_port())],
        env=room_env(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "至少 4 个字符" in result.stderr
