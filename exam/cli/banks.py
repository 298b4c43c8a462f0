"""``exam banks``: list, check and dump the loaded banks; convert banks from and to Excel, GIFT and Aiken files.

The conversions live in :mod:`exam.formats`; this module reads the options and prints the outcome.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from exam.cli.base import Group, argument, echo_problems, option, pass_app, trainer_only, warn_plugin_failures
from exam.context import AppContext
from exam.errors import BankFormatError, ExamError, Problem
from exam.i18n import t


@click.group("banks", cls=Group, help="cli.banks_help")
def banks_group() -> None:
    """``exam banks``: the subcommands below."""


# -- exam banks list, validate, dump --------------------------------------------------------------------------------


@banks_group.command("list", help="cli.banks_list_help")
@pass_app
def banks_list(app: AppContext) -> None:
    """One row per loaded bank: id, title, version, question count, count per type, the plugin that supplied it."""
    from exam.plugins import Kind
    from exam.qtypes import type_label
    from exam.tables import print_table

    registry = app.registry
    type_names = list(registry.types)
    headers = [t("col.bank"), t("col.title"), t("col.version"), t("col.count")]
    headers += [type_label(registry.types[n]) for n in type_names] + [t("col.plugin")]
    rows = []
    for bank in registry.banks.values():
        counts = bank.count_by_type()
        rows.append(
            [bank.id, bank.title, bank.version, len(bank.questions)]
            + [counts.get(n, 0) for n in type_names]
            + [registry.provider(Kind.BANK, bank.id)]
        )
    print_table(headers, rows)
    warn_plugin_failures(app)


@banks_group.command("validate", help="cli.banks_validate_help")
@argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@option("--grounding", is_flag=True, help="cli.opt_grounding")
@option("--strict", is_flag=True, help="cli.opt_strict")
@option("--figures", is_flag=True, help="cli.opt_figures")
@pass_app
def banks_validate(app: AppContext, paths: tuple[Path, ...], grounding: bool, strict: bool, figures: bool) -> None:
    """Print every problem (and warning) of the bank and paper files; exit 1 if any file has a problem."""
    from exam.bankcheck import bank_quality, overlap_warnings, punctuation_warnings, quality_lines
    from exam.banks import load_bank_file
    from exam.grounding import check_bank
    from exam.papers import load_paper_file

    registry = app.registry
    total = 0
    for path in _expand(paths):
        warnings: list[Problem] = []
        lines: list[str] = []
        try:
            if path.name.endswith(".paper.yaml"):
                load_paper_file(path, list(registry.types))
                problems: list[Problem] = []
            else:
                bank = load_bank_file(path, registry.types, registry.sources)
                problems = check_bank(bank, registry.sources) if grounding else []
                warnings = overlap_warnings(bank) + punctuation_warnings(bank)
                lines = quality_lines(bank_quality(bank)) if figures else []
        except BankFormatError as exc:
            problems = exc.problems
        echo_problems([*problems, *warnings])
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


@banks_group.command("dump", help="cli.banks_dump_help")
@option("--bank", "bank_ids", multiple=True, help="cli.opt_bank")
@option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@pass_app
@trainer_only
def banks_dump(app: AppContext, bank_ids: tuple[str, ...], fmt: str) -> None:
    """Every question (or those of ``bank_ids``) as JSON Lines on stdout, in bank order and then file order."""
    from exam.safetext import safe_json

    registry = app.registry
    unknown = [b for b in bank_ids if b not in registry.banks]
    if unknown:
        raise ExamError(t("cli.unknown_bank", bank=", ".join(unknown), known=", ".join(registry.banks)))
    out = sys.stdout
    for bank in registry.banks.values():
        if bank_ids and bank.id not in bank_ids:
            continue
        for question in bank.questions:
            out.write(safe_json(question.to_dict()) + "\n")


# -- exam banks import, export --------------------------------------------------------------------------------------


def _counts(counts: dict[str, int], app: AppContext) -> str:
    from exam.qtypes import type_label

    types = app.registry.types
    return t("formats.list_sep").join(
        f"{type_label(types[name]) if name in types else name} {count}" for name, count in counts.items()
    )


_IMPORT_FORMATS = ["xlsx", "gift", "aiken", "moodle-xml", "numbered", "docx"]


@banks_group.command("import", help="formats.import_help")
@argument("file", type=click.Path(path_type=Path, dir_okay=False))
@option("--format", "fmt", type=click.Choice(_IMPORT_FORMATS), help="formats.opt_format_in")
@option("-o", "--output", type=click.Path(path_type=Path), required=True, help="formats.opt_output_bank")
@option("--bank-id", help="formats.opt_bank_id")
@option("--title", help="formats.opt_title")
@option("--strict", is_flag=True, help="formats.opt_strict_import")
@option("--force", is_flag=True, help="formats.opt_force")
@pass_app
def banks_import(
    app: AppContext,
    file: Path,
    fmt: str | None,
    output: Path,
    bank_id: str | None,
    title: str | None,
    strict: bool,
    force: bool,
) -> None:
    """Convert a bank file (Excel, GIFT, Aiken, Moodle XML, numbered text, Word) into a bank file, write it and load
    it back as a check. Every question of the file is either imported or listed, and both counts are printed."""
    from exam.banks import load_bank_file
    from exam.formats import convert
    from exam.formats.yaml_writer import dump_bank, dump_document
    from exam.plugins import Kind

    if not file.is_file():
        raise ExamError(t("formats.no_such_file", path=file))
    fmt = fmt or convert.guess_format(file)
    if fmt is None and file.suffix.lower() == ".txt":
        fmt = convert.sniff_text_format(convert.read_text(file))
    if fmt is None:
        raise ExamError(t("formats.cannot_guess", path=file))
    if not output.name.endswith(convert.BANK_SUFFIX):
        raise ExamError(t("formats.output_suffix", path=output))
    if output.exists() and not force:
        raise ExamError(t("formats.output_exists", path=output))
    default_id = convert.default_bank_id(output)
    registry = app.registry
    outcome = convert.import_bank(file, fmt, registry.types, registry.sources, bank_id, title, default_id, strict)
    counts = t("formats.import_counts", path=file, total=outcome.imported + outcome.reported,
               imported=outcome.imported, reported=outcome.reported)  # fmt: skip
    if outcome.conversion_problems:
        echo_problems(sorted(outcome.problems + outcome.skipped, key=lambda p: p.line or 0))
        click.secho(counts, fg="red", err=True)
        if outcome.refused:
            click.secho(t("formats.import_strict", count=outcome.refused, path=file), fg="red", err=True)
        click.secho(t("formats.import_failed", count=len(outcome.problems), path=file), fg="red", err=True)
        raise SystemExit(1)
    if outcome.skipped:
        echo_problems(outcome.skipped)
        click.secho(t("formats.import_skipped", count=len(outcome.skipped)), fg="yellow", err=True)
    header = t("formats.yaml_header", source=file.name, format=fmt)
    if outcome.bank is None:
        # Converted, but not a valid bank yet (Moodle formats have no 出处/原文): write it for the trainer to finish.
        convert.write_new_file(output, dump_document(outcome.document, header).encode("utf-8"), force)
        echo_problems(outcome.problems)
        click.secho(counts, fg="yellow", err=True)
        click.secho(
            t("formats.import_draft", count=len(outcome.problems), path=output, source=file), fg="yellow", err=True
        )
        raise SystemExit(1)
    bank = outcome.bank
    if bank.id in registry.banks and Path(registry.banks[bank.id].path or "").resolve() != output.resolve():
        click.secho(t("formats.import_id_taken", bank=bank.id, plugin=registry.provider(Kind.BANK, bank.id)),
                    fg="yellow", err=True)  # fmt: skip
    convert.write_new_file(output, dump_bank(bank, header).encode("utf-8"), force)
    try:
        written = load_bank_file(output, registry.types, registry.sources)
    except BankFormatError as exc:  # would be a bug in the writer: say so rather than leave a silent bad file
        echo_problems(exc.problems)
        raise ExamError(t("formats.import_reload_failed", path=output)) from None
    click.echo(
        t("formats.imported", count=len(written.questions), path=output, bank=written.id,
          types=_counts(written.count_by_type(), app))
    )  # fmt: skip
    click.echo(counts)


@banks_group.command("export", help="formats.export_help")
@option("--bank", "bank_id", required=True, help="formats.opt_bank_export")
@option("--format", "fmt", type=click.Choice(_IMPORT_FORMATS), help="formats.opt_format_out")
@option("-o", "--output", type=click.Path(path_type=Path), required=True, help="formats.opt_output_file")
@option("--force", is_flag=True, help="formats.opt_force")
@pass_app
@trainer_only
def banks_export(app: AppContext, bank_id: str, fmt: str | None, output: Path, force: bool) -> None:
    """Write a loaded bank as an Excel template, GIFT or Aiken file; questions the format cannot hold are named."""
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
        echo_problems(exc.problems)
        raise ExamError(t("formats.export_failed", count=len(exc.problems), format=fmt)) from None
    write_new_file(output, data, force)
    written = len(bank.questions) - len(skipped)
    click.echo(t("formats.exported", count=written, bank=bank.id, path=output, format=fmt))
    if skipped:
        for problem in skipped:
            click.echo(str(problem), err=True)
        click.secho(t("formats.export_skipped", count=len(skipped), format=fmt), fg="yellow", err=True)


# -- exam banks template, new ---------------------------------------------------------------------------------------


@banks_group.command("template", help="formats.template_help")
@option("-o", "--output", type=click.Path(path_type=Path), default=Path("题库模板.xlsx"), show_default=True,
              help="formats.opt_output_file")  # fmt: skip
@option("--force", is_flag=True, help="formats.opt_force")
def banks_template(output: Path, force: bool) -> None:
    """Write the empty Excel bank template."""
    from exam.formats.convert import write_new_file
    from exam.formats.xlsx_bank import template_bytes

    if output.suffix.lower() != ".xlsx":
        raise ExamError(t("formats.xlsx_suffix", path=output))
    write_new_file(output, template_bytes(), force)
    click.echo(t("formats.template_written", path=output))


@banks_group.command("new", help="formats.new_help")
@argument("name")
@option("-o", "--output", "folder", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              help="formats.opt_new_dir")  # fmt: skip
@option("--title", help="formats.opt_new_title")
@option("--doc", help="formats.opt_new_doc")
@pass_app
def banks_new(app: AppContext, name: str, folder: Path, title: str | None, doc: str | None) -> None:
    """Create a bank plugin project ``exam-bank-NAME`` in ``folder``."""
    from exam.formats.scaffold import package_name, scaffold_bank_plugin
    from exam.plugins import Kind

    if name in app.registry.banks:
        raise ExamError(t("formats.scaffold_taken", name=name, plugin=app.registry.provider(Kind.BANK, name)))
    project = scaffold_bank_plugin(name, folder, title, doc)
    click.echo(t("formats.scaffolded", path=project, package=package_name(name), name=name))
