"""``exam serve``: the exam app in a web browser, one app process per browser tab (textual-serve)."""

from __future__ import annotations

import shlex
import sys

import click

from exam.cli.base import Command, option, pass_app
from exam.context import AppContext
from exam.i18n import current_language, t


@click.command("serve", cls=Command, help="cli.serve_help")
@option("--host", default="127.0.0.1", show_default=True)
@option("--port", default=8000, show_default=True, type=int)
@pass_app
def serve_command(app: AppContext, host: str, port: int) -> None:
    """Serve ``python -m exam`` with this run's settings at ``http://HOST:PORT`` until interrupted."""
    from textual_serve.server import Server  # only here: it brings in aiohttp, which no other command needs

    parts = [sys.executable, "-m", "exam", "--db", str(app.settings.db)]
    if app.settings.plugins_dir:
        parts += ["--plugins-dir", str(app.settings.plugins_dir)]
    for folder in app.settings.banks_dirs:
        parts += ["--banks-dir", str(folder)]
    if app.settings.lang:
        parts += ["--lang", current_language()]  # settings.lang may be any spelling, e.g. EXAM_LANG=en_GB
    click.echo(t("cli.serve_url", url=f"http://{host}:{port}"))
    Server(shlex.join(parts), host=host, port=port, title="exam").serve()
