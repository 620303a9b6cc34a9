"""A regional coordinator's dashboard on a 375 px phone, in Dutch and English (issue 21,
ADR 0023): the page speaks that language, says in words whose figures it shows, offers only
their own regions in the filter and nothing scrolls sideways."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts import roles
from accounts.models import CoordinatorScope, Region
from tests import factories
from tests.e2e.conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True)

SCOPE_TEXT = (
    "You see the figures of your regions only: %(regions)s. Every total and percentage on this "
    'page, and "all my regions" in the filter, counts these regions.'
)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_coordinators_dashboard_at_375_px(new_page, e2e_content, language):
    coordinator = factories.UserFactory(full_name="Rosa Regio", role=roles.REGIONAL_COORDINATOR)
    scope = CoordinatorScope.objects.create(user=coordinator)
    scope.regions.set([Region.objects.get(slug="utrecht")])
    with translation.override(language):
        path = reverse("reporting:dashboard")
        scope_text = gettext(SCOPE_TEXT) % {"regions": "Utrecht"}
    page = new_page(viewport=MOBILE, user=coordinator, locale=language)
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert scope_text in page.locator(".report-scope").inner_text()
    assert page.locator(f"#target-{e2e_content.target.pk}").is_visible()
    regions = page.locator("select[name=region] option").all_inner_texts()
    assert regions[1:] == ["Utrecht"], regions
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"the dashboard in {language} is {width}px wide"
