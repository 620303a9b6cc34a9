from datetime import date
from decimal import Decimal

from django import template
from django.utils import formats

from reporting import presentation, rules
from reporting.models import Target
from reporting.selectors import TargetProgress

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    return presentation.status_label(status)


@register.filter
def forecast_note(forecast: rules.Forecast) -> str:
    return presentation.forecast_note(forecast)


@register.filter
def target_scope_note(target: Target) -> str:
    return presentation.target_scope_note(target)


@register.filter
def regional_share(progress: TargetProgress) -> presentation.RegionalShare:
    return presentation.regional_share(progress)


@register.filter
def report_cell(value) -> str:
    """A table cell in the page language's format: whole numbers grouped ("12.345" in Dutch),
    a percentage with its decimal comma, a date as SHORT_DATE_FORMAT; "<5", "x" and text as
    they are."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | Decimal):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


@register.filter
def report_month(value) -> str:
    """A month cell ("2026-01", as the exports keep it) as the page language writes a month:
    "januari 2026", "January 2026", "styczeń 2026"."""
    try:
        year, month = (int(part) for part in str(value).split("-"))
        return formats.date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
    except ValueError:
        return str(value)


@register.filter
def published(forecast: rules.Forecast) -> rules.PublishedForecast:
    return rules.publish_forecast(forecast)


@register.filter
def source_cells(progress) -> list:
    """A people target's figures per source (ADR 0024), small ones suppressed."""
    if not progress.by_source:
        return []
    return presentation.source_cells(progress.target, progress.by_source)
