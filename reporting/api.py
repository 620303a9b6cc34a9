"""JSON API for the programme figures: /api/v1/reports/... (programme staff: the whole
country; regional coordinators: their own regions, ADR 0023; a personal access token or the
session cookie, see accounts.api_auth).

Small cells are suppressed exactly as on the dashboard: a monthly count is a number, "<5" or
"≥5"; a cumulative figure is a number or "x" (withheld, ADR 0012)."""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from accounts.api_auth import AUTH
from accounts.api_schema import AUTHENTICATED, Id64, PlainStr, SectorCode, responses
from accounts.models import Region, Sector

from . import rules
from .models import OutsideSource
from .presentation import regional_share, target_trend
from .selectors import (
    ReportFilters,
    ReportScope,
    report_scope,
    target_course_keys,
    targets_overview,
    targets_queryset,
)

#: a regional coordinator's target: counted for their regions against the national target
REGIONAL_STATUS = "regional"

# a personal access token (integrations) or the session cookie (the site itself)
router = Router(tags=["reports"], auth=AUTH)


def _reader_scope(request) -> ReportScope:
    """The caller's regions (`selectors.report_scope`): 403 without access or without regions."""
    scope = report_scope(user=request.user)
    if scope is None:
        raise HttpError(403, _("Only programme staff can see the programme figures."))
    if scope.regions == ():
        raise HttpError(
            403, _("No regions have been assigned to you yet, so there are no figures to show.")
        )
    return scope


class ReferencePointOut(Schema):
    measure: str
    value: int
    on_date: date
    source: str
    platform_value: int | None


class OrganisationFiguresOut(Schema):
    registered: int
    ever_certified: int
    currently_certified: int


class SourcesOut(Schema):
    """A people target's people by source (ADR 0024), small cells suppressed ("<5"): someone
    with two sources is in both, and once in `total`. An outside source the target does not
    count is null."""

    elearning: int | str
    on_location: int | str
    buit_imported: int | str | None
    campaign_imported: int | str | None
    total: int


class TargetOut(Schema):
    id: int
    code: str
    title: str
    unit: str
    course_keys: list[str]
    #: codes of the sectors and professional roles counted; empty: everyone who passed
    sectors: list[str]
    professional_roles: list[str]
    period_start: date
    period_end: date
    goal: int | None
    #: a number, or "<5" for a small count of a region
    achieved: int | str
    percentage: float | None
    required_monthly_rate: float | None
    actual_monthly_rate: float | str | None
    forecast_date: date | None
    status: str
    as_of: date
    #: the codes of the regions the figures count; empty: the whole country
    regions: list[str]
    source_note: str
    reference_points: list[ReferencePointOut]
    organisations: OrganisationFiguresOut | None = None
    #: outside sources it counts ("buit", "campaign") and its people by source; null for an
    #: organisation target
    outside_sources: list[str] = []
    by_source: SourcesOut | None = None


class MonthOut(Schema):
    month: str
    count: int | str
    cumulative: int | str


class TimeseriesOut(Schema):
    target_id: int
    date_from: date | None
    date_to: date | None
    region: str | None
    sector: str | None
    months: list[MonthOut]


class TimeseriesFilters(Schema):
    date_from: date | None = None
    date_to: date | None = None
    region: PlainStr | None = Field(None, max_length=100, description="region code, e.g. 'utrecht'")
    sector: SectorCode | None = Field(None, description="sector code, e.g. 'onderwijs'")


def _by_source(target, by_source: dict[int, int]) -> dict | None:
    if not target.counts_people:
        return None

    def cell(bit: int, counted: bool = True):
        return rules.suppress(by_source.get(bit, 0)) if counted else None

    outside = target.outside_sources
    return {
        "elearning": cell(rules.SOURCE_ELEARNING),
        "on_location": cell(rules.SOURCE_TRAINING),
        "buit_imported": cell(rules.SOURCE_OUTSIDE_BUIT, OutsideSource.BUIT in outside),
        "campaign_imported": cell(rules.SOURCE_OUTSIDE_CAMPAIGN, OutsideSource.CAMPAIGN in outside),
        "total": by_source.get(0, 0),
    }


def _float(value):
    return None if value is None else round(float(value), 2)


@router.get(
    "/targets",
    response=responses({200: list[TargetOut]}, *AUTHENTICATED),
    summary="Every target with its progress",
)
def list_targets(request):
    scope = _reader_scope(request)
    filters = ReportFilters(region_ids=scope.region_ids)
    region_codes = sorted(r.slug for r in scope.regions or ())
    result = []
    for p in targets_overview(as_of=timezone.localdate(), filters=filters):
        f, t = p.forecast, p.target
        figures = {
            "goal": f.goal,
            "achieved": f.achieved,
            "percentage": _float(f.percentage),
            "required_monthly_rate": _float(f.required_rate),
            "actual_monthly_rate": _float(f.actual_rate),
            "forecast_date": f.forecast_date,
            "status": f.status,
        }
        if p.regional:
            # a region's count against the national target: no forecast, no status (ADR 0023)
            share = regional_share(p)
            figures = {
                "goal": share.national_goal,
                "achieved": share.achieved,
                "percentage": _float(share.percentage),
                "required_monthly_rate": None,
                "actual_monthly_rate": share.actual_people,
                "forecast_date": None,
                "status": REGIONAL_STATUS,
            }
        result.append(
            {
                "id": t.pk,
                "code": t.code,
                "title": t.local_title,
                "unit": t.unit,
                "course_keys": [str(k) for k in target_course_keys(t)],
                "sectors": [s.slug for s in t.sectors.all()],
                "professional_roles": [r.slug for r in t.professional_roles.all()],
                "period_start": t.period_start,
                "period_end": t.period_end,
                **figures,
                "as_of": p.as_of,
                "regions": region_codes,
                "source_note": t.source_note,
                "reference_points": [
                    {
                        "measure": point.measure,
                        "value": point.value,
                        "on_date": point.on_date,
                        "source": point.source_note,
                        "platform_value": own,
                    }
                    for point, own in p.reference_rows
                ],
                "organisations": vars(p.organisations) if p.organisations else None,
                "outside_sources": list(t.outside_sources),
                "by_source": _by_source(t, p.by_source),
            }
        )
    return result


@router.get(
    "/targets/{target_id}/timeseries",
    response=responses({200: TimeseriesOut}, 400, *AUTHENTICATED, 404, 422),
    summary="People (or organisations) per month and cumulative, small cells suppressed",
)
def target_timeseries(request, target_id: Id64, filters: Query[TimeseriesFilters]):
    scope = _reader_scope(request)
    target = get_object_or_404(targets_queryset(), pk=target_id)
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise HttpError(400, _("date_to cannot be before date_from."))
    region = sector = None
    if filters.region:
        if not scope.covers(filters.region):
            raise HttpError(404, _("Not found: this region is not one of yours."))
        region = Region.objects.filter(slug=filters.region).first()
        if region is None:
            raise HttpError(400, _("Unknown region: give a region code such as 'utrecht'."))
    if filters.sector:
        sector = Sector.objects.filter(slug=filters.sector.value).first()
        if sector is None:
            raise HttpError(400, _("Unknown sector: give a sector code such as 'onderwijs'."))
    trend = target_trend(
        target=target,
        filters=ReportFilters(
            date_from=filters.date_from,
            date_to=filters.date_to,
            region_id=region.pk if region else None,
            sector_id=sector.pk if sector else None,
            region_ids=scope.region_ids,
        ),
    )
    return {
        "target_id": target.pk,
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "region": filters.region,
        "sector": filters.sector.value if filters.sector else None,
        "months": [
            {"month": month, "count": count, "cumulative": cumulative}
            for month, count, cumulative in trend.rows
        ],
    }
