"""Reading and writing sheets: CSV (comma, semicolon or tab separated, UTF-8 with or without a
byte-order mark, as Excel and LibreOffice save them) and XLSX (with openpyxl). Rows are numbered
as a spreadsheet program numbers them: the header is row 1, the first data row is row 2."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from .mapping import Mapping

XLSX_SUFFIXES = (".xlsx", ".xlsm")


class SheetError(ValueError):
    """A file that cannot be read as a sheet at all."""


@dataclass
class Sheet:
    path: str                       # as the user named it, for messages
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]   # (row number, column -> text)

    @property
    def name(self) -> str:
        return Path(self.path).name

    def to_csv(self) -> str:
        """The rows as CSV text: what is archived as the import's source."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header)
        for _, row in self.rows:
            writer.writerow([row.get(h, "") for h in self.header])
        return out.getvalue()


def cell_text(value) -> str:
    """A spreadsheet cell as text: dates as ISO dates, 2019.0 as 2019, spaces at either end trimmed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(path: str | Path, mapping: Mapping | None = None) -> Sheet:
    path = Path(path)
    if not path.is_file():
        raise SheetError(f"{path}: no such file")
    if path.suffix.lower() in XLSX_SUFFIXES:
        header, body = _read_xlsx(path, mapping)
    else:
        header, body = _read_csv(path)
    header = [cell_text(h).strip().lower() for h in header]
    while header and not header[-1]:
        header.pop()
    rows = []
    for number, values in body:
        texts = [cell_text(v) for v in values]
        if not any(texts):
            continue
        rows.append((number, {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(header) if h}))
    return Sheet(str(path), header, rows)


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # what older Excel versions save as "CSV" on Swedish Windows
    if not text.strip():
        raise SheetError(f"{path}: the file is empty (it needs at least the header row)")
    first = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    # Rows as a spreadsheet program numbers them: a quoted cell spanning lines is still one row.
    numbered = [(number, record) for number, record in enumerate(reader, start=2)]
    return header, numbered


def _read_xlsx(path: Path, mapping: Mapping | None) -> tuple[list[str], list[tuple[int, list]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as err:
        raise SheetError(f"{path}: not a readable XLSX workbook ({err})") from err
    try:
        names = book.sheetnames
        chosen = mapping.sheet if mapping and mapping.sheet in names else names[0]
        rows = book[chosen].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise SheetError(f"{path}: the sheet {chosen!r} is empty (it needs at least the header row)")
        return list(header), [(i, list(r)) for i, r in enumerate(rows, start=2)]
    finally:
        book.close()


# -- writing ----------------------------------------------------------------------------

def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows å, ä and ö."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(mapping: Mapping, rows: list[list[str]], docs_header: list[str], docs: list[list[str]],
               docs_title: str) -> bytes:
    """A workbook: the data sheet (header, frozen, drop-down lists for columns with allowed
    values, text format for codes), the column reference, and a hidden sheet of the lists."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = mapping.sheet
    sheet.append(mapping.names)
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(mapping.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if column.needs_column:
            cell.fill = required_fill
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(column.name) + 4))
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(mapping.columns, start=1):
        if column.type in ("code", "sdg", "date", "year", "id"):
            for cells in sheet.iter_rows(min_row=2, max_row=max(len(rows) + 1, 500), min_col=index, max_col=index):
                cells[0].number_format = "@"
    sheet.freeze_panes = "A2"

    lists = book.create_sheet("lists")
    list_column = 0
    for index, column in enumerate(mapping.columns, start=1):
        if not column.allowed or column.multiple:
            continue
        list_column += 1
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=column.name)
        for offset, allowed in enumerate(column.allowed, start=2):
            lists.cell(row=offset, column=list_column, value=allowed.value)
        rule = DataValidation(type="list", formula1=f"=lists!${letter}$2:${letter}${len(column.allowed) + 1}",
                              allow_blank=True, showErrorMessage=False)
        target = get_column_letter(index)
        rule.add(f"{target}2:{target}1000")
        sheet.add_data_validation(rule)
    lists.sheet_state = "hidden"

    reference = book.create_sheet(docs_title)
    reference.append(docs_header)
    for cell in reference[1]:
        cell.font = bold
    for line in docs:
        reference.append(line)
    widths = [22, 10, 30, 14, 40, 30, 60, 60, 50]
    for index, width in enumerate(widths[:len(docs_header)], start=1):
        reference.column_dimensions[get_column_letter(index)].width = width
    for row in reference.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    reference.freeze_panes = "B2"

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
