"""The plumbing every command module shares: localised click classes, the context decorator, common output.

Help texts are catalogue keys (``help="cli.banks_help"``), translated each time a help page is shown, so ``--lang``
and the config file decide the language even though the decorators ran at import time.

A command module imports from here and from the core, never from another command module. It imports the core
modules its commands use inside each command: importing every command module is then cheap, so ``exam --help``,
``exam info`` and starting the app load only what they use.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types
from click import _textwrap as click_textwrap  # private: the wrapper click's help uses

from exam.context import AppContext
from exam.errors import ExamError, Problem
from exam.i18n import current_language, t
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


# -- click's own words ---------------------------------------------------------------------------------------------
# Click marks its messages for gettext (``_("Usage:")``) but ships no Chinese; its modules call the ``_`` and
# ``ngettext`` they imported from :mod:`gettext`. :func:`localise_click` replaces those two names in click's modules
# with lookups in our catalogue, so headings, defaults and every usage error follow the language in force. A
# message not listed reads as click wrote it.

CLICK_MESSAGES: dict[str, str] = {
    "Usage:": "click.usage",
    "Options": "cli.options",
    "Commands": "cli.commands",
    "Positional arguments": "click.arguments",
    "Show this message and exit.": "cli.help_option",
    "Show the version and exit.": "cli.opt_version",
    "default: {default}": "click.default",
    "required": "click.required",
    "env var: {var}": "click.env_var",
    "(dynamic)": "click.dynamic",
    "Error: {message}": "click.error",
    "Try '{command} {option}' for help.": "click.try_help",
    "No such option {name!r}.": "click.no_such_option",
    "No such command {name!r}.": "click.no_such_command",
    "Missing command.": "click.missing_command",
    "Missing argument": "click.missing_argument",
    "Missing option": "click.missing_option",
    "Missing parameter": "click.missing_parameter",
    "Missing parameter: {param_name}": "click.missing_parameter_name",
    "Missing {param_type}": "click.missing_param_type",
    "Invalid value for {param_hint}: {message}": "click.invalid_value_for",
    "Invalid value: {message}": "click.invalid_value",
    "unknown error": "click.unknown_error",
    "Aborted!": "cli.aborted",
    "Got unexpected extra argument ({args})": "click.extra_arguments",
    "Option {name!r} requires an argument.": "click.option_requires_argument",
    "Option {name!r} does not take a value.": "click.option_takes_no_value",
    "Did you mean {possibility}?": "click.did_you_mean",
    "{value!r} is not {choice}.": "click.not_a_choice",
    "{value!r} is not a valid {number_type}.": "click.not_a_number",
    "{value} is not in the range {range}.": "click.not_in_range",
    "{value!r} does not match the format {format}.": "click.bad_format",
    "{name} {filename!r} does not exist.": "click.does_not_exist",
    "{name} {filename!r} is a directory.": "click.is_a_directory",
    "{name} {filename!r} is a file.": "click.is_a_file",
    "{name} {filename!r} is not readable.": "click.not_readable",
    "{name} {filename!r} is not writable.": "click.not_writable",
    "Could not open file {filename!r}: {message}": "click.cannot_open",
    "Do you want to continue?": "click.continue",
    "Confirm the action without prompting.": "click.confirm_option",
    "Repeat for confirmation": "click.repeat",
    "Error: The two entered values do not match.": "click.values_differ",
    "Error: invalid input": "click.invalid_input",
}
"""Click's message ids (as in its source) → our catalogue keys; for a plural message, the singular id. Not
``"file"``, ``"directory"``, ``"path"``: click translates them once, when a parameter is defined (at import, before
the language is known); the Chinese path messages leave them out."""

METAVARS: dict[str, str] = {
    "OPTIONS": "metavar.options",
    "COMMAND": "metavar.command",
    "ARGS": "metavar.args",
    "TEXT": "metavar.text",
    "INTEGER": "metavar.integer",
    "FLOAT": "metavar.float",
    "RANGE": "metavar.range",
    "PATH": "metavar.path",
    "PATHS": "metavar.paths",
    "DIR": "metavar.dir",
    "DIRECTORY": "metavar.dir",
    "FILE": "metavar.file",
    "FILES": "metavar.files",
    "FILENAME": "metavar.file",
    "NAME": "metavar.name",
    "ATTEMPT": "metavar.attempt",
    "QUESTION": "metavar.question",
    "POINTS": "metavar.points",
    "TRAINEE_ID": "metavar.trainee_id",
    "URL": "metavar.url",
}
"""The placeholders of usage lines and option lists (click's type names, our argument names) → catalogue keys."""

_METAVAR_WORD = re.compile(r"\b[A-Z][A-Z_]+\b")


def _click_gettext(message: str) -> str:
    key = CLICK_MESSAGES.get(message)
    return t(key) if key else message


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    key = CLICK_MESSAGES.get(singular)
    if key is None or current_language() == "en":
        return singular if n == 1 else plural
    return t(key)


def _cell_length(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two (click counts characters)."""
    from rich.cells import cell_len  # here: only help pages and tables measure text

    return cell_len(click.unstyle(text))


_WIDE = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
_OPENING = "（《「『“‘"
_CLOSING = "，。；：、！？）》」』”’"
_WRAP_UNIT = re.compile(rf"[{_OPENING}]*(?:[^{_WIDE}{_OPENING}{_CLOSING}]+|[{_WIDE}])[{_CLOSING}]*")


class _TextWrapper(click_textwrap.TextWrapper):
    """Click's wrapper, which can also break Chinese text between any two characters (it has no spaces), but never
    before closing or after opening punctuation (避头尾: no line begins with ，。）)."""

    def _split(self, text: str) -> list[str]:
        chunks: list[str] = []
        for chunk in super()._split(text):
            units = _WRAP_UNIT.findall(chunk) if re.search(f"[{_WIDE}]", chunk) else []
            chunks.extend(units if "".join(units) == chunk else [chunk])
        return chunks


def localise_click() -> None:
    """Make click's own messages come from the catalogue (see :data:`CLICK_MESSAGES`), its help columns line up under
    Chinese text and Chinese help wrap at the page's width (widths in terminal cells, not characters); idempotent."""
    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui,
                   click.types):  # fmt: skip
        names = vars(module)  # the module's globals, which its functions read at call time
        names["_"] = _click_gettext
        if "ngettext" in names:
            names["ngettext"] = _click_ngettext
    vars(click.formatting)["term_len"] = _cell_length
    vars(click_textwrap)["term_len"] = _cell_length
    vars(click_textwrap)["TextWrapper"] = _TextWrapper  # click.formatting.wrap_text imports it on each call


def localise_metavar(text: str) -> str:
    """``text`` (a usage piece or an option's metavar) with each placeholder of :data:`METAVARS` translated."""
    return _METAVAR_WORD.sub(lambda m: t(METAVARS[m.group()]) if m.group() in METAVARS else m.group(), text)


localise_click()


class HelpFormatter(click.HelpFormatter):
    """Click's formatter with the heading's colon of the language in force (``选项：``, ``Options:``)."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{t('cli.heading', heading=heading)}\n")


class Context(click.Context):
    """A click context that formats help with :class:`HelpFormatter`."""

    formatter_class = HelpFormatter


class Option(click.Option):
    """An option whose ``help`` is a catalogue key, translated when the help is shown, and whose metavar is in
    the language in force."""

    help = _CatalogueText()

    def make_metavar(self, ctx: click.Context) -> str:
        return localise_metavar(super().make_metavar(ctx))


def option(*param_decls: str, **attrs: Any) -> Callable[[F], F]:
    """``click.option`` with ``help`` given as a catalogue key (see :class:`Option`)."""
    return click.option(*param_decls, cls=Option, **attrs)


class Argument(click.Argument):
    """An argument whose placeholder (in the usage line and in error messages) is in the language in force."""

    def make_metavar(self, ctx: click.Context) -> str:
        return localise_metavar(super().make_metavar(ctx))


def argument(*param_decls: str, **attrs: Any) -> Callable[[F], F]:
    """``click.argument`` with a localised placeholder (see :class:`Argument`)."""
    return click.argument(*param_decls, cls=Argument, **attrs)


class _Localised:
    """Click's own words (Usage, Options, Commands) from our catalogue; ``help``/``short_help`` are catalogue keys."""

    help = _CatalogueText()
    short_help = _CatalogueText()
    context_class: type[click.Context] = Context

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = t("cli.help_option")
        return option  # type: ignore[no-any-return]

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [localise_metavar(piece) for piece in super().collect_usage_pieces(ctx)]  # type: ignore[misc]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), t("click.usage_prefix"))

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


class LazyGroup(Group):
    """A group whose subcommands are imported when they are asked for (click's "lazily loading subcommands").

    ``exam`` alone starts the app and ``exam banks list`` needs only the ``banks`` group, so neither imports the
    modules of the other commands; the group's own help page imports them all, for their one-line summaries.

    Args:
        lazy_commands: Subcommand name → ``"module:attribute"`` of its :class:`click.Command`.
    """

    def __init__(self, *args: Any, lazy_commands: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module_name, _, attribute = self.lazy_commands[cmd_name].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command) or command.name != cmd_name:
            raise TypeError(f"{self.lazy_commands[cmd_name]} is not the command {cmd_name!r}")
        self.add_command(command)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:  # "did you mean" among every command, not only those loaded
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None


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
