"""Editors review each course's sources on one admin page; others cannot see it."""

import pytest

from accounts import roles
from cms.roles import grant_course_editing
from tests.factories import UserFactory, course_index, give_second_factor, make_course

pytestmark = pytest.mark.django_db
URL = "/admin/course-sources/"


def with_totp(user):
    return give_second_factor(user)


def test_editor_sees_the_sources_of_their_courses(client):
    course = make_course(title="Module met bronnen")
    course.sources = "Seed 003, paragraaf 2: taken van de aandachtsfunctionaris."
    course.save_revision().publish()
    grant_course_editing(page=course_index())
    client.force_login(with_totp(UserFactory(role=roles.COURSE_EDITOR)))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Module met bronnen" in html
    assert "Seed 003, paragraaf 2" in html
    assert URL in client.get("/admin/").content.decode()


def test_editor_without_page_permissions_sees_no_courses(client):
    course = make_course(title="Module zonder rechten")
    client.force_login(with_totp(UserFactory(role=roles.COURSE_EDITOR)))
    response = client.get(URL)
    assert response.status_code == 200
    assert course.title not in response.content.decode()


def test_learner_cannot_reach_the_sources(client, user):
    client.force_login(user)
    assert client.get(URL).status_code in (302, 403)
