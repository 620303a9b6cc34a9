import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.models import ProfessionalRole
from accounts.services import access_token_create
from tests.factories import lesson, make_course, true_false

pytestmark = pytest.mark.django_db


def test_a_person_sets_and_clears_their_professional_role(client, user):
    client.force_login(user)
    url = reverse("accounts:settings")
    page = client.get(url).content.decode()
    assert 'name="professional_role"' in page
    assert "Ketenregisseur mensenhandel" in page
    role = ProfessionalRole.objects.get(slug="ketenregisseur-mensenhandel")
    details = {"full_name": user.full_name, "preferred_language": "nl"}
    response = client.post(url, {**details, "professional_role": role.pk})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.professional_role == role
    # optional: leaving it empty clears it
    assert client.post(url, {**details, "professional_role": ""}).status_code == 302
    user.refresh_from_db()
    assert user.professional_role is None


TOKEN_RIGHTS = (
    "A token lets another system use the API as you, with your rights: it can read your "
    "progress and results, and also enrol you in courses, start attempts, answer questions and "
    "submit them, and do what your role allows (for example for your organisation or "
    "trainings). Treat a token like a password and revoke it when it is no longer needed."
)


def test_the_token_help_says_a_token_can_write_as_the_person_too(client, user):
    """docs/api.md gives tokens the owner's rights, writes included (integrations start and
    answer attempts): the account page must not promise "read only"."""
    client.force_login(user)
    page = client.get(reverse("accounts:settings")).content.decode()
    with translation.override("nl"):
        assert translation.gettext(TOKEN_RIGHTS) in page
    _token, raw = access_token_create(user=user, name="koppeling")
    course = make_course(title="Schrijven met een token")
    lesson(course, "Les", [true_false("Klopt dit?", True)])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", enforce_csrf_checks=True)
    started = api.post(
        f"/api/v1/courses/{course.slug}/attempts", data="{}", content_type="application/json"
    )
    assert started.status_code == 201, started.content


def test_the_token_header_is_shown_with_its_placeholder(client, user):
    """`<token>` in the help text was taken for an HTML tag: the page showed 'Bearer '."""
    client.force_login(user)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in page
    assert "<token>" not in page


def test_the_name_is_marked_required_and_refused_empty(client, user):
    """The name is printed on certificates: no "(optional)" on its label, and an empty name
    is refused with the message that says why."""
    client.force_login(user)
    url = reverse("accounts:settings")
    page = client.get(url).content.decode()
    label = page.split('for="id_full_name"', 1)[1].split("</label>", 1)[0]
    assert 'class="optional"' not in label
    assert 'class="optional"' in page  # other fields (sector, role, region) stay optional
    for empty in ("", "   "):
        response = client.post(url, {"full_name": empty, "preferred_language": "nl"})
        assert response.status_code == 200
        with translation.override("nl"):
            message = translation.gettext("Enter your name as it must appear on certificates.")
        assert escape(message) in response.content.decode()
    user.refresh_from_db()
    assert user.full_name


def test_my_account_leads_to_registering_an_establishment(client, user):
    """A logged-in person who manages nothing yet finds how to register their hotel from their
    account (the audit found no route but the public list's footer link)."""
    client.force_login(user)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert f'href="{reverse("organisations:register")}"' in page
