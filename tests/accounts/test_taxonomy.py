import pytest
from django.urls import reverse
from django.utils import translation

from accounts import roles
from accounts.models import ProfessionalRole, Region, Sector
from accounts.taxonomy import (
    PROFESSIONAL_ROLES,
    SECTORS,
    fill_missing_names,
    seed_professional_roles,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_professional_roles_are_seeded_in_dutch_and_english():
    assert list(ProfessionalRole.objects.values_list("slug", flat=True)) == [
        slug for slug, _name, _names in PROFESSIONAL_ROLES
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


def test_site_admins_edit_the_roles_as_snippets(client):
    client.force_login(UserFactory(role=roles.SITE_ADMIN))
    response = client.get(reverse("wagtailsnippets_accounts_professionalrole:list"))
    assert response.status_code == 200
    assert "Ketenregisseur mensenhandel" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "sector", "role"),
    [
        ("nl", "Onderwijs", "Politiemedewerker"),
        ("en", "Education", "Police officer"),
        ("pl", "Edukacja", "Policjant"),
        ("es", "Educación", "Agente de policía"),
    ],
)
def test_each_site_language_shows_its_own_name(language, sector, role):
    with translation.override(language):
        assert str(Sector.objects.get(slug="onderwijs")) == sector
        assert str(ProfessionalRole.objects.get(slug="politiemedewerker")) == role


def test_every_seeded_sector_and_role_has_a_name_in_every_site_language(settings):
    for model, seed in ((Sector, SECTORS), (ProfessionalRole, PROFESSIONAL_ROLES)):
        for row in model.objects.filter(slug__in=[slug for slug, _n, _ns in seed]):
            for code in settings.SITE_LANGUAGES:
                if code != settings.LANGUAGE_CODE:
                    assert row.names.get(code), (row.slug, code)


def test_a_missing_name_falls_back_to_english_then_to_dutch():
    role = ProfessionalRole.objects.create(slug="tolk", name="Tolk", names={"en": "Interpreter"})
    with translation.override("pl"):
        assert str(role) == "Interpreter"
    # A language without a catalogue entry (e.g. a fifth site language) falls back the same way.
    assert role.name_in("ro") == "Interpreter"
    role.names = {}
    assert role.name_in("es") == "Tolk"
    assert role.name_in("en") == "Tolk"


def test_regions_are_proper_names_in_every_language():
    region = Region.objects.get(slug="amsterdam-amstelland")
    for language in ("nl", "en", "pl", "es"):
        with translation.override(language):
            assert str(region) == "Amsterdam-Amstelland"


def test_filling_missing_names_keeps_an_editors_names():
    sector = Sector.objects.get(slug="zorg")
    sector.names = {"en": "Care", "pl": ""}
    sector.save()
    fill_missing_names(Sector, SECTORS)
    sector.refresh_from_db()
    assert sector.names == {"en": "Care", "pl": "Opieka zdrowotna", "es": "Atención sanitaria"}


def test_the_snippet_form_saves_a_name_per_site_language(client):
    client.force_login(UserFactory(role=roles.SITE_ADMIN))
    role = ProfessionalRole.objects.get(slug="jongerenwerker")
    url = reverse("wagtailsnippets_accounts_professionalrole:edit", args=[role.pk])
    form_page = client.get(url).content.decode()
    for code in ("en", "pl", "es"):
        assert f'name="name_{code}"' in form_page
    assert 'value="Pracownik młodzieżowy"' in form_page

    response = client.post(
        url,
        {
            "name": "Jongerenwerker",
            "name_en": "Youth worker",
            "name_pl": "Pedagog ulicy",
            "name_es": "",
            "slug": "jongerenwerker",
            "sort_order": 6,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    role.refresh_from_db()
    assert role.names == {"en": "Youth worker", "pl": "Pedagog ulicy"}
    with translation.override("pl"):
        assert str(role) == "Pedagog ulicy"
    with translation.override("es"):
        assert str(role) == "Youth worker"


@pytest.mark.django_db(transaction=True)
def test_the_names_migration_moves_the_english_name_and_back():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("accounts", "0005_preferred_language_any_site_language")]
    after = [("accounts", "0006_taxonomy_names_per_language")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_sector = executor.loader.project_state(before).apps.get_model("accounts", "Sector")
        old_sector.objects.filter(slug="zorg").update(name_en="Care")
        old_sector.objects.filter(slug="overig").update(name_en="")

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new_sector = executor.loader.project_state(after).apps.get_model("accounts", "Sector")
        assert new_sector.objects.get(slug="zorg").names == {
            "en": "Care",
            "pl": "Opieka zdrowotna",
            "es": "Atención sanitaria",
        }
        # Only empty names are filled: an emptied English name too.
        assert new_sector.objects.get(slug="overig").names == {
            "en": "Other",
            "pl": "Inne",
            "es": "Otros",
        }

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old_sector = executor.loader.project_state(before).apps.get_model("accounts", "Sector")
        assert old_sector.objects.get(slug="zorg").name_en == "Care"
        assert old_sector.objects.get(slug="onderwijs").name_en == "Education"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("pl", "Edukacja", "Education"), ("es", "Educación", "Education")],
)
def test_the_account_page_lists_sectors_in_the_visitors_language(
    client, settings, language, shown, not_shown
):
    client.force_login(UserFactory(preferred_language=language))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("accounts:settings"), HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert page.status_code == 200, page.redirect_chain
    content = page.content.decode()
    assert f'lang="{language}"' in content
    assert shown in content
    assert not_shown not in content
