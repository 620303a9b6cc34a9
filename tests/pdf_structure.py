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
