"""``exam store``: maintenance of the results store (see docs/storage.md)."""

from __future__ import annotations

import click

from exam.cli.base import Group, pass_app, trainer_only
from exam.context import AppContext
from exam.i18n import t


@click.group("store", cls=Group, help="cli.store_help")
def store_group() -> None:
    """``exam store``: the subcommands below."""


@store_group.command("repair", help="cli.store_repair_help")
@pass_app
@trainer_only
def store_repair(app: AppContext) -> None:
    """Rebuild the store's index from the attempt files; name every file set aside, unreadable or removed."""
    report = app.service.repair_store()
    for kept in report.set_aside:
        click.secho(t("cli.store_set_aside", path=kept), fg="yellow", err=True)
    for path in report.unreadable:
        click.secho(t("cli.store_unreadable", path=path), fg="yellow", err=True)
    for path in report.removed:
        click.secho(t("cli.store_removed", path=path), err=True)
    click.echo(t("cli.store_repaired", count=report.attempts, path=app.settings.db))
