"""The paginated session list (issue 17) in a real browser at 375 px: the page links are reached
and followed with the keyboard, the current page is announced, the filters are kept and nothing
scrolls sideways (at 320 px neither)."""

import pytest
from django.urls import reverse

from tests.e2e.checks import axe_violations, horizontal_overflow
from tests.e2e.conftest import MOBILE
from tests.trainings.conftest import make_session
from trainings.views import SESSIONS_PER_PAGE

FOCUSED_HREF = "() => document.activeElement.getAttribute('href') || ''"


@pytest.mark.django_db(transaction=True)
def test_page_through_the_sessions_with_the_keyboard_at_375_px(new_page):
    sessions = [
        make_session(days=1 + i, venue=f"Zaal {i:02d}") for i in range(SESSIONS_PER_PAGE + 2)
    ]
    page = new_page(viewport=MOBILE)
    page.goto(reverse("trainings:list") + "?regio=utrecht")
    nav = page.locator("nav.pagination")
    assert nav.get_attribute("aria-label")
    assert nav.locator("[aria-current=page]").inner_text().strip().endswith("1")
    sizes = page.evaluate(
        "() => Array.from(document.querySelectorAll('nav.pagination a'))"
        ".map(a => { const r = a.getBoundingClientRect(); return [r.width, r.height]; })"
    )
    assert sizes and all(w >= 44 and h >= 44 for w, h in sizes), sizes
    next_href = nav.locator("a[rel=next]").get_attribute("href")
    for _ in range(200):  # Tab until the "next page" link has the focus
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_HREF) == next_href:
            break
    else:
        raise AssertionError("Tab never reached the next page link")
    page.keyboard.press("Enter")
    page.wait_for_url("**pagina=2**")
    assert "regio=utrecht" in page.url  # the filter is kept
    content = page.content()
    assert sessions[SESSIONS_PER_PAGE].venue in content
    assert sessions[0].venue not in content
    assert page.locator("nav.pagination [aria-current=page]").inner_text().strip().endswith("2")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
    assert axe_violations(page) == []
    # reflow (WCAG 1.4.10): at 320 px the cards' long title words break instead of widening them
    assert horizontal_overflow(page, 320) == 0
