"""Counting toward the targets, in the database: who counts, when, and why each figure is one
GROUP BY query over one row per person (or organisation) is ADR 0012."""

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
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncMonth
from django.utils import timezone

from accounts import roles
from accounts.models import Region, Sector
from certificates.models import Certificate
from lms.models import Completion
from organisations.models import Organisation, OrganisationCertificate, StaffMembership

from . import rules
from .models import (
    ORGANISATION_SCOPES,
    CountedCell,
    CountedMonth,
    CountedPerson,
    OutsideCount,
    OutsideCountFile,
    OutsideSource,
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


#: reads the programme figures of the whole country (programme staff, site admins)
PERMISSION = "accounts.view_programme_reports"


@dataclass(frozen=True)
class ReportScope:
    """Which regions a reader of the programme figures may see (ADR 0023): `regions` None is
    the whole country (programme staff); else a regional coordinator's regions (maybe none)."""

    regions: tuple[Region, ...] | None

    @property
    def national(self) -> bool:
        return self.regions is None

    @property
    def region_ids(self) -> frozenset[int] | None:
        return None if self.regions is None else frozenset(r.pk for r in self.regions)

    def covers(self, slug: str) -> bool:
        """Whether a region code named in a URL lies within the scope."""
        return self.regions is None or any(r.slug == slug for r in self.regions)


NATIONAL = ReportScope(regions=None)


def report_scope(*, user) -> ReportScope | None:
    """The one place that turns a person into the regions they may read (every view, export and
    API operation of reporting asks it): the whole country with the reporting permission, a
    regional coordinator's own regions, else None (no access at all)."""
    if not user.is_authenticated:
        return None
    if user.has_perm(PERMISSION):
        return NATIONAL
    if not roles.has_role(user, roles.REGIONAL_COORDINATOR):
        return None
    return ReportScope(regions=tuple(Region.objects.filter(coordinator_scopes__user=user)))


@dataclass(frozen=True)
class ReportFilters:
    """The dashboard's GET filters; every combination has a stable URL. `region_ids` is the
    reader's scope, not a filter: None for the whole country, else every figure counts only
    these regions (a regional coordinator's "all")."""

    date_from: date | None = None
    date_to: date | None = None
    region_id: int | None = None
    sector_id: int | None = None
    region_ids: frozenset[int] | None = None

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

    @property
    def nothing_in_scope(self) -> bool:
        """A scope without regions: nothing to count (and no query to run)."""
        return self.region_ids is not None and not self.region_ids

    def scope_only(self) -> ReportFilters:
        """No filters, the same scope: what the headline figures count."""
        return ReportFilters(region_ids=self.region_ids)


NO_FILTERS = ReportFilters()


def _in_regions(queryset: QuerySet, filters: ReportFilters, field: str) -> QuerySet:
    """The region filter and the reader's regions, on the queryset's `field`."""
    if filters.region_id:
        queryset = queryset.filter(**{field: filters.region_id})
    if filters.region_ids is not None:
        queryset = queryset.filter(**{f"{field}__in": filters.region_ids})
    return queryset


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
    people = _in_regions(people, filters, "user__region_id")
    if filters.sector_id:
        people = people.filter(user__sector_id=filters.sector_id)
    return people


def _organisation_first_events(
    *, target: Target, filters: ReportFilters, window: tuple[date, date], dims: Iterable[str]
) -> QuerySet:
    """One row per organisation registered (or first certified) within `window`."""
    dims = set(dims)
    organisations = Organisation.objects.filter(kind__in=target_organisation_kinds(target))
    organisations = _in_regions(organisations, filters, "region_id")
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

KEPT_COLUMNS = {
    "month": "month",
    "region": "region_key",
    "sector": "sector_key",
    "sources": "sources",
    "kinds": "kinds",
}
#: The shape of the kept rows: a change makes every target's kept counts stale, so they are
#: recounted from the raw rows until rebuilt (2: with the sources of ADR 0024; 3: with the
#: kinds of organisation people work for).
KEPT_VERSION = 3
#: an organisation kind as a bit of CountedPerson.kinds; the list of kinds is part of the
#: fingerprint, so a kind added later makes the kept counts stale until rebuilt
KIND_BITS: dict[str, int] = {kind: 1 << i for i, kind in enumerate(Organisation.Kind.values)}
#: the dimensions the kept months (CountedMonth) keep
MONTH_DIMS = frozenset({"month", "region", "sources"})


def current_kinds(user_id) -> Coalesce:
    """An expression: the bits of the kinds of organisation the person `user_id` (a value or
    an OuterRef) works for now; 0 when none. One subquery: a person is staff of a few at most."""
    bits = Case(
        *(When(organisation__kind=kind, then=Value(bit)) for kind, bit in KIND_BITS.items()),
        default=Value(0),
    )
    memberships = (
        StaffMembership.objects.filter(user_id=user_id, left_at__isnull=True)
        .order_by()
        .values("user_id")
        # each kind's bit once: the sum of distinct powers of two is their OR
        .annotate(mask=Sum(bits, distinct=True))
        .values("mask")
    )
    return Coalesce(Subquery(memberships, output_field=IntegerField()), Value(0))


def counts_fingerprint(target: Target) -> str:
    """A fingerprint of what a people target counts (courses, sector and role filters), from
    the prefetched relations (no query). Kept counts built for another fingerprint are stale."""
    definition = {
        "version": KEPT_VERSION,
        "unit": target.unit,
        "courses": sorted(str(key) for key in target_course_keys(target)),
        "sectors": sorted(s.pk for s in target.sectors.all()),
        "roles": sorted(r.pk for r in target.professional_roles.all()),
        "kinds": KIND_BITS,
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
    people = _in_regions(people, filters, "region_key")
    if filters.sector_id:
        people = people.filter(sector_key=filters.sector_id)
    return people


def _kept_grid(
    *, target: Target, filters: ReportFilters, window: tuple[date, date], dims: Iterable[str]
) -> list[tuple]:
    """The same grid as the recount, from the kept counts: whole months from the cells (from
    their roll-up by month, region and sources when the grid and the filters need no more),
    the days of a partly covered month from the people rows, in one query (UNION ALL)."""
    dims = tuple(dims)
    columns = [KEPT_COLUMNS[d] for d in dims] or ["target_id"]
    months, partial = _kept_ranges(window)
    parts = []
    if months is not None:
        whole_months = {"target": target, "month__gte": months[0], "month__lt": months[1]}
        cells: QuerySet[Any]
        if set(dims) <= MONTH_DIMS and not filters.sector_id:
            cells = CountedMonth.objects.filter(**whole_months)
        else:
            cells = CountedCell.objects.filter(**whole_months)
            if filters.sector_id:
                cells = cells.filter(sector_key=filters.sector_id)
        cells = _in_regions(cells, filters, "region_key")
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


def _source_bit(field: str, value: str, bit: int) -> Max:
    """`bit` when any grouped row has `field` == `value`, else 0 (the rows' sources as bits)."""
    return Max(Case(When(**{field: value}, then=Value(bit)), default=Value(0)))


def first_passes_ever(*, target: Target, kinds: bool = False) -> QuerySet:
    """One row per person who counts toward a people target, over all time: r_user, r_first,
    r_month, r_region and r_sector (0 = not given), and r_sources: the sources of their
    counting passes as bits (e-learning, training; ADR 0024); with `kinds`, r_kinds: the kinds
    of organisation they work for now (`current_kinds`). What the kept counts are rebuilt
    from and checked against."""
    people = (
        counting_completions(target=target)
        .order_by()
        .values(r_user=F("user_id"))
        .annotate(
            r_first=Min("completed_at"),
            r_region=Coalesce(F("user__region_id"), 0),
            r_sector=Coalesce(F("user__sector_id"), 0),
            r_sources=_source_bit("source", Completion.Source.ELEARNING, rules.SOURCE_ELEARNING)
            + _source_bit("source", Completion.Source.TRAINING, rules.SOURCE_TRAINING),
        )
        .annotate(r_month=TruncMonth("r_first", tzinfo=LOCAL_TZ, output_field=DateField()))
    )
    if kinds:
        people = people.annotate(r_kinds=current_kinds(OuterRef("user_id")))
    return people


@dataclass
class CountsCheck:
    """A target's kept counts next to a full recount from the raw rows, cell by cell."""

    target: Target
    kept: dict[tuple, int]
    recounted: dict[tuple, int]
    #: the kept months (by month, region and sources), which must equal the recount summed
    #: over sector and kinds
    kept_months: dict[tuple, int] = field(default_factory=dict)

    @property
    def kept_total(self) -> int:
        return sum(self.kept.values())

    @property
    def recounted_total(self) -> int:
        return sum(self.recounted.values())

    @property
    def recounted_months(self) -> dict[tuple, int]:
        months: dict[tuple, int] = defaultdict(int)
        for (month, region, _sector, sources, _kinds), people in self.recounted.items():
            months[(month, region, sources)] += people
        return dict(months)

    @property
    def equal(self) -> bool:
        return self.kept == self.recounted and self.kept_months == self.recounted_months


def kept_counts_check(*, target: Target) -> CountsCheck:
    """Compare the target's kept cells with a full recount by month, region, sector, sources
    and organisation kinds, and its kept months with the same recount summed by month, region
    and sources (three queries; the recount reads every completion of the target's courses)."""
    kept: dict[tuple, int] = defaultdict(int)
    for month, region, sector, sources, kinds, people in (
        CountedCell.objects.filter(target=target)
        .exclude(people=0)
        .values_list("month", "region_key", "sector_key", "sources", "kinds", "people")
    ):
        kept[(_month(month), region, sector, sources, kinds)] += people
    kept_months: dict[tuple, int] = defaultdict(int)
    for month, region, sources, people in (
        CountedMonth.objects.filter(target=target)
        .exclude(people=0)
        .values_list("month", "region_key", "sources", "people")
    ):
        kept_months[(_month(month), region, sources)] += people
    recounted: dict[tuple, int] = {}
    if target.counts_people and target_course_keys(target):
        for month, region, sector, sources, kinds, count in _grouped_counts(
            first_passes_ever(target=target, kinds=True),
            ("month", "region", "sector", "sources", "kinds"),
        ):
            recounted[(_month(month), region, sector, sources, kinds)] = count
    return CountsCheck(
        target=target, kept=dict(kept), recounted=recounted, kept_months=dict(kept_months)
    )


def target_organisation_kinds(target: Target) -> list[str]:
    return ORGANISATION_SCOPES[target.organisation_scope]


def _people_grid(
    *,
    target: Target,
    filters: ReportFilters,
    window: tuple[date, date],
    dims: tuple[str, ...],
    outside: bool = True,
) -> list[tuple]:
    """People counted per `dims`: read from the kept counts while they are current for the
    target's definition, else recounted from the raw rows (ADR 0020); plus the imported
    outside counts of the target's outside sources (ADR 0024). Both keep an unknown region or
    sector as 0; the grid gives it as None, like the organisation grid. A grid may hold a key
    twice (platform and outside rows): every reader adds up."""
    rows: list[tuple] = []
    if not target_course_keys(target):
        pass  # only outside counts (an empty IN list would not compile)
    elif kept_counts_current(target):
        rows = _kept_grid(target=target, filters=filters, window=window, dims=dims)
    else:
        rows = _grouped_counts(
            _people_first_passes(target=target, filters=filters, window=window), dims
        )
    if outside and target.outside_sources:
        rows = [*rows, *_outside_grid(target=target, filters=filters, window=window, dims=dims)]
    return [
        (
            *(
                value if dim in ("month", "sources") else value or None
                for dim, value in zip(dims, row[:-1], strict=True)
            ),
            row[-1],
        )
        for row in rows
    ]


#: the outside-count dimensions; outside rows have no sector (0 = not given)
OUTSIDE_DIMS = ("month", "region", "sources")
OUTSIDE_SOURCE_BITS = {
    OutsideSource.BUIT: rules.SOURCE_OUTSIDE_BUIT,
    OutsideSource.CAMPAIGN: rules.SOURCE_OUTSIDE_CAMPAIGN,
}


def _outside_grid(
    *, target: Target, filters: ReportFilters, window: tuple[date, date], dims: tuple[str, ...]
) -> list[tuple]:
    """The imported outside counts toward `target` per `dims`, in one query (ADR 0024). A count
    row adds its count; a person row counts its person once per target, at their first row,
    and not at all when the person (matched by e-mail at import) counts on the platform for
    this target already. Rows of withdrawn files count nowhere."""
    if filters.sector_id is not None:
        return []  # outside counts have no sector
    rows = OutsideCount.objects.filter(
        source__in=target.outside_sources, file__withdrawn_at__isnull=True
    )
    rows = _in_regions(rows, filters, "region_id")
    if not target_course_keys(target):
        pass  # nobody counts on the platform for it
    elif kept_counts_current(target):
        rows = rows.exclude(
            user_id__in=CountedPerson.objects.filter(target=target).values("user_id")
        )
    else:
        rows = rows.exclude(user_id__in=first_passes_ever(target=target).values("r_user"))
    # a count row is its own group; a person's rows group by their key
    group = Case(
        When(person_key="", then=Concat(Value("#"), Cast("pk", CharField()))),
        default=F("person_key"),
        output_field=CharField(),
    )
    bits = [
        _source_bit("source", source, bit)
        for source, bit in OUTSIDE_SOURCE_BITS.items()
        if source in target.outside_sources
    ]
    sources: Any = bits[0]
    for bit in bits[1:]:
        sources = sources + bit
    inner = (
        rows.order_by()
        .values(r_key=group)
        .annotate(
            r_first=Min("day"),
            r_n=Max("count"),
            r_region=Coalesce(Min("region_id"), 0),
            r_sources=Cast(sources, IntegerField()),
        )
        .filter(r_first__gte=window[0], r_first__lte=window[1])
    )
    wanted = [d for d in dims if d in OUTSIDE_DIMS]
    if "month" in wanted:
        inner = inner.annotate(r_month=TruncMonth("r_first", output_field=DateField()))
    qn = connection.ops.quote_name
    columns = [qn(f"r_{dim}") for dim in wanted]
    sql, params = inner.query.sql_with_params()
    select = "".join(f"{c}, " for c in columns)
    group_by = f" GROUP BY {', '.join(columns)}" if columns else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select}SUM({qn('r_n')}) FROM ({sql}) outside{group_by}",  # noqa: S608
            params,
        )
        found = cursor.fetchall()
    result = []
    for row in found:
        if row[-1] is None:
            continue  # SUM over no rows
        values = dict(zip(wanted, row[:-1], strict=True))
        result.append((*(values.get(dim, 0) for dim in dims), int(row[-1])))
    return result


def _counted_user_ids(*, target: Target, filters: ReportFilters, window: tuple[date, date]):
    """The ids of the people counted in `window`, from the same source as `_people_grid`."""
    if kept_counts_current(target):
        return _kept_people(target=target, filters=filters, window=window).values("user_id")
    return _people_first_passes(target=target, filters=filters, window=window).values("r_user")


def _grid(
    target: Target,
    filters: ReportFilters,
    as_of: date,
    dims: tuple[str, ...],
    *,
    outside: bool = True,
) -> list[tuple]:
    """Counts per `dims` within the filters; `outside` False leaves out a people target's
    imported outside counts (a caller that reads them once for several grids)."""
    window = counting_window(target=target, filters=filters, as_of=as_of)
    if window is None or filters.nothing_in_scope:
        return []
    if target.counts_people:
        if not target.courses.all() and not (outside and target.outside_sources):
            return []
        return _people_grid(
            target=target, filters=filters, window=window, dims=dims, outside=outside
        )
    else:
        if filters.sector_id is not None:
            return []  # organisations have no sector
        inner = _organisation_first_events(target=target, filters=filters, window=window, dims=dims)
    return _grouped_counts(inner, dims)


# --- results --------------------------------------------------------------------------------


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
    #: the regions counted (a regional coordinator's, ADR 0023); None: the whole country
    region_ids: frozenset[int] | None = None

    @property
    def regional(self) -> bool:
        """Counted for some regions against a national target: the forecast and the status,
        which judge the national target, do not apply."""
        return self.region_ids is not None

    #: a people target's people by source (`rules.source_totals`: key 0 is the total), over
    #: the whole period up to as_of; empty for an organisation target
    by_source: dict[int, int] = field(default_factory=dict)

    @property
    def progress_value(self) -> int:
        goal = self.forecast.goal or 0
        return min(self.forecast.achieved, goal)

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
class TargetCounts:
    """What a target's report counts within the filters, before any labels (ADR 0012)."""

    progress: TargetProgress
    #: the inclusive days counted; None when the filters leave none
    window: tuple[date, date] | None
    monthly: dict[date, int]
    #: by region id (UNKNOWN: no region given)
    by_region: dict
    #: by sector id for a people target, by organisation kind for an organisation target
    by_third: dict
    #: a people target's people by the kind of organisation they work for now (UNKNOWN: none)
    by_kind: dict[str, int] = field(default_factory=dict)
    #: a people target's people by region (UNKNOWN: none) and source (`rules.source_totals`)
    by_region_source: dict = field(default_factory=dict)
    #: the same for the whole selection
    by_source: dict[int, int] = field(default_factory=dict)


def _monthly(rows: list[tuple]) -> dict[date, int]:
    months: dict[date, int] = defaultdict(int)
    for month, count in rows:
        months[_month(month)] += count
    return dict(months)


def _by_sources(rows: Iterable[tuple]) -> dict[int, int]:
    """Counts per source mask from grid rows that end in (sources, count)."""
    masks: dict[int, int] = defaultdict(int)
    for *_rest, sources, count in rows:
        masks[sources or 0] += count
    return rules.source_totals(masks)


def organisation_figures(
    *, target: Target, as_of: date, filters: ReportFilters = NO_FILTERS
) -> OrganisationFigures:
    """The platform's own organisation figures at the end of `as_of` (of the reader's regions),
    next to reference points."""
    if filters.nothing_in_scope:
        return OrganisationFigures(registered=0, ever_certified=0, currently_certified=0)
    end = local_midnight(as_of + timedelta(days=1))
    certified_before = OrganisationCertificate.objects.filter(
        organisation=OuterRef("pk"), awarded_at__lt=end
    ).exclude(status=OrganisationCertificate.Status.REVOKED)
    organisations = _in_regions(
        Organisation.objects.filter(kind__in=target_organisation_kinds(target)),
        filters.scope_only(),
        "region_id",
    )
    figures = organisations.aggregate(
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
    region_ids: frozenset[int] | None = None,
) -> TargetProgress:
    """Headline figures of one target (whole country, or the reader's `region_ids`; whole
    period up to as_of). `monthly`: the unfiltered counts per month when the caller already
    has them."""
    as_of = as_of or timezone.localdate()
    scope = ReportFilters(region_ids=region_ids)
    by_source: dict[int, int] = {}
    if monthly is None and target.counts_people:
        # the same one query gives the months and the sources
        rows = _grid(target, scope, as_of, ("month", "sources"))
        monthly = _monthly([(month, count) for month, _sources, count in rows])
        by_source = _by_sources(rows)
    elif monthly is None:
        monthly = _monthly(_grid(target, scope, as_of, ("month",)))
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
        organisations = organisation_figures(target=target, as_of=as_of, filters=scope)
    return TargetProgress(
        target=target,
        forecast=forecast,
        monthly=monthly,
        as_of=as_of,
        organisations=organisations,
        # reference points are national figures from outside: set beside national ones only
        reference_points=list(target.reference_points.all()) if region_ids is None else [],
        region_ids=region_ids,
        by_source=by_source,
    )


def selection_count(*, target: Target, filters: ReportFilters, as_of: date) -> int | None:
    """How many count toward `target` within the filters and the reader's regions (one query);
    None when a filter does not apply to the target (a sector filter on an organisation target)."""
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
        progress = target_progress(target=target, as_of=as_of, region_ids=filters.region_ids)
        if filters.active:
            count = selection_count(target=target, filters=filters, as_of=as_of)
            progress.selection = None if count is None else rules.suppress(count)
        result.append(progress)
    return result


def _kind_counts_for_people(
    *, target: Target, filters: ReportFilters, window: tuple[date, date], total: int
) -> dict[str, int]:
    """People counted, by the kind of organisation they currently work for (a person working
    for a hotel and a holiday park counts in both rows); `total` people counted in all, so the
    rest work for no organisation. One query: the kept cells by kinds while the kept counts are
    current (each person's kinds are kept with them), else over the current memberships of
    the people counted."""
    if kept_counts_current(target):
        by_kind: dict[str, int] = defaultdict(int)
        for kinds, count in _kept_grid(
            target=target, filters=filters, window=window, dims=("kinds",)
        ):
            for kind, bit in KIND_BITS.items():
                if kinds & bit:
                    by_kind[kind] += count
            if not kinds:
                by_kind[UNKNOWN] += count
        return dict(by_kind)
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


def _outside_only_grid(
    target: Target, filters: ReportFilters, window: tuple[date, date] | None
) -> list[tuple]:
    """A people target's imported outside counts by month, region (None: not given) and
    source, in one query; nothing when the filters leave no days or no regions."""
    if window is None or filters.nothing_in_scope:
        return []
    rows = _outside_grid(
        target=target, filters=filters, window=window, dims=("month", "region", "sources")
    )
    return [(month, region or None, sources, n) for month, region, sources, n in rows]


def target_counts(*, target: Target, filters: ReportFilters, as_of: date) -> TargetCounts:
    """The counts behind a target's report: the headline, by month, by region, by sector (or
    organisation kind) and, for people, by the kind of organisation they work for now."""
    window = counting_window(target=target, filters=filters, as_of=as_of)
    people = target.counts_people
    # Two small GROUP BYs (month x sector, region x source) instead of one grid of every
    # month x region x sector x source (about 12,000 rows for a big target, walked in
    # Python): the database sums the cells; each answer is a few hundred rows at most.
    monthly: dict[date, int] = defaultdict(int)
    by_region: dict = defaultdict(int)
    by_third: dict = defaultdict(int)
    region_masks: dict = defaultdict(lambda: defaultdict(int))
    platform_total = 0
    # the platform's people by month, sector and region x source; the imported outside
    # counts (no sector) once, by month, region and source, added to each
    third = "sector" if people else "kind"
    for month, key, count in _grid(target, filters, as_of, ("month", third), outside=False):
        monthly[_month(month)] += count
        by_third[key if key is not None else UNKNOWN] += count
    region_rows = _grid(
        target, filters, as_of, ("region", "sources") if people else ("region",), outside=False
    )
    if people and target.outside_sources:
        for month, region, sources, count in _outside_only_grid(target, filters, window):
            monthly[_month(month)] += count
            by_third[UNKNOWN] += count
            region_rows.append((region, sources, count))
    for region, *sources, count in region_rows:
        key = region if region is not None else UNKNOWN
        by_region[key] += count
        if people:
            mask = sources[0] or 0
            region_masks[key][mask] += count
            platform_total += count if mask & rules.PLATFORM_SOURCES else 0
    # without filters the grid holds the national figures too: no second query for the headline
    progress = target_progress(
        target=target,
        as_of=as_of,
        monthly=None if filters.active else dict(monthly),
        region_ids=filters.region_ids,
    )
    by_region_source = {
        region: rules.source_totals(masks) for region, masks in region_masks.items()
    }
    by_source = _by_sources(
        (mask, n) for masks in region_masks.values() for mask, n in masks.items()
    )
    if people and not filters.active:
        progress.by_source = by_source
    by_kind = (
        # the people on the platform (outside counts have no organisation)
        _kind_counts_for_people(target=target, filters=filters, window=window, total=platform_total)
        if people and window is not None and target.courses.all() and not filters.nothing_in_scope
        else {}
    )
    return TargetCounts(
        progress=progress,
        window=window,
        monthly=monthly,
        by_region=by_region,
        by_third=by_third,
        by_kind=by_kind,
        by_region_source=by_region_source,
        by_source=by_source,
    )


def monthly_counts(*, target: Target, filters: ReportFilters, as_of: date) -> dict[date, int]:
    """Only the counts per month within the filters (one query)."""
    return _monthly(_grid(target, filters, as_of, ("month",)))


def region_names() -> dict[int, str]:
    return {r.pk: str(r) for r in Region.objects.all()}


def sector_names() -> dict[int, str]:
    return {s.pk: str(s) for s in Sector.objects.all()}


def region_by_id(pk: int) -> Region | None:
    return Region.objects.filter(pk=pk).first()


def sector_by_id(pk: int) -> Sector | None:
    return Sector.objects.filter(pk=pk).first()


def outside_count_files() -> QuerySet:
    """The imported files of outside counts, newest first, with who imported or withdrew them."""
    return OutsideCountFile.objects.select_related("uploaded_by", "withdrawn_by")
