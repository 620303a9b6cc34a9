import pytest

from organisations.models import Invitation, Organisation
from organisations.services import certification
from tests.factories import UserFactory
from tests.organisations.conftest import add_member, certify, make_organisation

pytestmark = pytest.mark.django_db
BASE = "/api/v1/organisations"


@pytest.fixture
def api(client, manager):
    client.force_login(manager)
    return client


def test_create_organisation(api, manager, hotel_course):
    response = api.post(
        BASE,
        {
            "name": "Hotel API",
            "kind": "vakantiepark",
            "municipality": "Ede",
            "kvk_number": "87654321",
            "declared_staff": 10,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "vakantiepark" and data["certification_status"] == "not_certified"
    assert Organisation.objects.get(pk=data["id"]).managers.get() == manager


def test_create_validates_input(api):
    response = api.post(
        BASE,
        {"name": "Hotel", "municipality": "Ede", "kvk_number": "1234"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "kvk_number" in response.json()["fields"]
    response = api.post(
        BASE,
        {"name": "Hotel", "municipality": "Ede", "region": "atlantis"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert api.post(BASE, "not json", content_type="application/json").status_code in (400, 422)


def test_anonymous_is_refused(client, organisation):
    assert client.get(f"{BASE}/{organisation.pk}").status_code == 401


def test_get_and_patch(api, organisation):
    assert api.get(f"{BASE}/{organisation.pk}").json()["name"] == organisation.name
    response = api.patch(
        f"{BASE}/{organisation.pk}",
        {"declared_staff": 7, "public_listing": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["declared_staff"] == 7


def test_patch_refuses_fewer_staff_than_members(api, organisation):
    for _ in range(3):
        add_member(organisation)
    response = api.patch(
        f"{BASE}/{organisation.pk}", {"declared_staff": 2}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "declared_staff_below_members"


def test_other_managers_organisations_are_404(client, organisation, hotel_course):
    stranger = UserFactory(second_factor=True)
    make_organisation(manager=stranger, course=hotel_course, name="Eigen Hotel")
    client.force_login(stranger)
    for path in ("", "/members", "/certification"):
        assert client.get(f"{BASE}/{organisation.pk}{path}").status_code == 404, path
    assert (
        client.patch(
            f"{BASE}/{organisation.pk}", {"name": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{BASE}/{organisation.pk}/invitations",
            {"email": "a@example.org"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{BASE}/{organisation.pk}/members/import", "name,email\n", content_type="text/csv"
        ).status_code
        == 404
    )


def test_programme_staff_reach_every_organisation(client, organisation, programme_user):
    client.force_login(programme_user)
    assert client.get(f"{BASE}/{organisation.pk}/certification").status_code == 200


def test_members_and_invitations(api, organisation, hotel_course):
    member = add_member(organisation, user=UserFactory(full_name="Ana"))
    certify(member.user, hotel_course)
    rows = api.get(f"{BASE}/{organisation.pk}/members").json()
    assert [(r["name"], r["status"], r["role"]) for r in rows] == [("Ana", "passed", "reception")]
    response = api.post(
        f"{BASE}/{organisation.pk}/invitations",
        {"email": "bo@example.org", "role": "technical"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["role"] == "technical"
    again = api.post(
        f"{BASE}/{organisation.pk}/invitations",
        {"email": "BO@example.org", "role": "reception"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "already_invited"
    response = api.post(
        f"{BASE}/{organisation.pk}/invitations",
        {"email": member.user.email},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_import_csv_body_and_multipart(api, organisation):
    good = "name,email,role\nAna,ana@example.org,reception\n"
    response = api.post(f"{BASE}/{organisation.pk}/members/import", good, content_type="text/csv")
    assert response.status_code == 200, response.content
    assert response.json() == {"invited": 1, "already_invited": 0, "already_member": 0}
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api.post(
        f"{BASE}/{organisation.pk}/members/import",
        {"file": SimpleUploadedFile("s.csv", good.encode(), content_type="text/csv")},
    )
    assert response.json() == {"invited": 0, "already_invited": 1, "already_member": 0}
    bad = "name,email,role\nAna,ana@example.org,reception\nBo,,reception\n"
    response = api.post(f"{BASE}/{organisation.pk}/members/import", bad, content_type="text/csv")
    assert response.status_code == 400
    assert response.json()["errors"][0]["line"] == 3
    assert Invitation.objects.count() == 1


def test_certification(api, organisation, hotel_course):
    for _ in range(3):
        certify(add_member(organisation).user, hotel_course)
    add_member(organisation)
    certification.organisation_evaluate(organisation=organisation)
    data = api.get(f"{BASE}/{organisation.pk}/certification").json()
    assert data["declared_staff"] == 5
    assert data["members"] == 4
    assert data["passed"] == 3
    assert data["rate"] == "0.6000" or float(data["rate"]) == 0.6
    assert data["certified"] is True and data["qualifies"] is True
    assert data["needed"] == 0
    assert data["status"] == "certified"
    assert data["certificate"]["period"] == 1
    assert [h["to_status"] for h in data["history"]] == ["certified"]


def test_programme_staff_read_but_do_not_change(client, organisation, programme_user):
    client.force_login(programme_user)
    assert client.get(f"{BASE}/{organisation.pk}/members").status_code == 200
    response = client.patch(
        f"{BASE}/{organisation.pk}", {"declared_staff": 9}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    organisation.refresh_from_db()
    assert organisation.declared_staff == 5


def test_unverified_email_cannot_register(client):
    from allauth.account.models import EmailAddress

    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    client.force_login(user)
    response = client.post(
        BASE, {"name": "Hotel", "municipality": "Ede"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"


def test_the_operations_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
        "/api/v1/organisations/{organisation_id}/members",
        "/api/v1/organisations/{organisation_id}/invitations",
        "/api/v1/organisations/{organisation_id}/members/import",
        "/api/v1/organisations/{organisation_id}/certification",
    ):
        assert path in paths, path


def test_join_link_is_read_and_renewed_by_managers(api, organisation, programme_user, client):
    link = api.get(f"{BASE}/{organisation.pk}/join-link")
    assert link.status_code == 200 and organisation.join_token in link.json()["url"]
    renewed = api.post(f"{BASE}/{organisation.pk}/join-link")
    assert renewed.status_code == 200
    organisation.refresh_from_db()
    assert renewed.json()["url"].endswith(f"/{organisation.join_token}/")
    assert renewed.json()["url"] != link.json()["url"]

    client.force_login(programme_user)
    assert client.get(f"{BASE}/{organisation.pk}/join-link").status_code == 200
    assert client.post(f"{BASE}/{organisation.pk}/join-link").status_code == 403
    client.force_login(UserFactory())
    assert client.get(f"{BASE}/{organisation.pk}/join-link").status_code == 404


def test_programme_staff_set_the_courses_that_count(
    api, client, organisation, programme_user, hotel_course
):
    from tests.factories import make_course

    other = make_course(title="Vakantieparkpersoneel")
    path = f"{BASE}/{organisation.pk}/counting-courses"
    body = {"course_keys": [str(other.translation_key)]}
    refused = api.put(path, body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"]

    client.force_login(programme_user)
    for bad in ([], ["nonsense"], ["0f0f0f0f-0000-4000-8000-000000000000"]):
        response = client.put(path, {"course_keys": bad}, content_type="application/json")
        assert response.status_code == 400, bad
        assert response.json()["detail"]
    organisation.refresh_from_db()
    assert organisation.counting_course_keys == [str(hotel_course.translation_key)]

    response = client.put(path, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["counting_course_keys"] == [str(other.translation_key)]


def _refusals(organisation, member_email):
    """Every kind of refusal an organisation operation gives: (method, path, body, content type,
    the exact status and body the API answered before its errors went through one handler)."""
    path = f"{BASE}/{organisation.pk}"
    bad_kvk_fields = {"kvk_number": ["A KvK number has exactly 8 digits."]}
    return [
        # a model validation: the first message as `detail`, every field under `fields`
        (
            "post",
            BASE,
            {"name": "Hotel", "municipality": "Ede", "kvk_number": "1234"},
            "application/json",
            400,
            {
                "detail": bad_kvk_fields["kvk_number"][0],
                "code": "invalid",
                "fields": bad_kvk_fields,
            },
        ),
        (
            "post",
            BASE,
            {"name": "Hotel", "municipality": "Ede", "region": "atlantis"},
            "application/json",
            400,
            {"detail": "Unknown region.", "code": "invalid_region"},
        ),
        (
            "patch",
            path,
            {"name": None},
            "application/json",
            400,
            {"detail": "name cannot be empty.", "code": "invalid"},
        ),
        # the other details of a refusal under `details`, as every app's (ADR 0021, 2026-12-06)
        (
            "patch",
            path,
            {"declared_staff": 0},
            "application/json",
            400,
            {
                "detail": "The number of staff cannot be lower than the 1 people who have "
                "joined. Remove people who no longer work here first.",
                "code": "declared_staff_below_members",
                "details": {"members": 1, "declared_staff": 0},
            },
        ),
        (
            "post",
            f"{path}/invitations",
            {"email": member_email},
            "application/json",
            409,
            {"detail": "This person already works here.", "code": "already_member"},
        ),
        (
            "post",
            f"{path}/invitations",
            {"email": "no address"},
            "application/json",
            400,
            {"detail": "Enter a valid e-mail address.", "code": "invalid_email"},
        ),
        (
            "post",
            f"{path}/managers",
            {"email": "co@example.org", "language": "xx"},
            "application/json",
            400,
            {
                "detail": "Unknown language “xx”; use one of: nl, en, pl, es.",
                "code": "invalid_language",
            },
        ),
        # an import: every bad row under `errors`
        (
            "post",
            f"{path}/members/import",
            "name,email\nBo,not-an-address\n",
            "text/csv",
            400,
            {
                "detail": "The file was not imported.",
                "code": "import_rejected",
                "errors": [
                    {
                        "line": 2,
                        "email": "not-an-address",
                        "errors": ["“not-an-address” is not a valid e-mail address."],
                    }
                ],
            },
        ),
        (
            "put",
            f"{path}/counting-courses",
            {"course_keys": []},
            "application/json",
            403,
            {"detail": "Only programme staff choose the courses that count.", "code": "forbidden"},
        ),
        (
            "get",
            f"{BASE}/999999/certification",
            None,
            None,
            404,
            {"detail": "Organisation not found.", "code": "not_found"},
        ),
    ]


@pytest.mark.parametrize("case", range(10))
def test_refusals_keep_their_status_and_body(api, organisation, case, settings):
    """Organisation errors reach the caller through the API's one handler for every app's
    refusals, with the status each operation used to answer and the one error body: unused keys
    left out (until 2026-12-06 they were null; ADR 0021), in English here, like the msgids."""
    member = add_member(organisation)
    method, path, body, content_type, status, expected = _refusals(organisation, member.user.email)[
        case
    ]
    kwargs = {"content_type": content_type} if content_type else {}
    response = getattr(api, method)(path, body, HTTP_ACCEPT_LANGUAGE="en", **kwargs)
    assert (response.status_code, response.json()) == (status, expected)
    assert response["Content-Language"] == "en"


def test_unverified_registration_keeps_its_status_and_body(client):
    from allauth.account.models import EmailAddress

    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    client.force_login(user)
    response = client.post(
        BASE,
        {"name": "Hotel", "municipality": "Ede"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (response.status_code, response.json()) == (
        403,
        {
            "detail": "Verify your e-mail address before you register an organisation.",
            "code": "email_not_verified",
        },
    )
