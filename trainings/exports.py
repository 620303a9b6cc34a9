"""The evaluation export: the CSV style of reporting's exports (accounts.spreadsheets, Dutch by
default) with the answers and without names, e-mail addresses or user ids; only sessions with
enough answers to be shown (ADR 0017, Evaluation)."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.spreadsheets import DUTCH, CsvStyle, csv_bytes


def evaluations_csv(rows: Iterable[tuple], style: CsvStyle = DUTCH) -> bytes:
    """`rows` as selectors.evaluation_rows gives them: session start, training title, the three
    scores, would recommend, comment. Dutch by default: semicolons and a BOM, so a Dutch Excel
    opens it as is."""
    header = [
        _("Session"),
        _("Training"),
        _("Usefulness (1-5)"),
        _("Clarity of the trainer (1-5)"),
        _("Confidence to recognise signals (1-5)"),
        _("Would recommend"),
        _("Comment"),
    ]
    return csv_bytes(
        [
            header,
            *(
                [
                    # the start with its time: two sessions of a format can share a day
                    timezone.localtime(starts_at).strftime(f"{style.date_format} %H:%M"),
                    title,
                    usefulness,
                    clarity,
                    confidence,
                    _("yes") if recommend else _("no"),
                    comment,
                ]
                for starts_at, title, usefulness, clarity, confidence, recommend, comment in rows
            ),
        ],
        style,
    )
