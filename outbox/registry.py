"""Handlers of outbox kinds, registered by the apps that own the work (in AppConfig.ready), so
the outbox knows no app above it. A handler takes the row's payload as keyword arguments and
must be idempotent: it may run twice (a redelivered message, the relay, a retry)."""

from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]
_handlers: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> Handler:
    """Register `handler` for `kind` (idempotent for the same function)."""
    existing = _handlers.get(kind)
    if existing is not None and existing is not handler:
        raise ValueError(f"outbox kind {kind!r} already has a handler")
    _handlers[kind] = handler
    return handler


def handler_for(kind: str) -> Handler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"no outbox handler for {kind!r}") from None


def kinds() -> list[str]:
    return sorted(_handlers)
