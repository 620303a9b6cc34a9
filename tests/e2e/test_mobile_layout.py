"""On a 375 px phone, answer feedback, scenario steps and "Signaal" boxes are one column: each
part of a box takes the box's full width and the parts stand below each other. Measured in
Chromium, not only that nothing scrolls sideways (issue 15: the feedback explanation was once a
42 px column)."""

import pytest
from django.urls import reverse

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
