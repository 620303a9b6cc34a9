"""Reads a PDF's structure tree with pypdf: what a screen reader gets (ADR 0020)."""

import io
from dataclasses import dataclass, field

import pypdf


@dataclass
class PdfStructure:
    lang: str | None
    #: structure types in document order (/Document, /H1, /P, /Table, /Figure, ...)
    types: list[str] = field(default_factory=list)
    #: the alternative text of every /Figure (None when a figure has none)
    figure_alts: list[str | None] = field(default_factory=list)


def pdf_structure(content: bytes) -> PdfStructure:
    """The document's /Lang and its structure tree; fails when there is no tree."""
    root = pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"]
    assert "/StructTreeRoot" in root, "the PDF is not tagged (no structure tree)"
    lang = root.get("/Lang")
    result = PdfStructure(lang=str(lang) if lang is not None else None)

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child)
            return
        if not isinstance(node, pypdf.generic.DictionaryObject):
            return
        kind = node.get("/S")
        if kind is not None:
            result.types.append(str(kind))
            if kind == "/Figure":
                alt = node.get("/Alt")
                result.figure_alts.append(str(alt) if alt is not None else None)
        kids = node.get("/K")
        if kids is not None:
            walk(kids)

    walk(root["/StructTreeRoot"])
    return result


#: a word's box as poppler gives it: x_min, y_min, x_max, y_max (points from the top left), text
Box = tuple[float, float, float, float, str]


def _pages_of_words(content: bytes) -> list[tuple[float, float, list[Box]]]:
    """Each page's width, height and word boxes, from poppler's `pdftotext -bbox`."""
    import re
    import subprocess

    html = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return [
        (
            float(width),
            float(height),
            [
                (float(x_min), float(y_min), float(x_max), float(y_max), word)
                for x_min, y_min, x_max, y_max, word in re.findall(
                    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" '
                    r'yMax="([\d.-]+)">(.*?)</word>',
                    words,
                )
            ],
        )
        for width, height, words in re.findall(
            r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S
        )
    ]


def words_off_the_page(content: bytes, *, margin: float = 0.0) -> list[str]:
    """Words that poppler's `pdftotext -bbox` places (partly) outside their page, or closer
    than `margin` points to its left or right edge: a table wider than the page is cut off in
    every viewer, though its text is still in the file."""
    return [
        f"page {number}: {word!r} at x {x_min}–{x_max} of {width}"
        for number, (width, height, boxes) in enumerate(_pages_of_words(content), 1)
        for x_min, y_min, x_max, y_max, word in boxes
        if x_min < margin or y_min < 0 or x_max > width - margin or y_max > height
    ]


def overlapping_words(content: bytes, *, tolerance: float = 0.5) -> list[str]:
    """Pairs of words that poppler's `pdftotext -bbox` places over each other on a page (by more
    than `tolerance` points both ways): e.g. a chart's axis title drawn across its tick labels,
    when the chart was laid out for a narrower font than the PDF draws it in."""
    from itertools import combinations

    problems = []
    for number, (_width, _height, boxes) in enumerate(_pages_of_words(content), 1):
        for first, second in combinations(boxes, 2):
            across = min(first[2], second[2]) - max(first[0], second[0])
            down = min(first[3], second[3]) - max(first[1], second[1])
            if across > tolerance and down > tolerance:
                problems.append(f"page {number}: {first[4]!r} over {second[4]!r}")
    return problems


def last_lines(content: bytes) -> list[str]:
    """The last line of text of each page but the last (poppler's `pdftotext -layout`), without
    a page-number footer such as "3 / 15": what a reader sees at the foot of each page."""
    import re
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    lines = []
    for page in text.split("\f")[:-1]:
        rows = [row.strip() for row in page.splitlines() if row.strip()]
        if rows and re.fullmatch(r"\d+ / \d+", rows[-1]):
            rows.pop()
        lines.append(rows[-1] if rows else "")
    return lines
