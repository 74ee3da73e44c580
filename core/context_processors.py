"""What every page's header needs: the school, the navigation, the school switcher."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import Notification
from core.navigation import nav_for
from tenants.selectors import memberships_for, portal_url, regions_coordinated_by, school_url


def school(request: HttpRequest) -> dict[str, object]:
    tenant = getattr(request, "tenant", None)
    context: dict[str, object] = {
        "current_school": None if tenant is None or tenant.is_portal else tenant,
        "portal_url": portal_url(request=request),
        "nav_items": nav_for(request),
        "switcher": [],
        "is_coordinator": False,
        "unread_notifications": None,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["switcher"] = [
            {
                "school": m.school,
                "url": school_url(m.school, request=request),
                "current": tenant is not None and m.school_id == tenant.pk,
                "roles": m.get_roles_display(),
            }
            for m in memberships_for(user.pk)
        ]
        if getattr(request, "person", None) is not None and tenant is not None and not tenant.is_portal:
            # One COUNT on the inbox index; public rows, read from the school's schema.
            context["unread_notifications"] = Notification.objects.filter(
                account_id=user.pk, school_id=tenant.pk, read_at__isnull=True).count()
        if tenant is not None and tenant.is_portal:
            context["is_coordinator"] = bool(regions_coordinated_by(user.pk))
    return context
