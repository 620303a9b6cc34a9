"""The catalogue in another language never shows the Dutch catalogue's intro (a page never
mixes languages): its untranslated copy (an alias) leaves the intro out; a translated one shows
its own."""

import pytest
from wagtail.models import Locale

from courses.models import CourseIndexPage
from tests import factories

pytestmark = pytest.mark.django_db

DUTCH = "Gratis e-learningmodules over mensenhandel"


def test_an_untranslated_catalogue_leaves_out_the_dutch_intro(client):
    index = factories.course_index()
    index.intro = f"<p>{DUTCH}.</p>"
    index.save_revision().publish()
    english = index.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0],
        copy_parents=True,
        alias=True,
    )
    assert english.alias_of_id == index.pk
    assert DUTCH in client.get(index.url).content.decode()
    page = client.get(english.url)
    assert page.status_code == 200
    assert '<html lang="en"' in page.content.decode()
    assert DUTCH not in page.content.decode()

    # an editor's translation (no longer an alias) shows its own intro
    CourseIndexPage.objects.filter(pk=english.pk).update(
        alias_of=None, intro="<p>Free e-learning modules on human trafficking.</p>"
    )
    assert "Free e-learning modules" in client.get(english.url).content.decode()
