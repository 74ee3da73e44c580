"""Activating a school with a code: check the code, start a provisioning job, run it.

The job makes the whole school in ONE database transaction — take a spare schema,
rename it, register the school and its domain, create the first administrator's person
and membership, consume the code — so a worker killed at any point leaves nothing
half-made, and a retry of the same job starts again from a clean state.
"""

from __future__ import annotations

import logging
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from accounts.models import Account
from accounts.throttle import Throttle
from core.models import Person
from provisioning.codes import code_normalize
from provisioning.errors import ActivationError
from provisioning.models import ActivationCode, AuditEntry, ProvisioningJob
from provisioning.services import pool
from tenants.choices import Role
from tenants.models import Domain, School
from tenants.selectors import school_cache_clear
from tenants.services import membership_set, school_slug_validate

logger = logging.getLogger(__name__)

# Wrong codes: 10 per IP and 5 per code value in 15 minutes (the code has ~99 bits, so
# this is about not letting anyone even try, and about noticing someone who does).
IP_THROTTLE = Throttle("activation-ip", limit=10, window=15 * 60)
CODE_THROTTLE = Throttle("activation-code", limit=5, window=15 * 60)


def code_check(*, code_text: str, ip: str | None) -> ActivationCode:
    """The usable code a person typed, or ActivationError("code_invalid"/"code_throttled")."""
    code = code_normalize(code_text)
    if IP_THROTTLE.is_blocked(ip) or CODE_THROTTLE.is_blocked(code):
        raise ActivationError("code_throttled")
    found = ActivationCode.objects.filter(code=code).select_related("region", "municipality").first()
    if found is None or not found.is_usable:
        IP_THROTTLE.hit(ip)
        CODE_THROTTLE.hit(code)
        AuditEntry.objects.create(action="code.wrong_attempt", ip_address=ip or None,
                                  data={"code_prefix": code[:4]})
        raise ActivationError("code_invalid")
    return found


def school_details_validate(*, slug: str, tz: str) -> None:
    try:
        school_slug_validate(slug)
    except ValidationError as exc:
        raise ActivationError(exc.code or "slug_invalid") from exc
    if ProvisioningJob.objects.filter(slug=slug, status__in=["pending", "running"]).exists():
        raise ActivationError("slug_taken")
    if schema_exists(_schema_name(slug)):
        raise ActivationError("schema_exists")
    if tz not in zoneinfo.available_timezones():
        raise ActivationError("timezone_invalid")


def _schema_name(slug: str) -> str:
    return "school_" + slug.replace("-", "_")


@transaction.atomic
def activation_start(
    *,
    admin: Account,
    code: ActivationCode,
    slug: str,
    name: str,
    short_name: str,
    tz: str,
    address: str = "",
    ip: str | None = None,
) -> ProvisioningJob:
    """Claim the code for this activation and queue the job that makes the school."""
    school_details_validate(slug=slug, tz=tz)
    # A conditional UPDATE is the lock: of two people racing with one code, exactly one
    # changes the row; the other gets a clear message and nothing is created for them.
    claimed = ActivationCode.objects.filter(
        pk=code.pk, status=ActivationCode.Status.ACTIVE, expires_at__gt=timezone.now()
    ).update(status=ActivationCode.Status.RESERVED)
    if not claimed:
        raise ActivationError("code_taken")
    job = ProvisioningJob.objects.create(
        code=code, slug=slug, name=name, short_name=short_name, timezone=tz, address=address, admin=admin,
        log=[_log_line("Код принят, задание создано")],
    )
    AuditEntry.objects.create(actor=admin, action="code.claimed", region_id=code.region_id,
                              target_type="activation_code", target_id=str(code.pk),
                              data={"slug": slug, "job": str(job.pk)}, ip_address=ip)
    from provisioning.tasks.activation import provisioning_job_run_task

    transaction.on_commit(lambda: provisioning_job_run_task.delay(str(job.pk)))
    return job


def _log_line(text: str) -> dict[str, str]:
    return {"at": timezone.now().isoformat(timespec="milliseconds"), "text": text}


def _checkpoint(step: str) -> None:
    """A named point between the job's steps. Does nothing; tests patch it to simulate a
    worker killed exactly there."""


def provisioning_job_run(*, job_id: str) -> ProvisioningJob:
    """Run (or re-run) a job. Idempotent: a finished job is returned as it is."""
    connection.set_schema_to_public()
    with transaction.atomic():
        job = ProvisioningJob.objects.select_for_update().get(pk=job_id)
        if job.status in (ProvisioningJob.Status.SUCCEEDED, ProvisioningJob.Status.FAILED):
            return job
        job.status = ProvisioningJob.Status.RUNNING
        job.attempts += 1
        job.log = [*job.log, _log_line(f"Создаём школу (попытка {job.attempts})")]
        job.save(update_fields=["status", "attempts", "log", "updated_at"])

    if not pool.spare_count():
        # The pool ran dry (a burst of activations): make a spare now. Slower, still safe.
        pool.spare_create()

    try:
        with transaction.atomic():
            job = _make_school(job_id)
    except ActivationError as exc:
        # A mistake that retrying cannot fix (the address was taken meanwhile): give the
        # code back so the school can try again with another address.
        with transaction.atomic():
            job = ProvisioningJob.objects.select_for_update().get(pk=job_id)
            job.status = ProvisioningJob.Status.FAILED
            job.error = exc.code
            job.finished_at = timezone.now()
            job.log = [*job.log, _log_line(f"Ошибка: {exc.message}")]
            job.save()
            ActivationCode.objects.filter(pk=job.code_id, status=ActivationCode.Status.RESERVED).update(
                status=ActivationCode.Status.ACTIVE
            )
        return job
    finally:
        connection.set_schema_to_public()

    school_cache_clear(job.school)
    from provisioning.tasks.activation import spare_pool_fill_task

    spare_pool_fill_task.delay()
    return job


def _make_school(job_id: str) -> ProvisioningJob:
    """Everything that makes the school, inside the caller's transaction."""
    job = ProvisioningJob.objects.select_for_update().select_related("code", "admin").get(pk=job_id)
    code = ActivationCode.objects.select_for_update().get(pk=job.code_id)
    if code.status != ActivationCode.Status.RESERVED or code.school_id:
        raise ActivationError("code_taken")
    if School.objects.filter(slug=job.slug).exists():
        raise ActivationError("slug_taken")
    new_schema = _schema_name(job.slug)
    if schema_exists(new_schema):
        raise ActivationError("schema_exists")

    spare = pool.spare_take()
    if spare is None:
        spare = pool.spare_create()  # only if another activation took the one just made
    pool.schema_rename(old=spare.schema_name, new=new_schema)
    _checkpoint("renamed")

    School.objects.filter(pk=spare.pk).update(
        schema_name=new_schema, slug=job.slug, name=job.name, short_name=job.short_name,
        timezone=job.timezone, region_id=code.region_id, municipality_id=code.municipality_id,
        is_spare=False, is_active=True,
    )
    school = School.objects.get(pk=spare.pk)
    Domain.objects.create(domain=f"{job.slug}.{settings.BASE_DOMAIN}", tenant=school, is_primary=True)
    _checkpoint("registered")

    admin = job.admin
    with schema_context(new_schema):
        Person.objects.create(
            account_id=admin.pk, last_name=admin.last_name or "—", first_name=admin.first_name or "—",
            middle_name=admin.middle_name, email=admin.email or "", phone=admin.phone or "",
            roles=[Role.ADMIN], position="администратор",
        )
    membership_set(account_id=admin.pk, school=school, roles=[Role.ADMIN])
    _checkpoint("administrator")

    now = timezone.now()
    ActivationCode.objects.filter(pk=code.pk).update(status=ActivationCode.Status.USED, used_at=now, school=school)
    job.status = ProvisioningJob.Status.SUCCEEDED
    job.school = school
    job.finished_at = now
    job.log = [*job.log, _log_line("Школа создана"), _log_line(f"Адрес: {job.slug}.{settings.BASE_DOMAIN}")]
    job.save()
    AuditEntry.objects.create(actor=admin, action="school.activated", region_id=code.region_id,
                              target_type="school", target_id=str(school.pk), data={"slug": job.slug})
    return job
