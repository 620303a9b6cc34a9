"""The one guard for cells of every CSV and XLSX export (staff lists, programme reports, training
evaluations). It lives in the lowest app that every exporting app may import (ADR 0004)."""

#: Spreadsheet programs run cells starting with these as formulas (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """`value` as a spreadsheet cell: text that spreadsheet programs would run as a formula gets
    a leading apostrophe, so it is shown as text (CSV injection); numbers, dates and other values
    stay as they are, so they stay typed in a workbook."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
