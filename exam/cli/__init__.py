"""The ``exam`` command. ``exam`` alone starts the TUI; subcommands serve trainers and scripts.

One module per command group (:mod:`exam.cli.banks`, :mod:`exam.cli.papers`, :mod:`exam.cli.results`,
:mod:`exam.cli.trainer`, :mod:`exam.cli.roster`, :mod:`exam.cli.store`, :mod:`exam.cli.serve`,
:mod:`exam.cli.info`), each importing only the shared plumbing in :mod:`exam.cli.base` and the core; this module
names them in :data:`COMMANDS` under :data:`cli`, which imports a command's module only when it is used, and runs it
in :func:`main`.

User errors are one message and a non-zero exit, never a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import os
import sys

import click

from exam import __version__
from exam.cli.base import LazyGroup, Option, option
from exam.config import load_settings
from exam.context import AppContext
from exam.errors import ExamError
from exam.i18n import set_language, t
from exam.safetext import safe_text

__all__ = ["cli", "main"]


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
        from exam.tui.app import run_app  # only here: the subcommands never import Textual

        run_app(ctx.obj)


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
    """Run the ``exam`` command and turn every outcome into an exit status; the console script's entry point.

    Args:
        argv: The arguments after the program name; ``sys.argv[1:]`` when ``None``.

    Returns:
        0 when done; 1 for a user error (one message on stderr, no traceback); 2 for a usage error; 70 for an
        internal error (one line); 130 when interrupted. With ``--debug`` in ``argv`` an error's traceback is
        raised instead.
    """
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
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
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        return 130
    except ExamError as exc:
        if debug:
            raise
        click.secho(t("cli.error", message=safe_text(str(exc), multiline=True)), fg="red", err=True)
        return 1
    except Exception as exc:  # an internal error: still no traceback for the user
        if debug:
            raise
        click.secho(t("cli.internal_error", error=safe_text(f"{type(exc).__name__}: {exc}")), fg="red", err=True)
        return 70
    return 0
