"""Translations go through review: what a course editor creates or syncs with wagtail-localize
stays a draft; only people who may publish (course reviewers) put translations live."""

import pytest
from django.urls import reverse
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale, Page, PageLogEntry
from wagtail_localize.models import TranslationSource

from accounts import roles
from cms.roles import ensure_course_review_workflow, grant_course_editing
from courses.models import CoursePage, StorylinePage
from tests import factories
from tests.accounts.test_roles import with_totp

pytestmark = pytest.mark.django_db


def _locale(code: str) -> Locale:
    return Locale.objects.get_or_create(language_code=code)[0]


def course_catalogues_in(*codes: str) -> None:
    """The Dutch course catalogue and its translations in `codes`, set up for editing and
    review as `seed_demo` sets up every catalogue."""
    index = factories.course_index()
    for code in codes:
        translated = CopyPageForTranslationAction(
            page=index, locale=_locale(code), copy_parents=True
        ).execute(skip_permission_checks=True)
        translated.save_revision().publish()
    for page in Page.objects.type(type(index)).specific():
        grant_course_editing(page=page)
        ensure_course_review_workflow(page=page)


@pytest.fixture
def course():
    course_catalogues_in("en", "es")
    return factories.make_course(title="Te vertalen module", storylines=True)


def _login(client, role: str):
    user = factories.UserFactory(role=role)
    client.force_login(with_totp(user))
    return user


def _submit(client, course, *codes):
    return client.post(
        reverse("wagtail_localize:submit_page_translation", args=[course.pk]),
        {"locales": [_locale(code).pk for code in codes], "include_subtree": "on"},
    )


def _update_url(course) -> str:
    source = TranslationSource.objects.get(object_id=course.translation_key, locale=course.locale)
    return reverse("wagtail_localize:update_translations", args=[source.pk])


def test_an_editors_translations_are_drafts(client, course, django_capture_on_commit_callbacks):
    editor = _login(client, roles.COURSE_EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        assert _submit(client, course, "en", "es").status_code == 302
    translated = CoursePage.objects.filter(translation_key=course.translation_key).exclude(
        locale=course.locale
    )
    assert {page.locale.language_code for page in translated} == {"en", "es"}
    assert not any(page.live for page in translated)
    storylines = StorylinePage.objects.exclude(locale=course.locale)
    assert storylines.count() == 4
    assert not any(page.live for page in storylines)
    assert not PageLogEntry.objects.filter(action="wagtail.publish", user=editor).exists()


def test_an_editor_is_not_offered_to_publish_a_sync_and_cannot_force_it(
    client, course, django_capture_on_commit_callbacks
):
    _login(client, roles.COURSE_EDITOR)
    _submit(client, course, "en")
    url = _update_url(course)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="publish_translations"' not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"publish_translations": "on"}).status_code == 302
    english = CoursePage.objects.get(translation_key=course.translation_key, locale=_locale("en"))
    assert not english.live


def test_a_reviewer_may_publish_a_sync(client, course, django_capture_on_commit_callbacks):
    _login(client, roles.COURSE_REVIEWER)
    assert _submit(client, course, "en").status_code == 302
    english = CoursePage.objects.get(translation_key=course.translation_key, locale=_locale("en"))
    assert not english.live  # a new translation is a draft for everyone until it is translated
    url = _update_url(course)
    assert 'name="publish_translations"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes then
        assert client.post(url, {"publish_translations": "on"}).status_code == 302
    english.refresh_from_db()
    assert english.live


def test_an_editor_cannot_convert_a_translation_into_a_live_alias(
    client, course, django_capture_on_commit_callbacks
):
    _login(client, roles.COURSE_EDITOR)
    _submit(client, course, "en")
    english = CoursePage.objects.get(translation_key=course.translation_key, locale=_locale("en"))
    url = reverse("wagtail_localize:convert_to_alias", args=[english.pk])
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url)
    # The admin answers a refused permission with a redirect to its dashboard and a message.
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    english.refresh_from_db()
    assert not english.live and english.alias_of_id is None
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[english.pk]))
    assert edit.status_code == 200
