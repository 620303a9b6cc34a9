"""Counting toward the targets, in the database (ADR 0012).

A person counts once per target: in the month and period of their FIRST pass of any of the
target's courses (all language versions share a course_key; renewals and retakes are later rows
of the same person). A pass whose certificate was revoked is no pass: it is left out before the
first pass is taken. Anonymised accounts keep their rows and stay counted. A target's sector and
professional role filters match the person's current profile.

Every count is one GROUP BY query: an inner query with one row per person (or organisation) and
the moment that counts, wrapped in an outer GROUP BY over the wanted dimensions (month, region,
sector, kind). Marginal totals are summed from that small grid, never from people."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Region, Sector
from certificates.models import Certificate
from lms.models import Completion
from organisations.models import Organisation, OrganisationCertificate, StaffMembership

from . import rules
from .models import (
    ORGANISATION_SCOPES,
    CountedCell,
    CountedPerson,
    ReferencePoint,
    Target,
    TargetCourse,
)

LOCAL_TZ = ZoneInfo(settings.TIME_ZONE)
UNKNOWN = "unknown"
CURRENTLY_CERTIFIED = [
    Organisation.CertificationStatus.CERTIFIED,
    Organisation.CertificationStatus.AT_RISK,
]


@dataclass(frozen=True)
class ReportFilters:
    """The dashboard's GET filters; every combination has a stable URL."""

    date_from: date | None = None
    date_to: date | None = None
    region_id: int | None = None
    sector_id: int | None = None

    @property
    def active(self) -> bool:
        return any(
            v is not None for v in (self.date_from, self.date_to, self.region_id, self.sector_id)
        )

    def as_params(self) -> dict[str, str]:
        params = {}
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        if self.region_id:
            params["region"] = str(self.region_id)
        if self.sector_id:
            params["sector"] = str(self.sector_id)
        return params


NO_FILTERS = ReportFilters()


def local_midnight(day: date) -> datetime:
    """00:00 Dutch time at the start of `day` (a period day runs from 00:00 to 24:00 there)."""
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)


def counting_window(
    *, target: Target, filters: ReportFilters, as_of: date
) -> tuple[date, date] | None:
    """The inclusive days counted: the target's period, narrowed by the filters, up to as_of."""
    start = max(d for d in (target.period_start, filters.date_from) if d is not None)
    end = min(d for d in (target.period_end, filters.date_to, as_of) if d is not None)
    if end < start:
        return None
    return start, end


def targets_queryset() -> QuerySet[Target]:
    return Target.objects.prefetch_related(
        Prefetch("courses", queryset=TargetCourse.objects.order_by("sort_order")),
        "sectors",
        "professional_roles",
        Prefetch("reference_points", queryset=ReferencePoint.objects.order_by("on_date", "pk")),
    )


def target_course_keys(target: Target) -> list[uuid.UUID]:
    return [c.course_key for c in target.courses.all()]


def _month(value) -> date:
    # A truncated month arrives as a date, a datetime or (SQLite) an ISO string.
    return date.fromisoformat(str(value)[:10])


def _grouped_counts(inner: QuerySet, dims: Iterable[str]) -> list[tuple]:
    """Run SELECT <dims>, COUNT(*) FROM (<inner>) GROUP BY <dims>; `inner` selects the columns
    r_<dim> with one row per counted person or organisation."""
    qn = connection.ops.quote_name
    columns = [qn(f"r_{dim}") for dim in dims]
    sql, params = inner.query.sql_with_params()
    if columns:
        select = ", ".join(columns)
        outer = f"SELECT {select}, COUNT(*) FROM ({sql}) first_events GROUP BY {select}"  # noqa: S608
    else:
        outer = f"SELECT COUNT(*) FROM ({sql}) first_events"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return list(cursor.fetchall())


def counting_completions(*, target: Target) -> QuerySet[Completion]:
    """The passes that count toward a people target: its courses (every language version), not
    revoked, by people in its sectors and professional roles (when it names any).

    A revoked certificate means the pass is void (ADR 0012): its completion is left out before
    anyone's first pass is taken. Expired and superseded certificates, and completions whose
    certificate is not issued yet, still count: the person was trained."""
    revoked = Certificate.objects.filter(
        completion=OuterRef("pk"), status=Certificate.Status.REVOKED
    )
    completions = Completion.objects.filter(course_key__in=target_course_keys(target)).exclude(
        Exists(revoked)
    )
    sector_ids = [s.pk for s in target.sectors.all()]
    if sector_ids:
        completions = completions.filter(user__sector_id__in=sector_ids)
    role_ids = [r.pk for r in target.professional_roles.all()]
    if role_ids:
        completions = completions.filter(user__professional_role_id__in=role_ids)
    return completions


def _people_first_passes(
    *, target: Target, filters: ReportFilters, window: tuple[date, date]
) -> QuerySet:
    """The recount when kept counts are not current: `first_passes_ever` narrowed to the
    people whose first counting pass lies in `window` and who match the filters."""
    people = first_passes_ever(target=target).filter(
        r_first__gte=local_midnight(window[0]),
        r_first__lt=local_midnight(window[1] + timedelta(days=1)),
    )
    if filters.region_id:
        people = people.filter(user__region_id=filters.region_id)
    if filters.sector_id:
        people = people.filter(user__sector_id=filters.sector_id)
    return people


def _organisation_first_events(
    *, target: Target, filters: ReportFilters, window: tuple[date, date], dims: Iterable[str]
) -> QuerySet:
    """One row per organisation registered (or first certified) within `window`."""
    dims = set(dims)
    organisations = Organisation.objects.filter(kind__in=target_organisation_kinds(target))
    if filters.region_id:
        organisations = organisations.filter(region_id=filters.region_id)
    group = {"r_org": F("pk")}
    if "region" in dims:
        group["r_region"] = F("region_id")
    if "kind" in dims:
        group["r_kind"] = F("kind")
    start = local_midnight(window[0])
    end = local_midnight(window[1] + timedelta(days=1))
    if target.unit == Target.Unit.ORGANISATIONS_REGISTERED:
        inner = (
            organisations.filter(created_at__gte=start, created_at__lt=end)
            .order_by()
            .values(**group)
            .annotate(r_first=F("created_at"))
        )
    else:
        inner = (
            organisations.order_by()
            .values(**group)
            .annotate(
                r_first=Min(
                    "certificates__awarded_at",
                    filter=~Q(certificates__status=OrganisationCertificate.Status.REVOKED),
                )
            )
            .filter(r_first__gte=start, r_first__lt=end)
        )
    if "month" in dims:
        inner = inner.annotate(
            r_month=TruncMonth("r_first", tzinfo=LOCAL_TZ, output_field=DateField())
        )
    return inner


# --- kept counts (ADR 0020) ------------------------------------------------------------------

KEPT_COLUMNS = {"month": "month", "region": "region_key", "sector": "sector_key"}


def counts_fingerprint(target: Target) -> str:
    """A fingerprint of what a people target counts (courses, sector and role filters), from
    the prefetched relations (no query). Kept counts built for another fingerprint are stale."""
    definition = {
        "unit": target.unit,
        "courses": sorted(str(key) for key in target_course_keys(target)),
        "sectors": sorted(s.pk for s in target.sectors.all()),
        "roles": sorted(r.pk for r in target.professional_roles.all()),
    }
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


def kept_counts_current(target: Target) -> bool:
    """Whether the target's kept counts are built for its current definition (else every
    figure is recounted from the raw rows, as before ADR 0020)."""
    return target.counts_people and target.counts_fingerprint == counts_fingerprint(target)


def _kept_ranges(window: tuple[date, date]) -> tuple[tuple[date, date] | None, list[tuple]]:
    """Split the inclusive window into whole months (read from the kept cells) and the days
    of a partly covered first or last month (read from the kept people, a month at most)."""
    start, end = window
    after = end + timedelta(days=1)
    full_from = start if start.day == 1 else rules.month_start(start) + relativedelta(months=1)
    full_to = after if after.day == 1 else rules.month_start(end)  # exclusive
    if full_from >= full_to:
        return None, [(start, after)]
    partial = []
    if start < full_from:
        partial.append((start, full_from))
    if full_to < after:
        partial.append((full_to, after))
    return (full_from, full_to), partial


def _kept_people(*, target: Target, filters: ReportFilters, window: tuple[date, date]):
    """The kept people counted toward `target` whose first pass lies in `window`."""
    people = CountedPerson.objects.filter(
        target=target,
        first_counted_at__gte=local_midnight(window[0]),
        first_counted_at__lt=local_midnight(window[1] + timedelta(days=1)),
    )
    if filters.region_id:
        people = people.filter(region_key=filters.region_id)
    if filters.sector_id:
        people = people.filter(sector_key=filters.sector_id)
    return people


def _kept_grid(
    *, target: Target, filters: ReportFilters, window: tuple[date, date], dims: Iterable[str]
) -> list[tuple]:
    """The same grid as the recount, from the kept counts: whole months from the cells, the
    days of a partly covered month from the people rows, in one query (UNION ALL)."""
    dims = tuple(dims)
    columns = [KEPT_COLUMNS[d] for d in dims] or ["target_id"]
    months, partial = _kept_ranges(window)
    parts = []
    if months is not None:
        cells = CountedCell.objects.filter(target=target, month__gte=months[0], month__lt=months[1])
        if filters.region_id:
            cells = cells.filter(region_key=filters.region_id)
        if filters.sector_id:
            cells = cells.filter(sector_key=filters.sector_id)
        parts.append(cells.order_by().values(*columns).annotate(n=Sum("people")))
    for begin, until in partial:
        people = _kept_people(
            target=target, filters=filters, window=(begin, until - timedelta(days=1))
        )
        parts.append(people.order_by().values(*columns).annotate(n=Count("pk")))
    query = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    grid: dict[tuple, int] = defaultdict(int)
    for row in query.values_list(*columns, "n"):
        grid[row[:-1] if dims else ()] += row[-1]
    return [(*key, n) for key, n in grid.items() if n]


def first_passes_ever(*, target: Target) -> QuerySet:
    """One row per person who counts toward a people target, over all time: r_user, r_first,
    r_month, r_region and r_sector (0 = not given). What the kept counts are rebuilt from and
    checked against."""
    return (
        counting_completions(target=target)
        .order_by()
        .values(r_user=F("user_id"))
        .annotate(
            r_first=Min("completed_at"),
            r_region=Coalesce(F("user__region_id"), 0),
            r_sector=Coalesce(F("user__sector_id"), 0),
        )
        .annotate(r_month=TruncMonth("r_first", tzinfo=LOCAL_TZ, output_field=DateField()))
    )


@dataclass
class CountsCheck:
    """A target's kept counts next to a full recount from the raw rows, cell by cell."""

    target: Target
    kept: dict[tuple, int]
    recounted: dict[tuple, int]

    @property
    def kept_total(self) -> int:
        return sum(self.kept.values())

    @property
    def recounted_total(self) -> int:
        return sum(self.recounted.values())

    @property
    def equal(self) -> bool:
        return self.kept == self.recounted


def kept_counts_check(*, target: Target) -> CountsCheck:
    """Compare the target's kept cells with a full recount by month, region and sector (two
    queries; the recount reads every completion of the target's courses)."""
    kept = {
        (_month(month), region, sector): people
        for month, region, sector, people in CountedCell.objects.filter(target=target)
        .exclude(people=0)
        .values_list("month", "region_key", "sector_key", "people")
    }
    recounted: dict[tuple, int] = {}
    if target.counts_people and target_course_keys(target):
        for month, region, sector, count in _grouped_counts(
            first_passes_ever(target=target), ("month", "region", "sector")
        ):
            recounted[(_month(month), region, sector)] = count
    return CountsCheck(target=target, kept=kept, recounted=recounted)


def target_organisation_kinds(target: Target) -> list[str]:
    return ORGANISATION_SCOPES[target.organisation_scope]


def _people_grid(
    *, target: Target, filters: ReportFilters, window: tuple[date, date], dims: tuple[str, ...]
) -> list[tuple]:
    """People counted per `dims`: read from the kept counts while they are current for the
    target's definition, else recounted from the raw rows (ADR 0020). Both sources keep an
    unknown region or sector as 0; the grid gives it as None, like the organisation grid."""
    if kept_counts_current(target):
        rows = _kept_grid(target=target, filters=filters, window=window, dims=dims)
    else:
        rows = _grouped_counts(
            _people_first_passes(target=target, filters=filters, window=window), dims
        )
    return [
        (
            *(
                value if dim == "month" else value or None
                for dim, value in zip(dims, row[:-1], strict=True)
            ),
            row[-1],
        )
        for row in rows
    ]


def _counted_user_ids(*, target: Target, filters: ReportFilters, window: tuple[date, date]):
    """The ids of the people counted in `window`, from the same source as `_people_grid`."""
    if kept_counts_current(target):
        return _kept_people(target=target, filters=filters, window=window).values("user_id")
    return _people_first_passes(target=target, filters=filters, window=window).values("r_user")


def _grid(
    target: Target, filters: ReportFilters, as_of: date, dims: tuple[str, ...]
) -> list[tuple]:
    window = counting_window(target=target, filters=filters, as_of=as_of)
    if window is None:
        return []
    if target.counts_people:
        if not target.courses.all():
            return []
        return _people_grid(target=target, filters=filters, window=window, dims=dims)
    else:
        if filters.sector_id is not None:
            return []  # organisations have no sector
        inner = _organisation_first_events(target=target, filters=filters, window=window, dims=dims)
    return _grouped_counts(inner, dims)


# --- results --------------------------------------------------------------------------------


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


@dataclass
class OrganisationFigures:
    registered: int
    ever_certified: int
    currently_certified: int


@dataclass
class TargetProgress:
    target: Target
    forecast: rules.Forecast
    monthly: dict[date, int]
    as_of: date
    organisations: OrganisationFigures | None = None
    reference_points: list[ReferencePoint] = field(default_factory=list)
    #: The count in the dashboard's filtered selection (small cells suppressed); None without
    #: filters, or when a filter does not apply (organisations have no sector).
    selection: rules.Cell | None = None
    #: the dashboard's form for N of an "all of N" target, when it came back with errors
    population_form: Any = None

    @property
    def progress_value(self) -> int:
        goal = self.forecast.goal or 0
        return min(self.forecast.achieved, goal)

    @property
    def status_label(self) -> str:
        return status_label(self.forecast.status)

    @property
    def forecast_note(self) -> str:
        return forecast_note(self.forecast)

    @property
    def scope_note(self) -> str:
        return target_scope_note(self.target)

    @property
    def reference_rows(self) -> list[tuple[ReferencePoint, int | None]]:
        """Each reference point next to the platform's own figure for the same measure."""
        own: dict[str, int | None] = {
            ReferencePoint.Measure.PEOPLE_PASSED: self.forecast.achieved
            if self.target.counts_people
            else None,
        }
        if self.organisations is not None:
            own[ReferencePoint.Measure.ORGANISATIONS_REGISTERED] = self.organisations.registered
            own[ReferencePoint.Measure.ORGANISATIONS_CERTIFIED] = self.organisations.ever_certified
        return [(point, own.get(point.measure)) for point in self.reference_points]


@dataclass
class TargetReport:
    progress: TargetProgress
    filters: ReportFilters
    selection_total: rules.Cell | None
    trend: Table
    tables: list[Table]

    @property
    def all_tables(self) -> list[Table]:
        return [self.trend, *self.tables]


def _monthly(rows: list[tuple]) -> dict[date, int]:
    months: dict[date, int] = defaultdict(int)
    for month, count in rows:
        months[_month(month)] += count
    return dict(months)


def organisation_figures(*, target: Target, as_of: date) -> OrganisationFigures:
    """The platform's own organisation figures at the end of `as_of`, next to reference points."""
    end = local_midnight(as_of + timedelta(days=1))
    certified_before = OrganisationCertificate.objects.filter(
        organisation=OuterRef("pk"), awarded_at__lt=end
    ).exclude(status=OrganisationCertificate.Status.REVOKED)
    figures = Organisation.objects.filter(kind__in=target_organisation_kinds(target)).aggregate(
        registered=Count("pk", filter=Q(created_at__lt=end)),
        ever_certified=Count("pk", filter=Q(Exists(certified_before))),
        currently_certified=Count("pk", filter=Q(certification_status__in=CURRENTLY_CERTIFIED)),
    )
    return OrganisationFigures(**figures)


def target_progress(
    *,
    target: Target,
    as_of: date | None = None,
    with_organisations: bool = True,
    monthly: dict[date, int] | None = None,
) -> TargetProgress:
    """Headline figures of one target (whole country, whole period up to as_of). `monthly`:
    the unfiltered counts per month when the caller already has them."""
    as_of = as_of or timezone.localdate()
    if monthly is None:
        monthly = _monthly(_grid(target, NO_FILTERS, as_of, ("month",)))
    achieved = sum(monthly.values())
    forecast = rules.forecast(
        achieved=achieved,
        goal=target.goal_value,
        monthly_counts=monthly,
        today=as_of,
        period_start=target.period_start,
        period_end=target.period_end,
    )
    organisations = None
    if with_organisations and not target.counts_people:
        organisations = organisation_figures(target=target, as_of=as_of)
    return TargetProgress(
        target=target,
        forecast=forecast,
        monthly=monthly,
        as_of=as_of,
        organisations=organisations,
        reference_points=list(target.reference_points.all()),
    )


def selection_count(*, target: Target, filters: ReportFilters, as_of: date) -> int | None:
    """How many count toward `target` within the filters (one query); None when a filter does
    not apply to the target (a sector filter on an organisation target)."""
    if filters.sector_id is not None and not target.counts_people:
        return None
    return sum(row[0] for row in _grid(target, filters, as_of, ()))


def targets_overview(
    *, as_of: date | None = None, filters: ReportFilters = NO_FILTERS
) -> list[TargetProgress]:
    """Every target with its headline figures: 1 query per target, plus 1 for organisation ones
    and, with filters, 1 for the selection."""
    as_of = as_of or timezone.localdate()
    result = []
    for target in targets_queryset():
        progress = target_progress(target=target, as_of=as_of)
        if filters.active:
            count = selection_count(target=target, filters=filters, as_of=as_of)
            progress.selection = None if count is None else rules.suppress(count)
        result.append(progress)
    return result


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
    cells = rules.suppress_cells(values)
    rows = [[labels.get(k, _("Unknown")), cell] for k, cell in zip(ordered, cells, strict=True)]
    total = sum(values) if total is None else total
    rows.append([_("Total"), rules.suppress(total)])
    return Table(key=key, title=title, columns=[label, _("Number")], rows=rows, note=note)


def _kind_counts_for_people(
    *, target: Target, filters: ReportFilters, window: tuple[date, date], total: int
) -> dict[str, int]:
    """People counted, by the kind of organisation they currently work for (a person working
    for a hotel and a holiday park counts in both rows); `total` people counted in all, so the
    rest work for no organisation. One query over the current memberships of counted people."""
    counted = _counted_user_ids(target=target, filters=filters, window=window)
    current = StaffMembership.objects.filter(left_at__isnull=True, user_id__in=counted)
    aggregates = {
        kind: Count("user_id", distinct=True, filter=Q(organisation__kind=kind))
        for kind in Organisation.Kind.values
    }
    aggregates["any"] = Count("user_id", distinct=True)
    result = current.aggregate(**aggregates)
    result[UNKNOWN] = total - result.pop("any")
    return {k: v for k, v in result.items() if v}


def target_report(
    *, target: Target, filters: ReportFilters = NO_FILTERS, as_of: date | None = None
) -> TargetReport:
    """Headline, monthly trend and breakdowns by region, sector and organisation kind."""
    as_of = as_of or timezone.localdate()
    window = counting_window(target=target, filters=filters, as_of=as_of)
    people = target.counts_people
    dims = ("month", "region", "sector") if people else ("month", "region", "kind")
    grid = _grid(target, filters, as_of, dims)
    monthly: dict[date, int] = defaultdict(int)
    by_region: dict = defaultdict(int)
    by_third: dict = defaultdict(int)
    for month, region, third, count in grid:
        monthly[_month(month)] += count
        by_region[region if region is not None else UNKNOWN] += count
        by_third[third if third is not None else UNKNOWN] += count
    # without filters the grid holds the national figures too: no second query for the headline
    progress = target_progress(
        target=target, as_of=as_of, monthly=None if filters.active else dict(monthly)
    )
    regions = {r.pk: str(r) for r in Region.objects.all()}
    sectors: dict[int, str] = {}
    kind_labels = {k: str(label) for k, label in Organisation.Kind.choices}
    tables = [
        _breakdown_table(
            key="region",
            title=_("By region"),
            label=_("Region"),
            counts=by_region,
            labels={**regions, UNKNOWN: _("Unknown")},
        )
    ]
    if people:
        sectors = {s.pk: str(s) for s in Sector.objects.all()}
        tables.append(
            _breakdown_table(
                key="sector",
                title=_("By sector"),
                label=_("Sector"),
                counts=by_third,
                labels={**sectors, UNKNOWN: _("Unknown")},
            )
        )
        kinds = (
            _kind_counts_for_people(
                target=target, filters=filters, window=window, total=sum(monthly.values())
            )
            if window is not None and target.courses.all()
            else {}
        )
        tables.append(
            _breakdown_table(
                key="kind",
                title=_("By organisation kind"),
                label=_("Organisation kind"),
                counts=kinds,
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
                counts=by_third,
                labels=kind_labels,
            )
        )
    applies = people or filters.sector_id is None  # organisations have no sector
    selection_total = rules.suppress(sum(monthly.values())) if filters.active and applies else None
    trend = _trend_table(target=target, monthly=dict(monthly), window=window)
    description = filters_description(filters, region_names=regions, sector_names=sectors)
    if description:
        # an exported table says which selection it shows
        for table in (trend, *tables):
            table.note = " ".join(n for n in (description, table.note) if n)
    return TargetReport(
        progress=progress,
        filters=filters,
        selection_total=selection_total,
        trend=trend,
        tables=tables,
    )


def overview_table(
    progress_list: list[TargetProgress], filters: ReportFilters = NO_FILTERS
) -> Table:
    """The targets overview as a table (dashboard export, PDF); with filters, a last column
    holds the count in the selection."""
    rows = []
    for p in progress_list:
        f = p.forecast
        selection = [] if not filters.active else ["" if p.selection is None else p.selection]
        rows.append(
            [
                p.target.title,
                f.achieved,
                f.goal if f.goal is not None else "",
                f.percentage if f.percentage is not None else "",
                _rate(f.required_people),
                _rate(f.actual_people),
                f.forecast_date or "",
                status_label(f.status),
                p.target.period_start,
                p.target.period_end,
                *selection,
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
        parts.append(_("from %(date)s") % {"date": filters.date_from.strftime("%d-%m-%Y")})
    if filters.date_to:
        parts.append(
            _("up to and including %(date)s") % {"date": filters.date_to.strftime("%d-%m-%Y")}
        )
    if filters.region_id:
        region = (region_names or {}).get(filters.region_id) or Region.objects.filter(
            pk=filters.region_id
        ).first()
        parts.append(_("region %(name)s") % {"name": region})
    if filters.sector_id:
        sector = (sector_names or {}).get(filters.sector_id) or Sector.objects.filter(
            pk=filters.sector_id
        ).first()
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
    ) % {"months": f.rate_months, "date": f.forecast_date.strftime("%d-%m-%Y")}


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
    window = counting_window(target=target, filters=filters, as_of=as_of)
    monthly = _monthly(_grid(target, filters, as_of, ("month",)))
    return _trend_table(target=target, monthly=monthly, window=window)
