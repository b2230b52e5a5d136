"""Data entry from spreadsheets: templates made from the ontology and the shapes, imports that
validate before they write and show what they change, and the data written back as a sheet.

    template_bytes(context(kind), "xlsx")      an empty template
    import_sheet(path, kind, dry_run=True)     plan, validate, diff (and write unless dry_run)
    export_rows(context(kind))                 the current data as template rows
"""
from .importer import ImportResult, ImportSetupError, Problem, import_sheet
from .mapping import kinds
from .templates import context, describe, describe_text, export_rows, template_bytes

__all__ = ["ImportResult", "ImportSetupError", "Problem", "import_sheet", "kinds", "context", "describe",
           "describe_text", "export_rows", "template_bytes"]
