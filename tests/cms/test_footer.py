"""Editors put content pages (a privacy or accessibility statement, contact) in the footer of
every page with Wagtail's "Show in menus"; the footer lists them in the page's language only."""

import re

import pytest
from django.core.cache import caches
from django.urls import reverse
from wagtail.models import Locale, PageViewRestriction

from cms.models import ContentPage
from tests import factories

pytestmark = pytest.mark.django_db


def footer_links(html: str) -> list[tuple[str, str]]:
    footer = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer)


def content_page(title: str, slug: str, *, in_menu: bool = True, parent=None) -> ContentPage:
    page = ContentPage(title=title, slug=slug, body="<p>Tekst.</p>", show_in_menus=in_menu)
    (parent or factories.home_page()).add_child(instance=page)
    page.save_revision().publish()
    return page


def fresh_footer():
    """The footer's pages are kept per process for a minute; a test that changes them mid-test
    starts over, as a minute later would."""
    caches["fragments"].clear()


def test_pages_shown_in_menus_are_in_the_footer_of_every_page(client, user):
    privacy = content_page("Privacyverklaring", "privacy")
    content_page("Werkinstructie", "intern", in_menu=False)
    accessibility = content_page("Toegankelijkheidsverklaring", "toegankelijkheid")

    links = footer_links(client.get("/").content.decode())
    assert (privacy.url, "Privacyverklaring") in links
    assert (accessibility.url, "Toegankelijkheidsverklaring") in links
    assert "Werkinstructie" not in [title for _url, title in links]
    # in tree order, after the platform's own links
    titles = [title for _url, title in links]
    assert titles.index("Privacyverklaring") < titles.index("Toegankelijkheidsverklaring")

    # also on the learner's own pages (not served by Wagtail)
    client.force_login(user)
    assert (privacy.url, "Privacyverklaring") in footer_links(
        client.get(reverse("lms:my_learning")).content.decode()
    )


def test_a_page_taken_out_of_the_menus_or_unpublished_leaves_the_footer(client):
    privacy = content_page("Privacyverklaring", "privacy")
    assert "Privacyverklaring" in dict(
        (t, u) for u, t in footer_links(client.get("/").content.decode())
    )
    privacy.show_in_menus = False
    privacy.save_revision().publish()
    fresh_footer()
    assert "Privacyverklaring" not in client.get("/").content.decode()

    privacy.show_in_menus = True
    privacy.save_revision().publish()
    privacy.unpublish()
    fresh_footer()
    assert "Privacyverklaring" not in client.get("/").content.decode()


def test_a_page_for_some_people_only_is_not_offered(client):
    page = content_page("Voor organisatoren", "organisatoren")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert "Voor organisatoren" not in client.get("/").content.decode()


def test_the_footer_speaks_the_pages_language_only(client):
    """An English page lists the English translation; a page not translated into Polish yet (an
    alias of the Dutch one) is not in the Polish footer, which would then speak Dutch."""
    dutch = content_page("Privacyverklaring", "privacy")
    english = dutch.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0], copy_parents=True, alias=True
    )
    ContentPage.objects.filter(pk=english.pk).update(alias_of=None, title="Privacy statement")
    english.refresh_from_db()
    polish = dutch.copy_for_translation(
        Locale.objects.get_or_create(language_code="pl")[0], copy_parents=True, alias=True
    )
    assert polish.alias_of_id == dutch.pk

    english_links = footer_links(client.get(english.get_parent().url).content.decode())
    assert (english.url, "Privacy statement") in english_links
    assert "Privacyverklaring" not in [title for _url, title in english_links]

    polish_html = client.get(polish.get_parent().url).content.decode()
    assert '<html lang="pl"' in polish_html
    assert "Privacyverklaring" not in polish_html
    assert "Privacy statement" not in polish_html

    dutch_links = footer_links(client.get("/").content.decode())
    assert (dutch.url, "Privacyverklaring") in dutch_links
    assert "Privacy statement" not in [title for _url, title in dutch_links]
