"""Addresses in mail and on certificates come from one rule (ADR 0021): SITE_URL + path."""

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from certificates import services as certificate_services
from organisations.services import registration
from tests.organisations.conftest import add_member, certify


@override_settings(SITE_URL="https://leren.example.org")
def test_organisation_and_certificate_links_use_the_site_address(organisation, hotel_course):
    certificate = certify(add_member(organisation).user, hotel_course)
    with translation.override("nl"):
        join_path = reverse("organisations:join", args=[organisation.join_token])
    assert (
        registration.join_url(organisation, language="nl")
        == f"https://leren.example.org{join_path}"
    )
    assert (
        certificate_services.verify_url(certificate)
        == f"https://leren.example.org/verify/{certificate.code}"
    )
