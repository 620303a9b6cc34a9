from django import template

from reporting import charts

register = template.Library()


@register.simple_tag
def trend_chart(rows):
    """Chart geometry for a trend table's rows (used where the view cannot pass it, e.g. PDF)."""
    return charts.trend_chart(rows)
