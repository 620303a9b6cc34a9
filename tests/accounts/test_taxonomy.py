import pytest
from django.utils import translation

from accounts.models import ProfessionalRole
from accounts.taxonomy import PROFESSIONAL_ROLES, seed_professional_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_professional_roles_are_seeded_in_dutch_and_english():
    assert list(ProfessionalRole.objects.values_list("slug", flat=True)) == [
        slug for slug, _name, _name_en in PROFESSIONAL_ROLES
    ]
    focal = ProfessionalRole.objects.get(slug="aandachtsfunctionaris-mensenhandel")
    with translation.override("nl"):
        assert str(focal) == "Aandachtsfunctionaris mensenhandel"
    with translation.override("en"):
        assert str(focal) == "Human trafficking focal point (municipality)"
    assert ProfessionalRole.objects.filter(slug="zorgcoordinator-mensenhandel").exists()
    assert ProfessionalRole.objects.filter(slug="reclasseringsmedewerker").exists()


def test_seeding_again_adds_what_is_missing_and_keeps_edits():
    ProfessionalRole.objects.filter(slug="overig").delete()
    ProfessionalRole.objects.filter(slug="leerkracht").update(name="Leraar")
    seed_professional_roles(ProfessionalRole)
    assert ProfessionalRole.objects.count() == len(PROFESSIONAL_ROLES)
    assert ProfessionalRole.objects.get(slug="leerkracht").name == "Leraar"


def test_deleting_a_role_keeps_the_people():
    role = ProfessionalRole.objects.create(slug="tijdelijk", name="Tijdelijk")
    person = UserFactory(professional_role=role)
    role.delete()
    person.refresh_from_db()
    assert person.professional_role is None


def test_site_admins_edit_the_roles_as_snippets(client, settings):
    from django.urls import reverse

    from accounts import roles

    settings.ADMIN_TWO_FACTOR_REQUIRED = False
    client.force_login(UserFactory(role=roles.SITE_ADMIN))
    response = client.get(reverse("wagtailsnippets_accounts_professionalrole:list"))
    assert response.status_code == 200
    assert "Ketenregisseur mensenhandel" in response.content.decode()
