"""Which school a request is for, from its hostname."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tenants.middleware.main import TenantMainMiddleware

from config.sentry import tag_school
from tenants.selectors import portal_url, school_for_host


class SchoolTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware with a cached lookup (no query per request) and a
    friendly page for unknown subdomains."""

    def get_tenant(self, domain_model, hostname):
        return school_for_host(hostname)

    def process_request(self, request):
        response = super().process_request(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None and settings.SENTRY_DSN:
            tag_school(tenant.schema_name)
        # "Today" and shown times are the school's own (Russia spans eleven zones): every
        # timezone.localdate()/localtime() and template date in this request uses its zone.
        zone = getattr(tenant, "timezone", "")
        if zone:
            timezone.activate(ZoneInfo(zone))
        else:
            timezone.deactivate()
        return response

    def no_tenant_found(self, request, hostname):
        # LocaleMiddleware has not run yet: pick the visitor's language here.
        with translation.override(translation.get_language_from_request(request)):
            context = {
                "hostname": hostname,
                "LANGUAGE_CODE": translation.get_language(),
                "portal_url": portal_url(request=request),
            }
            html = render_to_string("errors/unknown_school.html", context)
        return HttpResponseNotFound(html)
