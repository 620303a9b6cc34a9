import pytest
from django.urls import reverse

from accounts.models import PersonalAccessToken
from accounts.services import access_token_authenticate
from tests.conftest import password_confirmed

pytestmark = pytest.mark.django_db


def test_token_is_shown_once_and_stored_hashed(client, user):
    client.force_login(user)
    password_confirmed(client)
    response = client.post(reverse("accounts:token_create"), {"name": "LMS koppeling"})
    assert response.status_code == 200
    raw = response.context["raw"]
    token = PersonalAccessToken.objects.get(user=user)
    assert raw not in (token.token_hash, token.prefix) and token.token_hash != raw
    assert access_token_authenticate(raw=raw) == user
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert access_token_authenticate(raw=raw) is None


def test_cannot_revoke_someone_elses_token(client, user, other_user):
    from accounts.services import access_token_create

    token, _raw = access_token_create(user=other_user, name="x")
    client.force_login(user)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
