"""Writes to the schools registry."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tenants.models import Domain, Membership, Municipality, Region, School
from tenants.selectors import school_cache_clear

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$")


def portal_ensure() -> School:
    """The public schema's row and the portal's domain (idempotent)."""
    with transaction.atomic():
        portal, _created = School.objects.get_or_create(
            schema_name=settings.PUBLIC_SCHEMA_NAME,
            defaults={"slug": "portal", "name": "Parta", "short_name": "Parta"},
        )
        Domain.objects.get_or_create(domain=settings.BASE_DOMAIN, defaults={"tenant": portal, "is_primary": True})
    return portal


def school_slug_validate(slug: str) -> None:
    if not SLUG_RE.match(slug or ""):
        raise ValidationError(
            _("Use 3–63 Latin letters, digits and hyphens, starting with a letter."), code="slug_invalid"
        )
    if slug in settings.RESERVED_SUBDOMAINS:
        raise ValidationError(_("This address is reserved."), code="slug_reserved")
    if School.objects.filter(slug=slug).exists():
        raise ValidationError(_("This address is already taken."), code="slug_taken")


def school_create(
    *,
    slug: str,
    name: str,
    short_name: str,
    timezone: str = "Europe/Moscow",
    region: Region | None = None,
    municipality: Municipality | None = None,
) -> School:
    """Create a school with its schema and subdomain.

    This runs the tenant migrations (seconds); instant provisioning from a template
    schema belongs to the activation issue and will replace the schema step.
    """
    school_slug_validate(slug)
    school = School(
        schema_name="school_" + slug.replace("-", "_"),
        slug=slug,
        name=name,
        short_name=short_name,
        timezone=timezone,
        region=region,
        municipality=municipality,
    )
    school.save(verbosity=0)  # creates and migrates the schema (django-tenants)
    Domain.objects.create(domain=f"{slug}.{settings.BASE_DOMAIN}", tenant=school, is_primary=True)
    school_cache_clear(school)
    return school


def membership_set(*, account_id: int, school: School, roles: Iterable[str]) -> Membership | None:
    """Make the public index say exactly these roles for the account in the school."""
    roles = sorted(set(roles))
    if not roles:
        Membership.objects.filter(account_id=account_id, school=school).update(is_active=False, roles=[])
        return None
    membership, _created = Membership.objects.update_or_create(
        account_id=account_id, school=school, defaults={"roles": roles, "is_active": True}
    )
    return membership
