"""``exam plugins`` and ``exam info``: what is installed, and which folders and files are in use."""

from __future__ import annotations

import click

from exam import __version__
from exam.cli.base import Command, option, pass_app
from exam.config import config_file
from exam.context import AppContext
from exam.i18n import t


@click.command("plugins", cls=Command, help="cli.plugins_help")
@option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def plugins_command(app: AppContext, fmt: str) -> None:
    """Every plugin with its version, hooks, contributions and status (a table, or JSON for tools)."""
    from exam.safetext import safe_json
    from exam.tables import print_table

    infos = list(app.registry.plugins.values())
    if fmt == "json":
        data = [
            {"name": p.name, "version": p.version, "origin": p.origin, "hooks": p.hooks,
             "contributed": p.contributed, "ok": p.ok, "errors": p.errors}
            for p in infos
        ]  # fmt: skip
        click.echo(safe_json(data, indent=2))
        return
    rows = [
        [p.name, p.version, "\n".join(p.hooks), "\n".join(p.contributed),
         t("cli.status_ok") if p.ok else t("cli.status_error") + "\n" + "\n".join(p.errors)]
        for p in infos
    ]  # fmt: skip
    print_table([t("col.plugin"), t("col.version"), t("col.hooks"), t("col.contributed"), t("col.status")], rows)


@click.command("info", cls=Command, help="cli.info_help")
@pass_app
def info_command(app: AppContext) -> None:
    """The version, the store folder, the config file, the plugins folder and the bank cache folder in use."""
    click.echo(f"exam {__version__}")
    from exam.store import redacted

    click.echo(f"{t('cli.info_db')}: {redacted(app.settings.db)}")
    click.echo(f"{t('cli.info_config')}: {config_file()}")
    click.echo(f"{t('cli.info_plugins_dir')}: {app.settings.plugins_dir or '-'}")
    from exam.bankcache import default_cache_dir

    click.echo(f"{t('cli.info_bank_cache')}: {default_cache_dir() or t('cli.info_bank_cache_off')}")
