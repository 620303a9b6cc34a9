"""A content page in another language never shows the Dutch page's text (a page never mixes
languages): its untranslated copy (an alias) says, in the reader's language, that it is not
translated yet and links to the Dutch page; an editor's translation shows its own text."""

import pytest
from django.utils import translation
from wagtail.models import Locale

from cms.models import ContentPage
from tests import factories

pytestmark = pytest.mark.django_db

DUTCH_TITLE = "Toegankelijkheidsverklaring"
DUTCH_BODY = "Dit platform voldoet aan WCAG 2.1 AA"


@pytest.fixture
def dutch_page():
    page = ContentPage(title=DUTCH_TITLE, slug="toegankelijkheid", body=f"<p>{DUTCH_BODY}.</p>")
    factories.home_page().add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.mark.parametrize(
    ("code", "says", "link"),
    [
        ("en", "This page is not available in English yet.", "Read it in Dutch"),
        ("pl", "Ta strona nie jest jeszcze dostępna w języku: polski.", None),
        ("es", None, None),
    ],
)
def test_an_untranslated_content_page_says_so_in_the_readers_language(
    client, dutch_page, code, says, link
):
    alias = dutch_page.copy_for_translation(
        Locale.objects.get_or_create(language_code=code)[0], copy_parents=True, alias=True
    )
    assert alias.alias_of_id == dutch_page.pk
    response = client.get(alias.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{code}"' in html
    assert DUTCH_TITLE not in html and DUTCH_BODY not in html
    with translation.override(code):
        heading = translation.gettext("Not translated yet")
    assert heading != "Not translated yet" or code == "en"  # the catalogue has it
    assert f"<title>{heading}" in html
    assert f'href="{dutch_page.url}" hreflang="nl"' in html
    if says:
        assert says in html
    if link:
        assert link in html


def test_a_translated_content_page_shows_its_own_text(client, dutch_page):
    english = dutch_page.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0], copy_parents=True, alias=True
    )
    ContentPage.objects.filter(pk=english.pk).update(
        alias_of=None, title="Accessibility statement", body="<p>This platform meets WCAG.</p>"
    )
    html = client.get(english.url).content.decode()
    assert "This platform meets WCAG." in html
    assert "Not translated yet" not in html
    assert DUTCH_BODY in client.get(dutch_page.url).content.decode()
