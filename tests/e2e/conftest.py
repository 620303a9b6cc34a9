"""Real-browser tests: the live Django server (in this process, locmem e-mail) driven by
Debian's Chromium through Playwright. They skip with a reason when /usr/bin/chromium is absent.

One browser per session; a fresh context (cookies, viewport) per test. The live server uses
transactional database access, so every test starts from the migrated database (the pages,
locales and groups that migrations create; see `_restore_migrated_rows`) plus `e2e_content`."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 740}
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def migrated_rows(django_db_setup, django_db_blocker) -> dict[str, str]:
    """The rows migrations create (Wagtail root and home page, locales, roles) as Django
    serialized them when it created the test database, per database alias."""
    from django.db import connections

    rows = {}
    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            rows[alias] = contents or connections[alias].creation.serialize_db_to_string()
    return rows


@pytest.fixture(autouse=True)
def _restore_migrated_rows(migrated_rows, django_db_serialized_rollback, transactional_db):
    """Live-server tests flush the database when they end, which also drops the rows migrations
    create. Django's serialized rollback puts them back, but only through the connection object
    that holds the serialized rows, and with Playwright's event loop in this thread the test
    gets fresh connection objects. So: give the current connections the rows (which also makes
    the flush skip post_migrate, which would recreate some of them) and restore them here when
    Django did not."""
    from django.db import connections
    from wagtail.models import Locale

    for alias, contents in migrated_rows.items():
        connections[alias]._test_serialized_contents = contents
    if not Locale.objects.exists():
        for alias, contents in migrated_rows.items():
            connections[alias].creation.deserialize_db_from_string(contents)
    yield
    for alias, contents in migrated_rows.items():
        connections[alias]._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("real-browser tests need Debian's Chromium at /usr/bin/chromium")
    # Playwright's sync API runs an event loop in this thread; the test code's own ORM calls
    # are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Factory: `new_page(viewport=MOBILE, user=someone)` opens a page in a fresh context,
    logged in as `user` when given. Contexts are closed after the test."""
    contexts = []

    def open_page(*, viewport=DESKTOP, user=None, locale="nl-NL"):
        context = browser.new_context(
            viewport=viewport, base_url=live_server.url, locale=locale, accept_downloads=True
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def e2e_content(transactional_db):
    from tests.e2e.content import build_content

    return build_content()
