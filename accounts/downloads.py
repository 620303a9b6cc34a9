"""Downloads: a file's name is in the reader's language, as the page that offers it is (a Polish
manager saves "naklejka-na-okno-5.pdf", not "raamsticker-5.pdf")."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """Mark `response` as a download named `filename` (any characters: the header carries an
    ASCII name and the exact one, RFC 6266)."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def file_name(stem: str, *parts: object, suffix: str) -> str:
    """`stem-part-part.suffix`, e.g. file_name(pgettext("file name", "window-sticker"), 5,
    suffix="pdf") is "naklejka-na-okno-5.pdf" in Polish."""
    return "-".join(str(part) for part in (stem, *parts)) + f".{suffix}"
