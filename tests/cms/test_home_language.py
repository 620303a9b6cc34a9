"""The home page in another language never shows the Dutch home page's own texts: its
untranslated copy (an alias) shows the interface's own introduction instead."""

import pytest
from django.utils import translation
from wagtail.models import Locale

from tests import factories

pytestmark = pytest.mark.django_db

DUTCH_INTRO = "Gratis e-learning en certificering voor professionals"
DUTCH_BODY = "Over dit leerplatform van het programma"


def test_an_untranslated_home_page_shows_no_dutch_text_of_its_own(client):
    home = factories.home_page()
    home.intro = f"{DUTCH_INTRO}."
    home.body = f"<p>{DUTCH_BODY}.</p>"
    home.save_revision().publish()
    english = home.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0], alias=True
    )
    assert DUTCH_INTRO in client.get(home.url).content.decode()
    page = client.get(english.url).content.decode()
    assert '<html lang="en"' in page
    assert DUTCH_INTRO not in page and DUTCH_BODY not in page
    with translation.override("en"):
        fallback = translation.gettext(
            "Free e-learning for professionals who want to recognise signals of exploitation "
            "and know who to report them to."
        )
    assert fallback in page
