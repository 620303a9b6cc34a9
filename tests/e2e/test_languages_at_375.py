"""The programme's and the manager's pages in English, Polish and Spanish on a 375 px phone:
the page speaks that language (lang attribute), nothing scrolls sideways, and the keyboard
reaches the first link of the main content with a visible focus outline (issues 16 and 21; the
Dutch pages are covered by test_accessibility and test_screenshots)."""

import pytest
from django.utils import translation

from tests.e2e.conftest import MOBILE
from tests.e2e.pages import PAGE_TYPES

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["programme-dashboard", "target-detail", "manager-dashboard"]

FOCUS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {tag: el.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


@pytest.mark.parametrize("language", ["en", "pl", "es"])
def test_programme_and_manager_pages_in_each_language_at_375_px(new_page, e2e_content, language):
    for name in PAGES:
        spec = PAGE_TYPES[name]
        with translation.override(language):
            path = spec.path(e2e_content)
        assert path.startswith(f"/{language}/"), f"{name}: {path}"
        page = new_page(viewport=MOBILE, user=getattr(e2e_content, spec.user), locale=language)
        response = page.goto(path)
        assert response.status == 200, f"{name} in {language} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == language, name
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], f"{name} in {language} is {width}px wide"
        # keyboard: the first Tab stop is a link or control, and its focus is visible
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["tag"] in {"A", "BUTTON", "INPUT", "SELECT"}, (name, focus)
        assert focus["outline"] != "none" and focus["width"] >= 2, (name, focus)
        page.context.close()
