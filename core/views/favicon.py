"""/favicon.ico for browsers that ask for it whatever the page links: a redirect to the
SVG icon in static/, open to everyone (the URLconfs list it before any signed-in page and
the membership middleware lets it through)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(static("favicon.svg"))
