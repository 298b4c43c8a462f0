"""``exam store``: maintenance of the results store (see docs/storage.md)."""

from __future__ import annotations

import click

from exam.cli.base import Command, Group, ProgressBar, option, pass_app, trainer_only
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


@store_group.command("copy", cls=Command, help="copy.help", short_help="copy.short")
@option("--from", "source", metavar="PATH|URL", help="copy.opt_from")
@option("--to", "target", metavar="PATH|URL", required=True, help="copy.opt_to")
@pass_app
@trainer_only
def store_copy(app: AppContext, source: str | None, target: str) -> None:
    """Copy every attempt and record from SRC (default: the store in use) into the empty DST, and verify."""
    from exam.config import store_location
    from exam.store import open_store, redacted
    from exam.store.copy import copy_store

    src = store_location(source) if source else app.settings.db
    dst = store_location(target)
    report = copy_store(open_store(src), open_store(dst), ProgressBar(t("copy.progress")))
    tables = "、".join(f"{table} {count}" for table, count in report.records.items()) or "-"
    click.echo(t("copy.done", attempts=report.attempts, tables=tables, source=redacted(src), target=redacted(dst)))
