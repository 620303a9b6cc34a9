"""Real-browser tests: the live Django server (in this process, locmem e-mail) driven by
Debian's Chromium through Playwright. They skip with a reason when /usr/bin/chromium is absent.

One browser per session; a fresh context (cookies, viewport) per test. The live server uses
transactional database access, so every test starts from the migrated database (the pages,
locales and groups that migrations create; restored by `_transactional_tests_start_migrated` in
tests/conftest.py) plus `e2e_content`."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import DEADLINE

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
        # every Playwright wait ends when its condition holds; the deadline is the suite's one
        context.set_default_timeout(DEADLINE * 1000)
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
