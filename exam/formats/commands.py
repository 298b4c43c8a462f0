"""Command-line commands of this package; :func:`register` adds them to the ``exam`` group.

``exam banks import|export|new|template`` join the core's ``banks`` group; ``exam roster import|list`` is a group
of its own (its logic lives in :mod:`exam.trainer.roster`).
"""

from __future__ import annotations

from pathlib import Path

import click

from exam.cli import AppContext, Command, Group, option, pass_app
from exam.errors import BankFormatError, ExamError, Problem
from exam.i18n import t


def _echo_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem))


def _counts(counts: dict[str, int], app: AppContext) -> str:
    types = app.registry.types
    lang = 0 if t("lang") == "zh" else 1
    return t("formats.list_sep").join(
        f"{types[name].label[lang] if name in types else name} {count}" for name, count in counts.items()
    )


# -- exam banks import ----------------------------------------------------------------------------------------------


@click.command("import", cls=Command, help="formats.import_help")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@option("--format", "fmt", type=click.Choice(["xlsx", "gift", "aiken"]), help="formats.opt_format_in")
@option("-o", "--output", type=click.Path(path_type=Path), required=True, help="formats.opt_output_bank")
@option("--bank-id", help="formats.opt_bank_id")
@option("--title", help="formats.opt_title")
@option("--force", is_flag=True, help="formats.opt_force")
@pass_app
def banks_import(
    app: AppContext, file: Path, fmt: str | None, output: Path, bank_id: str | None, title: str | None, force: bool
) -> None:
    from exam.banks import load_bank_file
    from exam.formats.convert import BANK_SUFFIX, default_bank_id, guess_format, import_bank, write_new_file
    from exam.formats.yaml_writer import dump_bank, dump_document
    from exam.plugins import Kind

    fmt = fmt or guess_format(file)
    if fmt is None:
        raise ExamError(t("formats.cannot_guess", path=file))
    if not file.is_file():
        raise ExamError(t("formats.no_such_file", path=file))
    if not output.name.endswith(BANK_SUFFIX):
        raise ExamError(t("formats.output_suffix", path=output))
    if output.exists() and not force:
        raise ExamError(t("formats.output_exists", path=output))
    default_id = default_bank_id(output)
    registry = app.registry
    outcome = import_bank(file, fmt, registry.types, registry.sources, bank_id, title, default_id)
    if outcome.conversion_problems:
        _echo_problems(outcome.problems)
        click.secho(t("formats.import_failed", count=len(outcome.problems), path=file), fg="red", err=True)
        raise SystemExit(1)
    header = t("formats.yaml_header", source=file.name, format=fmt)
    if outcome.bank is None:
        # Converted, but not a valid bank yet (Moodle formats have no 出处/原文): write it for the trainer to finish.
        write_new_file(output, dump_document(outcome.document, header).encode("utf-8"), force)
        _echo_problems(outcome.problems)
        click.secho(
            t("formats.import_draft", count=len(outcome.problems), path=output, source=file), fg="yellow", err=True
        )
        raise SystemExit(1)
    bank = outcome.bank
    if bank.id in registry.banks and Path(registry.banks[bank.id].path or "").resolve() != output.resolve():
        click.secho(t("formats.import_id_taken", bank=bank.id, plugin=registry.provider(Kind.BANK, bank.id)),
                    fg="yellow", err=True)  # fmt: skip
    write_new_file(output, dump_bank(bank, header).encode("utf-8"), force)
    try:
        written = load_bank_file(output, registry.types, registry.sources)
    except BankFormatError as exc:  # would be a bug in the writer: say so rather than leave a silent bad file
        _echo_problems(exc.problems)
        raise ExamError(t("formats.import_reload_failed", path=output)) from None
    click.echo(
        t("formats.imported", count=len(written.questions), path=output, bank=written.id,
          types=_counts(written.count_by_type(), app))
    )  # fmt: skip


# -- exam banks export ----------------------------------------------------------------------------------------------


@click.command("export", cls=Command, help="formats.export_help")
@option("--bank", "bank_id", required=True, help="formats.opt_bank_export")
@option("--format", "fmt", type=click.Choice(["xlsx", "gift", "aiken"]), help="formats.opt_format_out")
@option("-o", "--output", type=click.Path(path_type=Path), required=True, help="formats.opt_output_file")
@option("--force", is_flag=True, help="formats.opt_force")
@pass_app
def banks_export(app: AppContext, bank_id: str, fmt: str | None, output: Path, force: bool) -> None:
    from exam.formats.convert import export_bank, guess_format, write_new_file

    registry = app.registry
    if bank_id not in registry.banks:
        raise ExamError(t("cli.unknown_bank", bank=bank_id, known=", ".join(registry.banks)))
    fmt = fmt or guess_format(output)
    if fmt is None:
        raise ExamError(t("formats.cannot_guess", path=output))
    if fmt == "xlsx" and output.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ExamError(t("formats.xlsx_suffix", path=output))
    if output.exists() and not force:
        raise ExamError(t("formats.output_exists", path=output))
    bank = registry.banks[bank_id]
    try:
        data, skipped = export_bank(bank, fmt)
    except BankFormatError as exc:
        _echo_problems(exc.problems)
        raise ExamError(t("formats.export_failed", count=len(exc.problems), format=fmt)) from None
    write_new_file(output, data, force)
    written = len(bank.questions) - len(skipped)
    click.echo(t("formats.exported", count=written, bank=bank.id, path=output, format=fmt))
    if skipped:
        for problem in skipped:
            click.echo(str(problem), err=True)
        click.secho(t("formats.export_skipped", count=len(skipped), format=fmt), fg="yellow", err=True)


# -- exam banks template, exam banks new ----------------------------------------------------------------------------


@click.command("template", cls=Command, help="formats.template_help")
@option("-o", "--output", type=click.Path(path_type=Path), default=Path("题库模板.xlsx"), show_default=True,
              help="formats.opt_output_file")  # fmt: skip
@option("--force", is_flag=True, help="formats.opt_force")
def banks_template(output: Path, force: bool) -> None:
    from exam.formats.convert import write_new_file
    from exam.formats.xlsx_bank import template_bytes

    if output.suffix.lower() != ".xlsx":
        raise ExamError(t("formats.xlsx_suffix", path=output))
    write_new_file(output, template_bytes(), force)
    click.echo(t("formats.template_written", path=output))


@click.command("new", cls=Command, help="formats.new_help")
@click.argument("name")
@option("-o", "--output", "folder", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              help="formats.opt_new_dir")  # fmt: skip
@option("--title", help="formats.opt_new_title")
@option("--doc", help="formats.opt_new_doc")
@pass_app
def banks_new(app: AppContext, name: str, folder: Path, title: str | None, doc: str | None) -> None:
    from exam.formats.scaffold import package_name, scaffold_bank_plugin
    from exam.plugins import Kind

    if name in app.registry.banks:
        raise ExamError(t("formats.scaffold_taken", name=name, plugin=app.registry.provider(Kind.BANK, name)))
    project = scaffold_bank_plugin(name, folder, title, doc)
    click.echo(t("formats.scaffolded", path=project, package=package_name(name), name=name))


# -- exam roster ----------------------------------------------------------------------------------------------------


@click.group("roster", cls=Group, help="roster.help")
def roster() -> None:
    pass


@roster.command("import", help="roster.import_help")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_app
def roster_import(app: AppContext, file: Path) -> None:
    from exam.trainer.roster import RosterError, import_roster

    if not file.is_file():
        raise ExamError(t("formats.no_such_file", path=file))
    try:
        result = import_roster(app.store, file)
    except RosterError as exc:
        _echo_problems(exc.problems)
        click.secho(t("roster.import_failed", count=len(exc.problems), path=file), fg="red", err=True)
        raise SystemExit(1) from None
    click.echo(
        t("roster.imported", total=result.total, added=result.added, updated=result.updated,
          unchanged=result.unchanged)
    )  # fmt: skip


@roster.command("list", help="roster.list_help")
@option("--unit", help="roster.opt_unit")
@pass_app
def roster_list(app: AppContext, unit: str | None) -> None:
    from exam.tables import print_table
    from exam.trainer.roster import roster_members

    members = [m for m in roster_members(app.store) if unit is None or m.unit == unit]
    if not members:
        click.echo(t("roster.none"))
        return
    print_table(
        [t("roster.col_id"), t("roster.col_name"), t("roster.col_unit"), t("roster.col_position")],
        [[m.id, m.name, m.unit, m.position] for m in members],
    )
    click.echo(t("roster.count", count=len(members)))


def register(cli: click.Group) -> None:
    """Add this package's commands to ``cli``: four to ``exam banks``, and the ``exam roster`` group."""
    banks = cli.commands["banks"]
    assert isinstance(banks, click.Group)
    for command in (banks_import, banks_export, banks_template, banks_new):
        banks.add_command(command)
    cli.add_command(roster)
