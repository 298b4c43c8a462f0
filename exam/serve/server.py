"""The room server: textual-serve's :class:`~textual_serve.server.Server` with a room code in front of the app.

What it adds to textual-serve (one ``python -m exam`` process per browser tab over a websocket):

- every path but the room-code page (``/room``) needs the room cookie (:mod:`exam.serve.access`); without it
  ``/`` redirects to ``/room`` and ``/ws`` answers 403 before any app process is started;
- the websocket (and the code form) refuse an ``Origin`` other than the host the page was served from (403);
- at most ``max_sessions`` app processes at once; one more gets the "room full" page (503);
- a session without a key pressed for ``idle_minutes`` is ended: the app is asked to quit as when the tab is
  closed (every answer is already on disk; the exam clock keeps running, as in the terminal);
- the page and its static files are the project's own (``templates/``, ``static/``): no external resource.

textual-serve builds its routes in the private ``Server._make_app``, which this class extends (routes and a
middleware added after the parent's); that is why ``pyproject.toml`` holds textual-serve below 1.2.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from exam.i18n import t
from exam.serve.access import COOKIE_NAME, CodeThrottle, SessionSigner, code_matches

log = logging.getLogger("exam.serve")

PACKAGE_DIR = Path(str(files("exam.serve")))
STATICS_PATH = PACKAGE_DIR / "static"
TEMPLATES_PATH = PACKAGE_DIR / "templates"

#: Paths reachable without the room cookie.
OPEN_PATHS = frozenset({"/room"})
#: Longest stdin message taken from a browser (characters); a paste longer than this is cut.
MAX_STDIN = 64 * 1024


@dataclass(frozen=True)
class RoomSettings:
    """What the trainer chose for this room.

    Attributes:
        room_code: the code trainees type before they reach the app (compared in normal form).
        max_sessions: the most app processes at once (one per open tab).
        idle_seconds: a session with no key pressed for this long is ended; 0 = never.
    """

    room_code: str
    max_sessions: int = 80
    idle_seconds: float = 30 * 60


def _default_port(scheme: str) -> int:
    return 443 if scheme in ("https", "wss") else 80


def same_origin(origin: str, host: str, scheme: str = "http") -> bool:
    """Whether a browser's ``Origin`` header names the host (``Host`` header, ``name[:port]``) that was asked.

    Host names compare case-insensitively; a missing port is the scheme's default. ``null`` and anything that does
    not parse are foreign.
    """
    try:
        theirs = urlsplit(origin)
        ours = urlsplit(f"{scheme}://{host}")
        their_port = theirs.port or _default_port(theirs.scheme)
        our_port = ours.port or _default_port(scheme)
    except ValueError:
        return False
    if theirs.scheme not in ("http", "https") or not theirs.hostname or not ours.hostname:
        return False
    return theirs.hostname.lower() == ours.hostname.lower() and their_port == our_port


class RoomServer(Server):
    """Serve the exam app to a training room (see the module docstring for what it adds to textual-serve).

    Args:
        command: the shell command of one app process (``python -m exam ...``).
        host: the address to listen on.
        port: the TCP port.
        settings: the room code, the session limit and the idle time.
    """

    def __init__(self, command: str, host: str, port: int, settings: RoomSettings) -> None:
        super().__init__(
            command,
            host=host,
            port=port,
            title=t("serve.title"),
            statics_path=STATICS_PATH,
            templates_path=TEMPLATES_PATH,
        )
        self.settings = settings
        self.signer = SessionSigner()
        self.throttle = CodeThrottle()
        self.sessions = 0
        """App processes running now (websockets accepted and not yet closed)."""
        self.on_started: list[Any] = []
        """Callables run (without arguments) once the server listens; the command prints the URLs there."""

    # -- the aiohttp application ---------------------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        aiohttp_jinja2.get_env(app).globals["t"] = t
        app.middlewares.append(self._require_room_cookie)
        app.router.add_get("/room", self.handle_room_page, name="room")
        app.router.add_post("/room", self.handle_room_code, name="room_code")
        return app

    async def make_app(self) -> web.Application:
        """The aiohttp application (for tests and the load benchmark, which run it in their own loop)."""
        return await self._make_app()

    async def on_startup(self, app: web.Application) -> None:
        """Print nothing of textual-serve's own banner (the command prints the URLs and the code once listening)."""

    def serve(self, debug: bool = False) -> None:
        """Listen, run :attr:`on_started` once the port is open, and serve until SIGINT or SIGTERM.

        Raises:
            OSError: the address cannot be listened on (e.g. the port is in use).
        """
        self.debug = debug
        self.initialize_logging()
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
            for callback in self.on_started:
                callback()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signal_number in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C raises KeyboardInterrupt
                    loop.add_signal_handler(signal_number, stop.set)
            await stop.wait()
        finally:
            await runner.cleanup()  # ends every session: each app is asked to quit, as when its tab closes

    @web.middleware
    async def _require_room_cookie(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Every path but the code page needs a valid room cookie; security headers on every answer
        (``same-origin`` referrers: with ``no-referrer`` Chromium sends ``Origin: null`` on the code form)."""
        if request.path not in OPEN_PATHS and not self.signer.valid(request.cookies.get(COOKIE_NAME)):
            if request.path == "/" and request.method == "GET":
                response: web.StreamResponse = web.Response(status=303, headers={"Location": "/room"})
            else:
                response = web.Response(status=403, text=t("serve.need_code_plain"))
        else:
            response = await handler(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def _render(self, template: str, request: web.Request, status: int = 200, **values: Any) -> web.Response:
        context = {"lang": "zh-CN" if t("lang") == "zh" else "en", "title": t("serve.title"), **values}
        response = aiohttp_jinja2.render_template(template, request, context)
        response.set_status(status)
        return response

    # -- the room code -------------------------------------------------------------------------------------------

    def _client(self, request: web.Request) -> str:
        return request.remote or "unknown"

    async def handle_room_page(self, request: web.Request) -> web.Response:
        """The form asking for the room code."""
        if self.signer.valid(request.cookies.get(COOKIE_NAME)):
            return web.Response(status=303, headers={"Location": "/"})
        return self._render("room.html", request, error="")

    async def handle_room_code(self, request: web.Request) -> web.Response:
        """Check a typed room code: a right one sets the cookie and goes to the app, a wrong one is slowed down."""
        origin = request.headers.get("Origin")
        if origin is not None and not same_origin(origin, request.host, request.scheme):
            return web.Response(status=403, text=t("serve.foreign_origin"))
        client = self._client(request)
        wait = self.throttle.wait(client)
        if wait > 0:
            return self._render("room.html", request, 429, error=t("serve.code_wait", seconds=int(wait + 0.999)))
        try:
            form = await request.post()
        except ValueError:
            form = None
        given = form.get("code", "") if form is not None else ""
        if not isinstance(given, str) or not code_matches(self.settings.room_code, given[:200]):
            delay = self.throttle.failed(client)
            log.warning("wrong room code from %s (next try in %.0f s)", client, delay)
            return self._render("room.html", request, 403, error=t("serve.code_wrong", seconds=int(delay + 0.999)))
        self.throttle.succeeded(client)
        response = web.Response(status=303, headers={"Location": "/"})
        response.set_cookie(
            COOKIE_NAME,
            self.signer.issue(),
            max_age=self.signer.lifetime,
            path="/",
            httponly=True,
            samesite="Strict",
            secure=request.secure,
        )
        return response

    # -- the app page and its websocket --------------------------------------------------------------------------

    def _full(self) -> bool:
        return self.sessions >= self.settings.max_sessions

    def _full_page(self, request: web.Request) -> web.Response:
        return self._render("full.html", request, 503, limit=self.settings.max_sessions)

    async def handle_index(self, request: web.Request) -> web.Response:
        """The app page; its URLs are those of the host the browser asked for (not the listening address)."""
        if self._full():
            return self._full_page(request)
        scheme = "wss" if request.secure else "ws"
        return self._render(
            "app_index.html",
            request,
            font_size=max(8, min(to_int(request.query.get("fontsize", "16"), 16), 40)),
            websocket_url=f"{scheme}://{request.host}/ws",
            static_url="/static/",
        )

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        """Run one app process for this browser tab: refused (403) from a foreign ``Origin``, 503 when full."""
        origin = request.headers.get("Origin")
        if origin is not None and not same_origin(origin, request.host, request.scheme):
            log.warning("websocket from foreign origin %r refused", origin)
            return web.Response(status=403, text=t("serve.foreign_origin"))
        if self._full():
            return self._full_page(request)
        self.sessions += 1
        try:
            return await self._run_session(request)
        finally:
            self.sessions -= 1

    async def _run_session(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=4 * MAX_STDIN)
        width = max(20, min(to_int(request.query.get("width", "80"), 80), 500))
        height = max(10, min(to_int(request.query.get("height", "24"), 24), 200))
        app_service: AppService | None = None
        try:
            await websocket.prepare(request)

            async def close() -> None:
                await websocket.close()

            app_service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            idle = await self._relay(websocket, app_service)
            if idle:
                log.info("session of %s ended after %.0f idle seconds", self._client(request), idle)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one broken session must not stop the room
            log.exception(error)
        finally:
            if app_service is not None:
                await app_service.stop()
            if not websocket.closed:
                with contextlib.suppress(Exception):
                    await websocket.close()
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, app_service: AppService) -> float:
        """Pass the browser's messages to the app until the socket closes or the session is idle too long.

        Returns:
            The idle seconds after which the session was ended, or 0 when the browser (or the app) closed it.
        """
        loop = asyncio.get_running_loop()
        idle = self.settings.idle_seconds
        last_input = loop.time()
        while True:
            timeout = (last_input + idle - loop.time()) if idle > 0 else None
            if timeout is not None and timeout <= 0:
                return idle
            try:
                message = await websocket.receive(timeout=timeout)
            except TimeoutError:
                return idle
            if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                return 0
            if message.type != WSMsgType.TEXT:
                continue
            envelope = _envelope(message.data)
            if envelope is None:
                continue
            kind, data = envelope
            if kind == "stdin" and isinstance(data, str):
                last_input = loop.time()
                await app_service.send_bytes(data[:MAX_STDIN].encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = data.get("width"), data.get("height")
                if isinstance(width, int) and isinstance(height, int) and 0 < width <= 500 and 0 < height <= 200:
                    await app_service.set_terminal_size(width, height)
            elif kind == "ping" and isinstance(data, str):
                await websocket.send_json(["pong", data[:64]])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()


def _envelope(text: str) -> tuple[str, object] | None:
    """``[kind, data]`` from a browser message, or ``None`` for anything else (ignored, never an error)."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, list) or not value or not isinstance(value[0], str):
        return None
    return value[0], (value[1] if len(value) > 1 else None)
