"""The ``exam`` command group: its global options, the list of its subcommands, and running a command line.

One module per command group (:mod:`exam.cli.banks`, :mod:`exam.cli.papers`, :mod:`exam.cli.results`,
:mod:`exam.cli.trainer`, :mod:`exam.cli.roster`, :mod:`exam.cli.store`, :mod:`exam.cli.serve`,
:mod:`exam.cli.info`), each importing only the shared plumbing in :mod:`exam.cli.base` and the core; this module
names them in :data:`COMMANDS` under :data:`cli`, which imports a command's module only when it is used.
:func:`exam.cli.main` (the console script) imports this module for every command line but the bare ``exam``, which
starts the app without click (see :mod:`exam.cli`).
"""

from __future__ import annotations

import os

import click

from exam import __version__
from exam.cli.base import LazyGroup, Option, option
from exam.config import load_settings
from exam.context import AppContext
from exam.i18n import set_language, t

__all__ = ["COMMANDS", "cli", "run"]


COMMANDS: dict[str, str] = {
    "banks": "exam.cli.banks:banks_group",
    "papers": "exam.cli.papers:papers_group",
    "plugins": "exam.cli.info:plugins_command",
    "results": "exam.cli.results:results_group",
    "export": "exam.cli.trainer:export_group",
    "stats": "exam.cli.trainer:stats_command",
    "regrade": "exam.cli.trainer:regrade_command",
    "mark": "exam.cli.trainer:mark_command",
    "pending": "exam.cli.trainer:pending_command",
    "extra-time": "exam.cli.trainer:extra_time_command",
    "trainer": "exam.cli.trainer:trainer_group",
    "roster": "exam.cli.roster:roster_group",
    "store": "exam.cli.store:store_group",
    "info": "exam.cli.info:info_command",
    "serve": "exam.cli.serve:serve_command",
}
"""Every subcommand of ``exam``, by name: where it is defined (``module:attribute``), imported only when it runs or
the help page lists it (:class:`~exam.cli.base.LazyGroup`), so that ``exam`` alone reaches the sign-in screen
without them."""


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, invoke_without_command=True, help="cli.main_help")
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
    debug: bool,  # read by main() before parsing, so that it also covers errors click raises while parsing
) -> None:
    """The ``exam`` group: settle the settings and the language, make the run's context; alone, start the app."""
    settings = load_settings(db, plugins_dir, banks_dirs, lang)
    set_language(settings.lang)
    ctx.obj = AppContext(settings)
    if ctx.invoked_subcommand is None:
        from exam.cli import start_app  # the package that holds this module: already imported

        start_app(ctx.obj)


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


def run(args: list[str]) -> int:
    """Parse ``args`` (the arguments after the program name) with click and run the command they name.

    Returns:
        The exit status of click's own outcomes: 0 when done, that of ``--version``/``--help``, 130 when aborted at
        a prompt, 2 for a usage error (the message shown), or the status of a :class:`click.ClickException`. Every
        other error propagates to :func:`exam.cli.main`, which reports it.
    """
    set_language(_language_before_parsing(args))
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
    return 0
