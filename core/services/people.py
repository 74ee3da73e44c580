"""Writes to a school's people and classes. `actor=None` means the system itself
(demo seeding, imports run by a job); a person acting must hold the permission."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import errors
from core.models import Enrollment, Guardianship, Person, SchoolClass
from core.rules import can
from tenants.choices import Role
from tenants.selectors import current_school
from tenants.services import membership_set

# The fields of a person an administrator edits directly.
PERSON_FIELDS = (
    "last_name", "first_name", "middle_name", "birth_date", "position", "email", "phone", "external_id",
)


def _require(actor: Person | None, action: str, obj: object | None = None) -> None:
    if actor is not None and not can(actor, action, obj):
        raise PermissionDenied(action)


def _sync_membership(person: Person) -> None:
    """The public index mirrors the person: their roles while active, nothing once they leave."""
    if person.account_id:
        roles = person.roles if person.is_active else []
        membership_set(account_id=person.account_id, school=current_school(), roles=roles)


def roles_check(roles: Iterable[str]) -> list[str]:
    """The roles as stored (sorted, unique), or a ValidationError a form can show."""
    roles = sorted(set(roles))
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    if not roles:
        raise ValidationError(_("Choose at least one role."), code=errors.NO_ROLES)
    # A student's account must never carry adult roles: that is what keeps a parent from
    # reading the diary as the child, and a child from acting as staff.
    if Role.STUDENT in roles and len(roles) > 1:
        raise ValidationError(
            _("A student cannot also be staff or a parent in the same school."), code=errors.STUDENT_ROLES_MIXED
        )
    return roles


def _keep_an_administrator(person: Person, *, roles: list[str], is_active: bool) -> None:
    """Refuse to remove the school's last active administrator (nobody could undo it)."""
    if Role.ADMIN not in person.roles or not person.is_active:
        return
    if Role.ADMIN in roles and is_active:
        return
    # Lock every administrator row: two administrators demoting each other at the same
    # moment must not both succeed.
    admins = list(
        Person.objects.select_for_update().filter(roles__contains=[Role.ADMIN], is_active=True).values_list(
            "pk", flat=True
        )
    )
    if not [pk for pk in admins if pk != person.pk]:
        raise ValidationError(_("The school must keep at least one active administrator."), code=errors.LAST_ADMIN)


def _enrollment_set(person: Person, school_class: SchoolClass | None) -> None:
    """A current student is in exactly the given class; anyone else (or a leaver) in none."""
    if Role.STUDENT not in person.roles or not person.is_active:
        Enrollment.objects.filter(student=person).delete()
        return
    if school_class is None:
        return
    current = Enrollment.objects.filter(student=person).first()
    if current is None:
        Enrollment.objects.create(student=person, school_class=school_class, enrolled_on=timezone.localdate())
    elif current.school_class_id != school_class.pk:
        current.school_class = school_class
        current.enrolled_on = timezone.localdate()
        current.save(update_fields=["school_class", "enrolled_on"])


def _children_set(parent: Person, children: Iterable[Person] | None, kind: str) -> None:
    """Make the parent's links exactly these children (None leaves the links alone)."""
    if Role.PARENT not in parent.roles:
        Guardianship.objects.filter(parent=parent).delete()
        return
    if children is None:
        return
    wanted = {child.pk for child in children}
    if parent.pk in wanted:
        raise ValidationError(_("A person cannot be their own parent."), code=errors.CHILD_IS_SELF)
    Guardianship.objects.filter(parent=parent).exclude(child_id__in=wanted).delete()
    existing = set(Guardianship.objects.filter(parent=parent).values_list("child_id", flat=True))
    Guardianship.objects.bulk_create(
        [Guardianship(parent=parent, child_id=child_id, kind=kind) for child_id in sorted(wanted - existing)]
    )
    Guardianship.objects.filter(parent=parent).exclude(kind=kind).update(kind=kind)


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
    school_class: SchoolClass | None = None,
    children: Iterable[Person] | None = None,
    guardian_kind: str = Guardianship.Kind.GUARDIAN,
) -> Person:
    """A new person with their class (students) or children (parents), in one transaction."""
    _require(actor, "people.manage")
    roles = roles_check(roles)
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
    _enrollment_set(person, school_class)
    _children_set(person, children, guardian_kind)
    _sync_membership(person)
    return person


@transaction.atomic
def person_update(
    *,
    actor: Person | None,
    person: Person,
    roles: Iterable[str],
    is_active: bool = True,
    school_class: SchoolClass | None = None,
    children: Iterable[Person] | None = None,
    guardian_kind: str = Guardianship.Kind.GUARDIAN,
    **fields: object,
) -> Person:
    """Change a person; their class, children, access and open invitation follow the roles."""
    _require(actor, "people.manage")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    roles = roles_check(roles)
    _keep_an_administrator(person, roles=roles, is_active=is_active)
    access_changed = roles != sorted(person.roles) or is_active != person.is_active
    for name, value in fields.items():
        setattr(person, name, value)
    person.roles = roles
    person.is_active = is_active
    person.save()
    _enrollment_set(person, school_class)
    _children_set(person, children, guardian_kind)
    if access_changed:
        _sync_membership(person)
        # A code printed for the old roles must not open the new ones (or a departed person's).
        from core.services.invitations import invitations_revoke

        invitations_revoke(school=current_school(), person_ids=[person.pk])
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
def person_account_unlink(*, actor: Person | None, person: Person) -> Person:
    """Detach the account (a code redeemed by the wrong person): it loses this school, keeps others."""
    _require(actor, "people.manage")
    person = Person.objects.select_for_update().get(pk=person.pk)
    _keep_an_administrator(person, roles=[], is_active=False)
    if person.account_id:
        membership_set(account_id=person.account_id, school=current_school(), roles=[])
        person.account_id = None
        person.save(update_fields=["account"])
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
