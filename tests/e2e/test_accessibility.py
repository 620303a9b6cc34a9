"""WCAG 2.1 AA in a real browser: axe-core reports no violations on any page type, at desktop
width and at 375 px, and the basics axe cannot judge alone hold too: one h1 and no skipped
heading levels, `lang` set, a visible focus indicator on everything reachable with Tab,
44 px touch targets, no word of a heading split over two lines at 375 px, no sideways scrolling
at 320 px, and a page weight under 200 KB."""

import pytest

from tests.e2e.checks import (
    MAX_PAGE_BYTES,
    PageWeight,
    axe_violations,
    broken_heading_words,
    heading_problems,
    horizontal_overflow,
    render_blocking_scripts,
    small_target_problems,
    unfocusable_outline_problems,
)
from tests.e2e.conftest import DESKTOP, MOBILE
from tests.e2e.pages import PAGE_TYPES


def _problems_on(page, *, desktop: bool, lang: str) -> list[str]:
    problems = [f"axe: {line}" for line in axe_violations(page)]
    problems += [f"headings: {line}" for line in heading_problems(page)]
    problems += [f"render-blocking: {line}" for line in render_blocking_scripts(page)]
    html_lang = page.evaluate("() => document.documentElement.lang")
    if html_lang != lang:
        problems.append(f"lang attribute is {html_lang!r}, expected {lang!r}")
    if desktop:
        problems += [f"focus: {line}" for line in unfocusable_outline_problems(page)]
    else:
        problems += [f"touch target: {line}" for line in small_target_problems(page)]
        problems += [f"word split over two lines: {w}" for w in broken_heading_words(page)]
        overflow = horizontal_overflow(page, 320)
        if overflow:
            problems.append(f"reflow: {overflow}px sideways scrolling at 320px width")
    return problems


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_type_meets_wcag_21_aa(name, new_page, e2e_content):
    spec = PAGE_TYPES[name]
    user = getattr(e2e_content, spec.user) if spec.user else None
    path = spec.path(e2e_content)
    problems: list[str] = []
    for viewport in (DESKTOP, MOBILE):
        page = new_page(viewport=viewport, user=user)
        weight = PageWeight(page)
        response = page.goto(path)
        assert response.status == spec.status, f"{path} answered {response.status}"
        desktop = viewport is DESKTOP
        if desktop and not spec.has_video:
            total, parts = weight.total()
            if total >= MAX_PAGE_BYTES:
                problems.append(f"weight: {total} bytes >= {MAX_PAGE_BYTES}: {parts}")
        problems += [
            f"[{viewport['width']}px] {line}"
            for line in _problems_on(page, desktop=desktop, lang=spec.lang)
        ]
    assert not problems, f"{path}:\n" + "\n".join(problems)
