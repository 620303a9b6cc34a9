"""A session left open is not enough for the account's sensitive actions: downloading one's
data, deleting the account, making an API token and changing the e-mail addresses ask for the
password again (allauth's reauthentication, ADR 0003)."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import PersonalAccessToken
from tests.conftest import password_confirmed
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sent_to_reauthenticate(response, *, next_path: str) -> str:
    """The address of the password check the response sends to, back to `next_path`."""
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("account_reauthenticate"))
    assert f"next={next_path.replace('/', '%2F')}" in location
    return location


def test_downloading_ones_data_asks_for_the_password_first(client, user):
    client.force_login(user)
    export = reverse("accounts:export")
    check = sent_to_reauthenticate(client.get(export), next_path=export)

    wrong = client.post(check, {"password": "not-the-password"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert client.get(export).status_code == 302  # still asked

    response = client.post(check, {"password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == export
    assert json.loads(response.content)["account"]["email"] == user.email
    # Within the next minutes the password is not asked again.
    assert client.get(export).status_code == 200


def test_deleting_the_account_asks_for_the_password_and_then_does_what_was_asked(client, user):
    """The confirmed form is kept while the password is asked and carried out afterwards."""
    client.force_login(user)
    delete = reverse("accounts:delete")
    check = sent_to_reauthenticate(client.post(delete, {"confirm": "DELETE"}), next_path=delete)
    user.refresh_from_db()
    assert user.anonymised_at is None  # nothing happened yet

    response = client.post(check, {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.anonymised_at is not None and not user.is_active
    # and they are signed out, as after a deletion without the check
    assert client.get(reverse("accounts:settings")).status_code == 302


def test_the_delete_page_itself_asks_for_the_password_first(client, user):
    client.force_login(user)
    delete = reverse("accounts:delete")
    check = sent_to_reauthenticate(client.get(delete), next_path=delete)
    response = client.post(check, {"password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == delete
    assert "form" in response.context


def test_making_an_api_token_asks_for_the_password_first(client, user):
    client.force_login(user)
    create = reverse("accounts:token_create")
    check = sent_to_reauthenticate(client.post(create, {"name": "LMS koppeling"}), next_path=create)
    assert not PersonalAccessToken.objects.filter(user=user).exists()

    response = client.post(check, {"password": PASSWORD})
    assert response.status_code == 200
    token = PersonalAccessToken.objects.get(user=user)
    assert token.name == "LMS koppeling"


def test_adding_an_email_address_asks_for_the_password_first(client, user):
    """Else a session left open would let someone add their own address, make it the
    primary one and reset the password: the account would be theirs."""
    client.force_login(user)
    manage = reverse("account_email")
    response = client.post(manage, {"action_add": "", "email": "someone.else@example.org"})
    sent_to_reauthenticate(response, next_path=manage)
    assert not EmailAddress.objects.filter(email="someone.else@example.org").exists()


def test_signing_in_is_not_itself_the_check(client, user):
    """A fresh sign-in by the form is not taken for the check: the session may be minutes
    or hours old by the time the sensitive page is opened."""
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert response.context["user"].is_authenticated
    export = reverse("accounts:export")
    sent_to_reauthenticate(client.get(export), next_path=export)


@pytest.mark.parametrize(
    ("language", "word", "typed"),
    [("nl", "VERWIJDER", "verwijder"), ("pl", "USUŃ", "usun"), ("es", "ELIMINAR", "Eliminar")],
)
def test_the_delete_page_asks_for_a_word_of_its_own_language(client, user, language, word, typed):
    """A Polish page does not ask for an English word: the word is the page's, typed in any
    case and without accents (a phone keyboard), and the English word still works."""
    from django.utils import translation

    client.force_login(user)
    password_confirmed(client)
    with translation.override(language):
        delete = reverse("accounts:delete")
    page = client.get(delete, headers={"accept-language": language}).content.decode()
    assert f"{word}" in page and "DELETE" not in page
    refused = client.post(delete, {"confirm": "DELETE!"}, headers={"accept-language": language})
    assert refused.status_code == 200 and word in refused.content.decode()
    client.post(delete, {"confirm": typed}, headers={"accept-language": language})
    user.refresh_from_db()
    assert user.anonymised_at is not None


def test_the_english_word_still_deletes_on_a_dutch_page(client, user):
    client.force_login(user)
    password_confirmed(client)
    client.post(reverse("accounts:delete"), {"confirm": "delete"})
    user.refresh_from_db()
    assert user.anonymised_at is not None
