"""The plumbing every command module shares: localised click classes, the context decorator, common output.

Help texts are catalogue keys (``help="cli.banks_help"``), translated each time a help page is shown, so ``--lang``
and the config file decide the language even though the decorators ran at import time.

A command module imports from here and from the core, never from another command module. It imports the core
modules its commands use inside each command: importing every command module is then cheap, so ``exam --help``,
``exam info`` and starting the app load only what they use.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from exam.context import AppContext
from exam.errors import ExamError, Problem
from exam.i18n import t
from exam.safetext import safe_text

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

PROGRESS_FROM = 20
"""Show a progress bar when at least this many attempts are read."""


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
    """A command whose help texts are catalogue keys and whose help page is in the language in force."""


class Group(_Localised, click.Group):
    """A group like :class:`Command`; its ``.command()`` and ``.group()`` make localised commands and groups."""

    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group_class = Group


pass_app = click.make_pass_decorator(AppContext)
"""Pass the run's :class:`~exam.context.AppContext` (made by the ``exam`` group) as a command's first argument."""


# -- trainer commands behind the trainer passphrase (issue 11) -------------------------------------------------------

PASSPHRASE_VARIABLE = "EXAM_TRAINER_PASSPHRASE"
"""The environment variable a script sets to the trainer passphrase instead of typing it (see docs/security.md)."""

PROMPT_TRIES = 3
"""Wrong passphrases typed at the prompt before the command gives up (each wait grows, see exam.trainer.auth)."""

_CHECKED = "exam.trainer_checked"


def _is_terminal(stream: Any) -> bool:
    try:
        return stream is not None and bool(stream.isatty())
    except (ValueError, OSError):  # closed or detached
        return False


def _stdin_is_terminal() -> bool:
    """Whether someone can be asked: standard input is a terminal (not a pipe, a file or a closed stream)."""
    return _is_terminal(sys.stdin)


def _stderr_is_terminal() -> bool:
    """Whether someone watches standard error (a reminder is for a person; a script's log gets one line per error)."""
    return _is_terminal(sys.stderr)


def require_trainer(app: AppContext) -> None:
    """Let the command go on only for the trainer, once per run of ``exam``.

    With no trainer passphrase set (``exam trainer set-passphrase``), everyone may; when stderr is a terminal, a
    reminder there says so and how to set one (in a script's log it would only be noise next to each error).
    Otherwise the passphrase is read from :data:`PASSPHRASE_VARIABLE` when set (one try), else asked for with
    hidden input when standard input is a terminal (up to :data:`PROMPT_TRIES` tries). Checking goes through the
    service, so the delay after wrong passphrases (:mod:`exam.trainer.auth`) applies here as in the app.

    Raises:
        ExamError: The passphrase is wrong, or none was given and nobody can be asked (exit status 1).
        StoreError: The store cannot tell whether a passphrase is set (a damaged record never lets anyone in).
    """
    root = click.get_current_context().find_root()
    if root.meta.get(_CHECKED):
        return
    service = app.service
    if not service.has_trainer_passphrase():
        if _stderr_is_terminal():
            click.secho(t("auth.cli_no_passphrase"), fg="yellow", err=True)
        root.meta[_CHECKED] = True
        return
    given = os.environ.get(PASSPHRASE_VARIABLE)
    if given is not None:
        if not service.verify_trainer_passphrase(given):
            raise ExamError(t("auth.cli_wrong_variable", variable=PASSPHRASE_VARIABLE))
    elif not _stdin_is_terminal():
        raise ExamError(t("auth.cli_needed", variable=PASSPHRASE_VARIABLE))
    else:
        for attempt in range(1, PROMPT_TRIES + 1):
            typed = click.prompt(t("auth.cli_prompt"), hide_input=True, default="", show_default=False, err=True)
            if service.verify_trainer_passphrase(typed):
                break
            if attempt == PROMPT_TRIES:
                raise ExamError(t("auth.cli_wrong", count=PROMPT_TRIES))
            click.secho(t("auth.cli_try_again"), fg="yellow", err=True)
    root.meta[_CHECKED] = True


def trainer_only(func: F) -> F:
    """Make a command the trainer's: placed below ``@pass_app``, it runs only after :func:`require_trainer`.

    Every command that reads everyone's results, shows answer keys or changes anything is guarded; a test walks the
    command tree and runs each command not on its explicit list of open commands without, with a wrong and with the
    right passphrase (tests/core/test_trainer_only.py), so a new command cannot be forgotten.
    """

    @functools.wraps(func)
    def guarded(app: AppContext, *args: Any, **kwargs: Any) -> Any:
        require_trainer(app)
        return func(app, *args, **kwargs)

    return cast(F, guarded)


def warn_plugin_failures(app: AppContext) -> None:
    """One line on stderr if a plugin failed to load, pointing to ``exam plugins`` (loads the registry if needed)."""
    failures = app.registry.failures
    if failures:
        click.secho(t("cli.plugin_failures", count=len(failures)), fg="yellow", err=True)


def echo_problems(problems: Iterable[Problem]) -> None:
    """Print each problem on stdout as one line (``FILE:LINE [QUESTION-ID]: message``)."""
    for problem in problems:
        click.echo(safe_text(str(problem), multiline=True))  # a problem may quote the file's text


def check_output(path: Path, force: bool) -> None:
    """Refuse an output path the command cannot or may not write.

    Args:
        path: The file to be written.
        force: Whether an existing file may be replaced.

    Raises:
        ExamError: ``path`` is a folder, exists without ``force``, or its folder does not exist.
    """
    if path.is_dir():
        raise ExamError(t("scores.output_is_dir", path=path))
    if path.exists() and not force:
        raise ExamError(t("scores.output_exists", path=path))
    if not path.parent.is_dir():
        raise ExamError(t("scores.output_no_folder", path=path.parent))


class ProgressBar:
    """Wraps a list of items in a progress bar on stderr when there are at least :data:`PROGRESS_FROM` of them.

    Args:
        label: The text before the bar.
    """

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, items: Sequence[T]) -> Iterable[T]:
        """The same items: the list itself when it is short or stderr is not a terminal, else read through a bar."""
        if len(items) < PROGRESS_FROM or not sys.stderr.isatty():
            return items  # a bar is only useful to someone watching; in a pipe or a log it is noise
        return self._bar(items)

    def _bar(self, items: Sequence[T]) -> Iterator[T]:
        with click.progressbar(items, label=self.label, file=sys.stderr) as bar:
            yield from bar
