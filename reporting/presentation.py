"""The report in words and tables: labels, notes and filter descriptions around the counts
of `selectors` (which never import this module)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.models import Organisation

from . import rules, selectors
from .models import OutsideSource, Target
from .selectors import NO_FILTERS, UNKNOWN, ReportFilters, TargetProgress


@dataclass
class Table:
    """A breakdown as shown on the dashboard and exported: suppressed cells, no names."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    note: str = ""
    #: what each column holds, for typed export cells: "text", "number", "percent" (a Decimal
    #: in percent), "date" (a date) or "month" ("YYYY-MM"); empty: a text column then numbers
    kinds: list[str] = field(default_factory=list)

    def column_kinds(self) -> list[str]:
        return self.kinds or ["text"] + ["number"] * (len(self.columns) - 1)


@dataclass(frozen=True)
class RegionalShare:
    """A target's figures for a regional coordinator's regions next to its national target
    (ADR 0023): the count (a small one suppressed), its share of the national target and the
    recent monthly rate. No forecast and no status: those judge the national target, and a
    region has no target of its own."""

    achieved: rules.Cell
    national_goal: int | None
    percentage: Decimal | None
    actual_people: rules.Cell | None


def regional_share(progress: TargetProgress) -> RegionalShare:
    f = progress.forecast
    achieved = rules.suppress(f.achieved)
    return RegionalShare(
        achieved=achieved,
        national_goal=f.goal,
        # a share of a suppressed count would give the count away
        percentage=f.percentage if achieved == f.achieved else None,
        actual_people=None if f.actual_people is None else rules.suppress(f.actual_people),
    )


def scope_description(filters: ReportFilters, *, region_names: dict[int, str] | None = None) -> str:
    """Which regions the figures are of, in words ("" for the whole country)."""
    if filters.region_ids is None:
        return ""
    names = region_names if region_names is not None else selectors.region_names()
    regions = ", ".join(sorted(names[pk] for pk in filters.region_ids if pk in names))
    return _(
        "Figures of the regions %(regions)s only: totals and percentages count these regions. "
        "The targets are national; the regions have no targets of their own."
    ) % {"regions": regions}


@dataclass
class TargetReport:
    progress: TargetProgress
    filters: ReportFilters
    selection_total: rules.Cell | None
    trend: Table
    tables: list[Table]
    #: the exact count per month of the trend's window, for `quarter_trend_table`
    monthly: dict[date, int] = field(default_factory=dict)
    window: tuple[date, date] | None = None

    @property
    def all_tables(self) -> list[Table]:
        return [self.trend, *self.tables]

    def published_tables(self) -> list[Table]:
        """The breakdowns the quarterly PDF prints: for a people target the region table is
        left out, because "By region and source" ends with the same figures (each person once
        per region, suppressed with the whole table's rule)."""
        keys = {table.key for table in self.tables}
        return [t for t in self.tables if not (t.key == "region" and "source" in keys)]


def _trend_table(
    *, target: Target, monthly: dict[date, int], window: tuple[date, date] | None
) -> Table:
    rows = []
    if window is not None:
        month = rules.month_start(window[0])
        last = rules.month_start(window[1])
        months = []
        while month <= last:
            months.append(month)
            month += relativedelta(months=1)
        cells = rules.suppress_series([monthly.get(month, 0) for month in months])
        for month, (count, cumulative) in zip(months, cells, strict=True):
            rows.append([month.strftime("%Y-%m"), count, cumulative])
    unit = _("People") if target.counts_people else _("Organisations")
    return Table(
        key="trend",
        title=_("Per month"),
        columns=[_("Month"), _("%(unit)s in month") % {"unit": unit}, _("Cumulative")],
        rows=rows,
        kinds=["month", "number", "number"],
    )


def quarter_trend_table(report: TargetReport) -> Table:
    """The trend per calendar quarter (the quarterly PDF's table: a third of the monthly rows),
    suppressed as a series of its own from the exact quarterly counts."""
    quarters: dict[str, int] = {}
    if report.window is not None:
        month = rules.month_start(report.window[0])
        last = rules.month_start(report.window[1])
        while month <= last:
            label = f"{month.year}-Q{(month.month - 1) // 3 + 1}"
            quarters[label] = quarters.get(label, 0) + report.monthly.get(month, 0)
            month += relativedelta(months=1)
    cells = rules.suppress_series(list(quarters.values()))
    unit = _("People") if report.progress.target.counts_people else _("Organisations")
    return Table(
        key="trend-quarter",
        title=_("Per quarter"),
        columns=[_("Quarter"), _("%(unit)s in quarter") % {"unit": unit}, _("Cumulative")],
        rows=[
            [label, count, cumulative]
            for label, (count, cumulative) in zip(quarters, cells, strict=True)
        ],
        note=report.trend.note,
    )


def _breakdown_table(
    *,
    key: str,
    title: str,
    label: str,
    counts: dict,
    labels: dict,
    note: str = "",
    total: int | None = None,
) -> Table:
    ordered = [k for k in labels if k in counts] + [k for k in counts if k not in labels]
    values = [counts[k] for k in ordered]
    cells, total_cell = rules.suppress_breakdown(values)
    rows = [[labels.get(k, _("Unknown")), cell] for k, cell in zip(ordered, cells, strict=True)]
    if total is not None:
        # rows that overlap (someone in two rows) do not add up to the total: it stands alone
        total_cell = rules.suppress(total)
    rows.append([_("Total"), total_cell])
    return Table(key=key, title=title, columns=[label, _("Number")], rows=rows, note=note)


def source_columns(target: Target) -> list[tuple[int, str]]:
    """The source figures a people target shows, as (source bit, column title): e-learning and
    on location always, each outside source the target counts (ADR 0024)."""
    columns = [
        (rules.SOURCE_ELEARNING, _("E-learning")),
        (rules.SOURCE_TRAINING, _("On location")),
    ]
    if OutsideSource.BUIT in target.outside_sources:
        columns.append((rules.SOURCE_OUTSIDE_BUIT, _("BUIT e-learning (imported)")))
    if OutsideSource.CAMPAIGN in target.outside_sources:
        columns.append((rules.SOURCE_OUTSIDE_CAMPAIGN, _("Campaign reach (imported)")))
    return columns


def source_cells(target: Target, by_source: dict[int, int]) -> list[tuple[str, rules.Cell]]:
    """A people target's figures per source, small ones suppressed, for the dashboard card."""
    return [(title, rules.suppress(by_source.get(bit, 0))) for bit, title in source_columns(target)]


def _source_table(*, target: Target, by_region_source: dict, regions: dict) -> Table:
    """People by region and source side by side, and the total that counts each person once:
    someone with the e-learning and the training is in both columns and once in the total.
    Suppressed as one table (`rules.suppress_union_table`): no column total and no row's
    "each person once" gives a hidden cell away."""
    columns = source_columns(target)
    labels = {**regions, UNKNOWN: _("Unknown")}
    ordered = [k for k in labels if k in by_region_source] + [
        k for k in by_region_source if k not in labels
    ]
    bits = [*(bit for bit, _title in columns), 0]  # 0: each person once (rules.source_totals)
    table = rules.suppress_union_table(
        [[by_region_source[k].get(bit, 0) for bit in bits] for k in ordered]
    )
    rows = [
        [labels.get(k, _("Unknown")), *cells] for k, cells in zip(ordered, table.rows, strict=True)
    ]
    totals = table.totals
    if not ordered:  # nobody counted yet: a row of zeros, as before
        totals = [0] * len(bits)
    rows.append([_("Total"), *totals])
    return Table(
        key="source",
        title=_("By region and source"),
        columns=[_("Region"), *(title for _bit, title in columns), _("Total (each person once)")],
        rows=rows,
        note=_(
            "Someone who did the e-learning and the training on location counts in both "
            "columns and once in the total; an imported person who also passed here counts once."
        ),
    )


def target_report(
    *, target: Target, filters: ReportFilters = NO_FILTERS, as_of: date | None = None
) -> TargetReport:
    """Headline, monthly trend and breakdowns by region, sector and organisation kind."""
    as_of = as_of or timezone.localdate()
    counts = selectors.target_counts(target=target, filters=filters, as_of=as_of)
    people = target.counts_people
    monthly = counts.monthly
    regions = selectors.region_names()
    sectors: dict[int, str] = {}
    kind_labels = {k: str(label) for k, label in Organisation.Kind.choices}
    tables = [
        _breakdown_table(
            key="region",
            title=_("By region"),
            label=_("Region"),
            counts=counts.by_region,
            labels={**regions, UNKNOWN: _("Unknown")},
        )
    ]
    if people:
        sectors = selectors.sector_names()
        tables.append(
            _breakdown_table(
                key="sector",
                title=_("By sector"),
                label=_("Sector"),
                counts=counts.by_third,
                labels={**sectors, UNKNOWN: _("Unknown")},
            )
        )
        tables.append(
            _breakdown_table(
                key="kind",
                title=_("By organisation kind"),
                label=_("Organisation kind"),
                counts=counts.by_kind,
                labels={**kind_labels, UNKNOWN: _("No organisation")},
                total=sum(monthly.values()),
                note=_(
                    "By the organisations people work for now; someone working for two kinds "
                    "counts in both rows."
                ),
            )
        )
    else:
        tables.append(
            _breakdown_table(
                key="kind",
                title=_("By organisation kind"),
                label=_("Organisation kind"),
                counts=counts.by_third,
                labels=kind_labels,
            )
        )
    if people:
        tables.append(
            _source_table(target=target, by_region_source=counts.by_region_source, regions=regions)
        )
    applies = people or filters.sector_id is None  # organisations have no sector
    selection_total = rules.suppress(sum(monthly.values())) if filters.active and applies else None
    trend = _trend_table(target=target, monthly=dict(monthly), window=counts.window)
    description = " ".join(
        part
        for part in (
            scope_description(filters, region_names=regions),
            filters_description(filters, region_names=regions, sector_names=sectors),
        )
        if part
    )
    if description:
        # an exported table says which selection it shows
        for table in (trend, *tables):
            table.note = " ".join(n for n in (description, table.note) if n)
    return TargetReport(
        progress=counts.progress,
        filters=filters,
        selection_total=selection_total,
        trend=trend,
        tables=tables,
        monthly=dict(monthly),
        window=counts.window,
    )


def overview_table(
    progress_list: list[TargetProgress],
    filters: ReportFilters = NO_FILTERS,
    *,
    published: bool = False,
) -> Table:
    """The targets overview as a table (dashboard export, PDF); with filters, a last column
    holds the count in the selection. For a regional coordinator the regions' count next to
    the national target, without forecast or status (ADR 0023). `published`: small counts and
    what is worked out from them suppressed (`rules.publish_forecast`), as in the quarterly
    report."""
    if filters.region_ids is not None:
        return _regional_overview_table(progress_list, filters)
    rows = []
    for p in progress_list:
        f = p.forecast
        headline = rules.publish_forecast(f) if published else f
        selection = [] if not filters.active else ["" if p.selection is None else p.selection]
        # per source (ADR 0024): blank for organisations and sources the target does not count
        shown = dict(source_columns(p.target)) if p.target.counts_people else {}
        per_source = [
            rules.suppress(p.by_source.get(bit, 0)) if bit in shown else ""
            for bit in rules.SOURCE_BITS
        ]
        rows.append(
            [
                p.target.local_title,
                headline.achieved,
                f.goal if f.goal is not None else "",
                headline.percentage if headline.percentage is not None else "",
                _rate(headline.required_people),
                _rate(headline.actual_people),
                headline.forecast_date or "",
                status_label(f.status),
                p.target.period_start,
                p.target.period_end,
                *selection,
                *per_source,
            ]
        )
    return Table(
        key="targets",
        title=_("Targets"),
        columns=[
            _("Target"),
            _("Achieved"),
            _("Target number"),
            _("Percentage"),
            _("Needed per month"),
            _("Actual per month (last 3 months)"),
            _("Forecast date"),
            _("Status"),
            _("Period start"),
            _("Period end"),
            *([_("In selection")] if filters.active else []),
            # last, so that the columns before keep their places (the PDF shows the first 8)
            _("E-learning"),
            _("On location"),
            _("BUIT e-learning (imported)"),
            _("Campaign reach (imported)"),
        ],
        rows=rows,
        note=filters_description(filters),
        kinds=[
            "text",
            "number",
            "number",
            "percent",
            "number",
            "number",
            "date",
            "text",
            "date",
            "date",
            *(["number"] if filters.active else []),
            *["number"] * len(rules.SOURCE_BITS),
        ],
    )


def _regional_overview_table(progress_list: list[TargetProgress], filters: ReportFilters) -> Table:
    rows = []
    for p in progress_list:
        share = regional_share(p)
        selection = [] if not filters.active else ["" if p.selection is None else p.selection]
        rows.append(
            [
                p.target.local_title,
                share.achieved,
                _rate(share.national_goal),
                _rate(share.percentage),
                _rate(share.actual_people),
                p.target.period_start,
                p.target.period_end,
                *selection,
            ]
        )
    regions = selectors.region_names()
    names = ", ".join(sorted(regions[pk] for pk in filters.region_ids or () if pk in regions))
    note = " ".join(
        part
        for part in (
            scope_description(filters, region_names=regions),
            filters_description(filters, region_names=regions),
        )
        if part
    )
    return Table(
        key="targets",
        title=_("Targets"),
        columns=[
            _("Target"),
            _("Achieved in %(regions)s") % {"regions": names},
            _("National target number"),
            _("Share of the national target"),
            _("Actual per month (last 3 months)"),
            _("Period start"),
            _("Period end"),
            *([_("In selection")] if filters.active else []),
        ],
        rows=rows,
        note=note,
        kinds=[
            "text",
            "number",
            "number",
            "percent",
            "number",
            "date",
            "date",
            *(["number"] if filters.active else []),
        ],
    )


def filters_description(
    filters: ReportFilters,
    *,
    region_names: dict[int, str] | None = None,
    sector_names: dict[int, str] | None = None,
) -> str:
    """The filters in words, for the note under an exported table ("" without filters).
    `region_names` and `sector_names`: labels the caller has loaded already (no query)."""
    if not filters.active:
        return ""
    parts = []
    if filters.date_from:
        parts.append(_("from %(date)s") % {"date": _date(filters.date_from)})
    if filters.date_to:
        parts.append(_("up to and including %(date)s") % {"date": _date(filters.date_to)})
    if filters.region_id:
        region = (region_names or {}).get(filters.region_id) or selectors.region_by_id(
            filters.region_id
        )
        parts.append(_("region %(name)s") % {"name": region})
    if filters.sector_id:
        sector = (sector_names or {}).get(filters.sector_id) or selectors.sector_by_id(
            filters.sector_id
        )
        parts.append(_("sector %(name)s") % {"name": sector})
    return _("Selection: %(filters)s.") % {"filters": ", ".join(parts)}


def target_scope_note(target: Target) -> str:
    """Whom a people target counts, in words ("" when it counts everyone who passed)."""
    if not target.counts_people:
        return ""
    parts = []
    sectors = ", ".join(str(s) for s in target.sectors.all())
    if sectors:
        parts.append(_("Only people in these sectors: %(names)s.") % {"names": sectors})
    roles = ", ".join(str(r) for r in target.professional_roles.all())
    if roles:
        parts.append(_("Only people in these professional roles: %(names)s.") % {"names": roles})
    return " ".join(parts)


def forecast_note(forecast: rules.Forecast) -> str:
    """The forecast in words: the date and how it was reached, or why there is none."""
    f = forecast
    if f.status == rules.Status.NO_GOAL:
        return _("No forecast: N (the size of the whole group) is not entered yet.")
    if f.status == rules.Status.REACHED:
        return _("Target reached.")
    if f.status == rules.Status.MISSED:
        return _("No forecast: the period has ended.")
    if f.status == rules.Status.NOT_STARTED:
        return _("No forecast: the period has not started yet.")
    if f.actual_rate is None:
        return _("No rate yet: no complete month with figures in the period.")
    if f.forecast_date is None and f.actual_rate > 0:
        return _("No forecast: at the current rate the target is not reached before the year 9999.")
    if f.forecast_date is None:
        return ngettext(
            "No forecast: nobody counted in the last complete month.",
            "No forecast: nobody counted in the last %(months)s complete months.",
            f.rate_months,
        ) % {"months": f.rate_months}
    return ngettext(
        "At the current rate (average of %(months)s month) reached on %(date)s.",
        "At the current rate (average of %(months)s months) reached on %(date)s.",
        f.rate_months,
    ) % {"months": f.rate_months, "date": _date(f.forecast_date)}


def _date(day: date) -> str:
    """A date in the page language's short format (Django's SHORT_DATE_FORMAT)."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _rate(value) -> int | str:
    return "" if value is None else value


def status_label(status: str) -> str:
    return {
        rules.Status.NO_GOAL: _("waiting for N: the size of the whole group is not entered yet"),
        rules.Status.NOT_STARTED: _("not started"),
        rules.Status.REACHED: _("reached"),
        rules.Status.ON_TRACK: _("on track"),
        rules.Status.BEHIND: _("behind"),
        rules.Status.MISSED: _("not reached"),
    }[status]


def target_trend(
    *, target: Target, filters: ReportFilters = NO_FILTERS, as_of: date | None = None
) -> Table:
    """Only the monthly trend (one query), for the API's time series."""
    as_of = as_of or timezone.localdate()
    window = selectors.counting_window(target=target, filters=filters, as_of=as_of)
    monthly = selectors.monthly_counts(target=target, filters=filters, as_of=as_of)
    return _trend_table(target=target, monthly=monthly, window=window)
