"""The one CSV style of every export (reporting's tables, training evaluations)."""

import csv
import io
from datetime import date
from decimal import Decimal

from accounts.spreadsheets import DUTCH, INTERNATIONAL, csv_bytes


def _read(content: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_dutch_style_semicolons_decimal_comma_dutch_dates_and_a_bom():
    content = csv_bytes(
        [["Regio", "Aandeel", "Datum"], ["Fryslân", Decimal("40.5"), date(2026, 3, 1)]], DUTCH
    )
    assert content.startswith("\ufeff".encode())
    assert _read(content, ";") == [["Regio", "Aandeel", "Datum"], ["Fryslân", "40,5", "01-03-2026"]]


def test_international_style_commas_points_iso_dates_no_bom():
    content = csv_bytes([["share", "day"], [Decimal("40.5"), date(2026, 3, 1)]], INTERNATIONAL)
    assert not content.startswith("\ufeff".encode())
    assert _read(content, ",") == [["share", "day"], ["40.5", "2026-03-01"]]


def test_formulas_are_written_as_text_and_numbers_stay_numbers():
    rows = _read(csv_bytes([["=1+1", "@SUM(A1)", 5, True]]), ";")
    assert rows == [["'=1+1", "'@SUM(A1)", "5", "True"]]
