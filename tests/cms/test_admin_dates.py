"""The admin shows and reads dates as Dutch people type them (20-12-2026 10:00), in the Dutch
and in the English admin (the audit typed 20-12-2026 10:00 and the picker put in the current
time)."""

import datetime

import pytest
from django import forms
from django.utils import translation
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_admin_reads_and_shows_dutch_dates(language):
    with translation.override(language):
        moment = forms.DateTimeField().clean("20-12-2026 10:00")
        day = forms.DateField().clean("20-12-2026")
        assert (moment.year, moment.month, moment.day, moment.hour) == (2026, 12, 20, 10)
        assert day == datetime.date(2026, 12, 20)
        # ISO still works (what browsers and tests send)
        assert forms.DateField().clean("2026-12-20") == day
        shown = AdminDateTimeInput().format_value(datetime.datetime(2026, 12, 20, 10, 0))
        assert shown == "20-12-2026 10:00"
        assert AdminDateInput().format_value(day) == "20-12-2026"
