from datetime import date

import pytest
from django.utils import timezone

from accounts import roles
from accounts.models import Region
from tests.factories import TargetFactory, UserFactory, make_course

from .data import at, passed

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    course = make_course()
    target = TargetFactory(
        code="api",
        title="API target",
        target_number=40,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        course=course,
    )
    utrecht = Region.objects.get(slug="utrecht")
    for _ in range(6):
        passed(UserFactory(region=utrecht), course, at(2025, 1, 15))
    for _ in range(2):
        passed(UserFactory(), course, at(2025, 3, 15))
    return target


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF))
    return client


def test_targets(staff_client, target, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = staff_client.get("/api/v1/reports/targets")
    assert response.status_code == 200
    [item] = response.json()
    assert item["code"] == "api"
    assert item["achieved"] == 8
    assert item["goal"] == 40
    assert item["percentage"] == 20.0
    assert item["course_keys"] == [str(target.courses.get().course_key)]
    # by source (ADR 0024): all eight by e-learning; no outside source counted
    assert item["outside_sources"] == []
    assert item["by_source"] == {
        "elearning": 8,
        "on_location": 0,
        "buit_imported": None,
        "campaign_imported": None,
        "total": 8,
    }
    if timezone.localdate() > date(2025, 6, 30):
        assert item["status"] == "missed"


def test_timeseries_with_suppression_and_filters(staff_client, target):
    response = staff_client.get(f"/api/v1/reports/targets/{target.pk}/timeseries")
    assert response.status_code == 200
    months = response.json()["months"]
    assert [m["month"] for m in months] == [f"2025-0{i}" for i in range(1, 7)]
    assert [m["count"] for m in months] == [6, 0, "<5", 0, 0, 0]
    # 8 - 6 would give the "<5" of March away: the cumulative figures after it are withheld
    assert [m["cumulative"] for m in months] == [6, 6, "x", "x", "x", "x"]
    only_utrecht = staff_client.get(
        f"/api/v1/reports/targets/{target.pk}/timeseries", {"region": "utrecht"}
    ).json()["months"]
    assert [m["count"] for m in only_utrecht] == [6, 0, 0, 0, 0, 0]


def test_timeseries_bad_input(staff_client, target):
    base = f"/api/v1/reports/targets/{target.pk}/timeseries"
    assert staff_client.get(base, {"region": "atlantis"}).status_code == 400
    assert staff_client.get(base, {"date_from": "not a date"}).status_code in (400, 422)
    assert (
        staff_client.get(base, {"date_from": "2025-05-01", "date_to": "2025-01-01"}).status_code
        == 400
    )
    assert staff_client.get("/api/v1/reports/targets/99999/timeseries").status_code == 404


def test_personal_access_token_of_programme_staff(client, target):
    from accounts.services import access_token_create

    _token, raw = access_token_create(user=UserFactory(role=roles.PROGRAMME_STAFF), name="monitor")
    response = client.get("/api/v1/reports/targets", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()[0]["achieved"] == 8
    series = client.get(
        f"/api/v1/reports/targets/{target.pk}/timeseries", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert series.status_code == 200


@pytest.mark.parametrize("role", [roles.LEARNER, roles.ORGANISATION_MANAGER, roles.COURSE_EDITOR])
def test_others_are_refused(client, target, role):
    from accounts.services import access_token_create

    _token, raw = access_token_create(user=UserFactory(role=role), name="mine")
    for url in ("/api/v1/reports/targets", f"/api/v1/reports/targets/{target.pk}/timeseries"):
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert client.get("/api/v1/reports/targets").status_code == 401
    assert (
        client.get("/api/v1/reports/targets", HTTP_AUTHORIZATION="Bearer stm_wrong").status_code
        == 401
    )


def test_organisation_target_with_reference_points(staff_client):
    from organisations.models import Organisation
    from reporting.models import ReferencePoint, Target

    hotels = Target.objects.create(
        code="hotels",
        title="Hotels",
        unit=Target.Unit.ORGANISATIONS_CERTIFIED,
        goal=Target.Goal.ALL_OF_N,
        organisation_scope="hotel_vakantiepark",
        period_start=date(2024, 1, 1),
        period_end=date(2030, 12, 31),
    )
    ReferencePoint.objects.create(
        target=hotels, measure="organisations_registered", value=351, on_date=date(2024, 7, 15)
    )
    Organisation.objects.create(name="Hotel", municipality="Ede", kind="hotel")
    Organisation.objects.create(name="School", municipality="Ede", kind="other")
    [item] = staff_client.get("/api/v1/reports/targets").json()
    assert item["goal"] is None
    assert item["status"] == "no_goal"
    assert item["organisations"] == {"registered": 1, "ever_certified": 0, "currently_certified": 0}
    assert item["reference_points"][0]["value"] == 351
    assert item["reference_points"][0]["platform_value"] == 1
