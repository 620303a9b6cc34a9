"""Editing course pages in Wagtail: course editors submit changes for review and cannot publish
course pages themselves; course reviewers publish. Wagtail's preview panel can frame the
preview (same origin only), while every other page still refuses to be framed."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts import roles
from cms.roles import ensure_course_review_workflow, grant_course_editing
from courses.models import CoursePage
from tests import factories
from tests.accounts.test_roles import with_totp

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The fields a browser would submit from the page editor's form."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._first: str | None = None
        self._chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._first, self._chosen = name, None, False
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value") or ""
            if "selected" in a:
                self.data.append((self._select, a.get("value") or ""))
                self._chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._chosen and self._first:
                self.data.append((self._select, self._first))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.append((self._textarea, self._text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def _form_data(html: str) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(html[html.index('id="page-edit-form"') :])
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def course():
    index = factories.course_index()
    grant_course_editing(page=index)
    ensure_course_review_workflow(page=index)
    return factories.make_course(title="Te redigeren module")


def _edit_page(client, user, course) -> str:
    client.force_login(with_totp(user))
    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_editor_submits_for_review_but_cannot_publish(client, course):
    editor = factories.UserFactory(role=roles.COURSE_EDITOR)
    html = _edit_page(client, editor, course)
    assert 'name="action-submit"' in html  # "Stuur door naar review"
    assert 'name="action-publish"' not in html
    assert not course.permissions_for_user(editor).can_publish()


def test_a_reviewer_can_publish_course_pages(client, course):
    reviewer = factories.UserFactory(role=roles.COURSE_REVIEWER)
    html = _edit_page(client, reviewer, course)
    assert 'name="action-publish"' in html
    assert course.permissions_for_user(reviewer).can_publish()


def test_an_editors_earlier_publish_permission_is_taken_away(course):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    editors = Group.objects.get(name=roles.COURSE_EDITOR)
    index = course.get_parent()
    GroupPagePermission.objects.create(
        group=editors,
        page=index,
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="publish_page"
        ),
    )
    grant_course_editing(page=index)
    editor = factories.UserFactory(role=roles.COURSE_EDITOR)
    assert not CoursePage.objects.get(pk=course.pk).permissions_for_user(editor).can_publish()


def test_the_preview_may_be_framed_by_the_admin_only(client, course):
    editor = factories.UserFactory(role=roles.COURSE_EDITOR)
    _edit_page(client, editor, course)
    # The preview panel posts the editor's form, then its frame loads the preview: Wagtail
    # renders the page through the site's middleware, which set the site's policy.
    edit_html = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[course.pk])
    # The one StreamField, which the editor builds in the browser: empty in this course.
    posted = client.post(url, {**_form_data(edit_html), "learning_objectives-count": ["0"]})
    assert posted.json()["is_valid"] is True
    response = client.get(url)
    assert response.status_code == 200
    assert course.title in response.content.decode()  # the page itself, not an error
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "frame-ancestors 'none'" not in policy
    # The site itself still refuses to be framed.
    site = client.get(course.url)
    assert site["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in site["Content-Security-Policy"]
