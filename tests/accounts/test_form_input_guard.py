"""The hostile-input matrix for the site's forms that write (issue 18, ADR 0018): NUL bytes,
control characters, text-direction controls, 10 MB and very long values are a 4xx with a
message, and nothing is stored. One guard (accounts.middleware.FormInputGuardMiddleware) covers
registration, the organisation forms, the CSV import and the certificate name correction."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates.models import Certificate
from organisations.models import Invitation, Organisation
from tests.factories import UserFactory, answer_all_right, make_course

pytestmark = pytest.mark.django_db

HOSTILE = {
    "nul": "Fatima\x00el Amrani",
    "control": "Fatima\x1bel Amrani",
    "rtl_override": "Fatima \u202eInarma le",
    "rtl_mark": "Fatima\u200fel Amrani",
    "very_long": "F" * 20_000,
}
TEN_MB = "x" * (10 * 1024 * 1024)


def signup(client, full_name: str):
    return client.post(
        reverse("account_signup"),
        {
            "full_name": full_name,
            "email": "fatima@example.org",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize("kind", HOSTILE)
def test_registration_refuses_hostile_values(client, kind):
    response = signup(client, HOSTILE[kind])
    assert response.status_code == 400
    assert "Nothing was saved" in response.text or "niets opgeslagen" in response.text.lower()
    assert not get_user_model().objects.filter(email="fatima@example.org").exists()


def test_registration_refuses_ten_megabytes(client):
    response = signup(client, TEN_MB)
    assert response.status_code == 413
    assert not get_user_model().objects.filter(email="fatima@example.org").exists()


def test_right_to_left_letters_are_ordinary_letters(client):
    response = signup(client, "فاطمة العمراني")
    assert response.status_code == 302
    assert get_user_model().objects.get(email="fatima@example.org").full_name == "فاطمة العمراني"


@pytest.mark.parametrize("kind", HOSTILE)
def test_registering_an_organisation_refuses_hostile_values(client, manager, kind):
    client.force_login(manager)
    before = Organisation.objects.count()
    response = client.post(
        reverse("organisations:register"),
        {"name": HOSTILE[kind], "kind": "hotel", "municipality": "Ede", "declared_staff": "5"},
    )
    assert response.status_code == 400
    assert Organisation.objects.count() == before


@pytest.mark.parametrize("kind", ["nul", "rtl_override", "very_long"])
def test_editing_an_organisation_refuses_hostile_values(client, manager, organisation, kind):
    client.force_login(manager)
    response = client.post(
        reverse("organisations:edit", args=[organisation.pk]),
        {"name": "Hotel", "kind": "hotel", "municipality": HOSTILE[kind], "declared_staff": "5"},
    )
    assert response.status_code == 400
    organisation.refresh_from_db()
    assert organisation.municipality == "Utrecht"


@pytest.mark.parametrize("kind", ["nul", "control", "rtl_override"])
def test_the_csv_import_page_refuses_hostile_names(client, manager, organisation, kind):
    client.force_login(manager)
    content = f"name,email,role\n{HOSTILE[kind]},anna@example.org,reception\n".encode()
    response = client.post(
        reverse("organisations:import", args=[organisation.pk]),
        {"file": SimpleUploadedFile("staff.csv", content, content_type="text/csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "stuur- of tekstrichtingstekens" in response.text  # the Dutch page's message
    assert not Invitation.objects.filter(organisation=organisation).exists()


@pytest.fixture
def certificate(db):
    from certificates import services as certificate_services
    from lms import services as lms_services

    user = UserFactory(full_name="Anna de Vries")
    course = make_course(title="BUIT", validity_months=24)
    enrolment = lms_services.enrolment_create(user=user, course=course)
    attempt = lms_services.attempt_start(enrolment=enrolment)
    answer_all_right(attempt)
    lms_services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    return certificate_services.certificate_create(completion=attempt.completion)


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_name_correction_refuses_hostile_values(client, certificate, kind):
    client.force_login(certificate.user)
    response = client.post(
        reverse("certificate_name_correct", args=[certificate.code]), {"name": HOSTILE[kind]}
    )
    assert response.status_code == 400
    assert Certificate.objects.get(pk=certificate.pk).holder_name == certificate.holder_name


def test_the_admin_and_the_api_are_not_guarded_here(client, manager):
    """The API answers with its own JSON 422 (its schema), not the page."""
    client.force_login(manager)
    response = client.post(
        "/api/v1/organisations",
        {"name": HOSTILE["nul"], "municipality": "Ede"},
        content_type="application/json",
    )
    assert response.status_code in (403, 422)  # CSRF first for a session without the header
    assert response["Content-Type"].startswith("application/json")
