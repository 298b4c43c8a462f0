"""``exam roster``: the trainees expected to sit (姓名, 考号, 单位, 职务); the logic is :mod:`exam.trainer.roster`."""

from __future__ import annotations

from pathlib import Path

import click

from exam.cli.base import Group, argument, echo_problems, option, pass_app
from exam.context import AppContext
from exam.errors import ExamError
from exam.i18n import t


@click.group("roster", cls=Group, help="roster.help")
def roster_group() -> None:
    """``exam roster``: the subcommands below."""


@roster_group.command("import", help="roster.import_help")
@argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_app
def roster_import(app: AppContext, file: Path) -> None:
    """Import the roster from an xlsx or csv file; on a problem, print each and change nothing (exit 1)."""
    from exam.trainer.roster import RosterError

    if not file.is_file():
        raise ExamError(t("formats.no_such_file", path=file))
    try:
        result = app.service.import_roster(file)
    except RosterError as exc:
        echo_problems(exc.problems)
        click.secho(t("roster.import_failed", count=len(exc.problems), path=file), fg="red", err=True)
        raise SystemExit(1) from None
    click.echo(
        t("roster.imported", total=result.total, added=result.added, updated=result.updated,
          unchanged=result.unchanged)
    )  # fmt: skip


@roster_group.command("list", help="roster.list_help")
@option("--unit", help="roster.opt_unit")
@pass_app
def roster_list(app: AppContext, unit: str | None) -> None:
    """The roster (or one unit of it) as a table, and its size."""
    from exam.tables import print_table

    members = [m for m in app.service.roster() if unit is None or m.unit == unit]
    if not members:
        click.echo(t("roster.none"))
        return
    print_table(
        [t("roster.col_id"), t("roster.col_name"), t("roster.col_unit"), t("roster.col_position")],
        [[m.id, m.name, m.unit, m.position] for m in members],
    )
    click.echo(t("roster.count", count=len(members)))
