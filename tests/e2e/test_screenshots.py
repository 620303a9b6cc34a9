"""Screenshots of the main pages at desktop width and at 375 px, as the README shows them.

`make screenshots` runs this test with SCREENSHOTS_DIR=docs/screenshots; otherwise (CI) the
PNGs go to a temporary directory and the test still checks that each page renders at both
widths without sideways scrolling."""

import os
import struct
from pathlib import Path

from tests.e2e.conftest import DESKTOP, MOBILE
from tests.e2e.pages import PAGE_TYPES

MAIN_PAGES = [
    "home",
    "catalogue",
    "course",
    "storyline-choice",
    "lesson-player",
    "results",
    "my-learning",
    "certificate",
    "verify",
    "registration",
    "organisation-registration",
    "manager-dashboard",
    "certified-establishments",
    "programme-dashboard",
]


def _png_width(data: bytes) -> int:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">I", data[16:20])[0]


def test_main_pages_screenshots(new_page, e2e_content, tmp_path):
    target = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    for name in MAIN_PAGES:
        spec = PAGE_TYPES[name]
        user = getattr(e2e_content, spec.user) if spec.user else None
        for label, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
            page = new_page(viewport=viewport, user=user)
            response = page.goto(spec.path(e2e_content))
            assert response.status == spec.status, f"{name} answered {response.status}"
            path = target / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled")
            assert _png_width(path.read_bytes()) == viewport["width"], name
            page.context.close()
