import pytest
from django.urls import reverse

from accounts import roles
from tests.factories import UserFactory, give_second_factor

pytestmark = pytest.mark.django_db


def with_totp(user):
    return give_second_factor(user)


def test_role_groups_exist_after_migrate():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {
        roles.LEARNER,
        roles.ORGANISATION_MANAGER,
        roles.COURSE_EDITOR,
        roles.PROGRAMME_STAFF,
        roles.SITE_ADMIN,
    } <= names


def test_learner_gets_403_on_admin(client):
    client.force_login(UserFactory(role=roles.LEARNER))
    response = client.get("/admin/")
    assert response.status_code == 403
    assert b"management environment" in response.content or b"beheeromgeving" in response.content


def test_anonymous_admin_goes_to_the_rate_limited_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


@pytest.mark.parametrize("role", [roles.COURSE_EDITOR, roles.PROGRAMME_STAFF, roles.SITE_ADMIN])
def test_privileged_roles_must_set_up_totp_before_the_admin(client, role):
    user = UserFactory(role=role, second_factor=False)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    give_second_factor(user)
    assert client.get("/admin/").status_code == 200


def test_editor_edits_courses_only(client):
    from cms.roles import grant_course_editing
    from tests.factories import course_index, home_page

    index = course_index()
    grant_course_editing(page=index)
    editor = with_totp(UserFactory(role=roles.COURSE_EDITOR))
    client.force_login(editor)
    assert client.get(f"/admin/pages/{index.pk}/").status_code == 200
    assert client.get(f"/admin/pages/{index.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{home_page().pk}/edit/").status_code in (302, 403)
    assert client.get("/admin/users/").status_code in (302, 403)
    assert client.get("/admin/groups/").status_code in (302, 403)
