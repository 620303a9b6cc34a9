"""The dashboard's GET filters (stable URLs: ?from=2026-01-01&to=2026-03-31&region=utrecht)."""

import re
from datetime import date

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Sector

from .selectors import ReportFilters

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All regions"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sectors"),
    )

    # the URL parameters are short and stable: from, to, region, sector
    PARAM_NAMES = {"from": "date_from", "to": "date_to", "region": "region", "sector": "sector"}

    def __init__(self, params, *args, **kwargs):
        data = {param: params.get(param, "") for param in self.PARAM_NAMES}
        super().__init__(data, *args, **kwargs)

    def add_prefix(self, field_name):
        reverse = {field: param for param, field in self.PARAM_NAMES.items()}
        return reverse.get(field_name, field_name)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise ValidationError(_("The end date cannot be before the start date."))
        return cleaned

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            region_id=data["region"].pk if data.get("region") else None,
            sector_id=data["sector"].pk if data.get("sector") else None,
        )


def parse_quarter(value: str | None) -> tuple[date, date]:
    """'2026-Q3' → (1 July 2026, 30 September 2026); empty → the current quarter."""
    if not value:
        today = timezone.localdate()
        year, quarter = today.year, (today.month - 1) // 3 + 1
    else:
        match = QUARTER.match(value)
        if match is None:
            raise ValidationError(_("Give the quarter as YYYY-Qn, e.g. 2026-Q3."))
        year, quarter = int(match[1]), int(match[2])
        if not 2000 <= year <= 2100:
            raise ValidationError(_("Give the quarter as YYYY-Qn, e.g. 2026-Q3."))
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = (start + relativedelta(months=3)).toordinal() - 1
    return start, date.fromordinal(end)


def recent_quarters(count: int = 8) -> list[str]:
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    result = []
    for _i in range(count):
        result.append(f"{year}-Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return result


class TargetPopulationForm(forms.Form):
    """N of an "all of N" target, with its source and date (entered on the dashboard)."""

    population = forms.IntegerField(
        label=_("N (the number in the whole group)"), min_value=1, max_value=10_000_000
    )
    source = forms.CharField(
        label=_("Source of N"),
        max_length=300,
        help_text=_("Where the number comes from, e.g. a register or a survey of municipalities."),
    )
    on_date = forms.DateField(
        label=_("Date of N"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the number held."),
    )

    def clean_on_date(self):
        on_date = self.cleaned_data["on_date"]
        if on_date > timezone.localdate():
            raise ValidationError(_("The date of N cannot lie in the future."))
        return on_date


class OutsideCountsForm(forms.Form):
    """A CSV of counts made outside the platform (ADR 0024)."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Nothing is imported if one row is wrong."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
