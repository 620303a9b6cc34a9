"""The one guard for cells of every CSV and XLSX export (staff lists, programme reports, training
evaluations), and the one reader of uploaded CSV files (outside counts, ADR 0024). It lives in
the lowest app that every exporting and importing app may import (ADR 0004)."""

import csv
import io

from django.utils.translation import gettext as _

#: Spreadsheet programs run cells starting with these as formulas (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """`value` as a spreadsheet cell: text that spreadsheet programs would run as a formula gets
    a leading apostrophe, so it is shown as text (CSV injection); numbers, dates and other values
    stay as they are, so they stay typed in a workbook."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class CsvUnreadable(ValueError):
    """A file that cannot be read as CSV text at all: `line` (0 = the whole file) and why."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def csv_read(content: bytes, *, max_bytes: int) -> list[tuple[int, list[str]]]:
    """The rows of an uploaded CSV as (line number, cells), the header row included: UTF-8 (a
    BOM from Excel is dropped), comma or semicolon (Dutch Excel) as the first row uses, at most
    `max_bytes`. Raises CsvUnreadable for a file that is too large, not UTF-8, empty or not
    CSV (a binary file, an unclosed quote)."""
    if len(content) > max_bytes:
        raise CsvUnreadable(
            0, _("The file is larger than %(size)s MB.") % {"size": max_bytes // 1_000_000}
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvUnreadable(0, _("Save the file as CSV in UTF-8.")) from exc
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise CsvUnreadable(1, _("The file is empty."))
    if "\x00" in text:
        raise CsvUnreadable(0, _("The file is not a valid CSV file."))
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = []
    line = 0
    try:
        for line, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            rows.append((line, cells))
    except csv.Error as exc:
        raise CsvUnreadable(line + 1, _("The file is not a valid CSV file.")) from exc
    return rows
