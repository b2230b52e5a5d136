"""Empty templates, the column reference, and the current data written back as a template
(export-sheet). All three are made from the mapping and what schema.py reads from the ontology,
the shapes and the concept schemes, at the moment they are asked for."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef

from ..rdf import iris
from .convert import CellError, Index, parse_concept
from .importer import DataFiles, ImportSetupError
from .mapping import SEPARATOR, Column, Mapping, MappingError, load_mapping, plain_rule
from .schema import Schema
from .tables import csv_bytes, xlsx_bytes

DOC_HEADER = {
    "en": ["column", "required", "values", "type", "allowed values", "example", "what (English)", "vad (svenska)", "rules"],
    "sv": ["kolumn", "obligatorisk", "värden", "typ", "tillåtna värden", "exempel", "what (English)", "vad (svenska)", "regler"],
}
DOC_TITLE = {"en": "columns", "sv": "kolumner"}


@dataclass
class Context:
    schema: Schema
    mapping: Mapping
    union: rdflib.Graph


def context(kind: str, data_dir: str | Path = "data", ontology_dir: str | Path = "ontology") -> Context:
    union = DataFiles.load(data_dir).union()
    try:
        schema = Schema.from_dirs(ontology_dir, union)
        return Context(schema, load_mapping(kind, schema), union)
    except (OSError, MappingError, KeyError) as err:
        raise ImportSetupError(str(err)) from err


def _required_text(column: Column, lang: str) -> str:
    sv = lang == "sv"
    if column.needs_column:
        if column.min_count > 1:
            return f"ja, minst {column.min_count}" if sv else f"yes, at least {column.min_count}"
        return "ja" if sv else "yes"
    if column.required:
        source = ", ".join(column.fallback) or ("standardvärde" if sv else "a default")
        return f"ja (annars: {source})" if sv else f"yes (else: {source})"
    return "nej" if sv else "no"


def _allowed_text(column: Column, lang: str) -> str:
    if not column.allowed:
        return ""
    if column.type == "sdg":
        return "; ".join(f"{a.value} {a.label_sv if lang == 'sv' else a.label_en}" for a in column.allowed)
    return "; ".join(f"{a.label_en} / {a.label_sv}" if a.label_en != a.label_sv else a.label_en for a in column.allowed)


def describe(ctx: Context, lang: str = "en") -> tuple[list[str], list[list[str]]]:
    """The column reference: one row per column of the template."""
    rows = []
    for column in ctx.mapping.columns:
        several = (f"flera, åtskilda med '{SEPARATOR}'" if lang == "sv" else f"several, separated by '{SEPARATOR}'") \
            if column.multiple else ("ett" if lang == "sv" else "one")
        rows.append([column.name, _required_text(column, lang), several, column.kind_text(lang),
                     _allowed_text(column, lang), column.example, column.what_en, column.what_sv,
                     " ".join(_rule(ctx, m) for m in column.rules)])
    return DOC_HEADER[lang], rows


def _rule(ctx: Context, message: str) -> str:
    return plain_rule(message, ctx.mapping, ctx.schema)


def describe_text(ctx: Context, lang: str = "en") -> str:
    """The column reference as Markdown (for --describe and docs/data-entry.md)."""
    header, rows = describe(ctx, lang)
    mapping = ctx.mapping
    title = mapping.title_sv if lang == "sv" else mapping.title_en
    lines = [f"### {title} (`{mapping.sheet}`)", ""]
    lines.append("| " + " | ".join(header[:6] + [header[6 if lang == "en" else 7]]) + " |")
    lines.append("|" + "---|" * 7)
    for row in rows:
        cells = row[:6] + [row[6] + (f" {row[8]}" if row[8] else "") if lang == "en" else row[7]]
        lines.append("| " + " | ".join(_cell(c, i) for i, c in enumerate(cells)) + " |")
    return "\n".join(lines) + "\n"


def _cell(text: str, index: int) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return f"`{text}`" if index in (0, 5) and text else text


def template_bytes(ctx: Context, fmt: str, lang: str = "en", rows: list[list[str]] | None = None) -> bytes:
    rows = rows or []
    if fmt == "xlsx":
        header, docs = describe(ctx, lang)
        return xlsx_bytes(ctx.mapping, rows, header, docs, DOC_TITLE[lang])
    return csv_bytes(ctx.mapping.names, rows)


def describe_csv_bytes(ctx: Context, lang: str = "en") -> bytes:
    header, rows = describe(ctx, lang)
    return csv_bytes(header, rows)


# -- export-sheet ---------------------------------------------------------------------------

def export_rows(ctx: Context, lang: str = "en", base: str = iris.DEFAULT_BASE) -> list[list[str]]:
    """Every resource of the sheet's kind, one row each, in the template's columns, written so
    that importing the rows again changes nothing."""
    schema, mapping, union = ctx.schema, ctx.mapping, ctx.union
    index = Index(union, schema, base)
    prefix = f"{base}id/{mapping.kind}/"
    subjects = [s for s in schema.instances(mapping.cls) if str(s).startswith(prefix)]
    rows = []
    for subject in subjects:
        row = []
        for column in mapping.columns:
            row.append(_render(subject, column, ctx, index, lang))
        rows.append(row)
    return rows


def _render(subject: URIRef, column: Column, ctx: Context, index: Index, lang: str) -> str:
    union, mapping = ctx.union, ctx.mapping
    if column.type == "id":
        return index.slug(subject)
    if column.type == "language":
        owner = next((c for c in mapping.columns if c.language_column == column.name), None)
        titles = _texts(union, subject, owner) if owner else []
        return titles[0].language or "" if titles else ""
    if column.type == "text":
        texts = _texts(union, subject, column)
        return str(texts[0]) if texts else ""
    values = list(union.objects(subject, column.prop))
    if column.type == "class":
        allowed = {a.term: a for a in column.allowed}
        present = [v for v in values if v in allowed]
        specific = [v for v in present if not any(o != v and v in ctx.schema.superclasses(o) for o in present)]
        return "; ".join(sorted(allowed[v].label_sv if lang == "sv" else allowed[v].label_en for v in specific))
    shown = []
    for value in values:
        if column.type == "sdg":
            shown.append(iris.sdg_code(str(value)) or str(value))
        elif column.type in ("concept",) or (column.type == "reference" and column.allowed):
            shown.append(_concept_name(value, column, ctx, lang))
        elif column.type == "reference":
            shown.append(_reference_name(value, column, index, lang))
        else:
            shown.append(str(value))
    return f"{SEPARATOR} ".join(sorted(shown, key=_sort_key))


def _sort_key(text: str):
    head = text.split(".")[0]
    return (0, int(head), text) if head.isdigit() else (1, 0, text.casefold())


def _texts(union: rdflib.Graph, subject: URIRef, column: Column) -> list[Literal]:
    values = [v for v in union.objects(subject, column.prop) if isinstance(v, Literal)]
    if column.language:
        values = [v for v in values if v.language == column.language]
    return sorted(values, key=lambda v: (v.language or "", str(v)))


def _concept_name(value: URIRef, column: Column, ctx: Context, lang: str) -> str:
    for allowed in column.allowed:
        if allowed.term == value:
            name = allowed.label_sv if lang == "sv" else allowed.label_en
            try:
                if parse_concept(name, column, ctx.schema) == value:
                    return name
            except CellError:
                pass
    return str(value).rsplit("/", 1)[-1]


def _reference_name(value: URIRef, column: Column, index: Index, lang: str) -> str:
    """A label when it names only this resource; else its id; else its path."""
    for name in (index.label(value, lang), index.slug(value)):
        if index.find(name, column.refers_to) == [value]:
            return name
    return str(value)
