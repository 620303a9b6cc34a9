"""Downloads: a file's name is in the reader's language, as the page that offers it is (a Polish
manager saves "naklejka-na-okno-5.pdf", not "raamsticker-5.pdf")."""

from typing import TypeVar

from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

Response = TypeVar("Response", bound=HttpResponseBase)


def attachment(response: Response, filename: str) -> Response:
    """Mark `response` as a download named `filename` (any characters: the header carries an
    ASCII name and the exact one, RFC 6266). Nothing stores it on the way or in the browser's
    cache: most downloads hold personal data (names on certificates, staff lists, exports)."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def file_name(stem: str, *parts: object, suffix: str) -> str:
    """`stem-part-part.suffix`, e.g. file_name(pgettext("file name", "window-sticker"), 5,
    suffix="pdf") is "naklejka-na-okno-5.pdf" in Polish."""
    return "-".join(str(part) for part in (stem, *parts)) + f".{suffix}"
