"""Right after a pass the certificate is still being made (a Celery task makes it): the result
page and "Mijn certificaten" say so and show it once it is there (issue 15)."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from certificates import services

pytestmark = pytest.mark.django_db


def _being_made(title: str) -> str:
    """The sentence as the (Dutch by default) page shows it: "... wordt gemaakt."."""
    with translation.override("nl"):
        text = translation.gettext("Your certificate for %(course)s is being made.")
    return escape(text % {"course": title})


def test_the_result_page_says_the_certificate_is_being_made_then_links_it(client, user, completion):
    client.force_login(user)
    url = reverse("lms:attempt", kwargs={"attempt_id": completion.attempt.public_id})
    html = client.get(url).content.decode()
    assert "data-certificate-pending" in html
    assert "js/certificate-pending.js" in html
    assert f'href="{url}"' in html  # the reload link, for a browser without JavaScript
    assert "Probeer het opnieuw" not in html  # a pass is not headed "try again"
    certificate = services.certificate_create(completion=completion)
    html = client.get(url).content.decode()
    assert "data-certificate-pending" not in html
    assert reverse("certificate_detail", args=[certificate.code]) in html


def test_my_certificates_shows_the_one_being_made(client, user, completion):
    client.force_login(user)
    html = client.get(reverse("certificate_list")).content.decode()
    assert "data-certificate-pending" in html
    assert _being_made(completion.course.title) in html
    services.certificate_create(completion=completion)
    html = client.get(reverse("certificate_list")).content.decode()
    assert "data-certificate-pending" not in html


def _being_prepared() -> str:
    with translation.override("nl"):
        text = translation.gettext(
            "Your certificate is being prepared. It appears under “My certificates”, and we "
            "send you an e-mail when it is ready."
        )
    return escape(text)


def test_the_result_page_says_being_prepared_only_until_the_pdf_is_ready(client, user, completion):
    """Audit: "being prepared" stood right above "View your certificate" after it was ready."""
    client.force_login(user)
    url = reverse("lms:attempt", kwargs={"attempt_id": completion.attempt.public_id})
    assert _being_prepared() in client.get(url).content.decode()
    certificate = services.certificate_create(completion=completion)
    html = client.get(url).content.decode()
    # the row is there but its PDF is not yet: still being prepared, already linked
    assert _being_prepared() in html
    assert reverse("certificate_detail", args=[certificate.code]) in html
    services.certificate_pdf_render(certificate=certificate)
    html = client.get(url).content.decode()
    assert _being_prepared() not in html
    assert "data-certificate-pending" not in html
    assert reverse("certificate_detail", args=[certificate.code]) in html
