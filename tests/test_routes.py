"""Generated over EVERY route of a school's URLconf (not hand-picked): anonymous visitors
are sent to sign in, members of another school are refused, and ids that are not in this
school's schema answer 404."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import client_for

# Routes that are public on purpose: sign-in pages, language switch, the API's schema/docs,
# calendar feeds (the secret token in the URL is the credential; unknown tokens get 404),
# and the favicon (a redirect to the static icon).
PUBLIC_PREFIXES = ("accounts/", "i18n/", "api/schema/", "api/docs/", "api/redoc/", "timetable/feed/<",
                   "favicon.ico")


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_routes(entry, pattern))
        elif isinstance(entry, URLPattern):
            found.append(pattern)
    return found


ROUTES = sorted({r for r in _routes(get_resolver("config.urls_school")) if not r.startswith(PUBLIC_PREFIXES)})
MISSING_ID = "987654"


def _path(route: str) -> str:
    path = re.sub(r"<(?:int:)?\w+>", MISSING_ID, route.lstrip("^").rstrip("$"))
    return "/" + path


def test_the_walk_finds_the_routes():
    assert "classes/<int:class_id>/" in ROUTES
    assert "api/v1/me/" in ROUTES
    assert len(ROUTES) >= 10


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_is_sent_to_sign_in_or_refused(route, school1):
    response = client_for(school1.host).get(_path(route))
    if route.startswith("api/"):
        assert response.status_code in (401, 403), route
    else:
        assert response.status_code == 302, route
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("route", ROUTES)
def test_member_of_another_school_is_refused(route, school1, school2):
    response = client_for(school1.host, school2.admin).get(_path(route))
    assert response.status_code == 403, route


@pytest.mark.parametrize("route", [r for r in ROUTES if "<" in r])
def test_ids_outside_the_school_are_404_even_for_its_administrator(route, school1):
    client = client_for(school1.host, school1.admin)
    response = client.get(_path(route))
    if response.status_code == 405:  # a POST-only action: the id must be refused there
        response = client.post(_path(route))
    assert response.status_code == 404, route


@pytest.mark.parametrize("host", ["parta.localhost", "school1.parta.localhost"])
def test_favicon_ico_redirects_to_the_svg_icon_for_everyone(host, school1, school2):
    for account in (None, school1.student, school2.admin):
        response = client_for(host, account).get("/favicon.ico")
        assert response.status_code == 301, (host, account)
        assert response["Location"] == "/static/favicon.svg"
    icon = client_for(host).get("/static/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)
    page = client_for(host, None if host.startswith("parta") else school1.admin).get("/")
    assert '<link rel="icon" href="/static/favicon.svg"' in page.content.decode()
