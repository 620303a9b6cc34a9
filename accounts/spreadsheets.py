"""The one guard for cells of every CSV and XLSX export (staff lists, programme reports, training
evaluations), and the one CSV style (Dutch or international) they are written in. It lives in
the lowest app that every exporting app may import (ADR 0004)."""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

#: Spreadsheet programs run cells starting with these as formulas (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """`value` as a spreadsheet cell: text that spreadsheet programs would run as a formula gets
    a leading apostrophe, so it is shown as text (CSV injection); numbers, dates and other values
    stay as they are, so they stay typed in a workbook."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV writes numbers and dates for the program that opens it."""

    delimiter: str
    decimal: str
    date_format: str
    bom: bool


#: Dutch spreadsheets (Excel and LibreOffice in a Dutch locale) open this without a wizard:
#: semicolons, decimal commas, Dutch dates, and a BOM so UTF-8 ("≥5", "Fryslân") is read as such.
DUTCH = CsvStyle(delimiter=";", decimal=",", date_format="%d-%m-%Y", bom=True)
#: Plain CSV for other programs and scripts: commas, decimal points, ISO dates, no BOM.
INTERNATIONAL = CsvStyle(delimiter=",", decimal=".", date_format="%Y-%m-%d", bom=False)


def csv_cell(value, style: CsvStyle):
    """`value` as a CSV cell in `style`: decimals with the style's decimal sign, dates in its
    format, text guarded against formulas; booleans and whole numbers as they are."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | float):
        return str(value).replace(".", style.decimal)
    if isinstance(value, date):
        return value.strftime(style.date_format)
    return spreadsheet_safe(value)


def csv_bytes(rows: Iterable[Sequence], style: CsvStyle = DUTCH) -> bytes:
    """The CSV file of `rows` (the first row is the header) in `style`, UTF-8 encoded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter)
    for row in rows:
        writer.writerow([csv_cell(value, style) for value in row])
    return (("\ufeff" if style.bom else "") + buffer.getvalue()).encode("utf-8")
