"""The quarterly report as PDF, rendered by accounts.pdf.pdf_render (WeasyPrint, PDF/A-3b,
a fetcher that reaches only the project's static files). The template is self-contained: inline
CSS and each target's trend chart as inline SVG (reporting.charts), which the tagged PDF keeps as
a figure with the chart's <title> as its alternative text."""

from datetime import date

from django.utils import timezone
from django.utils.translation import get_language

from accounts.pdf import pdf_render

from .charts import target_trend_chart
from .presentation import overview_table, quarter_trend_table, target_report
from .selectors import targets_queryset


def quarterly_report_context(*, quarter: str, start: date, end: date) -> dict:
    """Every target's figures up to the end of the quarter (or today, inside the quarter)."""
    today = timezone.localdate()
    as_of = min(end, today)
    reports = [target_report(target=t, as_of=as_of) for t in targets_queryset()]
    # only the trend chart: the PDF prints no breakdown charts (drawing them cost 3 in 4 charts)
    charts = [target_trend_chart(r, id_prefix="pdf") for r in reports]
    tables = [[quarter_trend_table(r), *r.published_tables()] for r in reports]
    return {
        "quarter": quarter,
        "quarter_start": start,
        "quarter_end": end,
        "as_of": as_of,
        "generated_on": today,
        "reports": list(zip(reports, charts, tables, strict=True)),
        "overview": overview_table([r.progress for r in reports], published=True),
    }


def quarterly_report_pdf(*, quarter: str, start: date, end: date) -> bytes:
    return pdf_render(
        template_name="reporting/quarterly_report.html",
        context=quarterly_report_context(quarter=quarter, start=start, end=end),
        language=get_language() or "nl",
    )
