"""CSV and XLSX of the report tables. Tables hold suppressed cells and no names or e-mail
addresses; text that a spreadsheet would run as a formula is neutralised."""

import csv
import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def tables_csv(sections: Sequence[tuple[str, Table]]) -> bytes:
    """One CSV for one or more tables: with a single table its own columns; with several a long
    format (section, table, row label, column, value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if len(sections) == 1:
        _section, table = sections[0]
        writer.writerow([_safe(c) for c in table.columns])
        for row in table.rows:
            writer.writerow([_safe(c) for c in row])
    else:
        writer.writerow(["section", "table", "row", "column", "value"])
        for section, table in sections:
            for row in table.rows:
                for column, value in zip(table.columns[1:], row[1:], strict=True):
                    writer.writerow(
                        [_safe(section), table.key, _safe(row[0]), _safe(column), _safe(value)]
                    )
    # BOM so that spreadsheet programs read UTF-8 ("≥5", "Fryslân") correctly
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def tables_xlsx(sections: Sequence[tuple[str, Table]]) -> bytes:
    """One worksheet per table, headed by its section (the target) and title."""
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for index, (section, table) in enumerate(sections, start=1):
        name = SHEET_NAME_UNSAFE.sub("-", f"{index} {table.key}")[:31]
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
        for row in table.rows:
            sheet.append([_safe(c) for c in row])
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
