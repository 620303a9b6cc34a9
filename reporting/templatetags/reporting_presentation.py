from django import template

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
def source_cells(progress) -> list:
    """A people target's figures per source (ADR 0024), small ones suppressed."""
    if not progress.by_source:
        return []
    return presentation.source_cells(progress.target, progress.by_source)
