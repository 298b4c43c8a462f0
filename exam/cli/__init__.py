"""The ``exam`` command. ``exam`` alone starts the TUI; subcommands serve trainers and scripts.

:func:`main` is the console script. ``exam`` with no arguments, what every trainee runs, starts the app straight
away: it reads the settings and imports the app, and neither click nor the command group, which it does not need.
Every other command line is parsed by the click group :data:`~exam.cli.root.cli` (in :mod:`exam.cli.root`, also
reachable here as ``exam.cli.cli``), which imports a subcommand's module only when it is used; so is a bare ``exam``
whose settings cannot be read, so that the error is reported exactly as for any other command.

User errors are one message and a non-zero exit, never a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

from exam.config import Settings, load_settings
from exam.context import AppContext
from exam.errors import ExamError
from exam.i18n import set_language, t

if TYPE_CHECKING:
    from exam.cli.root import COMMANDS, cli

__all__ = ["COMMANDS", "cli", "main", "start_app"]


def __getattr__(name: str) -> object:
    """``exam.cli.cli`` and ``exam.cli.COMMANDS``, from :mod:`exam.cli.root`, imported on first use (PEP 562): the
    bare ``exam`` never imports click."""
    if name in ("cli", "COMMANDS"):
        from exam.cli import root

        return getattr(root, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def start_app(context: AppContext) -> None:
    """Start the TUI with ``context``'s settings (``exam`` with no subcommand); returns when the app ends.

    Python's cyclic garbage collector is paused from here until the sign-in screen is on the terminal: start-up
    (importing Textual and the app, building and drawing the first screen) makes some 90,000 objects that are nearly
    all still in use, so the collections they would trigger (a full one among them, about 20 ms) would find little
    and only put off the first screen. :func:`exam.tui.app.run_app` freezes what the imports made (:func:`gc.freeze`:
    modules, classes and functions, kept for the life of the process) and the app resumes collecting once that
    screen is drawn; the pause ends here at the latest. A collector already paused by the caller stays paused.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        from exam.tui.app import run_app  # only here: the subcommands never import Textual

        run_app(context, resume_gc=collecting)
    finally:
        if collecting:
            gc.enable()


def _settings_or_none() -> Settings | None:
    """The settings of a bare ``exam`` (environment and config file), or ``None`` when they cannot be read: the
    click path then reads them again and reports why, as it does for every command."""
    try:
        return load_settings()
    except Exception:
        return None


def _echo_error(text: str) -> None:
    """``text`` in red on stderr: click's ``secho``, imported only when there is an error to show."""
    import click

    click.secho(text, fg="red", err=True)


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
    try:
        settings = None if args else _settings_or_none()
        if settings is not None:
            # The bare ``exam``: what the click group's callback does for it (exam.cli.root.cli), without click.
            set_language(settings.lang)
            start_app(AppContext(settings))
            return 0
        from exam.cli.root import run

        return run(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        return 130
    except ExamError as exc:
        if debug:
            raise
        from exam.safetext import safe_text

        _echo_error(t("cli.error", message=safe_text(str(exc), multiline=True)))
        return 1
    except Exception as exc:  # an internal error: still no traceback for the user
        if debug:
            raise
        from exam.safetext import safe_text

        _echo_error(t("cli.internal_error", error=safe_text(f"{type(exc).__name__}: {exc}")))
        return 70
