"""CSV and XLSX of the report tables. Tables hold suppressed cells and no names or e-mail
addresses; text that a spreadsheet would run as a formula is neutralised."""

import io
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.spreadsheets import DUTCH, INTERNATIONAL, CsvStyle, csv_bytes
from accounts.spreadsheets import spreadsheet_safe as _safe

from .presentation import Table

SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")
MONTH = re.compile(r"^\d{4}-\d{2}$")


def tables_csv(sections: Sequence[tuple[str, Table]], style: CsvStyle = DUTCH) -> bytes:
    """One CSV for one or more tables: with a single table its own columns; with several a long
    format (section, table, row label, column, value), headed and filled in the active
    language like the tables (the table by its title). Percentages are written in percent
    (40,0 for 40%), as in the tables."""
    rows: list[Sequence] = []
    if len(sections) == 1:
        _section, table = sections[0]
        rows.append(table.columns)
        rows.extend(table.rows)
    else:
        rows.append(
            [
                pgettext("long export column", "section"),
                pgettext("long export column", "table"),
                pgettext("long export column", "row"),
                pgettext("long export column", "column"),
                pgettext("long export column", "value"),
            ]
        )
        for section, table in sections:
            for row in table.rows:
                for column, value in zip(table.columns[1:], row[1:], strict=True):
                    rows.append([section, table.title, row[0], column, value])
    return csv_bytes(rows, style)


def tables_csv_international(sections: Sequence[tuple[str, Table]]) -> bytes:
    return tables_csv(sections, INTERNATIONAL)


#: number formats of typed XLSX cells (Excel shows them in the reader's own locale)
XLSX_FORMATS = {"percent": "0.0%", "date": "dd-mm-yyyy", "month": "yyyy-mm", "number": "#,##0"}


def _xlsx_value(value, kind: str):
    """A typed cell value: numbers stay numbers, a percentage becomes a fraction shown with a
    percent format, dates and months become dates. Suppressed cells ("<5") stay text."""
    if kind == "percent" and isinstance(value, Decimal | int | float):
        return Decimal(value) / 100
    if kind == "month" and isinstance(value, str) and MONTH.match(value):
        return date(int(value[:4]), int(value[5:7]), 1)
    return _safe(value)


def tables_xlsx(sections: Sequence[tuple[str, Table]]) -> bytes:
    """One worksheet per table, headed by its section (the target) and title."""
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for index, (section, table) in enumerate(sections, start=1):
        # the table's title in the active language ("2 Per regio"), as the page heads it
        name = SHEET_NAME_UNSAFE.sub("-", f"{index} {table.title}")[:31]
        while name in used:
            name = name[:28] + f"-{len(used)}"
        used.add(name)
        sheet = workbook.create_sheet(title=name)
        sheet.append([_safe(section)])
        sheet.append([_safe(table.title)])
        if table.note:
            sheet.append([_safe(table.note)])
        sheet.append([_safe(c) for c in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        kinds = table.column_kinds()
        for row in table.rows:
            sheet.append(
                [_xlsx_value(value, kind) for value, kind in zip(row, kinds, strict=False)]
            )
            for cell, kind in zip(sheet[sheet.max_row], kinds, strict=False):
                if kind in XLSX_FORMATS and not isinstance(cell.value, str):
                    cell.number_format = XLSX_FORMATS[kind]
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
