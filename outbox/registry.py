"""Handlers of outbox kinds, registered by the apps that own the work (in AppConfig.ready), so
the outbox knows no app above it. A handler takes the row's payload as keyword arguments and
must be idempotent: it may run twice (a redelivered message, the relay, a retry)."""

from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]
_handlers: dict[str, Handler] = {}
_labels: dict[str, Any] = {}


def register(kind: str, handler: Handler, label: Any = None) -> Handler:
    """Register `handler` for `kind` (idempotent for the same function); `label`, a lazily
    translated name of the work, is what the stuck-work page shows."""
    existing = _handlers.get(kind)
    if existing is not None and existing is not handler:
        raise ValueError(f"outbox kind {kind!r} already has a handler")
    _handlers[kind] = handler
    if label is not None:
        _labels[kind] = label
    return handler


def label_for(kind: str) -> str:
    """The registered name of `kind`'s work in the active language (the kind itself when it
    has none)."""
    return str(_labels.get(kind, kind))


def handler_for(kind: str) -> Handler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"no outbox handler for {kind!r}") from None


def kinds() -> list[str]:
    return sorted(_handlers)
