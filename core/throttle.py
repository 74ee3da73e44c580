"""Brute-force brakes for invitation codes, per client address, in the "public" cache.

The public alias is not keyed by school: a guesser on the portal is the same guesser
whichever school their guesses would open.
"""

from __future__ import annotations

from django.core.cache import caches
from django.http import HttpRequest

INVITE_ATTEMPTS = 10
INVITE_WINDOW_SECONDS = 15 * 60


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as django-axes sees it (same proxy settings for both brakes)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def _key(ip: str | None) -> str:
    return f"invite-failures:{ip or 'unknown'}"


def invite_blocked(ip: str | None) -> bool:
    return caches["public"].get(_key(ip), 0) >= INVITE_ATTEMPTS


def invite_failed(ip: str | None) -> int:
    """Count a wrong code; the window starts at the first failure and lasts 15 minutes."""
    cache = caches["public"]
    key = _key(ip)
    if cache.add(key, 1, INVITE_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, INVITE_WINDOW_SECONDS)
        return 1
