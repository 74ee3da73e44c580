"""What every school page of this app shares: one permission gate."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

from core.errors import NotFoundForActor
from core.rules import can


def require(action: str) -> Callable:
    """Answer 404 — not 403 — to a member who may not do `action`: a page they cannot use
    does not exist for them (the same answer as for a wrong id)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not can(request.person, action):
                raise NotFoundForActor
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
