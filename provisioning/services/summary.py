"""The regional dashboard's figures: one SchoolSummary row per school, in the PUBLIC
schema, written by a periodic task so that the dashboard never has to enter thousands
of school schemas while a coordinator waits.

Role dictionaries (`accounts_by_role`, `people_by_role`) hold a count per role
(admin, director, deputy, teacher, student, parent) plus two totals that cannot be
summed from the roles because one person may hold several: "staff" (any staff role)
and "total" (everyone)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.models import Account
from core.models import Person, SchoolSettings
from provisioning.models import SchoolSummary
from provisioning.services.codes import audit_record
from tenants.choices import STAFF_ROLES, Role
from tenants.models import Membership, School

logger = logging.getLogger(__name__)

ACTIVITY_DAYS = 7
REFRESH_COOLDOWN = 60  # seconds between two "refresh now" clicks of a region


def _role_aggregates(**extra: Count) -> dict[str, Count]:
    return {
        **{role: Count("pk", filter=Q(roles__contains=[role])) for role in Role.values},
        "staff": Count("pk", filter=Q(roles__overlap=sorted(STAFF_ROLES))),
        "total": Count("pk"),
        **extra,
    }


def _teachers_marking_since(since: datetime) -> int:
    """Teachers who recorded marks since `since`, in the current school's schema.

    The gradebook has no marks yet, so this is 0. When gradebook marks exist, count the
    distinct teachers (`Person`) who gave a mark with `created_at >= since` here."""
    return 0


def _is_configured() -> bool:
    """Whether the school has finished its setup wizard (in the current school's schema)."""
    return SchoolSettings.objects.filter(setup_completed_at__isnull=False).exists()


def school_summary_refresh(*, school: School) -> SchoolSummary:
    """Recompute one school's figures and write its summary row (idempotent)."""
    now = timezone.now()
    since = now - timedelta(days=ACTIVITY_DAYS)

    # Public schema: memberships whose account has ever signed in ("activated"). An
    # account's last sign-in is platform-wide, so a parent of children in two schools
    # who signed in counts in both: both schools' parents are using Parta.
    accounts = Membership.objects.filter(
        school=school, is_active=True, account__is_active=True, account__last_login__isnull=False
    ).aggregate(
        **_role_aggregates(
            parents_7d=Count("pk", filter=Q(roles__contains=[Role.PARENT], account__last_login__gte=since))
        )
    )
    parents_7d = accounts.pop("parents_7d")

    with schema_context(school.schema_name):
        people = Person.objects.filter(is_active=True).aggregate(**_role_aggregates())
        configured = _is_configured()
        teachers_marking = _teachers_marking_since(since)

    # The summary lives in the public schema; say so even if a caller is inside a school.
    with schema_context(get_public_schema_name()):
        summary, _created = SchoolSummary.objects.update_or_create(
            school=school,
            defaults={
                "is_configured": configured,
                "accounts_by_role": accounts,
                "people_by_role": people,
                "teachers_marking_7d": teachers_marking,
                "parents_signed_in_7d": parents_7d,
                "computed_at": now,
            },
        )
    return summary


def summary_schools(region_ids: Iterable[int] | None = None) -> QuerySet[School]:
    """The schools that get a summary: active, real (not a spare schema waiting in the
    pool), not the portal."""
    schools = School.objects.filter(is_active=True, is_spare=False).exclude(
        schema_name=settings.PUBLIC_SCHEMA_NAME
    )
    if region_ids is not None:
        schools = schools.filter(region_id__in=list(region_ids))
    return schools.order_by("pk")


def school_summaries_refresh(*, region_ids: Iterable[int] | None = None) -> int:
    """Refresh every school's summary (or those of some regions); returns how many were
    written. One broken school is logged and skipped, not a reason to stop the rest."""
    written = 0
    for school in summary_schools(region_ids):
        try:
            # A savepoint per school: a failed school must not abort the caller's
            # transaction for the schools after it.
            with transaction.atomic():
                school_summary_refresh(school=school)
        except Exception:  # report it and go on with the next school
            logger.exception("summary refresh failed for school %s", school.schema_name)
        else:
            written += 1
    return written


def summaries_refresh_queue(*, actor: Account, region_ids: list[int], ip: str | None = None) -> bool:
    """The coordinator's "refresh now": queue a refresh of the actor's regions (runs at
    once where Celery is eager, as in development). Returns False when the same regions
    were refreshed less than REFRESH_COOLDOWN seconds ago: each click visits every school."""
    from provisioning.tasks.summary import school_summaries_refresh_task

    region_ids = sorted(region_ids)
    key = "summary-refresh:" + ",".join(map(str, region_ids))
    if not region_ids or not caches["public"].add(key, 1, REFRESH_COOLDOWN):
        return False
    with transaction.atomic():
        for region_id in region_ids:
            audit_record(actor=actor, action="dashboard.refresh", region=region_id, ip=ip)
        transaction.on_commit(lambda: school_summaries_refresh_task.delay(region_ids=region_ids))
    return True


def dashboard_export_record(*, actor: Account, region_ids: list[int], rows: int, ip: str | None = None) -> None:
    """Note in each region's audit log that its dashboard left the system as a file."""
    with transaction.atomic():
        for region_id in region_ids:
            audit_record(actor=actor, action="dashboard.export", region=region_id, data={"rows": rows}, ip=ip)
