"""Issue 17's journey in a real browser, with a real Celery worker: an organiser publishes a
session in Wagtail → a professional registers → the trainer marks attendance on a 375 px screen
→ the worker issues the certificate → the programme's target count rises."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from certificates.models import Certificate
from reporting.models import Target, TargetCourse
from tests.conftest import wait_for
from tests.e2e.conftest import MOBILE
from tests.factories import UserFactory
from tests.trainings.conftest import make_format, make_session
from trainings.models import Registration


def press(locator, key: str = "Enter") -> None:
    locator.focus()
    locator.press(key)


@pytest.mark.django_db(transaction=True)
def test_a_session_from_publication_to_certificate_and_count(
    new_page, live_server, celery_worker_process
):
    organiser = UserFactory(full_name="Olga Organisator", role=roles.TRAINING_ORGANISER)
    trainer = UserFactory(full_name="Teun Trainer", role=roles.TRAINER)
    professional = UserFactory(full_name="Priya Professional")
    staff = UserFactory(full_name="Pim Programma", role=roles.PROGRAMME_STAFF)
    training = make_format(title="Kind en Uitbuiting", organiser="Fier")
    training.organisers.add(organiser)
    today = timezone.localdate()
    target = Target.objects.create(
        code="verdieping",
        title="1.500 professionals met de verdiepende training",
        unit=Target.Unit.PEOPLE_PASSED,
        goal=Target.Goal.NUMBER,
        target_number=1500,
        period_start=date(today.year - 1, 1, 1),
        period_end=date(today.year + 1, 12, 31),
    )
    TargetCourse(target=target, training=training, sort_order=0).save()
    # starts in 20 minutes: registration is still open and attendance can already be marked
    session = make_session(training, days=0, is_published=False)
    session.starts_at = timezone.now() + timedelta(minutes=20)
    session.ends_at = session.starts_at + timedelta(hours=3)
    session.save()
    session.trainers.add(trainer)

    # 1. the organiser publishes the session in Wagtail
    admin = new_page(user=organiser)
    admin.goto(reverse("wagtailsnippets_trainings_trainingsession:edit", args=[session.pk]))
    admin.locator("#id_is_published").check()
    admin.locator("button.action-save").first.click()
    wait_for(lambda: type(session).objects.get(pk=session.pk).is_published)

    # 2. a professional finds it in the list and registers
    visitor = new_page(user=professional)
    visitor.goto(reverse("trainings:list"))
    visitor.locator(f"a[href='{reverse('trainings:session', args=[session.public_id])}']").click()
    press(visitor.locator("form[action$='/aanmelden/'] button"))
    visitor.wait_for_url(re.compile(r"/sessie/"))
    assert Registration.objects.get(user=professional).status == "registered"

    # 3. the trainer marks attendance on a phone, searching by name
    phone = new_page(user=trainer, viewport=MOBILE)
    phone.goto(reverse("trainings:attendance", args=[session.public_id]))
    phone.locator("#participant-search").fill("Priya")
    press(phone.locator("form[role=search] button"))
    card = phone.locator(".participants .card", has_text="Priya Professional")
    card.locator("input[value=present]").check()
    press(card.locator("button[type=submit]"))
    # back at that participant's card, which has the focus and says it was saved
    registration = Registration.objects.get(user=professional)
    phone.wait_for_url(re.compile(rf"#deelnemer-{registration.pk}$"))
    phone.wait_for_load_state()
    assert phone.evaluate("document.activeElement.id") == f"deelnemer-{registration.pk}"
    assert card.locator("[role=status]").is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], "the attendance list fits a 375 px screen"

    # 4. the worker issues the certificate
    certificate = wait_for(
        lambda: Certificate.objects.filter(
            user=professional, pdf_rendered_at__isnull=False
        ).first(),
    )
    assert certificate.course_title == training.title

    # 5. the programme's count rises
    dashboard = new_page(user=staff)
    dashboard.goto(reverse("reporting:dashboard"))
    figure = dashboard.locator(f"article[aria-labelledby=target-{target.pk}] .report-figures__main")
    assert int(re.match(r"\s*(\d+)", figure.inner_text())[1]) == 1
