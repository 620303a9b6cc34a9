"""The manager's pages with the text at 200% on a 375 px phone (issue 16: "at 200% text zoom
nothing is cut off"; WCAG 1.4.4). The text is enlarged the way a browser's font-size setting
does it (the root font size), since the site's sizes are in rem/em; then nothing may scroll
sideways and no element may hide part of its content (overflow hidden or clipped). Checked on
the dashboard (staff as cards) and on the CSV error report a rejected import shows."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True)


#: Elements whose content is larger than the box that shows it, where the rest is not
#: reachable (overflow hidden or clip); and elements that stick out of the screen.
CUT_OFF = """(width) => {
    const problems = [];
    for (const el of document.body.querySelectorAll('*')) {
        if (!el.checkVisibility() || !el.textContent.trim()) continue;
        // text for screen readers only (1 px, clipped on purpose) is not shown to anyone
        if (el.closest('.visually-hidden') || el.getBoundingClientRect().width <= 1) continue;
        const style = getComputedStyle(el);
        const hidesX = ['hidden', 'clip'].includes(style.overflowX);
        const hidesY = ['hidden', 'clip'].includes(style.overflowY);
        const name = el.tagName + '.' + el.className + ' ' + el.textContent.trim().slice(0, 40);
        if (hidesX && el.scrollWidth > el.clientWidth + 1) problems.push('cut sideways: ' + name);
        if (hidesY && el.scrollHeight > el.clientHeight + 1) problems.push('cut below: ' + name);
        if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) {
            problems.push('ellipsis: ' + name);
        }
        const box = el.getBoundingClientRect();
        if (box.width && (box.right > width + 1 || box.left < -1)) {
            // skip-links and similar sit off screen on purpose until focused
            if (style.position !== 'absolute' && style.position !== 'fixed') {
                problems.push('off screen: ' + name);
            }
        }
    }
    return problems;
}"""


def _enlarged(page) -> list[str]:
    # through the CSSOM: the site's policy (style-src 'self') refuses an added style sheet
    page.evaluate(
        "() => document.documentElement.style.setProperty('font-size', '200%', 'important')"
    )
    root = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert root >= 31, f"the text was not enlarged ({root}px)"
    problems = page.evaluate(CUT_OFF, MOBILE["width"])
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > MOBILE["width"]:
        problems.append(f"the page is {width}px wide")
    return problems


def test_manager_dashboard_at_200_percent_text_on_a_phone(new_page, e2e_content):
    page = new_page(viewport=MOBILE, user=e2e_content.manager)
    page.goto(reverse("organisations:dashboard", args=[e2e_content.organisation.pk]))
    problems = _enlarged(page)
    page.screenshot(path=f"/tmp/zoom-{len(problems)}.png", full_page=True)
    assert problems == [], "\n".join(problems)


def test_csv_error_report_at_200_percent_text_on_a_phone(new_page, e2e_content):
    page = new_page(viewport=MOBILE, user=e2e_content.manager)
    page.goto(reverse("organisations:dashboard", args=[e2e_content.organisation.pk]))
    rows = "e-mail;name\nnot-an-address;Anna Kowalska\nalso wrong;Juan Pérez Rodríguez\n"
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": rows.encode()}],
    )
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    report = page.locator(".utrecht-alert--error table")
    assert report.count() == 1, "the rejected import shows its row report"
    assert report.locator("tbody tr").count() >= 2
    problems = _enlarged(page)
    page.screenshot(path=f"/tmp/zoom-{len(problems)}.png", full_page=True)
    assert problems == [], "\n".join(problems)
