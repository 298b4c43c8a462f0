"""``exam results``: list the stored attempts, and carry them between computers (``export``, ``import``).

The file format and the merge rules live in :mod:`exam.trainer.results_io`.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from exam.cli.base import Command, Group, ProgressBar, argument, check_output, option, pass_app
from exam.context import AppContext
from exam.errors import ExamError
from exam.i18n import t


@click.group("results", cls=Group, invoke_without_command=True, help="cli.results_help")
@option("--paper", help="cli.opt_paper")
@option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@pass_app
def results_group(app: AppContext, paper: str | None, fmt: str) -> None:
    """``exam results`` alone lists attempts, oldest first: a table for people or one JSON object per line."""
    from exam.scoring import format_points
    from exam.service import public_attempt, to_iso
    from exam.tables import print_table

    if click.get_current_context().invoked_subcommand is not None:
        return
    service = app.service
    summaries = service.attempts(paper=paper)
    unreadable = getattr(summaries, "unreadable", ())
    for path in unreadable:
        click.secho(t("cli.unreadable_index", path=path), fg="yellow", err=True)
    if fmt == "jsonl":
        failed: list[ExamError] = []
        for summary in summaries:
            try:
                record = public_attempt(service.attempt(summary.attempt_id))
            except ExamError as exc:  # the others are still printed; the damaged one is named below
                failed.append(exc)
                continue
            click.echo(json.dumps(record, ensure_ascii=False))
        for error in failed:
            click.secho(str(error), fg="red", err=True)
        if failed or unreadable:
            raise SystemExit(1)
        return
    rows = [
        [s.attempt_id[:8], s.trainee.name, s.trainee.id, s.trainee.unit, s.paper,
         t("status." + s.status.value), format_points(s.score), format_points(s.max_score),
         t("cli.yes") if s.passed else (t("cli.no") if s.passed is not None else ""), to_iso(s.started_at)]
        for s in summaries
    ]  # fmt: skip
    print_table(
        [t("col.attempt"), t("col.name"), t("col.trainee_id"), t("col.unit"), t("col.paper"), t("col.status"),
         t("col.score"), t("col.max_score"), t("col.passed"), t("col.started")],
        rows,
    )  # fmt: skip


@results_group.command("export", cls=Command, help="results.export_help", short_help="results.export_short")
@option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="results.opt_output")
@option("--paper", help="cli.opt_paper")
@option("--force", is_flag=True, help="scores.opt_force")
@pass_app
def results_export(app: AppContext, output: Path, paper: str | None, force: bool) -> None:
    """Write the submitted attempts (of one paper, or all) to one JSON Lines file."""
    from exam.trainer.results_io import export_results

    check_output(output, force)
    count = export_results(app.service, output, paper, app.service.clock, ProgressBar(t("results.progress_export")))
    click.echo(t("results.exported", count=count, path=output))


@results_group.command("import", cls=Command, help="results.import_help", short_help="results.import_short")
@argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_app
def results_import(app: AppContext, files: tuple[Path, ...]) -> None:
    """Import files written by ``exam results export``; a refused file is named and makes the exit status 1."""
    from exam.trainer.results_io import import_results

    imported, errors = import_results(app.service, files)
    for result in imported:
        click.echo(t("results.imported_file", path=result.path, added=result.added, skipped=result.skipped))
    for error in errors:
        click.secho(t("results.refused_file", error=str(error)), fg="red", err=True)
    added = sum(r.added for r in imported)
    skipped = sum(r.skipped for r in imported)
    click.echo(t("results.imported_total", added=added, skipped=skipped, files=len(imported)))
    if errors:
        raise SystemExit(1)
