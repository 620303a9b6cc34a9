"""The quarterly report as PDF, rendered by accounts.pdf.pdf_render (WeasyPrint, PDF/A-3b,
a fetcher that reaches only the project's static files). The template is self-contained: inline
CSS and each target's trend chart as inline SVG (reporting.charts), which the tagged PDF keeps as
a figure with the chart's <title> as its alternative text."""

from datetime import date

from django.utils import timezone
from django.utils.translation import get_language

from accounts.pdf import pdf_render

from .charts import target_charts
from .presentation import overview_table, target_report
from .selectors import targets_queryset


def quarterly_report_context(*, quarter: str, start: date, end: date) -> dict:
    """Every target's figures up to the end of the quarter (or today, inside the quarter)."""
    today = timezone.localdate()
    as_of = min(end, today)
    reports = [target_report(target=t, as_of=as_of) for t in targets_queryset()]
    charts = [target_charts(r, id_prefix="pdf").trend for r in reports]
    return {
        "quarter": quarter,
        "quarter_start": start,
        "quarter_end": end,
        "as_of": as_of,
        "generated_on": today,
        "reports": list(zip(reports, charts, strict=True)),
        "overview": overview_table([r.progress for r in reports], published=True),
    }


def quarterly_report_pdf(*, quarter: str, start: date, end: date) -> bytes:
    return pdf_render(
        template_name="reporting/quarterly_report.html",
        context=quarterly_report_context(quarter=quarter, start=start, end=end),
        language=get_language() or "nl",
    )
