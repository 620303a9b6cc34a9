"""Where a person goes after confirming their e-mail address when the confirmation does not
carry a `next` address itself (the link was opened in another browser than the sign-up).
Apps above accounts register a lookup (organisations: "the course of the establishment you
signed up to join"); accounts itself knows nothing of them (ADR 0004, ADR 0016)."""

from collections.abc import Callable
from typing import Any

Destination = Callable[[Any], str | None]
_destinations: list[Destination] = []


def register(fn: Destination) -> Destination:
    """Register `fn(user) -> path or None`. Idempotent."""
    if fn not in _destinations:
        _destinations.append(fn)
    return fn


def after_email_confirmation(user) -> str | None:
    """The first registered destination for `user`, or None."""
    for fn in _destinations:
        url = fn(user)
        if url:
            return url
    return None
