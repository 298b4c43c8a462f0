"""``exam papers``: the papers the plugins supply, and printing them (``exam papers print``)."""

from __future__ import annotations

from pathlib import Path

import click

from exam.cli.base import Command, Group, check_output, option, pass_app, trainer_only, warn_plugin_failures
from exam.context import AppContext
from exam.i18n import t
from exam.models import Trainee


@click.group("papers", cls=Group, help="cli.papers_help")
def papers_group() -> None:
    """``exam papers``: the subcommands below."""


@papers_group.command("list", help="cli.papers_list_help")
@pass_app
def papers_list(app: AppContext) -> None:
    """One row per paper: id, title, questions, points, pass mark, minutes, attempts allowed, plugin."""
    from exam.plugins import Kind
    from exam.scoring import format_points
    from exam.tables import print_table

    rows = [
        [p.id, p.title, p.question_count, format_points(p.total_points), format_points(p.pass_mark), p.time_limit,
         p.attempts or "∞", app.registry.provider(Kind.PAPER, p.id)]
        for p in app.registry.papers.values()
    ]  # fmt: skip
    print_table(
        [t("col.paper"), t("col.title"), t("col.count"), t("col.total"), t("col.pass_mark"), t("col.minutes"),
         t("col.attempts"), t("col.plugin")],
        rows,
    )  # fmt: skip
    warn_plugin_failures(app)


@papers_group.command("print", cls=Command, help="print.help", short_help="print.short")
@option("--paper", required=True, help="scores.opt_paper")
@option("--trainee", "trainee_id", help="print.opt_trainee")
@option("--copies", type=int, default=1, show_default=True, help="print.opt_copies")
@option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="print.opt_output")
@option("--force", is_flag=True, help="scores.opt_force")
@pass_app
@trainer_only
def papers_print(app: AppContext, paper: str, trainee_id: str | None, copies: int, output: Path, force: bool) -> None:
    """Write the drawn paper(s) and, beside them, the key; print the paper codes to type back with the answers."""
    from exam.trainer.filters import check_paper
    from exam.trainer.paper_print import draw_printed, key_path, write_key, write_paper

    check_paper(app.service, paper)
    trainee = _trainee(app, trainee_id) if trainee_id else None
    key = key_path(output)
    check_output(output, force)
    check_output(key, force)
    printed = draw_printed(app.service, paper, trainee, copies)
    labels = _type_labels(app)
    write_paper(printed, labels, output)
    write_key(printed, labels, app.registry.sources, key)
    codes = "、".join(copy.code for copy in printed)
    click.echo(t("print.written", path=output, copies=len(printed), key=key, codes=codes))


def _trainee(app: AppContext, trainee_id: str) -> Trainee:
    """The roster's record of ``trainee_id``, or the details of their latest attempt; NotFoundError otherwise."""
    from exam.trainer.filters import check_trainee

    check_trainee(app.service, trainee_id)
    member = app.service.roster_records().get(trainee_id.strip())
    if isinstance(member, dict):
        return Trainee(str(member.get("name") or ""), trainee_id.strip(), str(member.get("unit") or ""),
                       str(member.get("position") or ""))  # fmt: skip
    return app.service.attempts(trainee_id=trainee_id.strip())[-1].trainee


def _type_labels(app: AppContext) -> dict[str, str]:
    from exam.qtypes import type_label

    return {name: type_label(qtype) for name, qtype in app.registry.types.items()}
