"""The translation catalogues are complete for every site language (ADR 0015): no untranslated,
fuzzy or obsolete entry, the same msgids in each, the right number of plural forms, placeholders
that gettext accepts, and compiled .mo files that match their .po files. A language added to
SITE_LANGUAGES without a finished catalogue fails here."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _catalogue(language: str) -> polib.POFile:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"no catalogue for {language}: run `make messages` and translate it"
    return polib.pofile(str(path))


def _nplurals(catalogue: polib.POFile) -> int:
    header = catalogue.metadata.get("Plural-Forms", "")
    return int(header.split("nplurals=")[1].split(";")[0])


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language):
    catalogue = _catalogue(language)
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    obsolete = [e.msgid for e in catalogue.obsolete_entries()]
    assert untranslated == [], (
        f"{language}: {len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    )
    assert fuzzy == [], f"{language}: fuzzy entries {fuzzy[:3]}"
    assert obsolete == [], f"{language}: obsolete entries {obsolete[:3]}"
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata.get("Language") == language
    assert catalogue.percent_translated() == 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_every_form_of_the_language(language):
    catalogue = _catalogue(language)
    forms = _nplurals(catalogue)
    wrong = [
        e.msgid
        for e in catalogue
        if e.msgid_plural and sorted(e.msgstr_plural) != list(range(forms))
    ]
    assert wrong == []


def test_polish_has_three_plural_forms():
    # one (1), few (2-4, 22-24, ...), many (5-21, 25-31, ...): "1 lekcja, 2 lekcje, 5 lekcji"
    assert _nplurals(_catalogue("pl")) == 3


def test_every_catalogue_has_the_same_msgids():
    keys = {
        language: {(e.msgctxt, e.msgid, e.msgid_plural) for e in _catalogue(language)}
        for language in LANGUAGES
    }
    reference = keys[settings.LANGUAGE_CODE]
    for language, found in keys.items():
        assert found - reference == set(), f"{language} has msgids the Dutch catalogue lacks"
        assert reference - found == set(), f"{language} lacks msgids of the Dutch catalogue"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language):
    """The .mo files are committed (and compiled by `make messages`): one that lags behind its
    .po would show old or English text."""
    source = _catalogue(language)
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled_entries = {(e.msgctxt, e.msgid): e for e in compiled}
    stale = []
    for entry in source.translated_entries():
        found = compiled_entries.get((entry.msgctxt, entry.msgid))
        if found is None:
            stale.append(entry.msgid)
        elif entry.msgid_plural:
            if {int(k): v for k, v in found.msgstr_plural.items()} != {
                int(k): v for k, v in entry.msgstr_plural.items()
            }:
                stale.append(entry.msgid)
        elif found.msgstr != entry.msgstr:
            stale.append(entry.msgid)
    assert stale == [], f"{language}: run `make messages`; stale: {stale[:3]}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_accepts_the_catalogue_and_counts_every_message_translated(language, tmp_path):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "out.mo"), str(path)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr
    assert "translated messages" in result.stderr


#: The names `makemessages` (xgettext with Django's keywords) extracts strings from.
_EXTRACTED_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def test_translation_functions_keep_names_that_makemessages_extracts():
    """`gettext_lazy as _lazy` looks translated but `makemessages` never sees its strings: they
    drop out of the catalogues and show in English on every page (this happened to the
    group-request decisions and the invalid-answer messages)."""
    import ast

    apps = [path for path in Path(settings.BASE_DIR).iterdir() if (path / "apps.py").exists()]
    wrong = []
    for app in [*apps, Path(settings.BASE_DIR) / "config"]:
        for source in app.rglob("*.py"):
            tree = ast.parse(source.read_text(), str(source))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                    wrong += [
                        f"{source.relative_to(settings.BASE_DIR)}: {alias.name} as {alias.asname}"
                        for alias in node.names
                        if alias.asname and alias.asname not in _EXTRACTED_NAMES
                    ]
    assert not wrong, wrong


@pytest.mark.parametrize("language", ["nl", "pl", "es"])
def test_wagtail_localizes_publish_button_keeps_its_space(language):
    """wagtail-localize's own catalogue translates "Publish in " without the trailing space
    ("Publiceer inEnglish"); the project's djangojs catalogue corrects it, and Django merges the
    project's catalogues last, as its JavaScriptCatalog does."""
    import wagtail_localize
    from django.utils.translation.trans_real import DjangoTranslation

    own = Path(wagtail_localize.__file__).parent / "locale"
    catalogue = DjangoTranslation(language, domain="djangojs", localedirs=[str(own)])
    msgid = "Publish in "  # a variable: makemessages must not take the package's msgid
    published = catalogue.gettext(msgid)
    assert published != msgid and published.endswith(" ") and not published.endswith("  ")


@pytest.mark.django_db
def test_wagtail_localizes_javascript_catalogue_serves_the_correction(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/localize/jsi18n/")
    assert response.status_code == 200
    assert '"Publish in ": "Publiceer in "' in response.content.decode()
