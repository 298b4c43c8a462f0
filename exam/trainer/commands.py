"""Command-line commands of this package; :func:`register` adds them to the ``exam`` group.

``exam export scores``, ``exam stats``, ``exam regrade``, ``exam mark``, ``exam pending``, ``exam extra-time``,
``exam trainer set-passphrase`` and ``exam results export|import`` (``exam results`` itself lives in
:mod:`exam.cli`). See docs/trainer-guide.md.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from exam.errors import ExamError, NotFoundError
from exam.i18n import current_language, t

T = TypeVar("T")
PROGRESS_FROM = 20
"""Show a progress bar when at least this many attempts are read."""


def register(cli: click.Group) -> None:
    """Add this package's commands to ``cli``."""
    from exam.cli import Command, Group

    _register_results(cli)
    for name, command in _commands(Command, Group).items():
        cli.add_command(command, name)


# -- shared helpers ---------------------------------------------------------------------------------------------


def _app() -> Any:
    from exam.cli import AppContext

    app = click.get_current_context().find_object(AppContext)
    assert app is not None
    return app


def _progress(label: str) -> Any:
    """Wrap a list of items in a progress bar on stderr when there are many of them."""

    def wrap(items: Sequence[T]) -> Iterable[T]:
        if len(items) < PROGRESS_FROM or not sys.stderr.isatty():
            return items  # a bar is only useful to someone watching; in a pipe or a log it is noise
        return _bar(items, label)

    return wrap


def _bar(items: Sequence[T], label: str) -> Iterator[T]:
    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield from bar


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(t("scores.bad_date", value=value)) from None


def _type_labels(app: Any) -> dict[str, str]:
    index = 0 if current_language() == "zh" else 1
    return {name: qtype.label[index] for name, qtype in app.registry.types.items()}


def _paper_title(app: Any, paper: str) -> str:
    spec = app.registry.papers.get(paper)
    return spec.title if spec is not None else ""


def _check_paper(app: Any, paper: str) -> None:
    """An unknown paper is an error only when no attempts of it are stored either (results from another machine
    may be of a paper whose plugin is not installed here)."""
    if paper in app.registry.papers or app.service.attempts(paper=paper):
        return
    raise NotFoundError(t("scores.unknown_paper", paper=paper, known=", ".join(app.registry.papers) or "-"))


def _check_output(path: Path, force: bool) -> None:
    if path.is_dir():
        raise ExamError(t("scores.output_is_dir", path=path))
    if path.exists() and not force:
        raise ExamError(t("scores.output_exists", path=path))
    if not path.parent.is_dir():
        raise ExamError(t("scores.output_no_folder", path=path.parent))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _finalise_expired(app: Any) -> None:
    # Attempts whose time ran out while no app was running belong in the sheet: close them as the app would.
    app.service.finalise_expired()


# -- results export / import ------------------------------------------------------------------------------------


def _register_results(cli: click.Group) -> None:
    from exam.cli import Command, option

    results = cli.commands.get("results")
    if not isinstance(results, click.Group):
        return

    @results.command("export", cls=Command, help="results.export_help", short_help="results.export_short")
    @option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="results.opt_output")
    @option("--paper", help="cli.opt_paper")
    @option("--force", is_flag=True, help="scores.opt_force")
    def results_export(output: Path, paper: str | None, force: bool) -> None:
        from exam.trainer.results_io import export_results

        app = _app()
        _check_output(output, force)
        count = export_results(app.service, output, paper, app.service.clock, _progress(t("results.progress_export")))
        click.echo(t("results.exported", count=count, path=output))

    @results.command("import", cls=Command, help="results.import_help", short_help="results.import_short")
    @click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
    def results_import(files: tuple[Path, ...]) -> None:
        from exam.trainer.results_io import import_results

        app = _app()
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


# -- the other commands ---------------------------------------------------------------------------------------


def _commands(command_cls: type[click.Command], group_cls: type[click.Group]) -> dict[str, click.Command]:
    """Build the commands. Their help texts are catalogue keys, translated when the help is shown."""
    from exam.cli import option

    @click.group("export", cls=group_cls, help="scores.export_help")
    def export_group() -> None:
        pass

    @export_group.command(
        "scores", cls=command_cls, help="scores.export_scores_help", short_help="scores.export_scores_short"
    )
    @option("--paper", required=True, help="scores.opt_paper")
    @option("--from", "date_from", metavar="YYYY-MM-DD", callback=_parse_date, help="scores.opt_from")
    @option("--to", "date_to", metavar="YYYY-MM-DD", callback=_parse_date, help="scores.opt_to")
    @option("--unit", help="scores.opt_unit")
    @option("--all-attempts", is_flag=True, help="scores.opt_all_attempts")
    @option("--format", "fmt", metavar="xlsx|csv", help="scores.opt_format")
    @option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="scores.opt_output")
    @option("--force", is_flag=True, help="scores.opt_force")
    def export_scores(
        paper: str,
        date_from: date | None,
        date_to: date | None,
        unit: str | None,
        all_attempts: bool,
        fmt: str | None,
        output: Path,
        force: bool,
    ) -> None:
        from exam.trainer.scoresheet import Selection, build_report

        app = _app()
        exporters = app.registry.exporters
        if fmt is None:
            fmt = next((e.name for e in exporters.values() if output.name.lower().endswith(e.suffix)), "xlsx")
        if fmt not in exporters:
            raise ExamError(t("scores.unknown_format", format=fmt, known=", ".join(exporters) or "-"))
        _check_paper(app, paper)
        _check_output(output, force)
        _finalise_expired(app)
        selection = Selection(paper, date_from, date_to, unit, all_attempts)
        report = build_report(
            app.service,
            selection,
            _paper_title(app, paper),
            app.service.find_question,
            _type_labels(app),
            _progress(t("scores.progress_reading")),
        )
        exporters[fmt].write(report.to_sheet(), output)
        click.echo(t("scores.written", path=output, count=len(report.attempts), absent=len(report.absent)))
        app.warn_plugin_failures()

    @click.command("stats", cls=command_cls, help="stats.help", short_help="stats.short")
    @option("--paper", required=True, help="scores.opt_paper")
    @option("--from", "date_from", metavar="YYYY-MM-DD", callback=_parse_date, help="scores.opt_from")
    @option("--to", "date_to", metavar="YYYY-MM-DD", callback=_parse_date, help="scores.opt_to")
    @option("--unit", help="scores.opt_unit")
    @option("--all-attempts", is_flag=True, help="scores.opt_all_attempts")
    def stats_cmd(
        paper: str, date_from: date | None, date_to: date | None, unit: str | None, all_attempts: bool
    ) -> None:
        from exam.tables import print_table
        from exam.trainer.scoresheet import Selection, build_report, flag_text, format_spread, paper_figures, rounded

        app = _app()
        _check_paper(app, paper)
        _finalise_expired(app)
        report = build_report(
            app.service,
            Selection(paper, date_from, date_to, unit, all_attempts),
            _paper_title(app, paper),
            app.service.find_question,
            _type_labels(app),
            _progress(t("scores.progress_reading")),
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

    @click.command("regrade", cls=command_cls, help="regrade.help", short_help="regrade.short")
    @option("--paper", required=True, help="scores.opt_paper")
    @option("--dry-run", is_flag=True, help="regrade.opt_dry_run")
    @option("--yes", is_flag=True, help="regrade.opt_yes")
    @option("--reason", default="", help="regrade.opt_reason")
    def regrade_cmd(paper: str, dry_run: bool, yes: bool, reason: str) -> None:
        from exam.tables import print_table
        from exam.trainer.regrade import apply_regrade, plan_regrade

        app = _app()
        plan = plan_regrade(app.service, paper, _progress(t("regrade.progress")))
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

    @click.command("mark", cls=command_cls, help="mark.help", short_help="mark.short")
    @click.argument("attempt")
    @click.argument("question")
    @click.argument("points", type=float)
    @option("--note", default="", help="mark.opt_note")
    def mark_cmd(attempt: str, question: str, points: float, note: str) -> None:
        from exam.trainer.regrade import mark_answer, resolve_attempt

        app = _app()
        attempt_id = resolve_attempt(app.service, attempt)
        updated = mark_answer(app.service, attempt_id, question, points, note)
        record = updated.history[-1].detail
        click.echo(
            t("mark.done", name=updated.trainee.name, question=record["question_id"],
              old=_plain(record["old"]), new=_plain(record["new"]), old_score=_plain(record["old_score"]),
              new_score=_plain(record["new_score"]))
        )  # fmt: skip

    @click.command("pending", cls=command_cls, help="mark.pending_help")
    @option("--paper", help="cli.opt_paper")
    def pending_cmd(paper: str | None) -> None:
        from exam.tables import print_table
        from exam.trainer.regrade import pending_reviews
        from exam.trainer.scoresheet import format_key, format_response

        app = _app()
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

    @click.command("extra-time", cls=command_cls, help="extra.help", short_help="extra.short")
    @option("--paper", required=True, help="scores.opt_paper")
    @option("--trainee", "trainee_id", required=True, help="extra.opt_trainee")
    @option("--minutes", required=True, type=click.IntRange(0, 600), help="extra.opt_minutes")
    def extra_time_cmd(paper: str, trainee_id: str, minutes: int) -> None:
        from exam.trainer.extra_time import grant_extra_time

        app = _app()
        extended = grant_extra_time(app.service, paper, trainee_id, minutes)
        click.echo(t("extra.done", trainee=trainee_id, paper=paper, minutes=minutes))
        if extended:
            click.echo(t("extra.extended_open", count=extended))

    @click.group("trainer", cls=group_cls, help="auth.group_help")
    def trainer_group() -> None:
        pass

    @trainer_group.command("set-passphrase", cls=command_cls, help="auth.set_help", short_help="auth.set_short")
    def set_passphrase_cmd() -> None:
        from exam.trainer.auth import check_passphrase_rules, has_passphrase, set_passphrase, verify_passphrase

        app = _app()
        if has_passphrase(app.store):
            current = click.prompt(t("auth.prompt_current"), hide_input=True, default="", show_default=False)
            if not verify_passphrase(app.store, current):
                raise ExamError(t("auth.wrong_current"))
        first = click.prompt(t("auth.prompt_new"), hide_input=True)
        check_passphrase_rules(first)
        second = click.prompt(t("auth.prompt_repeat"), hide_input=True)
        if first != second:
            raise ExamError(t("auth.mismatch"))
        set_passphrase(app.store, first, app.service.clock())
        click.echo(t("auth.set_done"))

    return {
        "export": export_group,
        "stats": stats_cmd,
        "regrade": regrade_cmd,
        "mark": mark_cmd,
        "pending": pending_cmd,
        "extra-time": extra_time_cmd,
        "trainer": trainer_group,
    }
