"""PDF rendering with WeasyPrint: Django template → tagged PDF/A-3a bytes (certificates, window
stickers, the quarterly report: a shared facility of the floor, like spreadsheets and mail).

One FontConfiguration per process, a fetcher that serves only the project's own static files
and inline PNG images (no network, no file:// and nothing a user typed), and an in-process
cache of those files, so a warm render costs only layout."""

import base64
import binascii
import functools
import mimetypes
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

DEBIAN_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
PNG_DATA_URL = "data:image/png;base64,"


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load its system libraries."""


@functools.cache
def _weasyprint():
    try:
        import weasyprint
    except OSError as exc:  # Pango/HarfBuzz shared libraries missing
        raise PdfUnavailable(
            f"WeasyPrint cannot load Pango (needed for PDF certificates): {exc}. "
            f"Debian/Ubuntu: sudo apt-get install {DEBIAN_PACKAGES}; macOS: brew install pango"
        ) from exc
    return weasyprint


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    _weasyprint()
    return FontConfiguration()


def _static_prefix() -> str:
    return f"{settings.SITE_URL}{settings.STATIC_URL}"


@functools.lru_cache(maxsize=64)
def _static_file(relative: str) -> bytes | None:
    path = finders.find(relative)
    if not path:
        return None
    with open(path, "rb") as handle:
        return handle.read()


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves `{SITE_URL}{STATIC_URL}<file>` from the static finders and decodes PNG data
        URLs (the QR codes of accounts.qr.qr_img); refuses the rest."""

        def fetch(self, url, headers=None):
            if url.startswith(PNG_DATA_URL):
                try:
                    image = base64.b64decode(url[len(PNG_DATA_URL) :], validate=True)
                except binascii.Error as exc:
                    raise ValueError("invalid PNG data URL") from exc
                return URLFetcherResponse(url, image, {"Content-Type": "image/png"})
            prefix = _static_prefix()
            if not url.startswith(prefix):
                raise ValueError(f"refused to fetch {url[:80]!r}: only static files are allowed")
            relative = url[len(prefix) :].split("?")[0].split("#")[0]
            if not relative or ".." in relative.split("/"):
                raise ValueError("refused to fetch a path outside the static files")
            body = _static_file(relative)
            if body is None:
                raise ValueError(f"static file not found: {relative}")
            content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnlyFetcher


@functools.lru_cache(maxsize=16)
def _stylesheet(relative: str):
    """A static stylesheet parsed once per process."""
    weasyprint = _weasyprint()
    path = finders.find(relative)
    if not path:
        raise FileNotFoundError(f"static stylesheet not found: {relative}")
    return weasyprint.CSS(
        filename=path,
        url_fetcher=_fetcher_class()(fail_on_errors=False),
        font_config=_font_config(),
    )


def pdf_render(
    *,
    template_name: str,
    context: dict[str, Any],
    language: str,
    stylesheets: tuple[str, ...] = (),
    tagged: bool = True,
) -> bytes:
    """Render `template_name` in `language` to a tagged PDF/A-3a document: a structure tree
    (headings, paragraphs, tables, figures) that screen readers follow, /Lang from `language`,
    and alternative text for each image and inline SVG (its `alt`, or the SVG's <title>: give
    every figure one). `tagged=False` gives the untagged PDF/A-3b (only the benchmark uses it).

    `stylesheets` are static paths (e.g. "certificates/certificate.css"), parsed once per
    process and applied after the template's own styles.

    The template sets the document's title (<title>) and author (<meta name="author">); the
    language comes from `language` (the <html lang> attribute and the PDF metadata). Static
    assets are referenced with {% static %} and resolved against SITE_URL."""
    weasyprint = _weasyprint()
    with translation.override(language):
        html = render_to_string(template_name, {**context, "LANGUAGE_CODE": language})
    fetcher = _fetcher_class()(fail_on_errors=False)
    document = weasyprint.HTML(
        string=html, base_url=f"{settings.SITE_URL}/", url_fetcher=fetcher
    ).render(
        font_config=_font_config(),
        stylesheets=[_stylesheet(relative) for relative in stylesheets],
    )
    metadata = document.metadata
    metadata.lang = metadata.lang or language
    if not metadata.authors:
        metadata.authors = ["Samen tegen mensenhandel"]
    if not metadata.title:
        metadata.title = "Samen tegen mensenhandel"
    return document.write_pdf(pdf_variant="pdf/a-3a" if tagged else "pdf/a-3b")
