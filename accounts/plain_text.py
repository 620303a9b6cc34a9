"""Which characters people may type: one rule for the API schemas and the site's forms (ADR 0018).

Refused anywhere in a value: NUL (PostgreSQL cannot store it), the other C0 and C1 control
characters except tab, line feed and carriage return, and the invisible bidirectional controls
(LRM/RLM, ALM, embeddings, overrides, isolates) that make a name or an address display as
something else (e.g. on a certificate). Letters of right-to-left scripts are ordinary letters
and stay welcome."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: The refused characters as a regular-expression class (Python, ECMA-262 and Rust syntax alike,
#: so the same text serves the OpenAPI schema, pydantic and hypothesis/schemathesis).
FORBIDDEN_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"

#: A whole value without a refused character (the OpenAPI `pattern` of every string).
PLAIN_TEXT_PATTERN = rf"^[^{FORBIDDEN_CLASS}]*$"

_FORBIDDEN = re.compile(f"[{FORBIDDEN_CLASS}]")

MESSAGE = _(
    "Remove the control or text-direction characters (e.g. copied along from another "
    "program): they are not allowed."
)


def has_forbidden_characters(value: str) -> bool:
    return _FORBIDDEN.search(value) is not None


def validate_plain_text(value: str) -> None:
    """Django validator: refuse control and bidirectional-control characters."""
    if isinstance(value, str) and has_forbidden_characters(value):
        raise ValidationError(MESSAGE, code="forbidden_characters")
