"""Request plumbing: health probes before any tenant lookup, Russian unless the user chose
otherwise, and the membership check that keeps each school's pages to its own members."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core.selectors import person_for_account
from tenants.selectors import membership_in, memberships_for, school_url

# Pages of a school that an anonymous visitor may open.
_ANONYMOUS_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/", "/timetable/feed/", "/favicon.ico")
_migrations_checked = False


def _migrations_applied() -> bool:
    global _migrations_checked
    if _migrations_checked:  # once true it stays true for this process
        return True
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _migrations_checked = not plan
    return _migrations_checked


class RussianByDefaultMiddleware:
    """Parta speaks Russian unless the user chose otherwise with the language switch.

    Django's LocaleMiddleware (which must come right after this one) takes the language
    from the switch's cookie, else from the browser's Accept-Language, else LANGUAGE_CODE.
    A school's staff, pupils and parents use whatever browser they have, often an English
    one, and the product is Russian by default. So the header is dropped: the cookie
    (/i18n/setlang/) decides, else settings.LANGUAGE_CODE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before the hostname is looked at, so probes work on
    any address (a load balancer calls 10.0.0.5:8000/readyz, not a school's name)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            return self.readiness()
        return self.get_response(request)

    @staticmethod
    def readiness() -> HttpResponse:
        checks: dict[str, str] = {}
        try:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 — any failure means not ready
            checks["database"] = f"error: {exc.__class__.__name__}"
            return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
        try:
            checks["migrations"] = "ok" if _migrations_applied() else "pending"
        except Exception as exc:  # noqa: BLE001
            checks["migrations"] = f"error: {exc.__class__.__name__}"
        ready = all(v == "ok" for v in checks.values())
        status = "ok" if ready else "unavailable"
        return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)


class SchoolMembershipMiddleware:
    """On a school's subdomain: anonymous visitors go to sign in; signed-in accounts
    without a membership get a 403 page listing the schools they can open; members get
    `request.membership` and `request.person` (their person in this school)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        request.person = None
        school = getattr(request, "tenant", None)
        if school is None or school.is_portal:
            return self.get_response(request)
        if request.path.startswith(_ANONYMOUS_PREFIXES) or request.path.startswith(settings.STATIC_URL):
            if request.user.is_authenticated:
                self._attach(request, school)
            return self.get_response(request)
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
        if not self._attach(request, school):
            return self.forbidden(request)
        return self.get_response(request)

    @staticmethod
    def _attach(request: HttpRequest, school) -> bool:
        membership = membership_in(request.user.pk, school)
        if membership is None:
            return False
        person = person_for_account(request.user.pk)
        if person is None:
            return False
        request.membership = membership
        request.person = person
        return True

    @staticmethod
    def forbidden(request: HttpRequest) -> HttpResponse:
        schools = [
            {"school": m.school, "url": school_url(m.school, request=request)}
            for m in memberships_for(request.user.pk)
        ]
        return render(request, "errors/not_a_member.html", {"schools": schools}, status=403)
