"""Translations go through review: what a course editor creates or syncs with wagtail-localize
stays a draft; only people who may publish (course reviewers) put translations live. An editor
submits a translation for review (the translation editor has no action for it), as Wagtail's
page editor does: a reviewer approves it (publishing it) or asks for changes."""

import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale, Page, PageLogEntry, WorkflowState
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
    return factories.make_course(title=TITLE, storylines=True)


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


# Submitting a translation for review -----------------------------------------------------------


def _english(course) -> CoursePage:
    return CoursePage.objects.get(translation_key=course.translation_key, locale=_locale("en"))


def _submit_for_review_url(page) -> str:
    return reverse("cms_submit_translation_for_review", args=[page.pk])


TITLE = "Te vertalen module"


def _messages(response) -> str:
    return html.unescape(" ".join(str(m) for m in response.wsgi_request._messages))


def _said(msgid: str, **values) -> str:
    """`msgid` as the (Dutch) admin says it, with `values` filled in."""
    with translation.override("nl"):
        return translation.gettext(msgid) % values if values else translation.gettext(msgid)


@pytest.fixture
def translated(client, course, django_capture_on_commit_callbacks):
    """The course translated into English by a course editor, who is logged in: a draft."""
    editor = _login(client, roles.COURSE_EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, course, "en")
    english = _english(course)
    assert not english.live and english.has_unpublished_changes
    return editor, english


def test_an_editor_submits_a_translation_and_a_reviewer_approves_it(
    client, course, translated, django_capture_on_commit_callbacks
):
    editor, english = translated
    reviewer = factories.UserFactory(role=roles.COURSE_REVIEWER)
    url = _submit_for_review_url(english)
    # The translation editor (the page's edit address) offers the action in a message ...
    editor_page = client.get(reverse("wagtailadmin_pages:edit", args=[english.pk]))
    assert "js-translation-editor" in editor_page.content.decode()
    assert url in editor_page.content.decode()
    # ... and so does the page's "more" menu in the explorer.
    listing = client.get(reverse("wagtailadmin_explore", args=[english.get_parent().pk]))
    assert url in listing.content.decode()
    # It asks to confirm; a GET changes nothing.
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert 'method="POST"' in confirm.content.decode()
    assert not english.workflow_in_progress
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(url)
    assert submitted.status_code == 302
    assert _said(
        "'%(title)s' (%(language)s) has been submitted for review.",
        title=TITLE,
        language="English",
    ) in _messages(submitted)
    english = _english(course)
    state = english.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == editor
    task_state = state.current_task_state
    assert task_state.revision_id == english.latest_revision_id  # the latest draft
    assert PageLogEntry.objects.filter(
        page=english, action="wagtail.workflow.start", user=editor
    ).exists()
    assert any(reviewer.email in message.to for message in mail.outbox)  # Wagtail's notice
    assert not english.live
    # No second submission is offered while it waits.
    assert (
        url
        not in client.get(reverse("wagtailadmin_pages:edit", args=[english.pk])).content.decode()
    )

    # The reviewer finds it on the dashboard ("Awaiting your review") and approves it there.
    client.force_login(with_totp(reviewer))
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[english.pk, "approve", task_state.pk]
    )
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert approve in dashboard
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(approve, {"comment": ""}).status_code == 302
    english = _english(course)
    assert english.live and not english.has_unpublished_changes
    assert english.live_revision_id == task_state.revision_id
    assert any(editor.email in message.to for message in mail.outbox)  # "approved"


def test_a_translation_sent_back_for_changes_is_resubmitted_in_the_same_workflow(
    client, course, translated, django_capture_on_commit_callbacks
):
    editor, english = translated
    url = _submit_for_review_url(english)
    client.post(url)
    state = _english(course).current_workflow_state
    reviewer = factories.UserFactory(role=roles.COURSE_REVIEWER)
    client.force_login(with_totp(reviewer))
    reject = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[english.pk, "reject", state.current_task_state.pk],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reject, {"comment": "Titel nog in het Nederlands"}).status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    client.force_login(editor)
    # The editor changes the translation (a new draft), then submits again.
    english = _english(course)
    english.save_revision(user=editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert _english(course).workflow_states.count() == 1
    assert not _english(course).live


def test_a_translation_already_awaiting_review_is_refused_with_a_message(client, translated):
    _, english = translated
    url = _submit_for_review_url(english)
    assert client.post(url).status_code == 302
    again = client.post(url)
    assert again.status_code == 302
    assert again["Location"] == reverse("wagtailadmin_pages:edit", args=[english.pk])
    awaiting = _said("'%(title)s' is already awaiting review.", title=TITLE)
    assert awaiting in _messages(again)
    assert awaiting in _messages(client.get(url))
    assert english.workflow_states.count() == 1


def test_a_published_translation_without_a_new_draft_is_refused(client, course, translated):
    _, english = translated
    english.get_latest_revision().publish()
    refused = client.post(_submit_for_review_url(english))
    assert refused.status_code == 302
    assert _said(
        "'%(title)s' has no unpublished draft to submit for review.",
        title=TITLE,
    ) in _messages(refused)
    assert not english.workflow_states.exists()


def test_a_page_that_is_not_a_translation_is_refused(client, course, translated):
    course.save_revision()  # the Dutch source, with a draft: its own editor submits it
    refused = client.post(_submit_for_review_url(course))
    assert refused.status_code == 302
    assert _said(
        "'%(title)s' is not a translation made in the translation editor: submit it for "
        "review from the page editor.",
        title=TITLE,
    ) in _messages(refused)
    assert not course.workflow_states.exists()


def test_a_translation_locked_by_someone_else_is_refused(client, translated):
    _, english = translated
    english.locked, english.locked_by = True, factories.UserFactory(role=roles.COURSE_EDITOR)
    english.save(update_fields=["locked", "locked_by"])
    refused = client.post(_submit_for_review_url(english))
    assert refused.status_code == 302
    assert _said(
        "'%(title)s' is locked, so it cannot be submitted for review.",
        title=TITLE,
    ) in _messages(refused)
    assert not english.workflow_states.exists()


def test_someone_who_may_not_edit_the_page_gets_not_found(client, translated):
    _, english = translated
    # Admin access, but no rights on course pages.
    client.force_login(with_totp(factories.UserFactory(role=roles.TRAINING_ORGANISER)))
    url = _submit_for_review_url(english)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert (
        client.post(reverse("cms_submit_translation_for_review", args=[999999])).status_code == 404
    )
    assert not english.workflow_states.exists()


def test_submitting_needs_a_csrf_token(translated):
    from django.test import Client

    editor, english = translated
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(_submit_for_review_url(english)).status_code == 403
    assert not english.workflow_states.exists()


def test_a_reviewer_is_not_prompted_in_the_translation_editor(client, course, translated):
    _, english = translated
    client.force_login(with_totp(factories.UserFactory(role=roles.COURSE_REVIEWER)))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[english.pk])).content.decode()
    assert "js-translation-editor" in html
    assert _submit_for_review_url(english) not in html  # reviewers publish from there


def test_the_translated_pages_own_header_menu_offers_the_action(client, translated):
    _, english = translated
    html = client.get(reverse("wagtailadmin_explore", args=[english.pk])).content.decode()
    assert _submit_for_review_url(english) in html


def test_a_reviewer_publishing_from_the_translation_editor_ends_the_review(
    client, course, translated, django_capture_on_commit_callbacks
):
    _, english = translated
    client.post(_submit_for_review_url(english))
    state = _english(course).current_workflow_state
    client.force_login(with_totp(factories.UserFactory(role=roles.COURSE_REVIEWER)))
    edit = reverse("wagtailadmin_pages:edit", args=[english.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit, {"action": "publish"}).status_code == 302
    state.refresh_from_db()
    assert _english(course).live
    assert state.status == WorkflowState.STATUS_CANCELLED  # not left awaiting review


def test_a_course_is_submitted_with_its_translated_subpages_when_asked(
    client, course, translated, django_capture_on_commit_callbacks
):
    _, english = translated
    subpages = list(english.get_descendants())
    assert subpages and not any(page.live for page in subpages)
    url = _submit_for_review_url(english)
    assert 'name="include_subpages"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(url, {"include_subpages": "on"})
    with translation.override("nl"):
        too = translation.ngettext(
            "%(count)s translated subpage has been submitted too.",
            "%(count)s translated subpages have been submitted too.",
            len(subpages),
        ) % {"count": len(subpages)}
    assert too in _messages(submitted)
    for page in [english, *subpages]:
        assert page.workflow_in_progress, page


def test_without_asking_only_the_page_itself_is_submitted(client, translated):
    _, english = translated
    client.post(_submit_for_review_url(english))
    assert english.workflow_in_progress
    assert not any(page.workflow_in_progress for page in english.get_descendants())
