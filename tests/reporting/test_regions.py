"""Regional coordinators (ADR 0023): every page, export and API operation of reporting counts
within `selectors.report_scope`; another region named in a URL is not found; nothing of
another region reaches any output."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts import roles
from accounts.models import CoordinatorScope, Region, Sector
from reporting.models import Target
from reporting.selectors import (
    NATIONAL,
    ReportFilters,
    report_scope,
    target_counts,
    target_progress,
)
from reporting.services import outside_counts_import
from tests.factories import UserFactory, make_course

from .data import at, passed, people_target

pytestmark = pytest.mark.django_db

#: people who passed, by region: the coordinator covers Utrecht and Zeeland (7 + 6 = 13)
PASSED = {"utrecht": 7, "zeeland": 6, "groningen": 8, None: 2}
THEIRS = 13


def coordinator(*region_slugs: str):
    user = UserFactory(role=roles.REGIONAL_COORDINATOR)
    if region_slugs:
        scope = CoordinatorScope.objects.create(user=user)
        scope.regions.set(Region.objects.filter(slug__in=region_slugs))
    return user


@pytest.fixture
def target():
    course = make_course(title="Regionale module")
    onderwijs = Sector.objects.get(slug="onderwijs")
    target = people_target(
        course, start=date(2025, 1, 1), end=date(2030, 12, 31), number=1000, code="regio"
    )
    for slug, count in PASSED.items():
        region = Region.objects.get(slug=slug) if slug else None
        for i in range(count):
            passed(
                UserFactory(region=region, sector=onderwijs, full_name=f"Geheim {slug} {i}"),
                course,
                at(2025, 1 + i % 3, 10),
            )
    return Target.objects.get(pk=target.pk)


@pytest.fixture
def coordinator_client(client):
    client.force_login(coordinator("utrecht", "zeeland"))
    return client


def test_the_scope_follows_the_role_and_the_assigned_regions():
    assert report_scope(user=UserFactory(role=roles.PROGRAMME_STAFF)) == NATIONAL
    assert report_scope(user=UserFactory(role=roles.LEARNER)) is None
    scope = report_scope(user=coordinator("utrecht", "zeeland"))
    assert scope is not None
    assert {r.slug for r in scope.regions or ()} == {"utrecht", "zeeland"}
    assert scope.covers("utrecht") and not scope.covers("groningen")
    assert report_scope(user=coordinator()).regions == ()
    # regions assigned to someone who is no longer a coordinator give them nothing
    former = coordinator("utrecht")
    former.groups.clear()
    assert report_scope(user=former) is None


def test_the_dashboard_shows_the_coordinators_regions_only(
    coordinator_client, target, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        response = coordinator_client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Behaald in je regio" in html or "Achieved in your regions" in html
    assert f">{THEIRS}<" in html
    assert "Utrecht" in html and "Zeeland" in html
    assert "Groningen" not in html  # not in the text, nor among the filter's choices
    # the quarterly PDF is national: offered to programme staff only, and said so
    assert reverse("reporting:quarterly_report") not in html
    assert coordinator_client.get(reverse("reporting:quarterly_report")).status_code == 403


def test_the_dashboard_query_count_does_not_grow_with_the_regions(
    client, target, django_assert_max_num_queries
):
    client.force_login(coordinator(*[r.slug for r in Region.objects.all()]))
    with django_assert_max_num_queries(25):
        assert client.get(reverse("reporting:dashboard")).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["reporting:dashboard", "reporting:target", "reporting:overview_export", "full_export"],
)
def test_another_region_in_the_url_is_not_found(coordinator_client, target, name):
    urls = {
        "reporting:dashboard": reverse("reporting:dashboard"),
        "reporting:target": reverse("reporting:target", args=[target.pk]),
        "reporting:overview_export": reverse("reporting:overview_export", args=["csv"]),
        "full_export": reverse("reporting:full_export", args=["xlsx"]),
    }
    url = urls[name]
    assert coordinator_client.get(url, {"region": "groningen"}).status_code == 404
    assert coordinator_client.get(url, {"region": "no-such-region"}).status_code == 404
    assert coordinator_client.get(url, {"region": "utrecht"}).status_code == 200


def test_the_table_export_of_another_region_is_not_found(coordinator_client, target):
    url = reverse("reporting:table_export", args=[target.pk, "region", "csv"])
    assert coordinator_client.get(url, {"region": "groningen"}).status_code == 404


def test_a_region_filter_within_the_scope_narrows_the_selection(coordinator_client, target):
    response = coordinator_client.get(
        reverse("reporting:target", args=[target.pk]), {"region": "utrecht"}
    )
    assert response.status_code == 200
    assert response.context["report"].selection_total == PASSED["utrecht"]
    # the headline stays that of all the coordinator's regions
    assert response.context["progress"].forecast.achieved == THEIRS


def test_the_target_page_counts_the_coordinators_regions(coordinator_client, target):
    response = coordinator_client.get(reverse("reporting:target", args=[target.pk]))
    assert response.status_code == 200
    report = response.context["report"]
    by_region = {row[0]: row[1] for row in report.tables[0].rows}
    assert by_region == {"Utrecht": 7, "Zeeland": 6, "Totaal": THEIRS}
    sectors = {row[0]: row[1] for row in report.tables[1].rows}
    assert sectors["Totaal"] == THEIRS
    # the trend is suppressed as every trend is (ADR 0025): their months hold 5, 4 and 4
    # people, so the cumulative figures after the first month would give a "<5" month away
    first_months = [row[1:] for row in report.trend.rows[:3]]
    assert first_months == [[5, 5], ["<5", "x"], ["<5", "x"]]
    assert report.trend.rows[-1][2] == "x"
    html = response.content.decode()
    assert "Groningen" not in html and "Geheim" not in html
    # no forecast or status against the national target
    assert "report-status" not in html


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_exports_hold_the_coordinators_regions_only(coordinator_client, target):
    table = coordinator_client.get(
        reverse("reporting:table_export", args=[target.pk, "region", "csv"])
    )
    rows = _csv_rows(table.content)
    assert ["Utrecht", "7"] in rows and ["Zeeland", "6"] in rows and ["Totaal", "13"] in rows
    overview = coordinator_client.get(reverse("reporting:overview_export", args=["csv"]))
    full = coordinator_client.get(reverse("reporting:full_export", args=["intl.csv"]))
    for response in (table, overview, full):
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        assert "Groningen" not in text and "Geheim" not in text
        assert "Utrecht" in text  # the scope is written with the figures
    [header, row, *_rest] = _csv_rows(overview.content)
    assert "Utrecht, Zeeland" in header[1]  # "Achieved in Utrecht, Zeeland"
    assert row[:4] == [target.title, "13", "1000", "1,3"]  # 13 of the national 1000


def test_the_xlsx_export_holds_the_coordinators_regions_only(coordinator_client, target):
    response = coordinator_client.get(reverse("reporting:full_export", args=["xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    values = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    text = " ".join(str(v) for v in values)
    assert "Groningen" not in text and "Geheim" not in text
    assert THEIRS in values
    national = sum(PASSED.values())
    assert national not in values


def test_the_api_counts_the_coordinators_regions(coordinator_client, target):
    response = coordinator_client.get("/api/v1/reports/targets")
    assert response.status_code == 200
    [item] = response.json()
    assert item["achieved"] == THEIRS
    assert item["goal"] == 1000
    assert item["percentage"] == 1.3
    assert item["status"] == "regional"
    assert item["forecast_date"] is None and item["required_monthly_rate"] is None
    assert item["regions"] == ["utrecht", "zeeland"]
    url = f"/api/v1/reports/targets/{target.pk}/timeseries"
    months = coordinator_client.get(url).json()["months"]
    assert [m["cumulative"] for m in months[:3]] == [5, "x", "x"]  # 5, 4 and 4 people (ADR 0025)
    assert coordinator_client.get(url, {"region": "groningen"}).status_code == 404
    zeeland = coordinator_client.get(url, {"region": "zeeland"}).json()["months"]
    assert [m["count"] for m in zeeland[:3]] == ["<5", "<5", "<5"]  # 2, 2 and 2 people


def test_programme_staff_keep_seeing_the_whole_country(client, target):
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF))
    [item] = client.get("/api/v1/reports/targets").json()
    assert item["achieved"] == sum(PASSED.values())
    assert item["regions"] == []
    response = client.get(reverse("reporting:target", args=[target.pk]), {"region": "groningen"})
    assert response.status_code == 200
    assert response.context["report"].selection_total == PASSED["groningen"]


def test_a_coordinator_without_regions_sees_nothing_and_is_told_so(client, target):
    client.force_login(coordinator())
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 403
    assert "Er zijn je nog geen regio's toegewezen" in response.content.decode() or (
        "No regions have been assigned to you yet" in response.content.decode()
    )
    for url in (
        reverse("reporting:target", args=[target.pk]),
        reverse("reporting:full_export", args=["csv"]),
        "/api/v1/reports/targets",
    ):
        assert client.get(url).status_code == 403


def test_people_without_the_role_have_no_access(client, target):
    client.force_login(UserFactory(role=roles.LEARNER))
    assert client.get(reverse("reporting:dashboard")).status_code == 403
    assert client.get("/api/v1/reports/targets").status_code == 403


def test_the_regional_picture_equals_a_full_recount(target):
    """The kept counts (read for the coordinator) give the same regional figures as a recount
    from the raw rows (read while the kept counts are not current)."""
    regions = frozenset(
        Region.objects.filter(slug__in=["utrecht", "zeeland"]).values_list("pk", flat=True)
    )
    filters = ReportFilters(region_ids=regions)
    today = timezone.localdate()
    kept = target_counts(target=target, filters=filters, as_of=today)
    Target.objects.filter(pk=target.pk).update(counts_fingerprint="")
    stale = Target.objects.get(pk=target.pk)
    recounted = target_counts(target=stale, filters=filters, as_of=today)
    assert dict(kept.monthly) == dict(recounted.monthly)
    assert dict(kept.by_region) == dict(recounted.by_region)
    assert dict(kept.by_third) == dict(recounted.by_third)
    assert sum(kept.monthly.values()) == THEIRS
    assert kept.progress.forecast.achieved == recounted.progress.forecast.achieved == THEIRS


def test_programme_staff_assign_a_coordinators_regions_in_the_admin(client, settings):
    settings.ADMIN_TWO_FACTOR_REQUIRED = False
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF))
    person = coordinator()
    learner = UserFactory(role=roles.LEARNER)
    url = reverse("wagtailsnippets_accounts_coordinatorscope:add")
    utrecht = Region.objects.get(slug="utrecht")
    # a person who is not a regional coordinator cannot be chosen
    response = client.post(url, {"user": learner.pk, "regions": [utrecht.pk]})
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    # at least one region
    response = client.post(url, {"user": person.pk})
    assert response.status_code == 200
    assert "regions" in response.context["form"].errors
    response = client.post(url, {"user": person.pk, "regions": [utrecht.pk]})
    assert response.status_code == 302
    assert list(CoordinatorScope.objects.get(user=person).regions.all()) == [utrecht]
    listing = client.get(reverse("wagtailsnippets_accounts_coordinatorscope:list"))
    assert listing.status_code == 200
    assert person.full_name in listing.content.decode()


def test_the_coordinator_group_opens_no_admin_and_the_navigation_offers_the_dashboard(client):
    group = Group.objects.get(name=roles.REGIONAL_COORDINATOR)  # created after every migrate
    assert not group.permissions.exists()
    client.force_login(coordinator("utrecht"))
    assert client.get("/admin/").status_code == 403
    home = client.get("/", follow=True).content.decode()
    assert f'<a href="{reverse("reporting:dashboard")}">' in home


def test_outside_counts_of_other_regions_do_not_reach_a_coordinator(client):
    """Imported outside counts (ADR 0024) carry a region: a coordinator gets their own only."""
    reach = people_target(code="reach", start=date(2024, 1, 1))
    Target.objects.filter(pk=reach.pk).update(counts_outside_campaign=True)
    content = (
        b"date,source,count,email_sha256,region\n"
        b"2025-03-01,campaign,400,,utrecht\n"
        b"2025-03-01,campaign,300,,groningen\n"
        b"2025-03-01,campaign,50,,\n"
    )
    outside_counts_import(content=content, filename="campagne.csv", by=UserFactory())
    utrecht = frozenset([Region.objects.get(slug="utrecht").pk])
    as_of = date(2025, 12, 31)
    reach = Target.objects.get(pk=reach.pk)
    assert target_progress(target=reach, as_of=as_of).forecast.achieved == 750
    assert target_progress(target=reach, as_of=as_of, region_ids=utrecht).forecast.achieved == 400
    client.force_login(coordinator("utrecht"))
    [item] = client.get("/api/v1/reports/targets").json()
    assert item["achieved"] == 400
    export = client.get(reverse("reporting:full_export", args=["csv"])).content.decode("utf-8-sig")
    assert "Groningen" not in export and "750" not in export and "300" not in export
