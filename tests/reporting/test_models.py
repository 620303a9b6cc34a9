"""Targets are edited as Wagtail snippets: the admin form through the real admin views."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import Locale

from reporting.models import Target
from tests.factories import UserFactory, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def _post_data(*course_ids, **overrides):
    data = {
        "title": "Test target",
        "title_en": "Test target",
        "title_pl": "Cel testowy",
        "title_es": "Objetivo de prueba",
        "code": "test-target",
        "description": "",
        "description_en": "",
        "description_pl": "",
        "description_es": "",
        "unit": "people_passed",
        "organisation_scope": "",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "goal": "number",
        "target_number": "100",
        "population": "",
        "source_note": "Actieplan",
        "sort_order": "0",
        "courses-TOTAL_FORMS": str(len(course_ids)),
        "courses-INITIAL_FORMS": "0",
        "courses-MIN_NUM_FORMS": "0",
        "courses-MAX_NUM_FORMS": "1000",
        "reference_points-TOTAL_FORMS": "0",
        "reference_points-INITIAL_FORMS": "0",
        "reference_points-MIN_NUM_FORMS": "0",
        "reference_points-MAX_NUM_FORMS": "1000",
    }
    for i, course_id in enumerate(course_ids):
        data[f"courses-{i}-course"] = str(course_id)
        data[f"courses-{i}-id"] = ""
        data[f"courses-{i}-ORDER"] = str(i + 1)
        data[f"courses-{i}-DELETE"] = ""
    data.update(overrides)
    return data


def test_a_target_is_created_in_the_admin_with_the_course_key(admin_client):
    course = make_course()
    url = reverse("wagtailsnippets_reporting_target:add")
    response = admin_client.post(url, _post_data(course.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    target = Target.objects.get(code="test-target")
    assert [c.course_key for c in target.courses.all()] == [course.translation_key]
    assert target.goal_value == 100
    assert target.period_end == date(2026, 12, 31)


def test_two_language_versions_of_one_course_are_refused(admin_client):
    course = make_course()
    english = course.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0], copy_parents=True
    )
    url = reverse("wagtailsnippets_reporting_target:add")
    response = admin_client.post(url, _post_data(course.pk, english.pk))
    assert response.status_code == 200
    assert _("This course, or another language version of it, is already chosen.") in (
        response.content.decode()
    )
    assert not Target.objects.exists()


def test_a_number_target_needs_its_number_and_a_period_in_order(admin_client):
    url = reverse("wagtailsnippets_reporting_target:add")
    response = admin_client.post(url, _post_data(target_number=""))
    assert response.status_code == 200
    assert _("Enter the target number.") in response.content.decode()
    response = admin_client.post(url, _post_data(period_end="2025-12-31"))
    assert response.status_code == 200
    assert _("The period cannot end before it starts.") in response.content.decode()
    assert not Target.objects.exists()


def test_the_title_is_asked_in_every_interface_language(admin_client):
    """A page in English, Polish or Spanish shows the target in that language, never in Dutch:
    the form refuses a missing title, and a description given in Dutch only."""
    url = reverse("wagtailsnippets_reporting_target:add")
    response = admin_client.post(
        url, _post_data(title_pl="", description="Eind 2026 ...", description_en="By 2026 ...")
    )
    assert response.status_code == 200
    page = response.content.decode()
    title_missing = _("Enter the title in this language too: pages in this language show it.")
    description_missing = _(
        "Enter the description in this language too, as there is a Dutch one: "
        "pages in this language show it."
    )
    assert page.count(escape(title_missing)) == 1  # Polish
    assert page.count(escape(description_missing)) == 2  # Polish and Spanish; English is given
    form = response.context["form"]
    assert set(form.errors) == {"title_pl", "description_pl", "description_es"}
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("language", "title"),
    [("nl", "Test target"), ("en", "Test target EN"), ("pl", "Cel testowy"), ("es", "Objetivo")],
)
def test_a_target_reads_in_the_active_language(admin_client, language, title):
    url = reverse("wagtailsnippets_reporting_target:add")
    data = _post_data(title_en="Test target EN", title_es="Objetivo")
    assert admin_client.post(url, data).status_code == 302
    target = Target.objects.get(code="test-target")
    with translation.override(language):
        assert target.local_title == title
    # without its own title a language reads the English one (the rule of sectors and roles),
    # and a target saved before it had other languages reads in Dutch rather than not at all
    Target.objects.filter(pk=target.pk).update(titles={"en": "Test target EN"})
    target.refresh_from_db()
    with translation.override(language):
        assert target.local_title == ("Test target" if language == "nl" else "Test target EN")
    Target.objects.filter(pk=target.pk).update(titles={})
    target.refresh_from_db()
    with translation.override(language):
        assert target.local_title == "Test target"


def test_the_admin_form_saves_the_sector_and_role_filters(admin_client):
    from accounts.models import ProfessionalRole, Sector

    course = make_course()
    focal = ProfessionalRole.objects.get(slug="aandachtsfunctionaris-mensenhandel")
    gemeente = Sector.objects.get(slug="gemeente")
    url = reverse("wagtailsnippets_reporting_target:add")
    form = admin_client.get(url).content.decode()
    assert 'name="professional_roles"' in form
    response = admin_client.post(
        url,
        _post_data(course.pk, sectors=[str(gemeente.pk)], professional_roles=[str(focal.pk)]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target = Target.objects.get(code="test-target")
    assert list(target.professional_roles.all()) == [focal]
    assert list(target.sectors.all()) == [gemeente]
