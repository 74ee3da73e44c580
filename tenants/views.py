"""The public portal's pages."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from provisioning.selectors import new_requests_count
from tenants.models import School
from tenants.selectors import regions_coordinated_by, school_host


def portal_home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        region_ids = regions_coordinated_by(request.user.pk)
        if region_ids:
            schools = (
                School.objects.filter(region_id__in=region_ids)
                .exclude(schema_name="public")
                .select_related("region", "municipality")
                .annotate(member_count=Count("memberships"))
                .order_by("short_name")
            )
            context["region_schools"] = [{"school": s, "host": school_host(s)} for s in schools]
            context["new_requests"] = new_requests_count(region_ids)
    return render(request, "tenants/portal_home.html", context)
