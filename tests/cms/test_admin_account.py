"""The admin's account page saves a person's preferences: its name panel is the project's one
full name, not Wagtail's first and last name (which the user model does not keep)."""

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from accounts import roles
from tests import factories
from tests.accounts.test_roles import with_totp
from tests.cms.test_editing import _Form

pytestmark = pytest.mark.django_db


def _account_form(html: str) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(html[html.index('enctype="multipart/form-data"') :])
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def editor(client):
    user = factories.UserFactory(role=roles.COURSE_EDITOR, full_name="Ruth Redacteur")
    client.force_login(with_totp(user))
    return user


def test_an_editor_saves_a_preference_without_first_and_last_name(client, editor):
    url = reverse("wagtailadmin_account")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="name_email-first_name"' not in html
    assert 'value="Ruth Redacteur"' in html
    data = _account_form(html)
    data["locale-preferred_language"] = ["en"]
    response = client.post(url, data)
    assert response.status_code == 302
    assert UserProfile.get_for_user(editor).preferred_language == "en"
    editor.refresh_from_db()
    assert editor.full_name == "Ruth Redacteur"


def test_the_full_name_is_changed_there_and_never_emptied(client, editor):
    url = reverse("wagtailadmin_account")
    data = _account_form(client.get(url).content.decode())
    data["full_name-full_name"] = ["  Ruth de Redacteur "]
    assert client.post(url, data).status_code == 302
    editor.refresh_from_db()
    assert editor.full_name == "Ruth de Redacteur"
    data["full_name-full_name"] = [""]
    assert client.post(url, data).status_code == 302
    editor.refresh_from_db()
    assert editor.full_name == "Ruth de Redacteur"
