"""The sheet commands: template, import, export-sheet. Each only gathers its arguments and calls
the functions in this package."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..rdf.files import atomic_write
from .importer import ImportSetupError, import_sheet
from .mapping import kind_name, kinds
from .tables import SheetError
from .templates import context, describe_csv_bytes, describe_text, export_rows, template_bytes


def _kind(ctx, param, value: str) -> str:
    try:
        return kind_name(value)
    except KeyError as err:
        raise click.BadParameter(str(err.args[0])) from None


def _format(out: str | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    return "xlsx" if out and Path(out).suffix.lower() in (".xlsx", ".xlsm") else "csv"


def _write_or_print(out: str | None, fmt: str, data: bytes, what: str) -> bool:
    """Write to OUT atomically (True), or print a CSV to stdout when no file is given (False)."""
    if out:
        atomic_write(Path(out), data)
        return True
    if fmt == "xlsx":
        raise click.UsageError(f"an XLSX {what} needs a file: use -o NAME.xlsx")
    click.echo(data.decode("utf-8-sig"), nl=False)
    return False


def _setup_failure(err: Exception) -> None:
    click.echo(f"Error: {err}", err=True)
    sys.exit(2)


KIND_HELP = "One of: " + ", ".join(kinds()) + " (singular or plural)."
data_option = click.option("--data", "data_dir", default="data", show_default=True, type=click.Path(),
                           help="The data directory.")
ontology_option = click.option("--ontology-dir", default="ontology", show_default=True, type=click.Path(),
                               help="Where partnergraph.ttl and shapes.ttl are.")
lang_option = click.option("--lang", type=click.Choice(["en", "sv"]), default="en", show_default=True,
                           help="Language of the column reference and of the values written (both are read back).")


TEMPLATE_HELP = """Write an empty spreadsheet template for KIND, made from the ontology and the shapes.

An XLSX template carries the column reference as its second sheet and drop-down lists of the
allowed values; a CSV template written with -o gets the reference next to it as
NAME-columns.csv. """ + KIND_HELP

EXPORT_HELP = """Write the current data of KIND as its template, one row per resource, ready to be
corrected and imported again. """ + KIND_HELP


@click.command("template", help=TEMPLATE_HELP)
@click.argument("kind", callback=_kind, metavar="KIND")
@click.option("-o", "--out", type=click.Path(dir_okay=False),
              help="Write the template here (.csv or .xlsx); default: CSV on standard output.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), help="Format (default: from the file name, else csv).")
@click.option("--describe", is_flag=True, help="Print the column reference (Markdown) instead of the template.")
@lang_option
@data_option
@ontology_option
def template_command(kind, out, fmt, describe, lang, data_dir, ontology_dir) -> None:
    try:
        ctx = context(kind, data_dir, ontology_dir)
    except ImportSetupError as err:
        _setup_failure(err)
    if describe:
        click.echo(describe_text(ctx, lang), nl=False)
        return
    fmt = _format(out, fmt)
    if not _write_or_print(out, fmt, template_bytes(ctx, fmt, lang), "template"):
        return
    written = [out]
    if fmt == "csv":
        sidecar = Path(out).with_name(Path(out).stem + "-columns.csv")
        atomic_write(sidecar, describe_csv_bytes(ctx, lang))
        written.append(str(sidecar))
    click.echo(f"Wrote {' and '.join(written)}", err=True)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--kind", "kind", required=True, callback=_kind, help="What the rows are. " + KIND_HELP)
@click.option("--dry-run", is_flag=True, help="Check and show what would be added and changed; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Leave out the rows that do not pass (they are listed) and import the rest.")
@click.option("--publisher", help="The organisation the sheet comes from (a name or id in the graph), recorded on its source.")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary, not the triples.")
@data_option
@ontology_option
def import_command(file, kind, dry_run, skip_invalid, publisher, quiet, data_dir, ontology_dir) -> None:
    """Import the rows of a spreadsheet (CSV or XLSX) into the data.

    Every row is checked, and the whole graph as it would be is validated with the SHACL shapes,
    before anything is written; a row that fails is named with its row, column and the rule.
    Exit status: 0 imported (or nothing to do), 1 rows do not pass (nothing written), 2 could not run.
    """
    try:
        result = import_sheet(file, kind, data_dir=data_dir, ontology_dir=ontology_dir, dry_run=dry_run,
                              skip_invalid=skip_invalid, publisher=publisher)
    except (ImportSetupError, SheetError) as err:
        _setup_failure(err)
    if result.problems:
        click.echo(result.report(), err=True)
        click.echo(result.summary(), err=True)
        sys.exit(1)
    if result.skipped:
        click.echo(result.report(), err=True)
    if result.changed and not quiet:
        click.echo(result.diff())
    click.echo(result.summary(), err=True)


@click.command("export-sheet", help=EXPORT_HELP)
@click.argument("kind", callback=_kind, metavar="KIND")
@click.option("-o", "--out", type=click.Path(dir_okay=False), help="Write here (.csv or .xlsx); default: CSV on standard output.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), help="Format (default: from the file name, else csv).")
@lang_option
@data_option
@ontology_option
def export_sheet_command(kind, out, fmt, lang, data_dir, ontology_dir) -> None:
    try:
        ctx = context(kind, data_dir, ontology_dir)
    except ImportSetupError as err:
        _setup_failure(err)
    fmt = _format(out, fmt)
    rows = export_rows(ctx, lang)
    if not _write_or_print(out, fmt, template_bytes(ctx, fmt, lang, rows), "sheet"):
        return
    click.echo(f"Wrote {len(rows)} row(s) to {out}", err=True)


COMMANDS = (template_command, import_command, export_sheet_command)


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
