"""The reporting charts as SVG, drawn on the server by Vega-Lite through vl-convert (ADR 0025).

No JavaScript reaches the browser: vl-convert runs Vega-Lite in its own embedded engine and
returns SVG with text as <text> and colours as attributes (no `style`, no <script>, so the page's
CSP needs nothing extra). The figures come from the already suppressed tables, so a chart never
shows more than its table: a "<5" cell has no bar, only its label. The table under each chart
stays the accessible alternative; the SVG itself is one image with a <title> and a <desc>.

A chart is the same for everyone who sees the same figures in the same language, so the SVG is
cached under a hash of its specification and locale (rendering one takes tens of milliseconds)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import rules

if TYPE_CHECKING:
    from .presentation import TargetReport

#: d3-time-format locales (month names) per interface language
TIME_LOCALES: dict[str, Any] = {"nl": "nl-NL", "en": "en-GB", "pl": "pl-PL", "es": "es-ES"}
#: the SVG's own width: at 375 px the page column is 343 px wide, so 13 px text shows at 12.4
#: CSS px; the CSS caps the chart's width so the text does not grow past ~19 px on a desktop
WIDTH = 360
FONT_SIZE = 13
TITLE_FONT_SIZE = 14
#: a bar chart's row labels are cut at this width; its figures stand this far after their bar,
#: and a figure's character is at most this wide (DejaVu Sans digits are 8.3 px at 13 px)
LABEL_LIMIT = 150
LABEL_GAP = 4
LABEL_CHAR_WIDTH = 9
#: blue for counts, orange for the target (the colours of the old charts: 7:1 and 4.6:1 on white)
COUNT_COLOUR = "#154273"
TARGET_COLOUR = "#c2410c"
CACHE_SECONDS = 60 * 60 * 24
_HIDDEN_TEXT = re.compile(r"<text[^>]*\sopacity=\"0\"[^>]*>[^<]*</text>")
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
#: Vega's ARIA attributes on its groups: inside one role="img" they would be images without alt
_INNER_ARIA = re.compile(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"')
#: what Vega writes for its interactive renderer and nothing draws: group backgrounds without a
#: fill of their own (the root group's fill is none), hidden foregrounds, class names and
#: pointer-events. Dropping them leaves the same picture with about a third fewer nodes for the
#: PDF's HTML parser, cascade and SVG drawing (ADR 0025).
_INVISIBLE = re.compile(
    r'<path class="background" d="[^"]*"(?: pointer-events="none")?(?: opacity="1")?/>'
    r'|<path class="foreground" d=""(?: pointer-events="none")? display="none"/>'
    r'|\s(?:class="[^"]*"|pointer-events="none")'
)


@dataclass(frozen=True)
class Projection:
    """The national figures a trend chart draws besides the months: the target and the
    forecast at the current rate. None of them when the figures are of a selection."""

    goal: int | None
    achieved: int
    actual_rate: Decimal | None
    as_of: date
    period_end: date


def _number_locale() -> dict:
    """d3-format's locale from Django's formats for the active language, so the charts group
    digits exactly as the tables do (Polish: a no-break space, not d3's dot)."""
    return {
        "decimal": str(formats.get_format("DECIMAL_SEPARATOR")),
        "thousands": str(formats.get_format("THOUSAND_SEPARATOR")),
        "grouping": [3],
        "currency": ["", ""],
    }


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _config() -> dict:
    return {
        # the SVG is one image (role="img", <title>, <desc>): Vega's per-mark ARIA labels with raw
        # numbers would only be noise inside it
        "aria": False,
        # Vega lays out text (where an axis title goes) with the widths of this font, as
        # vl-convert finds it on the server. "sans-serif" there is a narrower face than the
        # DejaVu Sans that WeasyPrint draws the PDF in, so the y-axis title crossed its labels.
        # DejaVu Sans (installed with the PDF fonts) is the widest common sans: a browser's own
        # sans-serif, where it has no DejaVu, is narrower and only leaves a little more room.
        "font": "DejaVu Sans, sans-serif",
        "background": None,
        "view": {"stroke": None},
        "axis": {
            "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE,
            "labelColor": "#1b1b1b",
            "titleColor": "#1b1b1b",
            "titleFontWeight": "normal",
            "gridColor": "#e5e7eb",
            "domainColor": "#4b5563",
            "tickColor": "#4b5563",
        },
        "legend": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "labelLimit": 320},
        "text": {"fontSize": FONT_SIZE},
        "title": {"fontSize": TITLE_FONT_SIZE},
    }


def render_svg(spec: dict, *, title: str, description: str, chart_id: str) -> SafeString:
    """The SVG of a Vega-Lite `spec` in the active language, with a <title> and a <desc>
    (the page's chart is one image; its table gives the figures one by one)."""
    language = (get_language() or "nl").split("-")[0]
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": _config(),
        **spec,
    }
    number_locale = _number_locale()
    time_locale = TIME_LOCALES.get(language, "nl-NL")
    source = json.dumps([spec, number_locale, time_locale], sort_keys=True, default=str)
    key = "reporting-chart:" + hashlib.sha256(source.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        import vl_convert  # loads its JavaScript engine: only where a chart is drawn

        svg = vl_convert.vegalite_to_svg(
            spec,
            format_locale=number_locale,
            time_format_locale=time_locale,
            allowed_base_urls=[],  # the data is inline: never fetch anything
        )
        # labels Vega hides to avoid overlap stay in the SVG with opacity 0: drop them, so that
        # a PDF's text and a copy-paste hold only what is seen
        svg = _INVISIBLE.sub("", _INNER_ARIA.sub("", _HIDDEN_TEXT.sub("", svg)))
        cache.set(key, svg, CACHE_SECONDS)
    opening = _SVG_OPEN.search(svg)
    if opening is None:  # vl-convert always starts with <svg ...>; refuse anything else
        raise ValueError("vl-convert returned no SVG")
    view_box = re.search(r'viewBox="([^"]+)"', opening.group(0))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart__svg" role="img" '
        f'viewBox="{view_box.group(1) if view_box else ""}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    # the SVG is Vega's own output (text escaped by Vega) from figures and labels we made
    return mark_safe(head + svg[opening.end() :])


def _month_point(month: str, as_of: date) -> date:
    """Where a month's cumulative figure is drawn: its last day (today, for this month)."""
    start = date.fromisoformat(f"{month}-01")
    return min(start + relativedelta(months=1) - timedelta(days=1), as_of)


def trend_spec(
    rows: list[list], *, unit: str, projection: Projection | None, as_of: date
) -> tuple[dict, str]:
    """A line of the cumulative count per month, the target as a horizontal line and the
    forecast at the current rate as a dashed line to the end of the period. Returns the spec
    and a one-sentence description of what the chart shows."""
    achieved_label = _("Counted so far")
    target_label = _("Target")
    forecast_label = _("Forecast at the current rate")
    values: list[dict[str, Any]] = [
        {
            "date": _month_point(month, as_of).isoformat(),
            "value": cumulative,
            "series": achieved_label,
        }
        for month, _count, cumulative in rows
        if isinstance(cumulative, int)
    ]
    series = [achieved_label]
    colours = [COUNT_COLOUR]
    dashes = [[1, 0]]
    sentences = []
    if values:
        sentences.append(
            _("%(count)s counted up to %(date)s.")
            % {
                "count": _number(values[-1]["value"]),
                "date": formats.date_format(date.fromisoformat(values[-1]["date"]), "DATE_FORMAT"),
            }
        )
    # the forecast starts from the national total: shown only when it is no small cell itself
    shown = projection is not None and projection.achieved not in range(
        1, rules.SMALL_CELL_THRESHOLD
    )
    if shown and projection is not None and values:
        start = date.fromisoformat(rows[0][0] + "-01")
        if projection.goal:
            values += [
                {"date": start.isoformat(), "value": projection.goal, "series": target_label},
                {
                    "date": projection.period_end.isoformat(),
                    "value": projection.goal,
                    "series": target_label,
                },
            ]
            series.append(target_label)
            colours.append(TARGET_COLOUR)
            dashes.append([1, 0])
            sentences.append(
                _("Target: %(goal)s by %(date)s.")
                % {
                    "goal": _number(projection.goal),
                    "date": formats.date_format(projection.period_end, "DATE_FORMAT"),
                }
            )
        rate = projection.actual_rate
        if rate is not None and projection.as_of < projection.period_end:
            months = rules.months_between(projection.as_of, projection.period_end)
            end_value = int(projection.achieved + rate * months)
            values += [
                {
                    "date": projection.as_of.isoformat(),
                    "value": projection.achieved,
                    "series": forecast_label,
                },
                {
                    "date": projection.period_end.isoformat(),
                    "value": end_value,
                    "series": forecast_label,
                },
            ]
            series.append(forecast_label)
            colours.append(COUNT_COLOUR)
            dashes.append([6, 4])
            sentences.append(
                _("At the current rate: %(count)s by %(date)s.")
                % {
                    "count": _number(end_value),
                    "date": formats.date_format(projection.period_end, "DATE_FORMAT"),
                }
            )
    spec = {
        "height": 220,
        "data": {"values": values},
        "mark": {"type": "line", "strokeWidth": 2.5},
        "encoding": {
            "x": {
                "field": "date",
                "type": "temporal",
                "scale": {"type": "utc"},
                "title": _("Month"),
                "axis": {"labelAngle": 0, "tickCount": 4},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": _("%(unit)s (cumulative)") % {"unit": unit},
                "axis": {"format": ",d", "tickCount": 5},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": series, "range": colours},
                "legend": {"title": None, "orient": "bottom", "direction": "vertical"},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": series, "range": dashes},
                "legend": None,
            },
        },
    }
    return spec, " ".join(sentences) or _("Nothing in this period.")


def breakdown_spec(rows: list[list]) -> tuple[dict, str]:
    """Horizontal bars, one per row of a breakdown (without its total row), each labelled with
    its cell as the table shows it ("<5" has no bar)."""
    body = rows[:-1]
    values = [
        {
            "label": str(label),
            "value": cell if isinstance(cell, int) else None,
            # where the label goes: after the bar, or at 0 for a cell without one
            "position": cell if isinstance(cell, int) else 0,
            "text": _number(cell) if isinstance(cell, int) else str(cell),
        }
        for label, cell in body
    ]
    order = [v["label"] for v in values]
    # Room after the longest bar for its label: Vega clips marks past the plot, so "43" after
    # the longest bar lost its last digit. The plot is at least WIDTH less the labels' column.
    plot = WIDTH - LABEL_LIMIT - 15
    domain_max = max(
        (
            cell * plot / (plot - LABEL_GAP - LABEL_CHAR_WIDTH * len(_number(cell)))
            for _label, cell in body
            if isinstance(cell, int) and cell > 0
        ),
        default=None,
    )
    x_scale = {"domainMax": domain_max} if domain_max else {}
    y = {
        "field": "label",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelLimit": LABEL_LIMIT},
    }
    spec = {
        "height": {"step": 28},
        "data": {"values": values},
        "encoding": {"y": y},
        "layer": [
            {
                "mark": {"type": "bar", "color": COUNT_COLOUR},
                "encoding": {
                    "x": {
                        "field": "value",
                        "type": "quantitative",
                        "title": _("Number"),
                        "axis": {"format": ",d", "tickCount": 3},
                        "scale": x_scale,
                    }
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": LABEL_GAP, "color": "#1b1b1b"},
                "encoding": {
                    "x": {"field": "position", "type": "quantitative"},
                    "text": {"field": "text"},
                },
            },
        ],
    }
    description = "; ".join(f"{v['label']}: {v['text']}" for v in values) + "."
    return spec, description


def trend_chart(
    rows: list[list],
    *,
    title: str,
    unit: str,
    chart_id: str,
    as_of: date,
    projection: Projection | None = None,
) -> SafeString:
    spec, description = trend_spec(rows, unit=unit, projection=projection, as_of=as_of)
    return render_svg(spec, title=title, description=description, chart_id=chart_id)


def breakdown_chart(rows: list[list], *, title: str, chart_id: str) -> SafeString:
    spec, description = breakdown_spec(rows)
    return render_svg(spec, title=title, description=description, chart_id=chart_id)


@dataclass(frozen=True)
class TargetCharts:
    trend: SafeString
    #: one chart per breakdown table, by the table's key
    breakdowns: dict[str, SafeString]


def target_trend_chart(report: TargetReport, *, id_prefix: str = "chart") -> SafeString:
    """The trend chart of one target's report (the quarterly PDF draws only this one). The
    target line and the forecast are national figures: drawn only when the report is not of a
    selection."""
    progress = report.progress
    target = progress.target
    projection = None
    if not report.filters.active:
        projection = Projection(
            goal=progress.forecast.goal,
            achieved=progress.forecast.achieved,
            actual_rate=progress.forecast.actual_rate,
            as_of=progress.as_of,
            period_end=target.period_end,
        )
    unit = _("People") if target.counts_people else _("Organisations")
    return trend_chart(
        report.trend.rows,
        title=_("%(target)s: counted so far, target and forecast") % {"target": target.local_title},
        unit=unit,
        chart_id=f"{id_prefix}-{target.pk}-trend",
        as_of=progress.as_of,
        projection=projection,
    )


def target_charts(report: TargetReport, *, id_prefix: str = "chart") -> TargetCharts:
    """The trend and breakdown charts of one target's report."""
    target = report.progress.target
    return TargetCharts(
        trend=target_trend_chart(report, id_prefix=id_prefix),
        breakdowns={
            table.key: breakdown_chart(
                table.rows, title=table.title, chart_id=f"{id_prefix}-{target.pk}-{table.key}"
            )
            for table in report.tables
            if len(table.columns) == 2  # one count per row: a bar each
        },
    )
