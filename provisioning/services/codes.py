"""Writes of activation codes: issue (one or a batch), revoke (one or a whole batch), and
the audit record of exports. The activation side (provisioning.services.activation)
moves a code on from `active`; here a code is only ever created or revoked."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from provisioning.codes import code_generate
from provisioning.models import ActivationCode, AuditEntry, ConnectionRequest
from tenants.models import Municipality, Region
from tenants.rules import can_in_region

BATCH_MAX = 500
DEFAULT_VALID_DAYS = 60
_GENERATE_ATTEMPTS = 5


def audit_record(
    *,
    actor: Account | None,
    action: str,
    region: Region | int | None,
    target: object | None = None,
    data: dict | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """One append-only line of the coordinator's audit log. `target` is any model row
    (its class name and pk are kept, not a foreign key: the log outlives what it names)."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        region_id=region.pk if isinstance(region, Region) else region,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        ip_address=ip or None,
    )


def _require(actor: Account, action: str, obj: object) -> None:
    # Views fetch objects through the region-scoped selectors and answer 404 first; this
    # is the second lock on the door for any other caller (a script, a future API).
    if not can_in_region(actor, action, obj):
        raise PermissionDenied(action)


def _fresh_codes(count: int) -> list[str]:
    """`count` new code strings that are not in the table yet. With ~99 bits a clash is
    practically impossible; checking costs one query and makes the unique index a
    guarantee rather than an error page."""
    codes: set[str] = set()
    for _attempt in range(_GENERATE_ATTEMPTS):
        while len(codes) < count:
            codes.add(code_generate())
        taken = set(ActivationCode.objects.filter(code__in=codes).values_list("code", flat=True))
        if not taken:
            return sorted(codes)
        codes -= taken
    raise RuntimeError("could not generate unique activation codes")  # the generator is broken


def code_issue_batch(
    *,
    actor: Account,
    municipality: Municipality,
    count: int,
    expires_at: datetime,
    request: ConnectionRequest | None = None,
    ip: str | None = None,
) -> list[ActivationCode]:
    """Issue `count` (1–500) codes for a municipality of the actor's region, as one batch,
    optionally tied to a connection request of the same region."""
    _require(actor, "region.manage_codes", municipality)
    if not 1 <= count <= BATCH_MAX:
        raise ValidationError(
            _("Issue from 1 to %(max)d codes at a time.") % {"max": BATCH_MAX}, code="count_out_of_range"
        )
    if expires_at <= timezone.now():
        raise ValidationError(_("The expiry date must be in the future."), code="expiry_in_past")
    if request is not None and request.region_id != municipality.region_id:
        raise ValidationError(_("The request belongs to another region."), code="request_other_region")
    if request is not None and request.status == ConnectionRequest.Status.REJECTED:
        raise ValidationError(_("The request was rejected."), code="request_rejected")

    batch = uuid.uuid4()
    for _attempt in range(_GENERATE_ATTEMPTS):
        try:
            with transaction.atomic():
                codes = ActivationCode.objects.bulk_create(
                    ActivationCode(
                        code=value,
                        region_id=municipality.region_id,
                        municipality=municipality,
                        request=request,
                        batch=batch,
                        expires_at=expires_at,
                        issued_by=actor,
                    )
                    for value in _fresh_codes(count)
                )
                audit_record(
                    actor=actor,
                    action="code.issue",
                    region=municipality.region_id,
                    target=request,
                    data={
                        "batch": str(batch),
                        "count": count,
                        "municipality": municipality.name,
                        "municipality_id": municipality.pk,
                        "expires_at": expires_at.isoformat(),
                        "request_id": request.pk if request is not None else None,
                    },
                    ip=ip,
                )
            return codes
        except IntegrityError:
            # Someone inserted the same code between our check and our insert (a race
            # that ~99 bits make theoretical); the savepoint rolled back, try again.
            continue
    raise RuntimeError("could not store unique activation codes")


@transaction.atomic
def code_revoke(*, actor: Account, code: ActivationCode, ip: str | None = None) -> ActivationCode:
    """Revoke one code that nobody has used yet."""
    _require(actor, "region.manage_codes", code)
    now = timezone.now()
    # A conditional UPDATE, not read-then-write: the activation flow may be reserving this
    # very code right now, and whichever comes first must win cleanly.
    updated = ActivationCode.objects.filter(pk=code.pk, status=ActivationCode.Status.ACTIVE).update(
        status=ActivationCode.Status.REVOKED, revoked_by=actor, revoked_at=now
    )
    if not updated:
        raise ValidationError(_("Only an unused code can be revoked."), code="code_not_revocable")
    code.refresh_from_db()
    audit_record(
        actor=actor,
        action="code.revoke",
        region=code.region_id,
        target=code,
        data={"code_prefix": code.code[:4], "batch": str(code.batch)},
        ip=ip,
    )
    return code


@transaction.atomic
def code_batch_revoke(
    *, actor: Account, batch: uuid.UUID, region_ids: Iterable[int] | None = None, ip: str | None = None
) -> int:
    """Revoke every still-unused code of a batch; used and reserved codes stay as they
    are. Returns how many were revoked."""
    codes = ActivationCode.objects.filter(batch=batch)
    if region_ids is not None:
        codes = codes.filter(region_id__in=list(region_ids))
    first = codes.only("pk", "region_id").first()
    if first is None:
        raise ValidationError(_("No such batch."), code="batch_not_found")
    _require(actor, "region.manage_codes", first)
    revoked = codes.filter(region_id=first.region_id, status=ActivationCode.Status.ACTIVE).update(
        status=ActivationCode.Status.REVOKED, revoked_by=actor, revoked_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="code.batch_revoke",
        region=first.region_id,
        data={"batch": str(batch), "count": revoked},
        ip=ip,
    )
    return revoked


def code_export_record(
    *,
    actor: Account,
    kind: str,
    codes: Iterable[ActivationCode],
    filters: dict,
    region_ids: Iterable[int],
    ip: str | None = None,
) -> None:
    """Note in the audit log that codes left the system (`kind`: export_csv, print,
    export_pdf): codes are secrets, so the region wants to know who took which out.
    One entry per region concerned; an empty export is still noted in the actor's regions."""
    per_region: dict[int, int] = {}
    for code in codes:
        per_region[code.region_id] = per_region.get(code.region_id, 0) + 1
    if not per_region:
        per_region = dict.fromkeys(region_ids, 0)
    with transaction.atomic():
        for region_id, count in per_region.items():
            audit_record(
                actor=actor, action=f"code.{kind}", region=region_id, data={"count": count, "filters": filters}, ip=ip
            )
