"""Screenshots of the main pages at desktop width and at 375 px, as the README shows them.

`make screenshots` runs this test with SCREENSHOTS_DIR=docs/screenshots; otherwise (CI) the
PNGs go to a temporary directory and the test still checks that each page renders at both
widths without sideways scrolling."""

import os
import shutil
import struct
from pathlib import Path

from tests.e2e.conftest import DESKTOP, MOBILE
from tests.e2e.pages import PAGE_TYPES

MAIN_PAGES = [
    "home",
    "catalogue",
    "course",
    "storyline-choice",
    "lesson-player",
    "results",
    "my-learning",
    "certificate",
    "verify",
    "registration",
    "organisation-registration",
    "manager-dashboard",
    "certified-establishments",
    "programme-dashboard",
]


def _png_width(data: bytes) -> int:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">I", data[16:20])[0]


def test_main_pages_screenshots(new_page, e2e_content, tmp_path):
    target = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    for name in MAIN_PAGES:
        spec = PAGE_TYPES[name]
        user = getattr(e2e_content, spec.user) if spec.user else None
        for label, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
            page = new_page(viewport=viewport, user=user)
            response = page.goto(spec.path(e2e_content))
            assert response.status == spec.status, f"{name} answered {response.status}"
            path = target / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled")
            assert _png_width(path.read_bytes()) == viewport["width"], name
            page.context.close()


#: The Polish staff member's pages, at 375 px (issue 16): the join page behind the poster's QR
#: code, a lesson of the Polish course version and the certificate.
POLISH_PAGES = ["join-pl", "lesson-pl", "certificate-pl"]


def test_polish_staff_pages_screenshots(new_page, e2e_content, tmp_path):
    from django.urls import reverse
    from django.utils import translation

    from certificates.services import certificate_create
    from courses.content_loader import DEFAULT_CONTENT_DIR, courses_load
    from courses.models import CoursePage
    from lms import services as lms_services
    from tests.e2e.content import _pass
    from tests.factories import UserFactory, right_response

    target = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    content = e2e_content
    # the real hotel-staff module in Dutch and Polish, as the demo loads it: the screenshots
    # show Polish course text, not a Dutch course with a Polish interface around it
    files = tmp_path / "content"
    files.mkdir()
    for language in ("nl", "pl"):
        name = f"hotelpersoneel-herken-seksuele-uitbuiting.{language}.yaml"
        shutil.copy(DEFAULT_CONTENT_DIR / name, files / name)
    courses_load(path=files)
    polish_course = CoursePage.objects.get(
        slug="hotelpersoneel-herken-seksuele-uitbuiting", locale__language_code="pl"
    )
    # the establishment's training is the hotel-staff module, so the join page presents it
    content.organisation.counting_course_keys = [str(polish_course.translation_key)]
    content.organisation.save(update_fields=["counting_course_keys"])
    learner = UserFactory(full_name="Ola Kowalska", preferred_language="pl")
    certificate = certificate_create(
        completion=_pass(user=learner, course=polish_course).completion
    )
    # a colleague halfway through the introduction, its first question answered right
    colleague = UserFactory(full_name="Anna Nowak", preferred_language="pl")
    attempt = lms_services.attempt_start(
        enrolment=lms_services.enrolment_create(user=colleague, course=polish_course)
    )
    question = attempt.graded_questions[0]
    polish_lesson_id = question["lesson_id"]
    lms_services.answer_submit(
        attempt=attempt, question_id=question["id"], response=right_response(question)
    )
    with translation.override("pl"):
        paths = {
            "join-pl": (
                None,
                reverse("organisations:join", args=[content.organisation.join_token]),
            ),
            "lesson-pl": (colleague, reverse("lms:lesson", args=[polish_lesson_id])),
            "certificate-pl": (learner, reverse("certificate_detail", args=[certificate.code])),
        }
    for name in POLISH_PAGES:
        user, path = paths[name]
        page = new_page(viewport=MOBILE, user=user, locale="pl-PL")
        response = page.goto(path)
        assert response.status == 200, f"{name} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == "pl", name
        assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
        shot = target / f"{name}-mobile.png"
        page.screenshot(path=str(shot), full_page=True, animations="disabled")
        assert _png_width(shot.read_bytes()) == MOBILE["width"], name
        page.context.close()
