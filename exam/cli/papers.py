"""``exam papers``: the papers the plugins supply."""

from __future__ import annotations

import click

from exam.cli.base import Group, pass_app, warn_plugin_failures
from exam.context import AppContext
from exam.i18n import t


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
