"""Every page type that has an address in English, Polish and Spanish, on a 375 px phone: no
heading splits a word over two lines, and nothing scrolls sideways even at 320 px (WCAG
reflow). The Dutch pages are checked the same way by test_accessibility; the programme and
manager pages in each language, with the keyboard, by test_languages_at_375."""

import pytest
from django.utils import translation

from tests.e2e.checks import broken_heading_words, horizontal_overflow
from tests.e2e.conftest import MOBILE
from tests.e2e.pages import PAGE_TYPES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_every_page_type_in_each_language_at_375_px(new_page, e2e_content, language):
    pages_by_user: dict = {}  # one browser page per signed-in user, reused for their pages
    problems: list[str] = []
    checked = 0
    for name, spec in PAGE_TYPES.items():
        with translation.override(language):
            path = spec.path(e2e_content)
        if spec.lang != "nl" or not path.startswith(f"/{language}/"):
            continue  # a Dutch content page (the CMS's own address) or a page pinned to nl
        if spec.user not in pages_by_user:
            user = getattr(e2e_content, spec.user) if spec.user else None
            pages_by_user[spec.user] = new_page(viewport=MOBILE, user=user, locale=language)
        page = pages_by_user[spec.user]
        page.set_viewport_size(MOBILE)  # the 320 px reflow check below narrows it
        response = page.goto(path)
        checked += 1
        if response.status != spec.status:
            problems.append(f"{name}: {path} answered {response.status}")
            continue
        lang = page.locator("html").get_attribute("lang")  # a course page speaks its course's
        problems += [
            f"{name} ({lang}): word split over two lines: {w}" for w in broken_heading_words(page)
        ]
        overflow = horizontal_overflow(page, 320)
        if overflow:
            problems.append(f"{name} ({lang}): {overflow}px sideways scrolling at 320 px")
    assert checked >= 20, f"only {checked} page types have a /{language}/ address"
    assert not problems, "\n".join(problems)
