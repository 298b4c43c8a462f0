"""``exam results``: list the stored attempts, and carry them between computers (``export``, ``import``).

The file format and the merge rules live in :mod:`exam.trainer.results_io`.
"""

from __future__ import annotations

import math
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import click

from exam.cli.base import (
    Command,
    Group,
    ProgressBar,
    argument,
    check_output,
    option,
    pass_app,
    require_trainer,
    trainer_only,
)
from exam.context import AppContext
from exam.errors import ExamError
from exam.i18n import t

if TYPE_CHECKING:
    from exam.attempts import Attempt

PAGE_SIZE = 50
"""Attempts per page of the ``exam results`` table: one screen's worth (a 10,000-row table takes seconds to draw
and nobody reads it in a terminal; ``--all`` prints it anyway, ``--format jsonl`` is for programs)."""


@click.group("results", cls=Group, invoke_without_command=True, help="cli.results_help")
@option("--paper", help="cli.opt_paper")
@option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="results.opt_page")
@option("--page-size", type=click.IntRange(1, 1000), default=PAGE_SIZE, show_default=True, help="results.opt_page_size")
@option("--all", "show_all", is_flag=True, help="results.opt_all")
@pass_app
def results_group(app: AppContext, paper: str | None, fmt: str, page: int, page_size: int, show_all: bool) -> None:
    """``exam results`` alone lists attempts: a table for people, newest first, one page at a time (``--page``,
    ``--page-size``, ``--all``), or every attempt oldest first as one JSON object per line (``--format jsonl``)."""
    from exam.safetext import safe_json
    from exam.scoring import format_points
    from exam.service import public_attempt, to_iso
    from exam.tables import print_table

    if click.get_current_context().invoked_subcommand is not None:
        return  # each subcommand is guarded on its own
    require_trainer(app)  # the list shows everyone's results
    service = app.service
    if paper is not None:
        from exam.trainer.filters import check_paper

        check_paper(service, paper)
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
            click.echo(safe_json(record))
        for error in failed:
            click.secho(str(error), fg="red", err=True)
        if failed or unreadable:
            raise SystemExit(1)
        return
    newest_first = list(reversed(summaries))
    pages = max(1, math.ceil(len(newest_first) / page_size))
    if show_all:
        shown = newest_first
    elif page > pages:
        raise ExamError(t("results.no_such_page", page=page, pages=pages, count=f"{len(newest_first):,}"))
    else:
        shown = newest_first[(page - 1) * page_size : page * page_size]
    # The chain and the index are checked whole; the content of the attempts shown (each read once), not of all.
    check = service.seal_check()
    check.read(s.attempt_id for s in shown)
    report = check.finish(read_rest=False)
    marks = report.problems_by_attempt()
    unverified = set(report.unverified)

    def status(s: Attempt) -> str:
        text = t("status." + s.status.value)
        if s.attempt_id in marks:
            return text + t("seal.row_mark", kind=t(f"seal.kind_{marks[s.attempt_id]}"))
        return text + (t("seal.unverified_mark") if s.attempt_id in unverified else "")

    rows = [
        [s.attempt_id[:8], s.trainee.name, s.trainee.id, s.trainee.unit, s.paper,
         status(s), format_points(s.score), format_points(s.max_score),
         t("cli.yes") if s.passed else (t("cli.no") if s.passed is not None else ""), to_iso(s.started_at)]
        for s in shown
    ]  # fmt: skip
    print_table(
        [t("col.attempt"), t("col.name"), t("col.trainee_id"), t("col.unit"), t("col.paper"), t("col.status"),
         t("col.score"), t("col.max_score"), t("col.passed"), t("col.started")],
        rows,
    )  # fmt: skip
    if not show_all and pages > 1:
        click.echo(page_footer(page, pages, len(newest_first), paper, page_size))
    click.secho(report.status_line(), fg=None if report.ok else "red")


def page_footer(page: int, pages: int, count: int, paper: str | None, page_size: int) -> str:
    """``第 1/200 页，共 10,000 份答卷（最新的在前）；下一页：exam results --page 2``; on the last page, the way
    back to the first. The command repeats the options in force (store, paper, page size) so it can be pasted."""
    root = click.get_current_context().find_root()
    words = ["exam"]
    if root.params.get("db"):
        words += ["--db", str(root.params["db"])]
    words.append("results")
    if paper is not None:
        words += ["--paper", paper]
    if page_size != PAGE_SIZE:
        words += ["--page-size", str(page_size)]
    if page < pages:
        command = shlex.join([*words, "--page", str(page + 1)])
        return t("results.page_footer_next", page=page, pages=pages, count=f"{count:,}", command=command)
    return t("results.page_footer_last", page=page, pages=pages, count=f"{count:,}", command=shlex.join(words))


@results_group.command("export", cls=Command, help="results.export_help", short_help="results.export_short")
@option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="results.opt_output")
@option("--paper", help="cli.opt_paper")
@option("--force", is_flag=True, help="scores.opt_force")
@pass_app
@trainer_only
def results_export(app: AppContext, output: Path, paper: str | None, force: bool) -> None:
    """Write the submitted attempts (of one paper, or all) to one JSON Lines file."""
    from exam.trainer.filters import check_paper
    from exam.trainer.results_io import export_results

    if paper is not None:
        check_paper(app.service, paper)
    check_output(output, force)
    count = export_results(app.service, output, paper, app.service.clock, ProgressBar(t("results.progress_export")))
    click.echo(t("results.exported", count=count, path=output))


@results_group.command("import", cls=Command, help="results.import_help", short_help="results.import_short")
@argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@option("--key-file", type=click.Path(path_type=Path), help="results.opt_key_file")
@option("--allow-unverified", is_flag=True, help="results.opt_allow_unverified")
@pass_app
@trainer_only
def results_import(app: AppContext, files: tuple[Path, ...], key_file: Path | None, allow_unverified: bool) -> None:
    """Import files written by ``exam results export``; a refused file is named and makes the exit status 1."""
    from exam.trainer.results_io import import_results, read_key_file

    sender_key = read_key_file(key_file) if key_file is not None else None
    imported, errors = import_results(app.service, files, sender_key, allow_unverified)
    for result in imported:
        click.echo(t("results.imported_file", path=result.path, added=result.added, skipped=result.skipped))
        if result.unverified:
            click.secho(t("results.imported_unverified", count=result.unverified), fg="yellow")
    for error in errors:
        click.secho(t("results.refused_file", error=str(error)), fg="red", err=True)
    added = sum(r.added for r in imported)
    skipped = sum(r.skipped for r in imported)
    click.echo(t("results.imported_total", added=added, skipped=skipped, files=len(imported)))
    if errors:
        raise SystemExit(1)


@results_group.command("enter", cls=Command, help="enter.help", short_help="enter.short")
@option("--paper", required=True, help="scores.opt_paper")
@option("--trainee", "trainee_id", required=True, help="enter.opt_trainee")
@option("--name", help="enter.opt_name")
@option("--unit", default="", help="enter.opt_unit")
@option("--position", default="", help="enter.opt_position")
@option("--code", help="enter.opt_code")
@option("--answers", help="enter.opt_answers")
@pass_app
@trainer_only
def results_enter(
    app: AppContext,
    paper: str,
    trainee_id: str,
    name: str | None,
    unit: str,
    position: str,
    code: str | None,
    answers: str | None,
) -> None:
    """Record a paper sat on paper (see :func:`exam.trainer.paper_print.enter_paper_result`)."""
    from exam.models import Trainee
    from exam.papers import assemble_paper, default_seed
    from exam.qtypes import type_label
    from exam.trainer.filters import check_paper
    from exam.trainer.paper_print import enter_paper_result

    service = app.service
    check_paper(service, paper)
    trainee_id = trainee_id.strip()
    member = service.roster_records().get(trainee_id)
    if isinstance(member, dict):
        trainee = Trainee(str(member.get("name") or ""), trainee_id, str(member.get("unit") or ""),
                          str(member.get("position") or ""))  # fmt: skip
    elif name:
        trainee = Trainee(name.strip(), trainee_id, unit.strip(), position.strip())
    else:
        raise ExamError(t("enter.need_name", trainee=trainee_id))
    if answers is not None:
        given = [part for part in answers.replace("，", ",").split(",")]
    else:
        used = len(service.attempts(paper=paper, trainee_id=trainee_id))
        drawn = assemble_paper(service.paper(paper), service.registry.banks,
                               code or default_seed(paper, trainee_id, used + 1))  # fmt: skip
        given = []
        for number, question in enumerate(drawn.questions, 1):
            qtype = question.question.type
            hint = t("enter.prompt_short", max=question.points) if qtype == "short" else ""
            label = type_label(service.registry.types[qtype]) if qtype in service.registry.types else qtype
            given.append(click.prompt(t("enter.prompt", number=number, label=label, hint=hint), default="-"))
    closed = enter_paper_result(service, paper, trainee, code, given)
    click.echo(
        t("enter.done", name=closed.trainee.name, trainee=closed.trainee.id, score=closed.score,
          max=closed.max_score, passed=t("scores.passed") if closed.passed else t("scores.failed"))
    )  # fmt: skip


@results_group.command("verify", cls=Command, help="results.verify_help", short_help="results.verify_short")
@pass_app
@trainer_only
def results_verify(app: AppContext) -> None:
    """Check every attempt against the seal chain; name each one edited, deleted, reordered, replayed or unsealed,
    and exit 1 when anything is wrong."""
    from exam.seals import finding_text

    report = app.service.verify_seals()
    for finding in report.findings:
        click.secho(finding_text(finding), fg="red")
    if report.legacy:
        click.secho(t("seal.verify_legacy", count=len(report.legacy)), fg="yellow")
    if report.pending:
        click.echo(t("seal.verify_pending", count=len(report.pending)))
    if report.unverified:
        click.secho(t("seal.verify_unverified", count=len(report.unverified)), fg="yellow")
        for attempt_id in report.unverified:
            click.echo(f"  {attempt_id[:8]}")
    click.echo(t("seal.verify_summary", checked=report.checked, sealed=report.sealed, chain=report.chain))
    if report.ok:
        click.secho(t("seal.verify_ok"), fg="green")
        return
    click.secho(t("seal.verify_failed", count=len(report.findings)), fg="red", err=True)
    raise SystemExit(1)


@results_group.command("seal", cls=Command, help="results.seal_help", short_help="results.seal_short")
@option("--existing", is_flag=True, help="results.opt_existing")
@pass_app
@trainer_only
def results_seal(app: AppContext, existing: bool) -> None:
    """Seal the closed attempts that have no seal (a store from before seals); each one sealed is named."""
    if not existing:
        raise click.UsageError(t("seal.needs_existing"))
    sealed = app.service.seal_existing()
    for attempt in sealed:
        click.echo(
            t("seal.sealed_one", attempt=attempt.attempt_id[:8], name=attempt.trainee.name, id=attempt.trainee.id,
              score=attempt.score if attempt.score is not None else "")
        )  # fmt: skip
    click.echo(t("seal.sealed_existing", count=len(sealed)))
