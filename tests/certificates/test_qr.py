import re

import segno
from django.utils.translation import gettext as _

from accounts.qr import qr_svg


def _modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules drawn by segno's single-path SVG (relative h/m moves, one row per y)."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    dark, x, y = set(), 0.0, 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                dark.add((int(x) + i, int(y - 0.5)))
            x += float(a)
    return dark


def test_svg_is_accessible_inline_markup():
    svg = qr_svg("http://testserver/verify/ABCD")
    assert svg.startswith("<svg ")
    assert 'role="img"' in svg
    label = _("QR code linking to %(url)s") % {"url": "http://testserver/verify/ABCD"}
    assert f'aria-label="{label}"' in svg
    assert "<title>" in svg
    assert "<?xml" not in svg


def test_svg_draws_the_qr_code_of_the_url():
    url = "http://testserver/verify/K7Q49XAB"
    svg = qr_svg(url)
    reference = segno.make(url, error="m")
    border = 2
    expected = {
        (col + border, row + border)
        for row, line in enumerate(reference.matrix)
        for col, value in enumerate(line)
        if value
    }
    assert _modules(svg) == expected


def test_label_is_escaped():
    svg = qr_svg('http://testserver/verify/"><script>')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_img_for_pdfs_has_one_pixel_per_module_and_names_the_link():
    import base64
    import io

    from PIL import Image

    from accounts.qr import BORDER, qr_img

    url = "http://testserver/verify/K7Q49XAB"
    img = qr_img(url)
    assert img.startswith('<img class="qr-code" src="data:image/png;base64,')
    assert f'alt="{_("QR code linking to %(url)s") % {"url": url}}"' in img
    assert "image-rendering: pixelated" in img
    data = re.search(r'src="data:image/png;base64,([^"]+)"', img).group(1)
    image = Image.open(io.BytesIO(base64.b64decode(data))).convert("L")
    matrix = segno.make(url, error="m").matrix
    assert image.size == (len(matrix) + 2 * BORDER,) * 2
    dark = {
        (x, y)
        for x in range(image.width)
        for y in range(image.height)
        if image.getpixel((x, y)) < 128
    }
    expected = {
        (col + BORDER, row + BORDER)
        for row, line in enumerate(matrix)
        for col, value in enumerate(line)
        if value
    }
    assert dark == expected


def test_img_alt_text_is_escaped():
    from accounts.qr import qr_img

    img = qr_img('http://testserver/verify/"><script>')
    assert "<script>" not in img
    assert "&lt;script&gt;" in img
