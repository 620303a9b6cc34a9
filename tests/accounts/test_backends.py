"""The signed-in user is read in one plain statement (accounts/backends.py, ADR 0013), with
Django's rule for who may stay signed in."""

import pytest
from django.urls import reverse

from accounts.backends import AuthenticationBackend, ModelBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_get_user_reads_the_user_or_nothing(backend, django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(1):
        found = backend().get_user(user.pk)
    assert found == user and found.email == user.email
    assert backend().get_user(user.pk + 1000) is None
    assert backend().get_user("not-a-number") is None
    user.is_active = False
    user.save()
    assert backend().get_user(user.pk) is None


def test_a_deactivated_person_is_signed_out_on_the_next_request(client):
    user = UserFactory()
    client.force_login(user)
    page = reverse("lms:my_learning")
    assert client.get(page).status_code == 200
    user.is_active = False
    user.save()
    response = client.get(page)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
