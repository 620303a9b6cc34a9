"""Screenshots of the main pages at desktop width and at 375 px, as the README shows them.

`make screenshots` runs this test with SCREENSHOTS_DIR=docs/screenshots; otherwise (CI) the
PNGs go to a temporary directory and the test still checks that each page renders at both
widths without sideways scrolling."""

import os
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
    from courses.models import LessonPage
    from tests.e2e.content import _open_attempt, _pass
    from tests.factories import UserFactory, translate_course

    target = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    content = e2e_content
    polish_course = translate_course(content.course, "pl")
    polish_blocks = translate_course(content.blocks_course, "pl")
    polish_lesson = LessonPage.objects.get(
        locale__language_code="pl", translation_key=content.block_lesson.translation_key
    )
    # the establishment's training is the hotel-staff module, so the join page presents it
    content.organisation.counting_course_keys = [str(content.blocks_course.translation_key)]
    content.organisation.save(update_fields=["counting_course_keys"])
    learner = UserFactory(full_name="Ola Kowalska", preferred_language="pl")
    certificate = certificate_create(
        completion=_pass(user=learner, course=polish_course).completion
    )
    _open_attempt(user=learner, course=polish_blocks)
    with translation.override("pl"):
        paths = {
            "join-pl": (
                None,
                reverse("organisations:join", args=[content.organisation.join_token]),
            ),
            "lesson-pl": (learner, reverse("lms:lesson", args=[polish_lesson.pk])),
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
