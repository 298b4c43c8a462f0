"""The ``exam`` command. ``exam`` alone starts the TUI; subcommands serve trainers and scripts.

User errors are one message and a non-zero exit, never a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import click

from exam import __version__
from exam.config import Settings, config_file, load_settings
from exam.errors import BankFormatError, ExamError
from exam.i18n import current_language, set_language, t

F = TypeVar("F", bound=Callable[..., Any])


class _CatalogueText:
    """A help attribute that holds a catalogue key and reads as the key's text in the language in force.

    Decorators run when the module is imported, before ``--lang`` or the config file are known; storing the key
    and translating on each read lets ``--help`` follow them. Text that is not a key reads unchanged.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_catalogue_{name}"

    def __get__(self, obj: object, objtype: type | None = None) -> str | None:
        if obj is None:
            return None
        key: str | None = obj.__dict__.get(self.slot)
        return t(key) if key else key

    def __set__(self, obj: object, value: str | None) -> None:
        obj.__dict__[self.slot] = value


class Option(click.Option):
    """An option whose ``help`` is a catalogue key, translated when the help is shown."""

    help = _CatalogueText()


def option(*param_decls: str, **attrs: Any) -> Callable[[F], F]:
    """``click.option`` with ``help`` given as a catalogue key (see :class:`Option`)."""
    return click.option(*param_decls, cls=Option, **attrs)


class _Localised:
    """Click's own words (Usage, Options, Commands) from our catalogue; ``help``/``short_help`` are catalogue keys."""

    help = _CatalogueText()
    short_help = _CatalogueText()

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = t("cli.help_option")
        return option  # type: ignore[no-any-return]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), t("cli.usage") + " ")  # type: ignore[attr-defined]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Arguments are explained in the help text; listed here they would show up as bare names under "Options".
        params = [p for p in self.get_params(ctx) if not isinstance(p, click.Argument)]  # type: ignore[attr-defined]
        rows = [r for p in params if (r := p.get_help_record(ctx))]
        if rows:
            with formatter.section(t("cli.options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            commands = []
            for name in self.list_commands(ctx):
                cmd = self.get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    commands.append((name, cmd.get_short_help_str(80)))
            if commands:
                with formatter.section(t("cli.commands")):
                    formatter.write_dl(commands)


class Command(_Localised, click.Command):
    pass


class Group(_Localised, click.Group):
    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group_class = Group


class AppContext:
    """What every subcommand needs, built lazily: settings, the plugin registry and the store."""

    def __init__(self, settings: Settings, debug: bool) -> None:
        self.settings = settings
        self.debug = debug

    @cached_property
    def registry(self) -> Any:
        from exam.plugins import load_registry

        return load_registry(self.settings.plugins_dir, self.settings.banks_dirs)

    @cached_property
    def store(self) -> Any:
        from exam.store import TinyDBAttemptStore

        return TinyDBAttemptStore(self.settings.db)

    @cached_property
    def service(self) -> Any:
        from exam.service import ExamService

        return ExamService(self.registry, self.store)

    def warn_plugin_failures(self) -> None:
        failures = self.registry.failures
        if failures:
            click.secho(t("cli.plugin_failures", count=len(failures)), fg="yellow", err=True)


pass_app = click.make_pass_decorator(AppContext)


@click.group(cls=Group, invoke_without_command=True, help="cli.main_help")
@option("--db", metavar="PATH", help="cli.opt_db")
@option("--plugins-dir", metavar="DIR", help="cli.opt_plugins_dir")
@option("--banks-dir", "banks_dirs", metavar="DIR", multiple=True, help="cli.opt_banks_dir")
@option("--lang", type=click.Choice(["zh", "en"]), help="cli.opt_lang")
@option("--debug", is_flag=True, help="cli.opt_debug")
@click.version_option(__version__, "-V", "--version", message="exam %(version)s", help="cli.opt_version", cls=Option)
@click.pass_context
def cli(
    ctx: click.Context,
    db: str | None,
    plugins_dir: str | None,
    banks_dirs: tuple[str, ...],
    lang: str | None,
    debug: bool,
) -> None:
    settings = load_settings(db, plugins_dir, banks_dirs, lang)
    set_language(settings.lang)
    ctx.obj = AppContext(settings, debug)
    if ctx.invoked_subcommand is None:
        from exam.tui.app import run_app

        run_app(ctx.obj)


# -- banks --------------------------------------------------------------------------------------------------------


@cli.group(cls=Group, help="cli.banks_help")
def banks() -> None:
    pass


@banks.command("list", help="cli.banks_list_help")
@pass_app
def banks_list(app: AppContext) -> None:
    from exam.tables import print_table

    registry = app.registry
    type_names = list(registry.types)
    headers = [t("col.bank"), t("col.title"), t("col.version"), t("col.count")]
    headers += [registry.types[n].label[0 if t("lang") == "zh" else 1] for n in type_names] + [t("col.plugin")]
    rows = []
    for bank in registry.banks.values():
        counts = bank.count_by_type()
        rows.append(
            [bank.id, bank.title, bank.version, len(bank.questions)]
            + [counts.get(n, 0) for n in type_names]
            + [registry.owner["bank:" + bank.id]]
        )
    print_table(headers, rows)
    app.warn_plugin_failures()


@banks.command("validate", help="cli.banks_validate_help")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@option("--grounding", is_flag=True, help="cli.opt_grounding")
@option("--strict", is_flag=True, help="cli.opt_strict")
@option("--figures", is_flag=True, help="cli.opt_figures")
@pass_app
def banks_validate(app: AppContext, paths: tuple[Path, ...], grounding: bool, strict: bool, figures: bool) -> None:
    from exam.bankcheck import bank_quality, overlap_warnings, quality_lines
    from exam.banks import load_bank_file
    from exam.grounding import check_bank
    from exam.papers import load_paper_file

    registry = app.registry
    total = 0
    for path in _expand(paths):
        warnings = []
        lines: list[str] = []
        try:
            if path.name.endswith(".paper.yaml"):
                load_paper_file(path, list(registry.types))
                problems = []
            else:
                bank = load_bank_file(path, registry.types, registry.sources)
                problems = check_bank(bank, registry.sources) if grounding else []
                warnings = overlap_warnings(bank)
                lines = quality_lines(bank_quality(bank)) if figures else []
        except BankFormatError as exc:
            problems = exc.problems
        for problem in [*problems, *warnings]:
            click.echo(str(problem))
        for line in lines:
            click.echo(f"{path}: {line}")
        failed = len(problems) + (len(warnings) if strict else 0)
        total += failed
        status = t("cli.validate_ok") if not problems else t("cli.validate_bad", count=len(problems))
        if warnings:
            status += t("paper.reason_sep") + t("cli.validate_warnings", count=len(warnings))
        click.secho(f"{path}: {status}", fg="red" if failed else "yellow" if warnings else "green", err=True)
    if total:
        raise SystemExit(1)


def _expand(paths: tuple[Path, ...]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob("*.bank.yaml"))
            yield from sorted(path.glob("*.paper.yaml"))
        else:
            yield path


@banks.command("dump", help="cli.banks_dump_help")
@option("--bank", "bank_ids", multiple=True, help="cli.opt_bank")
@option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@pass_app
def banks_dump(app: AppContext, bank_ids: tuple[str, ...], fmt: str) -> None:
    registry = app.registry
    unknown = [b for b in bank_ids if b not in registry.banks]
    if unknown:
        raise ExamError(t("cli.unknown_bank", bank=", ".join(unknown), known=", ".join(registry.banks)))
    out = sys.stdout
    for bank in registry.banks.values():
        if bank_ids and bank.id not in bank_ids:
            continue
        for question in bank.questions:
            out.write(json.dumps(question.to_dict(), ensure_ascii=False) + "\n")


# -- papers, plugins, results ---------------------------------------------------------------------------------------


@cli.group(cls=Group, help="cli.papers_help")
def papers() -> None:
    pass


@papers.command("list", help="cli.papers_list_help")
@pass_app
def papers_list(app: AppContext) -> None:
    from exam.tables import print_table

    rows = [
        [p.id, p.title, p.question_count, p.total_points, p.pass_mark, p.time_limit, p.attempts or "∞",
         app.registry.owner["paper:" + p.id]]
        for p in app.registry.papers.values()
    ]  # fmt: skip
    print_table(
        [t("col.paper"), t("col.title"), t("col.count"), t("col.total"), t("col.pass_mark"), t("col.minutes"),
         t("col.attempts"), t("col.plugin")],
        rows,
    )  # fmt: skip
    app.warn_plugin_failures()


@cli.command("plugins", cls=Command, help="cli.plugins_help")
@option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def plugins_cmd(app: AppContext, fmt: str) -> None:
    from exam.tables import print_table

    infos = list(app.registry.plugins.values())
    if fmt == "json":
        data = [
            {"name": p.name, "version": p.version, "origin": p.origin, "hooks": p.hooks,
             "contributed": p.contributed, "ok": p.ok, "errors": p.errors}
            for p in infos
        ]  # fmt: skip
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows = [
        [p.name, p.version, "\n".join(p.hooks), "\n".join(p.contributed),
         t("cli.status_ok") if p.ok else t("cli.status_error") + "\n" + "\n".join(p.errors)]
        for p in infos
    ]  # fmt: skip
    print_table([t("col.plugin"), t("col.version"), t("col.hooks"), t("col.contributed"), t("col.status")], rows)


@cli.group("results", cls=Group, invoke_without_command=True, help="cli.results_help")
@option("--paper", help="cli.opt_paper")
@option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.pass_context
def results_cmd(ctx: click.Context, paper: str | None, fmt: str) -> None:
    """``exam results`` lists attempts; its subcommands ``export`` and ``import`` come from :mod:`exam.trainer`."""
    from exam.service import public_attempt, to_iso
    from exam.tables import print_table

    if ctx.invoked_subcommand is not None:
        return
    service = ctx.find_object(AppContext).service  # type: ignore[union-attr]
    summaries = service.attempts(paper=paper)
    for unreadable in getattr(summaries, "unreadable", ()):
        click.secho(t("cli.unreadable_index", path=unreadable), fg="yellow", err=True)
    if fmt == "jsonl":
        for summary in summaries:
            click.echo(json.dumps(public_attempt(service.attempt(summary.attempt_id)), ensure_ascii=False))
        return
    rows = [
        [s.attempt_id[:8], s.trainee.name, s.trainee.id, s.trainee.unit, s.paper,
         t("status." + s.status.value), s.score if s.score is not None else "", s.max_score,
         t("cli.yes") if s.passed else (t("cli.no") if s.passed is not None else ""), to_iso(s.started_at)]
        for s in summaries
    ]  # fmt: skip
    print_table(
        [t("col.attempt"), t("col.name"), t("col.trainee_id"), t("col.unit"), t("col.paper"), t("col.status"),
         t("col.score"), t("col.max_score"), t("col.passed"), t("col.started")],
        rows,
    )  # fmt: skip


@cli.group(cls=Group, help="cli.store_help")
def store() -> None:
    pass


@store.command("repair", help="cli.store_repair_help")
@pass_app
def store_repair(app: AppContext) -> None:
    report = app.store.repair()
    for kept in report.set_aside:
        click.secho(t("cli.store_set_aside", path=kept), fg="yellow", err=True)
    for path in report.unreadable:
        click.secho(t("cli.store_unreadable", path=path), fg="yellow", err=True)
    for path in report.removed:
        click.secho(t("cli.store_removed", path=path), err=True)
    click.echo(t("cli.store_repaired", count=report.attempts, path=app.settings.db))


@cli.command("info", cls=Command, help="cli.info_help")
@pass_app
def info_cmd(app: AppContext) -> None:
    click.echo(f"exam {__version__}")
    click.echo(f"{t('cli.info_db')}: {app.settings.db}")
    click.echo(f"{t('cli.info_config')}: {config_file()}")
    click.echo(f"{t('cli.info_plugins_dir')}: {app.settings.plugins_dir or '-'}")


@cli.command("serve", cls=Command, help="cli.serve_help")
@option("--host", default="127.0.0.1", show_default=True)
@option("--port", default=8000, show_default=True, type=int)
@pass_app
def serve_cmd(app: AppContext, host: str, port: int) -> None:
    import shlex

    from textual_serve.server import Server

    parts = [sys.executable, "-m", "exam", "--db", str(app.settings.db)]
    if app.settings.plugins_dir:
        parts += ["--plugins-dir", str(app.settings.plugins_dir)]
    for folder in app.settings.banks_dirs:
        parts += ["--banks-dir", str(folder)]
    if app.settings.lang:
        parts += ["--lang", current_language()]  # settings.lang may be any spelling, e.g. EXAM_LANG=en_GB
    click.echo(t("cli.serve_url", url=f"http://{host}:{port}"))
    Server(shlex.join(parts), host=host, port=port, title="exam").serve()


def _register_commands() -> None:
    """Trainer commands live with their code (``exam/trainer``, ``exam/formats``) to keep this module readable."""
    from exam.formats import commands as format_commands
    from exam.trainer import commands as trainer_commands

    format_commands.register(cli)
    trainer_commands.register(cli)


def _language_before_parsing(args: list[str]) -> str | None:
    """The language asked for by ``--lang xx``/``--lang=xx``, else ``EXAM_LANG``, else the config file's ``lang``.

    Click handles ``--help`` eagerly while it parses, before :func:`cli` runs, so the help pages can only follow
    ``--lang`` and the config file if the language is settled first.
    """
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    if os.environ.get("EXAM_LANG"):
        return os.environ["EXAM_LANG"]
    try:
        return load_settings().lang
    except Exception:  # a broken config file is reported, as one message, once the command runs
        return None


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn every user error into one message and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    set_language(_language_before_parsing(args))
    _register_commands()
    try:
        cli.main(args=args, prog_name="exam", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo(t("cli.aborted"), err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        return 130
    except ExamError as exc:
        if debug:
            raise
        click.secho(t("cli.error", message=str(exc)), fg="red", err=True)
        return 1
    except Exception as exc:  # an internal error: still no traceback for the user
        if debug:
            raise
        click.secho(t("cli.internal_error", error=f"{type(exc).__name__}: {exc}"), fg="red", err=True)
        return 70
    return 0
