"""On a 375 px phone, answer feedback, scenario steps and "Signaal" boxes are one column: each
part of a box takes the box's full width and the parts stand below each other. Measured in
Chromium, not only that nothing scrolls sideways (issue 15: the feedback explanation was once a
42 px column)."""

import pytest
from django.urls import reverse

from organisations.services.staff import invitation_accept
from tests.e2e.conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True)

BOXES = {
    "answer feedback": ".question__feedback .utrecht-alert",
    "scenario step": ".scenario .question__feedback .utrecht-alert",
    "signal": ".signal",
}

MEASURE = """(selector) => [...document.querySelectorAll(selector)].map((box) => {
    const style = getComputedStyle(box);
    const inner = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const parts = [...box.children].filter((c) => c.getBoundingClientRect().height > 0);
    return {
        inner,
        widths: parts.map((c) => c.getBoundingClientRect().width),
        tops: parts.map((c) => c.getBoundingClientRect().top),
        bottoms: parts.map((c) => c.getBoundingClientRect().bottom),
    };
})"""


def test_feedback_scenario_and_signal_boxes_stack_at_375_px(new_page, e2e_content):
    page = new_page(viewport=MOBILE, user=e2e_content.learner)
    page.goto(reverse("lms:lesson", kwargs={"lesson_id": e2e_content.block_lesson.pk}))
    for name, selector in BOXES.items():
        boxes = page.evaluate(MEASURE, selector)
        assert boxes, f"no {name} box on the lesson page"
        for box in boxes:
            assert len(box["widths"]) >= 2, f"{name}: a box with a heading and text"
            for width in box["widths"]:
                # Every part spans the box (one column), not a share of it.
                assert width >= box["inner"] - 1, f"{name}: a part {width}px of {box['inner']}px"
            for above, below in zip(box["bottoms"], box["tops"][1:], strict=False):
                assert below >= above - 1, f"{name}: parts side by side"


#: The certificate checkboxes of the staff cards: whether each is visible and whether the
#: element at its centre is the checkbox or its label (nothing lies over it), and whether every
#: cell, label and button of its card lies inside the card, the cells under one another.
CHECKBOXES = """() => [...document.querySelectorAll('main input[type=checkbox][name=code]')]
    .map((box) => {
        box.scrollIntoView({block: 'center'});
        const r = box.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        const row = box.closest('tr');
        const card = row.getBoundingClientRect();
        const cells = [...row.querySelectorAll('th, td, label, a')]
            .map((c) => c.getBoundingClientRect());
        return {
            visible: box.checkVisibility() && r.width > 0 && r.height > 0,
            uncovered: hit === box || hit === box.closest('label'),
            hit: hit ? hit.outerHTML.slice(0, 80) : null,
            inside: cells.every((c) => c.top >= card.top - 1 && c.bottom <= card.bottom + 1),
            stacked: [...row.children].every((cell, i, all) => i === 0
                || cell.getBoundingClientRect().top
                    >= all[i - 1].getBoundingClientRect().bottom - 1),
        };
    })"""


def test_a_staff_cards_certificate_checkbox_is_visible_and_can_be_ticked_at_375_px(
    new_page, e2e_content
):
    """The audit: in a staff member's card the "Select" checkbox was covered by the "No longer
    works here" button, which stuck out below the card."""
    # the learner, whose certificate is for the storyline module, joins; that module counts
    organisation = e2e_content.organisation
    organisation.counting_course_keys = [str(e2e_content.course.translation_key)]
    organisation.save(update_fields=["counting_course_keys"])
    invitation_accept(invitation=e2e_content.invitation, user=e2e_content.learner)
    page = new_page(viewport=MOBILE, user=e2e_content.manager)
    page.goto(reverse("organisations:dashboard", args=[organisation.pk]))
    boxes = page.evaluate(CHECKBOXES)
    assert boxes, "no certificate to select on the dashboard"
    for box in boxes:
        assert box["visible"], box
        assert box["uncovered"], box
        assert box["inside"], box
        assert box["stacked"], box
    checkbox = page.locator("main input[type=checkbox][name=code]").first
    checkbox.click()  # Playwright's own check: it waits for no other element to take the click
    assert checkbox.is_checked()
