"""Importing lists of staff, students and parents: check first, write on confirmation.

The upload is checked and the report stored with the file; nothing touches the school's
people until the administrator confirms. The confirmation re-reads the same bytes and checks
them again against the school as it is THEN (someone may have added people meanwhile), and
writes everything in one transaction with bulk inserts — or nothing at all.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import errors
from core.importing.plan import Plan, plan_build
from core.models import Enrollment, Guardianship, PeopleImport, Person, SchoolClass
from core.services.people import _require, _sync_membership

# Unconfirmed uploads hold personal data nobody asked to keep; they go after a day.
UNCONFIRMED_KEEP = timedelta(days=1)
_BATCH = 500


def people_import_check(*, actor: Person | None, kind: str, file_name: str, content: bytes) -> PeopleImport:
    """Check an uploaded file and keep it with its report; writes no people."""
    _require(actor, "people.import")
    plan = plan_build(kind=kind, file_name=file_name, content=content)
    PeopleImport.objects.filter(
        status__in=[PeopleImport.Status.CHECKED, PeopleImport.Status.REJECTED],
        created_at__lt=timezone.now() - UNCONFIRMED_KEEP,
    ).delete()
    return PeopleImport.objects.create(
        kind=kind,
        status=PeopleImport.Status.CHECKED if plan.ok else PeopleImport.Status.REJECTED,
        file_name=file_name[:255],
        content=content if plan.ok else b"",
        content_sha256=hashlib.sha256(content).hexdigest(),
        report=plan.report(),
        created_by=actor,
    )


@transaction.atomic
def people_import_apply(*, actor: Person | None, people_import: PeopleImport) -> PeopleImport:
    """Write a checked import, all or nothing. Returns the import with its new status."""
    _require(actor, "people.import")
    job = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
    if job.status != PeopleImport.Status.CHECKED:
        raise ValidationError(_("This file has already been written or rejected."), code=errors.IMPORT_ALREADY_APPLIED)
    # One import at a time per school: two files naming the same new person must not both
    # create them. The lock is released when the transaction ends.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"people-import:{connection.schema_name}"])
    plan = plan_build(kind=job.kind, file_name=job.file_name, content=bytes(job.content))
    job.report = plan.report()
    job.content = b""
    if not plan.ok:
        job.status = PeopleImport.Status.REJECTED
        job.save(update_fields=["report", "content", "status"])
        return job
    job.summary = plan_write(plan)
    job.status = PeopleImport.Status.APPLIED
    job.applied_at = timezone.now()
    job.save(update_fields=["report", "content", "status", "summary", "applied_at"])
    return job


def plan_write(plan: Plan) -> dict[str, object]:
    """Carry out a checked plan with bulk statements; call inside a transaction."""
    if not plan.ok:
        raise ValueError("a plan with problems is never written")
    report = plan.report()  # before writing: afterwards the new people have ids too
    SchoolClass.objects.bulk_create(
        [SchoolClass(grade=grade, letter=letter) for grade, letter in plan.classes_to_create]
    )
    classes = {(c.grade, c.letter): c for c in SchoolClass.objects.all()}
    Person.objects.bulk_create(plan.new_people, batch_size=_BATCH)
    if plan.changed_people:
        Person.objects.bulk_update(
            list(plan.changed_people.values()), sorted(plan.changed_fields), batch_size=_BATCH
        )
    today = timezone.localdate()
    Enrollment.objects.bulk_create(
        [Enrollment(student=person, school_class=classes[key], enrolled_on=today)
         for person, key in plan.enrollments_new],
        batch_size=_BATCH,
    )
    moved = []
    for enrollment, key in plan.enrollments_moved:
        enrollment.school_class = classes[key]
        enrollment.enrolled_on = today
        moved.append(enrollment)
    if moved:
        Enrollment.objects.bulk_update(moved, ["school_class", "enrolled_on"], batch_size=_BATCH)
    Guardianship.objects.bulk_create(
        [Guardianship(parent=parent, child=child, kind=kind) for parent, child, kind in plan.links_new],
        batch_size=_BATCH,
    )
    if plan.links_changed:
        Guardianship.objects.bulk_update(plan.links_changed, ["kind"], batch_size=_BATCH)
    for person in plan.access_changed.values():  # rare: people who already have an account
        _sync_membership(person)
    class_names = set(report["class_names"])
    return {
        "created": len(plan.new_people),
        "updated": report["people"]["update"],
        "rows": plan.rows_total,
        "classes_created": [f"{g}{letter}" for g, letter in plan.classes_to_create],
        "class_ids": sorted(c.pk for c in classes.values() if c.name in class_names),
    }
