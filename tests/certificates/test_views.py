import io
import re

import pypdf
import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certificates import permissions, services, verification
from certificates.models import Certificate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(completion):
    return services.certificate_create(completion=completion)


def test_my_certificates_lists_only_mine(client, user, certificate, other_user):
    client.force_login(user)
    response = client.get(reverse("certificate_list"))
    assert response.status_code == 200
    assert certificate.course_title in response.text
    assert reverse("certificate_detail", args=[certificate.code]) in response.text
    client.force_login(other_user)
    response = client.get(reverse("certificate_list"))
    assert reverse("certificate_detail", args=[certificate.code]) not in response.text


def test_list_requires_login(client):
    response = client.get(reverse("certificate_list"))
    assert response.status_code == 302


def test_certificate_page_shows_html_certificate_before_the_pdf_exists(client, user, certificate):
    assert not certificate.pdf
    client.force_login(user)
    response = client.get(reverse("certificate_detail", args=[certificate.code]))
    assert response.status_code == 200
    text = response.text
    assert "certificate-sheet" in text
    assert user.full_name in text
    assert certificate.display_code in text
    assert 'role="img"' in text  # the QR code
    assert f"http://testserver/verify/{certificate.code}" in text  # share link
    linkedin = re.search(r'href="(https://www.linkedin.com/profile/add\?[^"]+)"', text).group(1)
    assert "startTask=CERTIFICATION_NAME" in linkedin
    assert "organizationName=Samen+tegen+mensenhandel" in linkedin
    assert f"issueYear={certificate.issued_at.year}" in linkedin
    assert f"certId={certificate.display_code}" in linkedin
    assert "certUrl=http%3A%2F%2Ftestserver%2Fverify%2F" in linkedin


def test_codes_are_found_in_any_case_with_separators(client, user, certificate):
    client.force_login(user)
    messy = certificate.display_code.lower()
    response = client.get(reverse("certificate_detail", args=[messy]))
    assert response.status_code == 200


def test_pdf_download_for_owner_renders_when_not_stored(client, user, certificate):
    client.force_login(user)
    response = client.get(reverse("certificate_pdf", args=[certificate.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert user.full_name in reader.pages[0].extract_text()


def test_pdf_download_serves_the_stored_file(client, user, certificate):
    services.certificate_pdf_render(certificate=certificate)
    client.force_login(user)
    response = client.get(reverse("certificate_pdf", args=[certificate.code]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    # the stored file goes out like the freshly rendered one: named, never cached (a name on it)
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificaat-{certificate.display_code}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"


def test_other_people_get_404(client, certificate, other_user):
    client.force_login(other_user)
    for name in ("certificate_detail", "certificate_pdf", "certificate_name_correct"):
        assert client.get(reverse(name, args=[certificate.code])).status_code == 404
    client.logout()
    assert client.get(reverse("certificate_pdf", args=[certificate.code])).status_code == 302


def test_programme_staff_may_view_and_download(client, certificate, programme_user):
    client.force_login(programme_user)
    assert client.get(reverse("certificate_detail", args=[certificate.code])).status_code == 200
    assert client.get(reverse("certificate_pdf", args=[certificate.code])).status_code == 200
    # but cannot correct someone else's name
    assert (
        client.get(reverse("certificate_name_correct", args=[certificate.code])).status_code == 404
    )


def test_a_registered_viewer_check_grants_access(client, certificate):
    manager = UserFactory()

    def managers_of_holder(user, cert):
        return user.pk == manager.pk and cert.pk == certificate.pk

    permissions.register_viewer_check(managers_of_holder)
    try:
        client.force_login(manager)
        response = client.get(reverse("certificate_pdf", args=[certificate.code]))
        assert response.status_code == 200
    finally:
        permissions._viewer_checks.remove(managers_of_holder)
    assert client.get(reverse("certificate_pdf", args=[certificate.code])).status_code == 404


def test_name_correction_by_the_learner(
    client, user, certificate, programme_user, django_capture_on_commit_callbacks, mail_server_down
):
    """Also while the mail server does not answer: programme staff are told by the worker."""
    from certificates.services import NAME_CORRECTED_WANTED
    from outbox.models import OutboxMessage

    client.force_login(user)
    url = reverse("certificate_name_correct", args=[certificate.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": ""})
    assert response.status_code == 400
    assert "utrecht-form-field--invalid" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": "Nieuwe Naam"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.holder_name == "Nieuwe Naam"
    assert certificate.pdf  # reissued with the same code
    assert certificate.events.filter(kind="name_corrected", actor=user).exists()
    assert OutboxMessage.objects.filter(kind=NAME_CORRECTED_WANTED, done_at=None).count() == 1


def test_verify_page_shows_public_facts_only(client, certificate, user):
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    text = response.text
    assert user.full_name in text
    assert certificate.course_title in text
    assert _("This certificate is valid.") in text
    assert user.email not in text
    assert str(certificate.score) not in text


def test_verify_ignores_case_and_separators(client, certificate):
    messy = certificate.display_code.lower().replace("-", " ")
    response = client.get(f"/verify/{messy}")
    assert response.status_code == 200
    assert client.get(f"/verify/{certificate.display_code.lower()}/").status_code == 200


def test_verify_shows_revoked_with_date(client, certificate, programme_user):
    revoked = services.certificate_revoke(
        certificate=certificate, actor=programme_user, reason="fraude"
    )
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    assert _("This certificate was revoked on %(date)s.").split("%")[0] in response.text
    assert revoked.revoked_at.strftime("%Y") in response.text
    assert "fraude" not in response.text  # the reason is internal
    response = client.get(f"/en/verify/{certificate.code}")
    assert "revoked" in response.text


def test_verify_shows_expired(client, certificate):
    from datetime import timedelta

    from django.utils import timezone

    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.now() - timedelta(days=800),
        expires_at=timezone.now() - timedelta(days=1),
    )
    response = client.get(f"/verify/{certificate.code}")
    assert _("This certificate has expired.") in response.text


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ", "x" * 500, "%3Cscript%3E"])
def test_unknown_code_is_a_clear_404(client, db, code):
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404
    assert _("No certificate has this code.") in response.text


def _try_again_in(minutes: int) -> str:
    return ngettext(
        "Try again in %(minutes)d minute.", "Try again in %(minutes)d minutes.", minutes
    ) % {"minutes": minutes}


def test_verify_is_rate_limited_per_address(client, certificate, settings):
    settings.RATE_LIMITS = {"certificate-verify-page": (3, 3600)}
    for _attempt in range(3):
        assert client.get(f"/verify/{certificate.code}").status_code == 200
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 429
    # the words agree with Retry-After: an hour's window says how many minutes are left
    left = int(response["Retry-After"])
    assert _("You have checked many certificates in a short time.") in response.text
    assert _try_again_in(-(-left // 60)) in response.text
    # the one 429 page of the site, with this limit's own heading and the way home
    assert response.templates[0].name == "429.html"
    assert f'<h1 class="utrecht-heading-1">{_("Too many look-ups")}</h1>' in response.text
    assert _("Go to the home page") in response.text
    # what is left of the window (an hour here), not its full length
    left = verification.RATE_LIMITS["page"].retry_after()
    assert abs(int(response["Retry-After"]) - left) <= 1
    other = client.get(f"/verify/{certificate.code}", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_verify_lookup_form_redirects_to_the_code(client, certificate):
    response = client.get(reverse("verify_lookup"), {"code": certificate.display_code.lower()})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/verify/{certificate.code}")
    assert client.get(reverse("verify_lookup")).status_code == 200
    assert client.get(reverse("verify_lookup"), {"code": "--"}).status_code == 400


def test_staff_revoke_flow(client, certificate, programme_user):
    client.force_login(programme_user)
    response = client.get(reverse("certificates_admin"), {"code": certificate.display_code})
    assert response.status_code == 302
    detail = reverse("certificates_admin_detail", args=[certificate.code])
    assert client.get(detail).status_code == 200
    revoke = reverse("certificates_admin_revoke", args=[certificate.code])
    assert client.post(revoke, {"reason": ""}).status_code == 400
    response = client.post(revoke, {"reason": "Toets door een ander gemaakt"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    page = client.get(detail).text
    assert "Toets door een ander gemaakt" in page
    assert programme_user.email in page  # who did it, in the audit trail


def test_learners_cannot_reach_the_staff_pages(client, certificate, user):
    client.force_login(user)
    assert client.get(reverse("certificates_admin")).status_code == 403
    response = client.post(
        reverse("certificates_admin_revoke", args=[certificate.code]), {"reason": "x"}
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_staff_start_bulk_reissue_and_see_progress(client, certificate, programme_user):
    from certificates.models import ReissueJob

    client.force_login(programme_user)
    response = client.post(reverse("certificates_admin_reissue"))
    assert response.status_code == 302
    job = ReissueJob.objects.get()
    assert response["Location"] == reverse("certificates_admin_job", args=[job.pk])
    services.reissue_job_ensure(job_id=job.pk)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'value="100"' in page.text


def test_my_certificates_query_budget(client, user, django_assert_max_num_queries):
    from tests.certificates.conftest import pass_course
    from tests.factories import make_course

    for title in ("Een", "Twee", "Drie"):
        services.certificate_create(completion=pass_course(user, make_course(title=title)))
    client.force_login(user)
    # 7 with empty caches: one is the footer's pages, read once a minute per process
    with django_assert_max_num_queries(7):
        response = client.get(reverse("certificate_list"))
    assert response.text.count("/certificaten/") >= 3


def test_zip_download_of_selected_certificates(client, user, certificate, other_user):
    import zipfile

    from certificates.models import CertificateArchive

    client.force_login(user)
    response = client.post(reverse("certificate_archive_create"), {"code": [certificate.code]})
    assert response.status_code == 302
    archive = CertificateArchive.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'http-equiv="refresh"' in page.text
    download = reverse("certificate_archive_download", args=[archive.public_id])
    assert client.get(download).status_code == 404  # not built yet
    services.archive_build(archive=archive)
    response = client.get(download)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(content)).namelist() == [
        f"certificate-{certificate.display_code}.pdf"
    ]
    client.force_login(other_user)
    assert client.get(download).status_code == 404
    assert client.get(reverse("certificate_archive", args=[archive.public_id])).status_code == 404
    response = client.post(reverse("certificate_archive_create"), {"code": [certificate.code]})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificate_list")
    assert CertificateArchive.objects.count() == 1


def test_certificate_page_needs_no_inline_styles_and_steps_down_long_names(
    client, user, certificate
):
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="Naam " * 15)
    client.force_login(user)
    response = client.get(reverse("certificate_detail", args=[certificate.code]))
    assert "certificate-sheet--longer" in response.text
    assert "style=" not in response.text.split('class="certificate-sheet')[1].split(">")[0]


def test_escaped_name_on_the_certificate_page(client, user, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="<img src=x onerror=alert(1)>")
    client.force_login(user)
    response = client.get(reverse("certificate_detail", args=[certificate.code]))
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text
