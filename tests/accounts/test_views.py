import pytest
from django.urls import reverse

from accounts.models import ProfessionalRole

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
