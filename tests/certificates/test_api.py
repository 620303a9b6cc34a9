from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certificates import services, verification
from certificates.models import Certificate

pytestmark = pytest.mark.django_db

URL = "/api/v1/certificates/"


@pytest.fixture
def certificate(completion):
    return services.certificate_create(completion=completion)


def test_valid_certificate_gives_public_facts_only(client, certificate, user):
    response = client.get(URL + certificate.code)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "code": certificate.display_code,
        "kind": "personal",
        "status": "valid",
        "valid": True,
        "holder_name": user.full_name,
        "course": "BUIT voor professionals",
        "issued_on": timezone.localdate(certificate.issued_at).isoformat(),
        "expires_on": timezone.localdate(certificate.expires_at).isoformat(),
        "revoked_on": None,
    }


def test_code_any_case_and_separators(client, certificate):
    response = client.get(URL + certificate.display_code.lower())
    assert response.status_code == 200
    assert response.json()["code"] == certificate.display_code


def test_expired_and_revoked(client, certificate, programme_user):
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.now() - timedelta(days=800),
        expires_at=timezone.now() - timedelta(days=1),
    )
    body = client.get(URL + certificate.code).json()
    assert (body["status"], body["valid"]) == ("expired", False)
    certificate.refresh_from_db()
    services.certificate_revoke(certificate=certificate, actor=programme_user, reason="fraude")
    body = client.get(URL + certificate.code).json()
    assert body["status"] == "revoked"
    assert body["revoked_on"] == timezone.localdate().isoformat()
    assert "fraude" not in str(body)


def test_unknown_code_is_404_with_message(client, db):
    response = client.get(URL + "ABCD-EFGH")
    assert response.status_code == 404
    assert response.json()["detail"] == _("No certificate has this code.")


def test_rate_limited(client, certificate, settings):
    settings.RATE_LIMITS = {"certificate-verify-api": (2, 3600)}
    assert client.get(URL + certificate.code).status_code == 200
    assert client.get(URL + "unknown").status_code == 404  # misses count too
    response = client.get(URL + certificate.code)
    assert response.status_code == 429
    window = verification.RATE_LIMITS["api"]
    # the words agree with Retry-After (the minutes left of an hour's window, rounded up)
    minutes = -(-int(response["Retry-After"]) // 60)
    assert response.json()["detail"] == " ".join(
        (
            _("Too many look-ups from your address."),
            ngettext(
                "Try again in %(minutes)d minute.", "Try again in %(minutes)d minutes.", minutes
            )
            % {"minutes": minutes},
        )
    )
    assert response.json()["code"] == "throttled"
    # what is left of the window, not the window's full length
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert abs(int(response["Retry-After"]) - window.retry_after()) <= 1


def test_registered_lookups_are_tried_after_personal_certificates(client, certificate):
    def other_kind(code):
        if code == "XYZ1":
            return {
                "kind": "organisation",
                "status": "valid",
                "is_valid": True,
                "holder_name": "Hotel De Haven",
                "course_title": "No Room for Sex Trafficking",
                "issued_on": timezone.now(),
                "expires_on": None,
            }
        return None

    verification.register_lookup(other_kind)
    try:
        body = client.get(URL + "xyz-1").json()
        assert body["kind"] == "organisation" and body["holder_name"] == "Hotel De Haven"
        assert client.get(URL + certificate.code).json()["kind"] == "personal"
    finally:
        verification._lookups.remove(other_kind)
    assert client.get(URL + "xyz-1").status_code == 404


def test_the_page_and_the_api_count_look_ups_separately(client, certificate, settings):
    settings.RATE_LIMITS = {
        "certificate-verify-page": (1, 3600),
        "certificate-verify-api": (1, 3600),
    }
    assert client.get(f"/verify/{certificate.code}").status_code == 200
    assert client.get(f"/verify/{certificate.code}").status_code == 429
    # the page's look-ups did not use up the API's
    assert client.get(URL + certificate.code).status_code == 200
    assert client.get(URL + certificate.code).status_code == 429
