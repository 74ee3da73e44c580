"""Reads of the schools registry shared by pages, middleware and the API."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from tenants.models import Coordinator, Domain, Membership, School

TENANT_CACHE_SECONDS = 300


def _host_key(hostname: str) -> str:
    return f"school-for-host:{hostname}"


def school_for_host(hostname: str) -> School:
    """The school (or the portal) a hostname reaches; cached, so a request costs no query.

    Raises Domain.DoesNotExist for an unknown hostname.
    """
    cache = caches["public"]
    key = _host_key(hostname)
    school = cache.get(key)
    if school is None:
        try:
            school = Domain.objects.select_related("tenant").get(domain=hostname).tenant
        except Domain.DoesNotExist:
            if hostname != settings.BASE_DOMAIN:
                raise
            from tenants.services import portal_ensure

            school = portal_ensure()
        if not school.is_active:
            raise Domain.DoesNotExist(hostname)
        cache.set(key, school, TENANT_CACHE_SECONDS)
    return school


def school_cache_clear(school: School) -> None:
    hostnames = list(Domain.objects.filter(tenant=school).values_list("domain", flat=True))
    caches["public"].delete_many([_host_key(h) for h in hostnames])


def _origin(host: str, request: HttpRequest | None) -> str:
    """Scheme, host and port: the request's when there is one (the user reached us that
    way), else the configured public ones (settings.NOTIFY_URL_SCHEME, PUBLIC_PORT) for
    links that leave the site in e-mails, SMS and tasks."""
    if request is not None:
        given = request.get_host()
        port = ":" + given.rsplit(":", 1)[1] if ":" in given else ""
        return f"{request.scheme}://{host}{port}"
    port = settings.PUBLIC_PORT
    return f"{settings.NOTIFY_URL_SCHEME}://{host}{f':{port}' if port else ''}"


def school_host(school: School) -> str:
    return settings.BASE_DOMAIN if school.is_portal else f"{school.slug}.{settings.BASE_DOMAIN}"


def school_url(school: School, *, request: HttpRequest | None = None, path: str = "/") -> str:
    return _origin(school_host(school), request) + path


def portal_url(*, request: HttpRequest | None = None, path: str = "/") -> str:
    return _origin(settings.BASE_DOMAIN, request) + path


def memberships_for(account_id: int) -> list[Membership]:
    """The schools an account may open, with its roles in each; one query."""
    return list(
        Membership.objects.filter(account_id=account_id, is_active=True, school__is_active=True)
        .select_related("school")
        .order_by("school__short_name")
    )


def membership_in(account_id: int, school: School) -> Membership | None:
    return Membership.objects.filter(account_id=account_id, school=school, is_active=True).first()


def regions_coordinated_by(account_id: int) -> list[int]:
    return list(Coordinator.objects.filter(account_id=account_id).values_list("region_id", flat=True))


def current_school() -> School:
    """The school whose schema the connection is in (a request's tenant or a task's)."""
    from django.db import connection

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, School):
        return tenant
    return School.objects.get(schema_name=connection.schema_name)
