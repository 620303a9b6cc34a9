"""Fixed-window counters in the shared cache, the same on every cache backend. Why the key names
its window and what a window does while its store is down: ADR 0018 ("Rate limits") and
ADR 0019."""

import logging
import math
import socket
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import ngettext
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: The counter lives a little longer than its window, so a late read never sees a missing key.
_EXPIRY_MARGIN = 5


#: Seconds a client refused while the store is down is asked to wait before trying again (the
#: `Retry-After` of every such 503, on the site's pages and in the API): long enough for Redis to
#: come back after a restart, short enough that nobody gives up.
RETRY_AFTER_SECONDS = 60


class StoreUnavailable(Exception):
    """The counters cannot be read or written (Redis down) and the window guards a secret."""


def _store():
    """The "limits" cache: unlike "default" it raises while Redis is down (ADR 0019); without
    Redis it is the default cache."""
    return caches["limits"]


#: What the store raises while Redis is down: redis-py's errors, which django-redis re-raises
#: (with IGNORE_EXCEPTIONS off), and the bare socket timeout django-redis also catches. Anything
#: else is a bug and must not be mistaken for an outage.
STORE_ERRORS = (RedisError, socket.timeout)


def store_available() -> bool:
    """True when the counters can be read."""
    try:
        _store().get("rate-limit-store-check")
    except STORE_ERRORS as exc:
        logger.warning("rate-limit store unavailable: %s", type(exc).__name__)
        return False
    return True


@dataclass(frozen=True)
class FixedWindow:
    """At most `limit` hits per `seconds` (one window) per subject (e.g. a client address).

    ``guards_secret``: while the store is down, ``exceeded`` and ``hit`` raise
    ``StoreUnavailable`` (refuse: unlimited guesses of a token or password must not get
    through); otherwise they count nothing and let the request through.

    ``settings.RATE_LIMITS[name] = (limit, seconds)`` overrides the defaults (tests use long
    windows, so a count never straddles two windows)."""

    name: str
    default_limit: int
    default_seconds: int
    guards_secret: bool = False

    @property
    def limit(self) -> int:
        return self._configured()[0]

    @property
    def seconds(self) -> int:
        return self._configured()[1]

    def _configured(self) -> tuple[int, int]:
        override = getattr(settings, "RATE_LIMITS", {}).get(self.name)
        return tuple(override) if override else (self.default_limit, self.default_seconds)  # type: ignore[return-value]

    def _key(self, subject: str) -> str:
        window = int(time.time()) // self.seconds
        return f"rate:{self.name}:{self.seconds}:{window}:{subject}"

    def _store_down(self, exc: Exception) -> None:
        """The store failed: refuse (a window that guards a secret) or let through (log it)."""
        if self.guards_secret:
            raise StoreUnavailable(self.name) from exc
        logger.warning("rate limit %s not counted: %s", self.name, type(exc).__name__)

    def retry_after(self) -> int:
        """Seconds until this window ends (1 … `seconds`): when a refused subject may try again.
        Every subject's window ends at the same clock time, so no store is read."""
        return self.seconds - int(time.time()) % self.seconds

    def refusal(self, reason: str) -> tuple[str, int]:
        """A refused request's message and `Retry-After`: `reason` followed by "Try again in N
        minutes." (the rest of the window rounded up), in the active language. The window's rest
        is read once, so the words and the header always agree."""
        seconds = self.retry_after()
        minutes = max(1, math.ceil(seconds / 60))
        again = ngettext(
            "Try again in %(minutes)d minute.", "Try again in %(minutes)d minutes.", minutes
        ) % {"minutes": minutes}
        return f"{reason} {again}", seconds

    def count(self, subject: str) -> int:
        """Hits in the current window (0 while the store is down, unless it guards a secret)."""
        try:
            return int(_store().get(self._key(subject)) or 0)
        except STORE_ERRORS as exc:
            self._store_down(exc)
            return 0

    def exceeded(self, subject: str) -> bool:
        """The subject used up this window (without counting a hit)."""
        return self.count(subject) >= self.limit

    def hit(self, subject: str) -> int:
        """Count one hit; the number of hits in this window, this one included (0 while the
        store is down, unless it guards a secret)."""
        key, timeout = self._key(subject), self.seconds + _EXPIRY_MARGIN
        cache = _store()
        try:
            cache.add(key, 0, timeout)
            try:
                return int(cache.incr(key))
            except ValueError:  # evicted between add() and incr()
                cache.add(key, 1, timeout)
                return 1
        except STORE_ERRORS as exc:
            self._store_down(exc)
            return 0


def client_address(request) -> str:
    """The client's address (behind a proxy, REMOTE_ADDR must be set to it: docs/api.md)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


#: The allauth action each rate-limited account page counts (allauth.account.views).
ACCOUNT_PAGE_ACTIONS = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_set_password": "change_password",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
}
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _window_seconds(rate: str) -> int:
    """The window of one allauth rate: "20/m/ip" → 60, "5/300s/key" → 300, "1/3m/key" → 180."""
    duration = rate.strip().split("/")[1]
    return int(float(duration[:-1] or 1) * _DURATION_UNITS[duration[-1]])


def account_retry_after(url_name: str | None) -> int:
    """Seconds after which allauth's limit on the account page `url_name` lets the person try
    again, at the latest. allauth keeps a sliding log of hits and does not say when the oldest
    one leaves it, so this is the longest window of the page's action (of every action for a
    page not in ACCOUNT_PAGE_ACTIONS): never too early, at most one window too late."""
    from allauth.account import app_settings as allauth_settings

    configured: dict[str, str] = allauth_settings.RATE_LIMITS or {}
    action = ACCOUNT_PAGE_ACTIONS.get(url_name or "")
    rates = configured.get(action, "") if action else ",".join(filter(None, configured.values()))
    windows = [_window_seconds(rate) for rate in rates.split(",") if rate.strip()]
    return max(windows, default=RETRY_AFTER_SECONDS)
