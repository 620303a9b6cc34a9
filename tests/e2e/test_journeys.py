"""The journeys of issue 10 end to end: a real browser on the live server, a real Celery worker
on Redis, e-mail in Django's locmem outbox. Controls are operated with the keyboard (focus, then
Space or Enter), so the journey also proves it works without a mouse.

In journey 3 the learners who make the counts rise pass through the learning services (journey 1
already takes that path in the browser); programme staff use the browser."""

import csv
import io
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from certificates.models import Certificate
from courses.models import StorylinePage
from lms import services as lms_services
from organisations.models import Invitation, Organisation
from organisations.selectors import HOTEL_COURSE_SLUG
from organisations.services import registration
from tests.conftest import DEADLINE, wait_for
from tests.e2e.checks import axe_violations
from tests.factories import (
    PASSWORD,
    TargetFactory,
    UserFactory,
    answer_all_right,
    make_course,
    translate_course,
)


def press(locator, key: str = "Enter") -> None:
    """Operate a control the way a keyboard user does."""
    locator.focus()
    locator.press(key)


def take_lessons(page) -> None:
    """From the first lesson on screen to the submitted result: answer, next, submit."""
    while True:
        page.wait_for_url(re.compile(r"/les/\d+/$"))
        answer_everything_right(page)
        press(page.locator(".lesson-nav button[type=submit]"))
        page.wait_for_load_state()
        if re.search(r"/poging/[0-9a-f-]+/$", page.url):
            break
    press(page.locator("main form button[type=submit]"))
    result = page.locator("main div.utrecht-alert[role=status]")
    result.wait_for()
    assert "100%" in result.inner_text()


def hotel_course(*, languages: list[str]):
    """The hotel staff course in Dutch and, as Wagtail translations (one translation key, so
    every version counts for the establishment), in `languages`; returns {code: page}."""
    course = make_course(title="Hotelpersoneel: herken seksuele uitbuiting")
    course.slug = HOTEL_COURSE_SLUG
    course.save_revision().publish()
    versions = {"nl": course}
    for code in languages:
        versions[code] = translate_course(course, code)
    return versions


def answer_everything_right(page) -> None:
    """Answer the open questions of the lesson on screen: the option 'goed' of each single-choice
    question, the recommended option of each scenario scene; each time the feedback says so."""
    while (form := page.locator("form[data-lms-answer]").first).count():
        right = form.get_by_label("goed", exact=True)
        if not right.count():  # a scenario scene: the factory recommends these options
            right = form.get_by_label(re.compile(r"^(praten|melden)$"))
        press(right, "Space")
        assert right.is_checked()
        question_id = form.locator("xpath=ancestor::section[@data-lms-question]").get_attribute(
            "id"
        )
        submitted = form.element_handle()
        press(form.locator("button[type=submit]"))
        # player.js swaps the server's feedback in (or, without it, the page reloads)
        page.wait_for_function("(form) => !form.isConnected", arg=submitted)
        feedback = page.locator(f"#{question_id} [data-lms-live]")
        assert feedback.locator(".utrecht-alert--ok").count() == 1, feedback.inner_text()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_new_learner_registers_passes_buit_and_gets_a_valid_certificate(
    new_page, live_server, celery_worker_process, mailoutbox
):
    course = make_course(title="BUIT voor professionals", storylines=True)
    page = new_page()

    # Register.
    assert page.goto("/").status == 200
    press(page.locator(f".site-nav a[href='{reverse('account_signup')}']"))
    page.locator("input[name=full_name]").fill("Noor de Vries")
    page.locator("input[name=email]").fill("noor@example.org")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    press(page.locator("main form button[type=submit]"))
    page.wait_for_url(re.compile(r"/account/confirm-email/$"))
    assert axe_violations(page) == []

    # Verify the e-mail address with the link from the message.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(urlparse(link).path)
    assert axe_violations(page) == []
    press(page.locator("main form button[type=submit]"))
    page.wait_for_url(lambda url: "confirm-email" not in url)

    # Find the module and enrol: the shared introduction comes first.
    page.goto(course.url)
    press(page.locator("form[action$='/inschrijven/'] button[type=submit]"))
    page.wait_for_url(re.compile(r"/les/\d+/$"))
    assert page.locator("h1").inner_text() == "Introductie"
    answer_everything_right(page)
    press(page.locator(".lesson-nav button[type=submit]"))

    # After the introduction: choose a storyline, then its lesson.
    page.wait_for_url(re.compile(r"/verhaallijn/$"))
    assert axe_violations(page) == []
    press(page.get_by_label("Criminele uitbuiting"), "Space")
    press(page.locator("main form button[type=submit]"))
    page.wait_for_url(re.compile(r"/les/\d+/$"))
    assert page.locator("h1").inner_text() == "Criminele uitbuiting les"
    answer_everything_right(page)
    press(page.locator(".lesson-nav button[type=submit]"))

    # Submit and pass.
    page.wait_for_url(re.compile(r"/poging/[0-9a-f-]+/$"))
    press(page.locator("main form button[type=submit]"))
    result = page.locator("main div.utrecht-alert[role=status]")
    result.wait_for()
    assert "100%" in result.inner_text()

    # The worker issues the certificate and renders its PDF; it appears under My certificates.
    certificate = wait_for(
        lambda: Certificate.objects.filter(user__email="noor@example.org").exclude(pdf="").first(),
    )
    page.goto("/certificaten/")
    press(page.get_by_role("link", name="BUIT voor professionals"))
    page.wait_for_url(re.compile(rf"/certificaten/{certificate.code}/$"))
    assert "Noor de Vries" in page.locator("main").inner_text()

    pdf_link = page.locator(f"main a[href$='/certificaten/{certificate.code}/pdf/']")
    pdf_link.focus()
    with page.expect_download(timeout=DEADLINE * 1000) as download:
        page.keyboard.press("Enter")  # a download never finishes a navigation to wait for
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")

    # Anyone can check it: the verify page (logged out) says it is valid.
    share = page.locator(f"main a[href*='/verify/{certificate.code}']").first.get_attribute("href")
    visitor = new_page()
    response = visitor.goto(urlparse(share).path)
    assert response.status == 200
    assert visitor.locator("main .utrecht-alert--ok[role=status]").count() == 1
    assert "Noor de Vries" in visitor.locator("main").inner_text()
    assert axe_violations(visitor) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_manager_certifies_a_hotel_when_three_of_five_staff_pass_in_three_languages(
    new_page, live_server, celery_worker_process
):
    versions = hotel_course(languages=["en", "pl"])
    manager = UserFactory(full_name="Mo Manager")
    staff = [UserFactory(email=f"staff{n}@hotel.example.org") for n in range(5)]
    page = new_page(user=manager)

    # Register the hotel.
    page.goto(reverse("organisations:register"))
    page.locator("input[name=name]").fill("Hotel De Brug")
    press(page.locator("input[name=kind][value=hotel]"), "Space")
    page.locator("input[name=municipality]").fill("Utrecht")
    page.locator("input[name=declared_staff]").fill("5")
    press(page.locator("input[name=public_listing]"), "Space")
    press(page.locator("main form button[type=submit]"))
    page.wait_for_url(re.compile(r"/organisaties/\d+/$"))
    organisation = Organisation.objects.get(name="Hotel De Brug")
    assert manager.groups.filter(name=roles.ORGANISATION_MANAGER).exists()

    # Invite the five staff members one by one.
    for member in staff:
        invite = page.locator(
            f"form[action='{reverse('organisations:invite', args=[organisation.pk])}']"
        )
        invite.locator("input[name=email]").fill(member.email)
        press(invite.locator("button[type=submit]"))
        page.wait_for_load_state()
    assert page.locator("main").inner_text().count("@hotel.example.org") >= 5
    # The worker sends the invitations; each carries a personal link.
    invitations = wait_for(
        lambda: (
            list(Invitation.objects.filter(organisation=organisation, sent_at__isnull=False))
            if Invitation.objects.filter(organisation=organisation, sent_at__isnull=False).count()
            == 5
            else None
        ),
    )

    # Three accept and pass, each in another language.
    for member, code in zip(staff[:3], ["nl", "en", "pl"], strict=True):
        invitation = next(i for i in invitations if i.email == member.email)
        learner = new_page(user=member)
        learner.goto(reverse("organisations:invitation_accept", args=[invitation.token]))
        press(learner.locator("main form button[type=submit]"))
        learner.wait_for_load_state()
        learner.goto(versions[code].url)
        assert learner.locator(f"[lang={code}]").count(), f"no lang={code} on the {code} course"
        press(learner.locator("form[action$='/inschrijven/'] button[type=submit]"))
        take_lessons(learner)

    # The worker re-evaluates the hotel: 3 of 5 is 60%, so it is certified.
    wait_for(
        lambda: Organisation.objects.filter(
            pk=organisation.pk, certification_status=Organisation.CertificationStatus.CERTIFIED
        ).exists(),
    )
    page.goto(reverse("organisations:dashboard", args=[organisation.pk]))
    progress = page.locator("section[aria-labelledby=progress-heading]").inner_text()
    assert re.search(r"\b3\D+5\b", progress), progress
    assert axe_violations(page) == []
    # Certified, but listed publicly only once programme staff approved the registration.
    visitor = new_page()
    visitor.goto(reverse("organisations:public_list"))
    assert "Hotel De Brug" not in visitor.locator("main").inner_text()
    registration.organisation_update(organisation=organisation, data={"kvk_number": "12345678"})
    registration.organisation_registration_review(
        organisation=organisation,
        reviewer=UserFactory(role=roles.PROGRAMME_STAFF),
        approve=True,
        kvk_checked=True,
    )
    visitor.goto(reverse("organisations:public_list"))
    assert "Hotel De Brug" in visitor.locator("main").inner_text()


def _pass_through_services(user, course) -> None:
    enrolment = lms_services.enrolment_create(user=user, course=course)
    storyline = course.get_children().live().type(StorylinePage).first()
    attempt = lms_services.attempt_start(enrolment=enrolment, storyline=storyline.specific)
    answer_all_right(attempt)
    lms_services.attempt_submit(attempt=attempt)


@pytest.mark.django_db(transaction=True)
def test_programme_staff_see_the_count_rise_and_download_the_csv(new_page, live_server):
    course = make_course(title="BUIT voor professionals", storylines=True)
    target = TargetFactory(code="buit-professionals", course=course)
    staff = UserFactory(full_name="Pim Programma", role=roles.PROGRAMME_STAFF)
    page = new_page(user=staff)

    def achieved() -> int:
        page.goto(reverse("reporting:dashboard"))
        card = page.locator(f"article[aria-labelledby=target-{target.pk}]")
        return int(re.match(r"\s*(\d+)", card.locator(".report-figures__main").inner_text())[1])

    assert achieved() == 0
    assert axe_violations(page) == []
    for _ in range(2):
        _pass_through_services(UserFactory(), course)
    assert achieved() == 2

    csv_link = page.locator(f"main a[href^='{reverse('reporting:overview_export', args=['csv'])}']")
    csv_link.focus()
    with page.expect_download(timeout=DEADLINE * 1000) as download:
        page.keyboard.press("Enter")
    rows = list(
        csv.reader(
            io.StringIO(download.value.path().read_text(encoding="utf-8-sig")), delimiter=";"
        )
    )
    row = next(r for r in rows if r and r[0] == target.title)
    assert row[1:3] == ["2", "20000"], rows
