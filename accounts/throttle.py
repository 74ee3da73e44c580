"""A fixed-window attempt counter in the shared cache, for guessable secrets typed by
people (activation and invitation codes, public forms). The "public" cache alias is not
keyed by school, so one visitor's attempts are counted across all schools."""

from __future__ import annotations

from django.core.cache import caches
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as django-axes sees it, so every brake agrees on who is who
    (X-Forwarded-For is trusted only as far as axes' proxy settings say)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


class Throttle:
    """At most `limit` failures per `window` seconds for each key (an IP, a code...)."""

    def __init__(self, scope: str, *, limit: int, window: int):
        self.scope = scope
        self.limit = limit
        self.window = window

    def _key(self, key: str | None) -> str:
        return f"throttle:{self.scope}:{key or 'unknown'}"

    def is_blocked(self, key: str | None) -> bool:
        return (caches["public"].get(self._key(key)) or 0) >= self.limit

    def hit(self, key: str | None) -> int:
        cache = caches["public"]
        full_key = self._key(key)
        cache.add(full_key, 0, self.window)  # starts the window only on the first failure
        try:
            return cache.incr(full_key)
        except ValueError:  # expired between add and incr
            cache.set(full_key, 1, self.window)
            return 1

    def reset(self, key: str | None) -> None:
        caches["public"].delete(self._key(key))
