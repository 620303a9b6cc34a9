"""The evaluation export: Dutch semicolon CSV (as reporting's exports, ADR 0012) of the answers
without names, e-mail addresses or user ids (ADR 0017, Evaluation)."""

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

#: Spreadsheet programs run cells starting with these as formulas (CSV injection). The
#: project's one guard, `organisations.services.spreadsheet_safe`, lives in a sibling app that
#: trainings may not import (ADR 0017, layering); this is the same rule for the one free-text
#: column here, until the guard moves to a lower layer.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def evaluations_csv(rows: Iterable[tuple]) -> bytes:
    """`rows` as selectors.evaluation_rows gives them: session start, training title, the three
    scores, would recommend, comment. Semicolons and a BOM, so a Dutch Excel opens it as is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Session"),
            _("Training"),
            _("Usefulness (1-5)"),
            _("Clarity of the trainer (1-5)"),
            _("Confidence to recognise signals (1-5)"),
            _("Would recommend"),
            _("Comment"),
        ]
    )
    for starts_at, title, usefulness, clarity, confidence, recommend, comment in rows:
        writer.writerow(
            [
                timezone.localtime(starts_at).strftime("%d-%m-%Y %H:%M"),
                _text_cell(title),
                usefulness,
                clarity,
                confidence,
                _("yes") if recommend else _("no"),
                _text_cell(comment),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
