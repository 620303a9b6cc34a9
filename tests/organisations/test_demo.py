import pytest
from django.contrib.auth import get_user_model

from organisations.demo import DEMO_MANAGER_EMAIL, demo_organisation_ensure
from organisations.models import Organisation, StaffMembership
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_nothing_without_the_demo_manager():
    assert demo_organisation_ensure() is None
    assert not Organisation.objects.exists()


def test_demo_hotel_is_created_once(client):
    manager = UserFactory(email=DEMO_MANAGER_EMAIL)
    first = demo_organisation_ensure(staff_password=PASSWORD)
    again = demo_organisation_ensure(staff_password=PASSWORD)
    assert first.pk == again.pk
    assert Organisation.objects.count() == 1
    assert list(first.managers.all()) == [manager]
    assert (first.declared_staff, first.public_listing) == (5, True)
    assert StaffMembership.objects.filter(organisation=first, left_at__isnull=True).count() == 2
    staff = get_user_model().objects.get(email="receptie@example.org")
    assert client.login(email=staff.email, password=PASSWORD)
