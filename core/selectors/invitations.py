"""Reads about invitation codes: finding a typed code, who it is for, and code states for lists.

The portal answers the same for a code that does not exist, has expired, was revoked or was
already used, so nobody can learn anything by trying codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from accounts.models import Account, Invitation
from core import errors
from core.codes import code_has_excluded_symbols, code_hash, code_is_well_formed, code_normalize
from core.consent import consent_required
from core.errors import InvitationError
from core.models import Enrollment, Guardianship, Person
from core.pdf import InvitationCard
from tenants.choices import Role
from tenants.models import School

if TYPE_CHECKING:
    from core.services.invitations import IssuedCode


def invalid_message() -> str:
    """The one answer for a code that does not exist, has expired, was revoked or used."""
    return _("This code does not work. Check that it is typed correctly or ask the school for a new code.")


def invitation_by_code(raw: str) -> Invitation:
    """The open invitation a typed code stands for, or InvitationError (typo or invalid)."""
    normalized = code_normalize(raw)
    if not code_is_well_formed(normalized):
        message = _("The code has a typo: check every character.")
        if code_has_excluded_symbols(normalized):
            message += " " + _("Codes never contain 0, O, 1, I or L.")
        raise InvitationError(errors.INVITATION_TYPO, message)
    invitation = Invitation.objects.select_related("school").filter(code_hash=code_hash(normalized)).first()
    if invitation is None or not invitation_is_open(invitation):
        raise InvitationError(errors.INVITATION_INVALID, invalid_message())
    return invitation


def invitation_is_open(invitation: Invitation) -> bool:
    with tenant_context(invitation.school):
        return invitation_person(invitation) is not None


def invitation_open(invitation_id: int | None) -> Invitation | None:
    """An invitation by id (from the session), if it can still be redeemed."""
    if not invitation_id:
        return None
    invitation = Invitation.objects.select_related("school").filter(pk=invitation_id).first()
    if invitation is None or not invitation_is_open(invitation):
        return None
    return invitation


def invitation_person(invitation: Invitation, *, lock: bool = False) -> Person | None:
    """The person an open invitation is for; call inside the school's schema. None when the
    code is expired, revoked or used, or the person has left, got an account or changed role."""
    school = invitation.school
    if not invitation.is_usable() or not school.is_active or school.is_spare or school.is_portal:
        return None
    people = Person.objects.filter(pk=invitation.person_id, is_active=True, account__isnull=True)
    if lock:
        people = people.select_for_update()
    person = people.first()
    if person is None or invitation.role not in person.roles:
        return None
    return person


def invitation_conflict(invitation: Invitation, person: Person, account: Account) -> InvitationError | None:
    """Why this account may not take this code, or None. One account is one person per school,
    and a student's account never becomes an adult's (nor the other way round)."""
    other = Person.objects.filter(account_id=account.pk).exclude(pk=person.pk).first()
    if other is None:
        return None
    if Role.STUDENT in other.roles and invitation.role != Role.STUDENT:
        return InvitationError(
            errors.INVITATION_ROLE_CONFLICT,
            _("You are signed in as a student of this school, and this code is not a student's. Sign out and "
              "redeem it in the account of the person it was given to (a parent needs their own account)."),
        )
    if invitation.role == Role.STUDENT:
        return InvitationError(
            errors.INVITATION_ROLE_CONFLICT,
            _("You are signed in as a parent or a staff member of this school, and this is a student's code. "
              "A student's code is for the student's own account: sign out and create one for the student."),
        )
    return InvitationError(
        errors.INVITATION_OTHER_PERSON,
        _("Your account is already linked to another person in this school (%(name)s). Ask the school "
          "administrator to add this role to that record instead.") % {"name": other.short_name},
    )


def invitation_needs_consent(invitation: Invitation, person: Person) -> bool:
    zone = ZoneInfo(invitation.school.timezone)
    today = timezone.localtime(timezone.now(), zone).date()
    return consent_required(role=invitation.role, birth_date=person.birth_date, today=today)


@dataclass
class InvitationSubject:
    """Who a code is for, as the redeeming page shows it."""

    school: School
    person: Person
    role: str
    role_label: str
    class_name: str = ""
    children: list[str] = field(default_factory=list)
    needs_consent: bool = True
    birth_date: date | None = None


def invitation_subject(invitation: Invitation) -> InvitationSubject | None:
    """The person behind an open invitation with their class or children; None if not open."""
    with tenant_context(invitation.school):
        person = invitation_person(invitation)
        if person is None:
            return None
        subject = InvitationSubject(
            school=invitation.school,
            person=person,
            role=invitation.role,
            role_label=str(dict(Role.choices)[invitation.role]),
            needs_consent=invitation_needs_consent(invitation, person),
            birth_date=person.birth_date,
        )
        enrollment = Enrollment.objects.select_related("school_class").filter(student=person).first()
        if enrollment is not None:
            subject.class_name = enrollment.school_class.name
        if invitation.role == Role.PARENT:
            children = Person.objects.filter(guardians__parent=person, is_active=True).prefetch_related(
                Prefetch("enrollments", queryset=Enrollment.objects.select_related("school_class"))
            )
            for child in children:
                classes = ", ".join(e.school_class.name for e in child.enrollments.all())
                subject.children.append(f"{child.first_name} {child.last_name}" + (f" ({classes})" if classes else ""))
    return subject


def open_invitations_for(school: School, person_ids: Iterable[int]) -> dict[int, Invitation]:
    """The code waiting to be used for each of these people (expired ones included): one query."""
    return {
        invitation.person_id: invitation
        for invitation in Invitation.objects.filter(
            school=school, person_id__in=list(person_ids), revoked_at__isnull=True, redeemed_at__isnull=True
        )
    }


def invitation_cards(issued: Sequence[IssuedCode], school: School) -> list[InvitationCard]:
    """Printable cards for freshly issued codes: classes and children read in two queries."""
    ids = [item.person.pk for item in issued]
    classes = {
        e.student_id: e.school_class.name
        for e in Enrollment.objects.select_related("school_class").filter(student_id__in=ids)
    }
    children: dict[int, list[str]] = {}
    links = (
        Guardianship.objects.filter(parent_id__in=ids, child__is_active=True)
        .select_related("child")
        .prefetch_related(Prefetch("child__enrollments", queryset=Enrollment.objects.select_related("school_class")))
        .order_by("child__last_name", "child__first_name")
    )
    for link in links:
        names = ", ".join(e.school_class.name for e in link.child.enrollments.all())
        label = f"{link.child.first_name} {link.child.last_name}" + (f" ({names})" if names else "")
        children.setdefault(link.parent_id, []).append(label)
    zone = ZoneInfo(school.timezone)
    labels = dict(Role.choices)
    cards = []
    for item in issued:
        person = item.person
        if item.role == Role.STUDENT:
            detail = classes.get(person.pk, "")
            note = _("This is a student's code. Parents get codes of their own.")
        elif item.role == Role.PARENT:
            detail = ", ".join(children.get(person.pk, []))
            note = _("This code is for the parent only; the child has a separate code.")
        else:
            detail = person.position
            note = ""
        cards.append(
            InvitationCard(
                person_name=person.full_name,
                role_label=str(labels[item.role]).capitalize(),
                detail=detail,
                code=item.code,
                expires_on=timezone.localtime(item.expires_at, zone).date(),
                note=note,
            )
        )
    return cards
