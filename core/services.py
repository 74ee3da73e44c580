"""Writes to a school's people and classes. `actor=None` means the system itself
(demo seeding, imports run by a job); a person acting must hold the permission."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.models import Enrollment, Guardianship, Person, SchoolClass
from core.rules import can
from tenants.choices import Role
from tenants.selectors import current_school
from tenants.services import membership_set


def _require(actor: Person | None, action: str, obj: object | None = None) -> None:
    if actor is not None and not can(actor, action, obj):
        raise PermissionDenied(action)


def _sync_membership(person: Person) -> None:
    if person.account_id:
        membership_set(account_id=person.account_id, school=current_school(), roles=person.roles)


@transaction.atomic
def person_create(
    *,
    actor: Person | None,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    roles: Iterable[str],
    birth_date: date | None = None,
    position: str = "",
    email: str = "",
    phone: str = "",
    account_id: int | None = None,
    external_id: str = "",
) -> Person:
    _require(actor, "people.manage")
    roles = sorted(set(roles))
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    person = Person.objects.create(
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        roles=roles,
        birth_date=birth_date,
        position=position,
        email=email,
        phone=phone,
        account_id=account_id,
        external_id=external_id,
    )
    _sync_membership(person)
    return person


@transaction.atomic
def person_account_link(*, actor: Person | None, person: Person, account_id: int) -> Person:
    """Attach a global account to a person and record the membership in the index."""
    _require(actor, "people.manage")
    person.account_id = account_id
    person.save(update_fields=["account"])
    _sync_membership(person)
    return person


@transaction.atomic
def person_roles_set(*, actor: Person | None, person: Person, roles: Iterable[str]) -> Person:
    _require(actor, "people.manage")
    person.roles = sorted(set(roles))
    person.save(update_fields=["roles"])
    _sync_membership(person)
    return person


@transaction.atomic
def school_class_create(
    *, actor: Person | None, grade: int, letter: str = "", class_teacher: Person | None = None
) -> SchoolClass:
    _require(actor, "class.manage")
    return SchoolClass.objects.create(grade=grade, letter=letter.upper(), class_teacher=class_teacher)


@transaction.atomic
def student_enroll(*, actor: Person | None, student: Person, school_class: SchoolClass) -> Enrollment:
    """Put a student in a class (moving them out of the previous one)."""
    _require(actor, "class.manage", school_class)
    enrollment, _created = Enrollment.objects.update_or_create(
        student=student, defaults={"school_class": school_class}
    )
    return enrollment


@transaction.atomic
def guardian_link(
    *, actor: Person | None, parent: Person, child: Person, kind: str = Guardianship.Kind.GUARDIAN
) -> Guardianship:
    _require(actor, "people.manage")
    link, _created = Guardianship.objects.get_or_create(parent=parent, child=child, defaults={"kind": kind})
    if Role.PARENT not in parent.roles:
        person_roles_set(actor=None, person=parent, roles=[*parent.roles, Role.PARENT])
    return link
