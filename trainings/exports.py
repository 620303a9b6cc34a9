"""The evaluation export: Dutch semicolon CSV (as reporting's exports, ADR 0012) of the answers
without names, e-mail addresses or user ids (ADR 0017, Evaluation)."""

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.spreadsheets import spreadsheet_safe


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
                spreadsheet_safe(title),
                usefulness,
                clarity,
                confidence,
                _("yes") if recommend else _("no"),
                spreadsheet_safe(comment),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
