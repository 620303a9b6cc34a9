"""The main navigation shows the role links to the people who can use them; they are kept per
person and forgotten only when what they follow from changes."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts import roles
from organisations.models import Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "Programmadashboard"


def nav_html(client, user=None):
    """The main navigation on a page; with `user`, signed in as them first (later steps pass no
    user: they read what was kept for the person signed in)."""
    if user is not None:
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


def test_the_role_links_are_kept_between_requests(client, django_assert_num_queries):
    user = UserFactory(role=roles.LEARNER)
    nav_html(client, user)
    with django_assert_num_queries(0):
        # Once kept, reading them again asks the database nothing.
        from django.test import RequestFactory

        from cms.context_processors import navigation_flags

        request = RequestFactory().get("/")
        request.user = user
        assert navigation_flags(request) == {"reports": False, "organisations": False}


def test_a_role_given_later_shows_on_the_next_page(client):
    user = UserFactory(role=roles.LEARNER)
    assert reverse("reporting:dashboard") not in nav_html(client, user)
    user.groups.add(Group.objects.get(name=roles.PROGRAMME_STAFF))
    assert reverse("reporting:dashboard") in nav_html(client)
    user.groups.clear()
    assert reverse("reporting:dashboard") not in nav_html(client)


def test_becoming_a_manager_shows_organisations_on_the_next_page(client):
    user = UserFactory(role=roles.LEARNER)
    assert reverse("organisations:list") not in nav_html(client, user)
    organisation = Organisation.objects.create(name="Hotel Later", declared_staff=5)
    organisation.managers.add(user)
    assert reverse("organisations:list") in nav_html(client)
    organisation.delete()
    assert reverse("organisations:list") not in nav_html(client)


def test_a_permission_given_to_a_role_shows_for_its_members(client):
    user = UserFactory(role=roles.LEARNER)
    group = Group.objects.create(name="Analysts")
    user.groups.add(group)
    assert reverse("reporting:dashboard") not in nav_html(client, user)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="accounts", codename="view_programme_reports"
        )
    )
    assert reverse("reporting:dashboard") in nav_html(client)


def _flags(person):
    from django.test import RequestFactory

    from cms.context_processors import navigation_flags

    request = RequestFactory().get("/")
    request.user = person
    return navigation_flags(request)


def test_saving_people_forgets_nothing(django_assert_num_queries):
    """A sign-in saves the person (last_login): neither theirs nor anybody else's kept links are
    looked up again."""
    me, other = UserFactory(role=roles.LEARNER), UserFactory(role=roles.LEARNER)
    _flags(me)
    _flags(other)
    other.save()  # what a sign-in does
    me.save()
    with django_assert_num_queries(0):
        assert _flags(me) == {"reports": False, "organisations": False}
        assert _flags(other) == {"reports": False, "organisations": False}


def test_a_change_to_one_person_leaves_the_others_kept(django_assert_num_queries):
    me, other = UserFactory(role=roles.LEARNER), UserFactory(role=roles.LEARNER)
    _flags(me)
    _flags(other)
    other.groups.add(Group.objects.get(name=roles.PROGRAMME_STAFF))
    with django_assert_num_queries(0):
        assert _flags(me) == {"reports": False, "organisations": False}
    # As on their next request (a user object keeps its permissions for its request).
    other = type(other).objects.get(pk=other.pk)
    assert _flags(other) == {"reports": True, "organisations": True}


def test_becoming_superuser_or_inactive_shows_at_once():
    user = UserFactory(role=roles.LEARNER)
    assert _flags(user)["reports"] is False
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    assert _flags(user)["reports"] is True
    user.is_active = False
    assert _flags(user) == {"reports": False, "organisations": False}


def test_emptying_a_role_from_its_side_shows_on_the_next_page(client):
    user = UserFactory(role=roles.PROGRAMME_STAFF)
    assert reverse("reporting:dashboard") in nav_html(client, user)
    Group.objects.get(name=roles.PROGRAMME_STAFF).user_set.clear()
    assert reverse("reporting:dashboard") not in nav_html(client)


def test_taking_a_permission_from_a_role_or_deleting_the_role_shows(client):
    permission = Permission.objects.get(
        content_type__app_label="accounts", codename="view_programme_reports"
    )
    user = UserFactory(role=roles.LEARNER)
    group = Group.objects.create(name="Analysts")
    group.permissions.add(permission)
    user.groups.add(group)
    assert reverse("reporting:dashboard") in nav_html(client, user)
    permission.group_set.clear()
    assert reverse("reporting:dashboard") not in nav_html(client)
    group.permissions.add(permission)
    assert reverse("reporting:dashboard") in nav_html(client)
    group.delete()
    assert reverse("reporting:dashboard") not in nav_html(client)


def test_clearing_a_role_permission_or_organisation_from_its_side_forgets_its_holders():
    """Every kind of `clear()` names nobody; the receiver looks up who held what it empties."""
    permission = Permission.objects.get(
        content_type__app_label="accounts", codename="view_programme_reports"
    )
    member, direct, manager = (UserFactory(role=roles.LEARNER) for _n in range(3))
    group = Group.objects.create(name="Analysts")
    group.permissions.add(permission)
    member.groups.add(group)
    direct.user_permissions.add(permission)
    organisation = Organisation.objects.create(name="Hotel Clear", declared_staff=5)
    organisation.managers.add(manager)

    def fresh(person):  # as on their next request: a user object keeps its permissions
        return _flags(type(person).objects.get(pk=person.pk))

    assert fresh(member)["reports"] and fresh(direct)["reports"]
    assert fresh(manager)["organisations"]
    group.permissions.clear()
    permission.user_set.clear()
    organisation.managers.clear()
    assert (
        fresh(member)
        == fresh(direct)
        == fresh(manager)
        == {
            "reports": False,
            "organisations": False,
        }
    )
