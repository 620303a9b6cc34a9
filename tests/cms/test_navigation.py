"""The main navigation shows the role links to the people who can use them (one query)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts import roles
from organisations.models import Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "Programmadashboard"


def nav_html(client, user):
    client.force_login(user)
    response = client.get(reverse("certificate_list"))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('class="site-nav"') : html.index("</nav>")]


def test_a_learner_sees_neither_the_dashboard_nor_organisations(client):
    nav = nav_html(client, UserFactory(role=roles.LEARNER))
    assert DASHBOARD not in nav
    assert reverse("organisations:list") not in nav


def test_programme_staff_see_the_dashboard_and_organisations(client):
    nav = nav_html(client, UserFactory(role=roles.PROGRAMME_STAFF))
    assert reverse("reporting:dashboard") in nav
    assert reverse("organisations:list") in nav


def test_a_directly_granted_permission_counts(client):
    user = UserFactory(role=roles.LEARNER)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="accounts", codename="view_programme_reports"
        )
    )
    assert reverse("reporting:dashboard") in nav_html(client, user)


def test_a_manager_sees_organisations_only(client):
    user = UserFactory(role=roles.LEARNER)
    organisation = Organisation.objects.create(name="Hotel Test", declared_staff=5)
    organisation.managers.add(user)
    nav = nav_html(client, user)
    assert reverse("organisations:list") in nav
    assert reverse("reporting:dashboard") not in nav


def test_a_superuser_sees_the_dashboard(client):
    user = UserFactory(is_superuser=True)
    assert reverse("reporting:dashboard") in nav_html(client, user)
