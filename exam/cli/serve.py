"""``exam serve``: the exam app in a web browser for a training room (room code, limits: :mod:`exam.serve`)."""

from __future__ import annotations

import ipaddress
import sys

import click

from exam.cli.base import Command, option, pass_app
from exam.context import AppContext
from exam.i18n import current_language, t


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def trainee_urls(host: str, port: int) -> list[str]:
    """The URLs trainees open: the host itself, or for ``0.0.0.0``/``::`` every non-loopback interface address.

    Link-local IPv6 addresses are left out (a browser cannot open them without a zone).
    """
    if host not in ("0.0.0.0", "::", ""):
        return [_url(host, port)]
    import socket

    import psutil  # only here: no other command needs the interface list

    families = {socket.AF_INET} if host == "0.0.0.0" else {socket.AF_INET, socket.AF_INET6}
    found: list[str] = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family not in families:
                continue
            ip = ipaddress.ip_address(address.address.split("%")[0])
            if not ip.is_loopback and not ip.is_link_local:
                found.append(_url(str(ip), port))
    return sorted(set(found))


@click.command("serve", cls=Command, help="cli.serve_help")
@option("--host", default="127.0.0.1", show_default=True, help="cli.opt_serve_host")
@option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="cli.opt_serve_port")
@option("--room-code", default=None, envvar="EXAM_ROOM_CODE", help="cli.opt_room_code")
@option("--max-sessions", default=80, show_default=True, type=click.IntRange(1, 1000), help="cli.opt_max_sessions")
@option(
    "--idle-minutes", default=30.0, show_default=True, type=click.FloatRange(0, 24 * 60), help="cli.opt_idle_minutes"
)
@pass_app
def serve_command(
    app: AppContext, host: str, port: int, room_code: str | None, max_sessions: int, idle_minutes: float
) -> None:
    """Serve ``python -m exam`` with this run's settings at ``http://HOST:PORT`` until interrupted."""
    import shlex

    # Only here: they bring in aiohttp, which no other command needs.
    from exam.serve.access import ROOM_CODE_MIN_LENGTH, generate_room_code, valid_room_code
    from exam.serve.server import RoomServer, RoomSettings

    if room_code is not None and not valid_room_code(room_code):
        raise click.UsageError(t("cli.serve_bad_code", min=ROOM_CODE_MIN_LENGTH))
    code = room_code if room_code is not None else generate_room_code()
    parts = [sys.executable, "-m", "exam", "--db", str(app.settings.db)]
    if app.settings.plugins_dir:
        parts += ["--plugins-dir", str(app.settings.plugins_dir)]
    for folder in app.settings.banks_dirs:
        parts += ["--banks-dir", str(folder)]
    if app.settings.lang:
        parts += ["--lang", current_language()]  # settings.lang may be any spelling, e.g. EXAM_LANG=en_GB
    settings = RoomSettings(room_code=code, max_sessions=max_sessions, idle_seconds=idle_minutes * 60)
    server = RoomServer(shlex.join(parts), host=host, port=port, settings=settings)

    def announce() -> None:
        urls = trainee_urls(host, port)
        if not urls:
            click.echo(t("cli.serve_no_address", port=port))
        for url in urls:
            click.echo(t("cli.serve_url", url=url))
        if not _is_loopback(host):
            click.secho(t("cli.serve_exposed", host=host), fg="yellow", err=True)
        idle = t("cli.serve_idle", minutes=f"{idle_minutes:g}") if idle_minutes else t("cli.serve_never_idle")
        click.echo(t("cli.serve_limits", sessions=max_sessions, idle=idle))
        click.secho(t("cli.serve_code", code=code), bold=True)  # last: scripts wait for this line
        sys.stdout.flush()

    server.on_started.append(announce)
    try:
        server.serve()
    except OSError as error:
        raise click.ClickException(
            t("cli.serve_port_busy", host=host, port=port, reason=error.strerror or error)
        ) from error
