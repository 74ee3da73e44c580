"""Invitation codes: issued by a school's administrator, redeemed on the portal.

Only hashes are stored, so a code exists in plain text exactly once: in the response that
issues it (the page that shows it or the PDF that prints it). Printing therefore always
issues fresh codes and revokes the previous ones for those people — a lost or reprinted sheet
never leaves two working codes for one person, and nothing secret is ever kept to reprint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account, DataConsent, Invitation
from core import errors
from core.choices import primary_role
from core.codes import code_generate, code_hash, code_normalize
from core.consent import CONSENT_VERSION
from core.errors import InvitationError
from core.models import Person
from core.selectors.invitations import (
    invalid_message,
    invitation_conflict,
    invitation_needs_consent,
    invitation_person,
)
from core.services.people import _require, person_account_link
from tenants.models import School
from tenants.selectors import current_school

DEFAULT_VALID_DAYS = 30


def invitation_valid_days() -> int:
    """How long a code works; `INVITATION_VALID_DAYS` in settings overrides the default."""
    return int(getattr(settings, "INVITATION_VALID_DAYS", DEFAULT_VALID_DAYS))


def invitation_expiry(school: School, now: datetime) -> datetime:
    """The end of the last valid day in the school's time zone, so the printed date is honest."""
    zone = ZoneInfo(school.timezone)
    last_day = timezone.localtime(now, zone).date() + timedelta(days=invitation_valid_days())
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=zone)


@dataclass(frozen=True)
class IssuedCode:
    """A code as issued: the plain text lives only in this object."""

    person: Person
    role: str
    code: str
    expires_at: datetime


def invitations_revoke(*, school: School, person_ids: Iterable[int]) -> int:
    """Revoke every code still waiting to be used by these people."""
    return Invitation.objects.filter(
        school=school, person_id__in=list(person_ids), revoked_at__isnull=True, redeemed_at__isnull=True
    ).update(revoked_at=timezone.now())


@transaction.atomic
def invitations_issue(*, actor: Person | None, persons: Iterable[Person]) -> list[IssuedCode]:
    """New codes for these people (those still without an account), revoking their old ones."""
    _require(actor, "invitation.issue")
    school = current_school()
    wanted = list(dict.fromkeys(p.pk for p in persons))
    # Locking the people serialises two administrators issuing for the same person.
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=wanted, is_active=True, account__isnull=True)
        .order_by("pk")
    }
    eligible = [locked[pk] for pk in wanted if pk in locked and primary_role(locked[pk].roles)]
    invitations_revoke(school=school, person_ids=[p.pk for p in eligible])
    now = timezone.now()
    expires_at = invitation_expiry(school, now)
    issued: list[IssuedCode] = []
    rows: list[Invitation] = []
    for person in eligible:
        code = code_generate()
        role = primary_role(person.roles)
        rows.append(
            Invitation(
                code_hash=code_hash(code_normalize(code)),
                school=school,
                person_id=person.pk,
                role=role,
                expires_at=expires_at,
                created_at=now,
                issued_by_id=actor.account_id if actor else None,
            )
        )
        issued.append(IssuedCode(person=person, role=role, code=code, expires_at=expires_at))
    Invitation.objects.bulk_create(rows)
    return issued


@transaction.atomic
def invitation_redeem(
    *, account: Account, invitation_id: int, consent_given: bool = False, ip: str | None = None
) -> Invitation:
    """Link the account to the invitation's person and record the membership (and consent).

    Raises InvitationError with one uniform code for a code that is missing, expired, revoked
    or used, and specific codes when the account already is someone else in that school.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("school").filter(pk=invitation_id).first()
    )
    if invitation is None:
        raise InvitationError(errors.INVITATION_INVALID, invalid_message())
    with tenant_context(invitation.school):
        person = invitation_person(invitation, lock=True)
        if person is None:
            raise InvitationError(errors.INVITATION_INVALID, invalid_message())
        conflict = invitation_conflict(invitation, person, account)
        if conflict is not None:
            raise conflict
        needs_consent = invitation_needs_consent(invitation, person)
        if needs_consent and not consent_given:
            raise ValueError("consent is required for this person: the form must ask for it")
        person_account_link(actor=None, person=person, account_id=account.pk)
    now = timezone.now()
    invitation.redeemed_at = now
    invitation.redeemed_by = account
    invitation.save(update_fields=["redeemed_at", "redeemed_by"])
    if needs_consent:
        DataConsent.objects.create(
            account=account, school=invitation.school, person_id=person.pk, text_version=CONSENT_VERSION,
            accepted_at=now, ip=ip,
        )
    return invitation


@transaction.atomic
def invitation_redeem_with_new_account(
    *,
    invitation_id: int,
    email: str | None,
    phone: str | None,
    password: str,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    consent_given: bool = False,
    ip: str | None = None,
) -> Account:
    """Create an account and redeem the code into it; if the code fails, no account is left."""
    account = Account.objects.create_user(
        email=email or None, password=password, phone=phone or None,
        last_name=last_name, first_name=first_name, middle_name=middle_name,
    )
    invitation_redeem(account=account, invitation_id=invitation_id, consent_given=consent_given, ip=ip)
    return account
