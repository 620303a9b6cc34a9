"""Public verification: one lookup for every kind of certificate behind /verify/<code>.

Personal certificates are looked up first; apps to the left (organisations) register their own
lookup here, so this app never imports them."""

from collections.abc import Callable
from typing import Any

from accounts.rate_limits import FixedWindow, client_address

from .codes import MAX_RAW_LENGTH, code_display, code_normalise

#: Verification look-ups allowed per client address per clock minute, counted separately for
#: the HTML page and the JSON API: enough for a person or a front desk, too few to enumerate
#: codes. Fixed windows (accounts.rate_limits) behave the same on every cache backend.
RATE_LIMITS = {
    "page": FixedWindow("certificate-verify-page", default_limit=30, default_seconds=60),
    "api": FixedWindow("certificate-verify-api", default_limit=30, default_seconds=60),
}

__all__ = ["code_display", "lookup", "rate_limit_exceeded", "register_lookup"]

Lookup = Callable[[str], Any]
_lookups: list[Lookup] = []


def register_lookup(fn: Lookup) -> Lookup:
    """Register `fn(code_normalised) -> result | None`. Idempotent; usable as a decorator."""
    if fn not in _lookups:
        _lookups.append(fn)
    return fn


def lookup(code: str) -> Any | None:
    """The verification result for a raw code (any case, with or without separators), or None.

    A personal certificate gives a dict with kind="personal" (see
    selectors.certificate_verification); registered lookups give their own result."""
    from . import selectors

    if not code or len(code) > MAX_RAW_LENGTH:
        return None
    normalised = code_normalise(code)
    if not normalised:
        return None
    result = selectors.certificate_verification(code=normalised)
    if result is not None:
        return result
    for fn in _lookups:
        result = fn(normalised)
        if result is not None:
            return result
    return None


def rate_limit_exceeded(request, *, channel: str) -> bool:
    """Count one look-up for the client's address on `channel` ("page" or "api"); True once it
    is over the limit in this clock minute. The page and the API count separately, so a
    browser's look-ups do not use up an integration's (and the other way round). The codes are
    140-bit random values, so this limit guards no secret: while the store is down it lets
    look-ups through (fail open, ADR 0019)."""
    window = RATE_LIMITS[channel]
    return window.hit(client_address(request)) > window.limit
