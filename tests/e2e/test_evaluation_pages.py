"""The evaluation (issue 17) in a real browser at 375 px, in every interface language: the
participant finds the form on "my trainings", answers it with the keyboard only and sees the
thanks; the organiser reads the results. No page scrolls sideways."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.e2e.checks import horizontal_overflow
from tests.e2e.conftest import MOBILE
from tests.factories import UserFactory
from tests.trainings.conftest import make_format, make_session
from trainings import services
from trainings.models import Attendance, Registration, SessionEvaluation

#: set E2E_SCREENSHOTS=/some/dir to keep screenshots of the pages for a look
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")

FOCUSED = "() => [document.activeElement.tagName, document.activeElement.name || '', "
FOCUSED += "document.activeElement.getAttribute('href') || '']"


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _tab_to(page, *, name: str = "", href: str = "", most: int = 60) -> None:
    """Press Tab until the control named `name` (or the link to `href`) has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        _tag, focused_name, focused_href = page.evaluate(FOCUSED)
        if (name and focused_name == name) or (href and focused_href == href):
            return
    raise AssertionError(f"Tab never reached {name or href}")


def _no_sideways_scrolling(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]


LOCALES = {"nl": "nl-NL", "en": "en-GB", "pl": "pl-PL", "es": "es-ES"}


@pytest.mark.django_db(transaction=True)
def test_evaluate_by_keyboard_and_read_the_results_at_375_px(new_page):
    # one test for the four languages: one live server and one database for all of them
    organiser = UserFactory(full_name="Olga Organisator", second_factor=True)  # an organiser
    training = make_format(title="Kind en Uitbuiting", organiser="Fier")
    training.organisers.add(organiser)
    for language, locale in LOCALES.items():
        with translation.override(language):  # the site's addresses carry the language
            _evaluate_and_read(new_page, organiser, training, language, locale)


def _evaluate_and_read(new_page, organiser, training, language: str, locale: str) -> None:
    participant = UserFactory(full_name="Priya Professional", preferred_language=language)
    session = make_session(training, days=0, starts_at=timezone.now() - timedelta(hours=4))
    registration = Registration.objects.create(
        session=session, user=participant, status="registered"
    )
    Attendance.objects.create(
        registration=registration, status="present", method=Attendance.Method.TRAINER
    )

    page = new_page(viewport=MOBILE, user=participant, locale=locale)
    page.goto(reverse("trainings:mine"))
    _no_sideways_scrolling(page)
    form_url = reverse("trainings:evaluation", args=[session.public_id])
    _tab_to(page, href=form_url)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{form_url}")
    _no_sideways_scrolling(page)
    _shot(page, f"evaluation-form-{language}")
    # a radio group: Tab reaches its first button, the arrow keys move the choice
    for field, steps in (("usefulness", 3), ("trainer_clarity", 4), ("confidence", 2)):
        _tab_to(page, name=field)
        for _ in range(steps):
            page.keyboard.press("ArrowRight")
    _tab_to(page, name="would_recommend")
    page.keyboard.press("Space")
    _tab_to(page, name="comment")
    page.keyboard.type("Sterke casussen")
    page.keyboard.press("Tab")  # the submit button follows the last field
    assert page.evaluate(FOCUSED)[0] == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('trainings:mine')}")
    assert page.locator("[role=status], .messages, .utrecht-alert").count() >= 1
    assert page.locator(f'a[href="{form_url}"]').count() == 0
    _no_sideways_scrolling(page)
    _shot(page, f"evaluation-thanks-{language}")
    [answer] = SessionEvaluation.objects.filter(session=session)
    assert (answer.usefulness, answer.trainer_clarity, answer.confidence) == (4, 5, 3)
    assert answer.would_recommend and answer.comment == "Sterke casussen"

    # results are shown from 5 answers on (the reporting rule): four more participants answer
    for _ in range(4):
        other = Registration.objects.create(
            session=session, user=UserFactory(), status="registered"
        )
        Attendance.objects.create(
            registration=other, status="present", method=Attendance.Method.TRAINER
        )
        services.evaluation_submit(
            registration=other, usefulness=3, trainer_clarity=4, confidence=4, would_recommend=True
        )

    results = new_page(viewport=MOBILE, user=organiser, locale=locale)
    results.goto(reverse("trainings:evaluation_results", args=[session.public_id]))
    assert "Sterke casussen" in results.content()
    assert "Priya" not in results.content()
    _no_sideways_scrolling(results)
    _shot(results, f"evaluation-results-{language}")
    results.goto(reverse("trainings:format_evaluation_results", args=[training.pk]))
    _no_sideways_scrolling(results)
    _shot(results, f"evaluation-format-{language}")
    assert horizontal_overflow(results) == 0
