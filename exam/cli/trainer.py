"""The trainer's commands on results: ``exam export scores``, ``exam stats``, ``exam regrade``, ``exam mark``,
``exam pending``, ``exam extra-time`` and ``exam trainer set-passphrase``. See docs/trainer-guide.md.

The work is done in :mod:`exam.trainer`; this module reads the options, asks before changing scores and prints.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from exam.cli.base import (
    Command,
    Group,
    ProgressBar,
    argument,
    check_output,
    option,
    pass_app,
    trainer_only,
    warn_plugin_failures,
)
from exam.context import AppContext
from exam.errors import ExamError
from exam.i18n import t
from exam.trainer.filters import check_paper, check_selection, check_trainee

# -- shared by the commands below -----------------------------------------------------------------------------------


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(t("scores.bad_date", value=value)) from None


def _type_labels(app: AppContext) -> dict[str, str]:
    from exam.qtypes import type_label

    return {name: type_label(qtype) for name, qtype in app.registry.types.items()}


def _paper_title(app: AppContext, paper: str) -> str:
    spec = app.registry.papers.get(paper)
    return spec.title if spec is not None else ""


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        from exam.scoring import format_points

        return format_points(value)
    return str(value)


# -- exam export scores, exam stats ---------------------------------------------------------------------------------


@click.group("export", cls=Group, help="scores.export_help")
def export_group() -> None:
    """``exam export``: the subcommands below."""


@export_group.command("scores", help="scores.export_scores_help", short_help="scores.export_scores_short")
@option("--paper", required=True, help="scores.opt_paper")
@option("--from", "date_from", metavar="YYYY-MM-DD", callback=_parse_date, help="scores.opt_from")
@option("--to", "date_to", metavar="YYYY-MM-DD", callback=_parse_date, help="scores.opt_to")
@option("--unit", help="scores.opt_unit")
@option("--all-attempts", is_flag=True, help="scores.opt_all_attempts")
@option("--sort", type=click.Choice(["rank", "unit"]), default="rank", show_default=True, help="scores.opt_sort")
@option("--format", "fmt", metavar="xlsx|csv", help="scores.opt_format")
@option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="scores.opt_output")
@option("--force", is_flag=True, help="scores.opt_force")
@pass_app
@trainer_only
def export_scores(
    app: AppContext,
    paper: str,
    date_from: date | None,
    date_to: date | None,
    unit: str | None,
    all_attempts: bool,
    sort: str,
    fmt: str | None,
    output: Path,
    force: bool,
) -> None:
    """Write the score sheet of a paper with a plugin's exporter (``xlsx`` unless the output's suffix says)."""
    from exam.trainer.scoresheet import Selection

    exporters = app.registry.exporters
    if fmt is None:
        fmt = next((e.name for e in exporters.values() if output.name.lower().endswith(e.suffix)), "xlsx")
    if fmt not in exporters:
        raise ExamError(t("scores.unknown_format", format=fmt, known=", ".join(exporters) or "-"))
    check_selection(app.service, paper, date_from, date_to, unit)
    check_output(output, force)
    selection = Selection(paper, date_from, date_to, unit, all_attempts)
    report = app.service.score_report(
        selection, _paper_title(app, paper), _type_labels(app), ProgressBar(t("scores.progress_reading")), sort
    )
    app.service.export_scores(report, fmt, output)
    click.echo(t("scores.written", path=output, count=len(report.attempts), absent=len(report.absent)))
    warn_plugin_failures(app)


@click.command("stats", cls=Command, help="stats.help", short_help="stats.short")
@option("--paper", required=True, help="scores.opt_paper")
@option("--from", "date_from", metavar="YYYY-MM-DD", callback=_parse_date, help="scores.opt_from")
@option("--to", "date_to", metavar="YYYY-MM-DD", callback=_parse_date, help="scores.opt_to")
@option("--unit", help="scores.opt_unit")
@option("--all-attempts", is_flag=True, help="scores.opt_all_attempts")
@pass_app
@trainer_only
def stats_command(
    app: AppContext, paper: str, date_from: date | None, date_to: date | None, unit: str | None, all_attempts: bool
) -> None:
    """Print the item analysis of a paper and the questions whose key should be checked."""
    from exam.tables import print_table
    from exam.trainer.scoresheet import Selection, flag_text, format_spread, paper_figures, rounded

    check_selection(app.service, paper, date_from, date_to, unit)
    report = app.service.paper_statistics(
        Selection(paper, date_from, date_to, unit, all_attempts), ProgressBar(t("scores.progress_reading"))
    )
    stats = report.statistics
    if not stats.attempts:
        click.echo(t("stats.no_attempts", paper=paper))
        return
    labels = _type_labels(app)
    rows = []
    for index, item in enumerate(stats.items, 1):
        question = report.questions.get(item.question_id)
        qtype = question.type if question else item.type
        rows.append(
            [index, item.question_id, labels.get(qtype, qtype), item.attempts, _plain(rounded(item.facility)),
             _plain(rounded(item.sd)), _plain(rounded(item.discrimination)), _plain(rounded(item.efficiency)),
             format_spread(item), flag_text(item)]
        )  # fmt: skip
    print_table(
        [t(f"stats.col_{c}") for c in ("seq", "question", "type", "attempts", "facility", "sd", "discrimination",
                                       "efficiency", "options", "flag")],
        rows,
    )  # fmt: skip
    click.echo(t("stats.paper_heading_titled", title=report.paper_title))
    for label, value in paper_figures(stats):
        click.echo(f"  {label}: {_plain(value) or '-'}")
    flagged = stats.flagged
    if flagged:
        click.secho(t("stats.flagged", count=len(flagged)), fg="yellow")
        for item in flagged:
            click.echo(f"  {item.question_id}: {flag_text(item)}")
    else:
        click.echo(t("stats.none_flagged"))


# -- exam regrade, exam mark, exam pending --------------------------------------------------------------------------


@click.command("regrade", cls=Command, help="regrade.help", short_help="regrade.short")
@option("--paper", required=True, help="scores.opt_paper")
@option("--dry-run", is_flag=True, help="regrade.opt_dry_run")
@option("--yes", is_flag=True, help="regrade.opt_yes")
@option("--reason", default="", help="regrade.opt_reason")
@pass_app
@trainer_only
def regrade_command(app: AppContext, paper: str, dry_run: bool, yes: bool, reason: str) -> None:
    """Score the submitted attempts of a paper again; show old → new, then apply once confirmed."""
    from exam.tables import print_table
    from exam.trainer.regrade import apply_regrade, plan_regrade

    check_paper(app.service, paper)
    plan = plan_regrade(app.service, paper, ProgressBar(t("regrade.progress")))
    changed = [c for c in plan if c.changed]
    for note in sorted({n for c in plan for n in c.notes}):
        click.secho(note, fg="yellow", err=True)
    if changed:
        yes_no = {True: t("cli.yes"), False: t("cli.no"), None: ""}
        print_table(
            [t("regrade.col_attempt"), t("scores.col_name"), t("scores.col_id"), t("regrade.col_old"),
             t("regrade.col_new"), t("regrade.col_passed"), t("regrade.col_questions")],
            [
                [c.attempt_id[:8], c.trainee_name, c.trainee_id, _plain(c.old_score), _plain(c.new_score),
                 f"{yes_no[c.old_passed]} → {yes_no[c.new_passed]}",
                 "\n".join(f"{q.question_id}: {_plain(q.old)} → {_plain(q.new)}" for q in c.changes)]
                for c in changed
            ],
        )  # fmt: skip
    click.echo(t("regrade.summary", changed=len(changed), unchanged=len(plan) - len(changed)))
    if dry_run:
        click.echo(t("regrade.dry_run"))
        return
    if not changed:
        return
    if not yes and not click.confirm(t("regrade.confirm", count=len(changed)), default=False):
        click.echo(t("regrade.not_applied"))
        return
    count = apply_regrade(app.service, changed, reason=reason)
    click.echo(t("regrade.applied", count=count))


@click.command("mark", cls=Command, help="mark.help", short_help="mark.short")
@argument("attempt")
@argument("question")
@argument("points", type=float)
@option("--note", default="", help="mark.opt_note")
@pass_app
@trainer_only
def mark_command(app: AppContext, attempt: str, question: str, points: float, note: str) -> None:
    """Mark one answer by hand (``attempt`` may be the first characters of the id) and print old → new."""
    from exam.trainer.regrade import resolve_attempt

    attempt_id = resolve_attempt(app.service, attempt)
    updated = app.service.mark_answer(attempt_id, question, points, note)
    record = updated.history[-1].detail
    click.echo(
        t("mark.done", name=updated.trainee.name, question=record["question_id"],
          old=_plain(record["old"]), new=_plain(record["new"]), old_score=_plain(record["old_score"]),
          new_score=_plain(record["new_score"]))
    )  # fmt: skip


@click.command("pending", cls=Command, help="mark.pending_help")
@option("--paper", help="cli.opt_paper")
@pass_app
@trainer_only
def pending_command(app: AppContext, paper: str | None) -> None:
    """The answers waiting for a trainer's mark, with the key to mark them against."""
    from exam.tables import print_table
    from exam.trainer.regrade import pending_reviews
    from exam.trainer.scoresheet import format_key, format_response

    if paper is not None:
        check_paper(app.service, paper)
    pending = pending_reviews(app.service, paper)
    if not pending:
        click.echo(t("mark.none_pending"))
        return
    rows = []
    for attempt, answer in pending:
        number = next(i for i, a in enumerate(attempt.answers, 1) if a.question_id == answer.question_id)
        question = app.service.find_question(answer.question_id)
        rows.append(
            [attempt.attempt_id[:8], number, attempt.trainee.name, answer.question_id,
             format_response(answer.type, answer.response), _plain(answer.points),
             _plain(answer.max_points), format_key(question) if question else ""]
        )  # fmt: skip
    print_table(
        [t("regrade.col_attempt"), t("mark.col_number"), t("scores.col_name"), t("stats.col_question"),
         t("mark.col_response"), t("mark.col_points"), t("mark.col_max"), t("stats.col_key")],
        rows,
    )  # fmt: skip
    click.echo(t("mark.pending_hint"))


# -- exam extra-time, exam trainer set-passphrase -------------------------------------------------------------------


@click.command("extra-time", cls=Command, help="extra.help", short_help="extra.short")
@option("--paper", required=True, help="scores.opt_paper")
@option("--trainee", "trainee_id", required=True, help="extra.opt_trainee")
@option("--minutes", required=True, type=click.IntRange(0, 600), help="extra.opt_minutes")
@option("--allow-new", is_flag=True, help="extra.opt_allow_new")
@pass_app
@trainer_only
def extra_time_command(app: AppContext, paper: str, trainee_id: str, minutes: int, allow_new: bool) -> None:
    """Give one trainee extra minutes on a paper, also on an attempt under way."""
    check_paper(app.service, paper)
    if not allow_new:
        check_trainee(app.service, trainee_id)
    extended = app.service.grant_extra_time(paper, trainee_id, minutes)
    click.echo(t("extra.done", trainee=trainee_id, paper=paper, minutes=minutes))
    if extended:
        click.echo(t("extra.extended_open", count=extended))


@click.group("trainer", cls=Group, help="auth.group_help")
def trainer_group() -> None:
    """``exam trainer``: the subcommands below."""


@trainer_group.command("set-passphrase", help="auth.set_help", short_help="auth.set_short")
@pass_app
def set_passphrase_command(app: AppContext) -> None:
    """Set (or change, after the current one) the passphrase of the app's trainer functions."""
    from exam.trainer.auth import check_passphrase_rules

    if app.service.has_trainer_passphrase():
        current = click.prompt(t("auth.prompt_current"), hide_input=True, default="", show_default=False)
        if not app.service.verify_trainer_passphrase(current):
            raise ExamError(t("auth.wrong_current"))
    first = click.prompt(t("auth.prompt_new"), hide_input=True)
    check_passphrase_rules(first)
    second = click.prompt(t("auth.prompt_repeat"), hide_input=True)
    if first != second:
        raise ExamError(t("auth.mismatch"))
    app.service.set_trainer_passphrase(first)
    click.echo(t("auth.set_done"))
