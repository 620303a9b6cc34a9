"""Types every API router shares, so the OpenAPI schema tells the truth (ADR 0018).

- ``BodyIn``: the base of every JSON request body (an object, no undocumented fields).
- ``ErrorOut``: the one error body (config/api_errors.py produces it for every refusal).
- ``responses(ok, *codes)``: an operation's success schema plus the error statuses it really
  answers; ``AUTHENTICATED`` and ``WITH_BODY`` are the statuses every such operation can give.
- ``PlainStr``: a string without NUL, control or bidirectional-control characters
  (accounts.plain_text), declared as a ``pattern`` so the framework refuses it (422) before
  any query and a fuzzer knows it.
- ``Id64``: a database id (1 … 2⁶³−1); ``Page``: a page number (1 … ``MAX_PAGE``).
- ``id_from_text``: the same rule for an id typed into a form field or an address.
"""

from enum import StrEnum
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from .plain_text import PLAIN_TEXT_PATTERN
from .taxonomy import SECTORS

__all__ = [
    "AUTHENTICATED",
    "MAX_ID",
    "MAX_PAGE",
    "PLAIN_TEXT_PATTERN",
    "WITH_BODY",
    "BodyIn",
    "ErrorOut",
    "Id64",
    "Page",
    "PlainStr",
    "SectorCode",
    "id_from_text",
    "responses",
]

#: The largest value a PostgreSQL bigint (and SQLite INTEGER) holds.
MAX_ID = 2**63 - 1
#: Deep enough for every list (2 million rows at the largest page size), small enough that
#: `(page - 1) * page_size` is far from any integer limit.
MAX_PAGE = 10_000


def id_from_text(text: object) -> int | None:
    """The database id (1 … MAX_ID) that `text` spells in digits, or None: a form value or an
    address that is no id (hand-edited, or too large for the database) finds no row rather
    than crashing the query."""
    text = str(text)
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


PlainStr = Annotated[str, StringConstraints(pattern=PLAIN_TEXT_PATTERN)]
Id64 = Annotated[int, Field(ge=1, le=MAX_ID)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]

#: The sector codes of the seed list (accounts.taxonomy.SECTORS), fixed when the module is
#: imported: the API's sector codes are part of its contract (ADR 0018), so a new sector is
#: added to that list (and its row seeded), not only in the admin.
SectorCode = StrEnum("SectorCode", [(code, code) for code, _nl, _en in SECTORS])  # type: ignore[misc]


class ErrorOut(Schema):
    """The API's one error format (see config/api_errors.py and docs/api.md): `detail` and
    `code` always; the other keys only when they have a value (never null)."""

    detail: str = Field(description="a sentence for the person, in the request's language")
    code: str = Field(description="a stable machine code (docs/api.md, Errors)")
    details: dict | None = Field(
        None, description="other data of the refusal, e.g. available_at; left out when none"
    )
    errors: list[dict] | None = Field(
        None, description="what did not fit the schema, or a rejected import's rows"
    )
    fields: dict | None = Field(None, description="a model validation's messages per field")
    error_id: str | None = Field(None, description="a 500: the id under which it was logged")


class BodyIn(Schema):
    """A JSON request body: an object with the documented fields and no others. (Without
    `extra="forbid"` django-ninja's Schema reads attributes from anything, so `[null, null]`
    passed as an empty object.)"""

    model_config = ConfigDict(extra="forbid")


#: Any operation behind a login: 401 (no login), 403 (CSRF, or not allowed), 429 (wrong tokens),
#: 503 (a token cannot be checked while its rate-limit store is down: accounts.api_auth).
AUTHENTICATED = (401, 403, 429, 503)
#: Any operation with a JSON body: 400 (not JSON), 413 (too large), 422 (does not fit).
WITH_BODY = (400, 413, 422)


def responses(ok: dict[int, Any], *codes: int | tuple[int, ...]) -> dict[int, Any]:
    """``{200: Out}`` plus ``ErrorOut`` for each status in `codes` (ints or tuples of ints)."""
    result = dict(ok)
    for code in codes:
        for status in code if isinstance(code, tuple) else (code,):
            result[status] = ErrorOut
    return result
