"""QR codes with segno: an inline SVG for web pages (crisp at any zoom, no image files) and an
<img> with a one-pixel-per-module PNG for PDFs (WeasyPrint draws a raster image in a fraction
of the time it spends on an SVG path of several hundred segments: ADR 0009)."""

import base64
import io
from html import escape

import segno
from django.utils.translation import gettext as _

from .pdf import PNG_DATA_URL

BORDER = 2  # quiet zone in modules; scanners read our codes with 2 (tests decode them)


def _label(url: str) -> str:
    return _("QR code linking to %(url)s") % {"url": url}


def _code(url: str) -> segno.QRCode:
    return segno.make(url, error="m")


def qr_svg(url: str) -> str:
    """An accessible inline <svg> whose QR code encodes `url` (role="img", a <title> and an
    aria-label naming the link)."""
    label = _label(url)
    buffer = io.BytesIO()
    _code(url).save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        title=label,
        omitsize=True,
        svgclass="qr-code",
        nl=False,
        border=BORDER,
    )
    svg = buffer.getvalue().decode("utf-8")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label, quote=True)}" ', 1)


def qr_img(url: str) -> str:
    """For PDFs: an <img class="qr-code"> whose `alt` names the link and whose source is a
    PNG data URL with one pixel per module. Give it a size in CSS; `image-rendering:
    pixelated` (set here) keeps the modules' edges sharp at any size, in print and on screen."""
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=1, border=BORDER)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<img class="qr-code" src="{PNG_DATA_URL}{data}"'
        f' alt="{escape(_label(url), quote=True)}" style="image-rendering: pixelated">'
    )
