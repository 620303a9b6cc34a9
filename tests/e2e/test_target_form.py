"""Programme staff edit a target in the Wagtail admin on a 375 px phone and by keyboard, here
with English as their admin language (the admin speaks Dutch or English, ADR 0015; ADR 0026):
the title and description fields of every other site language are labelled in that language, each is a Tab stop with a visible focus, and a missing title
in one language comes back as that field's error; nothing is saved."""

import pytest
from django.urls import reverse

from reporting.models import Target
from tests.e2e.conftest import MOBILE
from tests.factories import TargetFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FOCUS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {id: el.id, tag: el.tagName, outline: style.outlineStyle, shadow: style.boxShadow,
            left: box.left, right: box.right};
}"""

LABELS = {
    "title_en": "title (english)",
    "description_en": "description (english)",
    "title_pl": "title (polish)",
    "title_es": "title (spanish)",
}


def test_the_target_form_at_375_px_by_keyboard(new_page):
    from wagtail.users.models import UserProfile

    staff = UserFactory(is_superuser=True, is_staff=True)
    UserProfile.objects.update_or_create(user=staff, defaults={"preferred_language": "en"})
    target = TargetFactory()
    page = new_page(viewport=MOBILE, user=staff)
    response = page.goto(reverse("wagtailsnippets_reporting_target:edit", args=[target.pk]))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    for field, label in LABELS.items():
        assert (
            page.locator(f"label[for=id_{field}]").inner_text().strip().lower().startswith(label)
        ), field
    assert page.locator("#id_title_pl").input_value() == target.titles["pl"]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"the form is {width}px wide"

    # from the Dutch description, Tab walks through every language's title and description
    # (past the section's own toggle button); every stop is visibly focused and within the width
    page.locator("#id_description").focus()
    fields = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["outline"] != "none" or focus["shadow"] != "none", focus
        assert focus["left"] >= 0 and focus["right"] <= MOBILE["width"], focus
        if focus["tag"] in {"INPUT", "TEXTAREA"}:
            fields.append(focus["id"])
        if len(fields) == 6:
            break
    assert fields == [
        "id_title_en",
        "id_description_en",
        "id_title_pl",
        "id_description_pl",
        "id_title_es",
        "id_description_es",
    ]

    page.locator("#id_title_pl").fill("")
    page.locator("#id_title_pl").press("Control+s")
    error = page.locator("#panel-child-id_title_pl-content, [data-field-wrapper]").filter(
        has=page.locator("#id_title_pl")
    )
    error.get_by_text("Enter the title in this language too").first.wait_for()
    target.refresh_from_db()
    assert target.titles["pl"] == "20 000 specjalistów z podstawową wiedzą"
    assert Target.objects.count() == 1
