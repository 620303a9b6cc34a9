"""Issue 16: a Polish, a Spanish and an English staff member each go from the poster's QR code to
a certificate in their own language, on a phone (375 px). A real browser with that language
(Accept-Language), the live server, a real Celery worker on Redis, e-mail in the locmem outbox.

On every page of the journey the test fails on an axe violation and on any visible Dutch
interface string: a translation from `locale/nl` (long enough to be unambiguous, and different
from its English source) that appears in the page's visible text. The certificate PDF must be
in the course version's language (`/Lang`, and no Dutch interface string in its text)."""

import io
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import polib
import pypdf
import pytest
from django.conf import settings
from django.core import mail

from certificates.models import Certificate
from organisations.services import registration
from tests.conftest import DEADLINE, wait_for
from tests.e2e.checks import axe_violations
from tests.e2e.conftest import MOBILE
from tests.e2e.test_journeys import hotel_course, press, take_lessons
from tests.factories import PASSWORD, UserFactory

DUTCH_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
#: Shorter translations ("Naam", "Rol", "Start") are also words in other languages, names or
#: course content; only longer ones say for certain that the interface is Dutch.
MIN_DUTCH_CHARS = 16
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|\{[^}]*\}")
LOCALES = {"pl": "pl-PL", "es": "es-ES", "en": "en-GB"}


@cache
def dutch_interface_strings() -> frozenset[str]:
    """Literal pieces of the Dutch translations of the interface (not the course content, which
    lives in the pages): every piece between placeholders of at least MIN_DUTCH_CHARS
    characters, from entries whose Dutch differs from the English source."""
    pieces = set()
    for entry in polib.pofile(str(DUTCH_CATALOGUE)):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
        for source, dutch in pairs:
            if not dutch or dutch.strip() == source.strip():
                continue
            for piece in PLACEHOLDER.split(dutch):
                piece = " ".join(piece.split())
                if len(piece) >= MIN_DUTCH_CHARS and piece not in source:
                    pieces.add(piece)
    return frozenset(pieces)


def dutch_strings_in(text: str) -> list[str]:
    visible = " ".join(text.split())
    return sorted(piece for piece in dutch_interface_strings() if piece in visible)


def check_page(page, where: str) -> None:
    """The checks every page of the journey must pass."""
    assert axe_violations(page) == [], where
    assert dutch_strings_in(page.locator("body").inner_text()) == [], where


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.parametrize("code", ["pl", "es", "en"])
def test_staff_member_goes_from_the_qr_code_to_a_certificate_in_their_language(
    code, new_page, live_server, celery_worker_process
):
    versions = hotel_course(languages=[code])
    course = versions[code]
    manager = UserFactory(full_name="Mo Manager")
    organisation = registration.organisation_register(
        user=manager, name="Hotel De Brug", municipality="Utrecht", declared_staff=5
    )
    page = new_page(viewport=MOBILE, locale=LOCALES[code])

    # The multilingual poster's QR code: a link without a language; the phone's language wins.
    qr_target = urlparse(registration.join_url(organisation)).path
    page.goto(qr_target)
    page.wait_for_url(re.compile(rf"/{code}/organisaties/aansluiten/"))
    assert page.locator("html").get_attribute("lang") == code
    assert "Hotel De Brug" in page.locator("h1").inner_text()
    assert course.title in page.locator("main").inner_text()  # what the training is
    check_page(page, "join page")
    press(page.locator("input[name=role][value=housekeeping]"), "Space")
    press(page.locator("button[name=action][value=signup]"))

    # Sign up in that language.
    page.wait_for_url(re.compile(rf"/{code}/account/signup/"))
    check_page(page, "sign-up page")
    email = f"staff-{code}@example.org"
    page.locator("input[name=full_name]").fill(f"Staff {code.upper()}")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    press(page.locator("main form button[type=submit]"))
    page.wait_for_url(re.compile(r"/account/confirm-email/$"))
    check_page(page, "check your e-mail page")

    # Confirm with the link from the message: it keeps the language and the join.
    message = wait_for(lambda: next((m for m in mail.outbox if email in m.to), None))
    assert dutch_strings_in(message.subject + "\n" + message.body) == []
    link = re.search(r"https?://\S+/confirm-email/\S+", message.body).group(0)
    assert urlparse(link).path.startswith(f"/{code}/")
    page.goto(urlparse(link).path)
    check_page(page, "confirmation page")
    press(page.locator("main form button[type=submit]"))

    # Straight into the establishment's course in that language.
    page.wait_for_url(lambda url: urlparse(url).path == course.url)
    check_page(page, "course page")
    press(page.locator("form[action$='/inschrijven/'] button[type=submit]"))
    page.wait_for_url(re.compile(r"/les/\d+/$"))
    check_page(page, "lesson")
    take_lessons(page)
    check_page(page, "result")

    # The worker issues the certificate; the PDF is in the course version's language.
    certificate = wait_for(
        lambda: Certificate.objects.filter(user__email=email).exclude(pdf="").first(),
    )
    page.goto(urlparse(f"{live_server.url}/{code}/certificaten/{certificate.code}/").path)
    check_page(page, "certificate page")
    pdf_link = page.locator(f"main a[href$='/certificaten/{certificate.code}/pdf/']")
    pdf_link.focus()
    with page.expect_download(timeout=DEADLINE * 1000) as download:
        page.keyboard.press("Enter")
    reader = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert reader.trailer["/Root"]["/Lang"] == code
    text = "\n".join(pdf_page.extract_text() for pdf_page in reader.pages)
    assert dutch_strings_in(text) == []
