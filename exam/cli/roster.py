"""``exam roster``: the trainees expected to sit (姓名, 考号, 单位, 职务); the logic is :mod:`exam.trainer.roster`."""

from __future__ import annotations

from pathlib import Path

import click

from exam.cli.base import Group, argument, check_output, echo_problems, option, pass_app, trainer_only
from exam.context import AppContext
from exam.errors import ExamError
from exam.i18n import t
from exam.models import Trainee


@click.group("roster", cls=Group, help="roster.help")
def roster_group() -> None:
    """``exam roster``: the subcommands below."""


@roster_group.command("import", help="roster.import_help")
@argument("file", type=click.Path(path_type=Path, dir_okay=False))
@option("--codes-out", type=click.Path(path_type=Path, dir_okay=False), help="roster.opt_codes_out")
@option("--force", is_flag=True, help="roster.opt_force")
@pass_app
@trainer_only
def roster_import(app: AppContext, file: Path, codes_out: Path | None, force: bool) -> None:
    """Import the roster from an xlsx or csv file; on a problem, print each and change nothing (exit 1).

    With ``--codes-out``, members without a sign-in code get one, written to that slips file; members who have a
    code keep it.
    """
    from exam.trainer.roster import RosterError
    from exam.trainer.slips import check_slips_path

    if not file.is_file():
        raise ExamError(t("formats.no_such_file", path=file))
    if codes_out is not None:
        check_slips_path(codes_out)
        check_output(codes_out, force)
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
    missing = app.service.members_without_code()
    if not missing:
        return
    if codes_out is None:
        click.secho(t("roster.codes_missing", count=len(missing)), fg="yellow")
        return
    _issue(app, missing, codes_out)


def _issue(app: AppContext, members: list[Trainee], path: Path) -> None:
    """New codes for ``members``, written to the slips at ``path`` before their hashes are stored."""
    from exam.trainer.slips import write_slips

    issued = app.service.issue_codes(members, lambda pairs: write_slips(path, pairs))
    click.echo(t("roster.codes_written", count=len(issued), path=path))


@roster_group.command("codes", help="roster.codes_help", short_help="roster.codes_short")
@option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="roster.opt_slips")
@option("--trainee", "trainees", multiple=True, help="roster.opt_trainee")
@option("--missing", is_flag=True, help="roster.opt_missing")
@option("--yes", is_flag=True, help="roster.opt_yes")
@option("--force", is_flag=True, help="roster.opt_force")
@pass_app
@trainer_only
def roster_codes(
    app: AppContext, output: Path, trainees: tuple[str, ...], missing: bool, yes: bool, force: bool
) -> None:
    """(Re)issue sign-in codes and write the slips: for the given trainees, for members without one, or for all
    (asking first: every code handed out before stops working)."""
    from exam.trainer.slips import check_slips_path

    check_slips_path(output)
    check_output(output, force)
    members = {m.id: m for m in app.service.roster()}
    if not members:
        raise ExamError(t("roster.none"))
    if trainees and missing:
        raise ExamError(t("roster.codes_which"))
    if trainees:
        unknown = [tid for tid in trainees if tid not in members]
        if unknown:
            raise ExamError(t("roster.not_on_roster", ids="、".join(unknown)))
        chosen = [members[tid] for tid in dict.fromkeys(trainees)]
    elif missing:
        chosen = app.service.members_without_code()
        if not chosen:
            click.echo(t("roster.codes_none_missing"))
            return
    else:
        chosen = list(members.values())
        if not yes and not click.confirm(t("roster.codes_confirm_all", count=len(chosen)), default=False):
            click.echo(t("roster.codes_not_issued"))
            return
    _issue(app, chosen, output)


@roster_group.command("reset-pin", help="roster.reset_pin_help")
@argument("trainee_id")
@pass_app
@trainer_only
def roster_reset_pin(app: AppContext, trainee_id: str) -> None:
    """Clear one trainee's PIN so their next sign-in sets a new one."""
    if app.service.reset_pin(trainee_id):
        click.echo(t("roster.pin_reset", id=trainee_id))
    else:
        raise ExamError(t("roster.no_pin", id=trainee_id))


@roster_group.command("list", help="roster.list_help")
@option("--unit", help="roster.opt_unit")
@pass_app
@trainer_only
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
