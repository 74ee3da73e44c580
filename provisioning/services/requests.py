"""Writes of connection requests («заявки на подключение»): a school sends one from the
public form; a coordinator of its region approves it (optionally issuing a code at once)
or rejects it with a reason. The applicant hears back by e-mail, sent only after the
decision is committed, so a rolled-back decision never reaches anyone's inbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account
from accounts.throttle import Throttle
from provisioning.models import ActivationCode, ConnectionRequest
from provisioning.services.codes import DEFAULT_VALID_DAYS, audit_record, code_issue_batch, code_revoke
from tenants.models import Coordinator, Municipality, Region
from tenants.rules import can_in_region
from tenants.selectors import portal_url

# Spam throttling of the public form: at most RATE_LIMIT saved requests per IP per
# RATE_WINDOW. Kept in the "public" cache alias, which is not keyed by school.
RATE_LIMIT = 5
RATE_WINDOW = 60 * 60
THROTTLED_MESSAGE = gettext_lazy("Too many requests from your network. Try again in an hour.")


REQUEST_THROTTLE = Throttle("connection-requests-ip", limit=RATE_LIMIT, window=RATE_WINDOW)


def connection_request_throttled(ip: str | None) -> bool:
    """Has this IP sent its allowance of requests in the current window?"""
    return bool(ip) and REQUEST_THROTTLE.is_blocked(ip)


def _rate_count(ip: str | None) -> None:
    if ip:
        REQUEST_THROTTLE.hit(ip)


def _links_base(links_base: str | None) -> str:
    return (links_base or portal_url()).rstrip("/")


def _portal_path(name: str, *args: object) -> str:
    # Outside a portal request (a task, a script) the current URLconf is a school's.
    return reverse(name, args=args, urlconf=settings.PUBLIC_SCHEMA_URLCONF)


def _send_on_commit(message: EmailMessage) -> None:
    # fail_silently=False: a broken mail server should show up in the logs/Sentry of the
    # worker or request that commits; the decision itself is already saved.
    transaction.on_commit(lambda: message.send(fail_silently=False))


def _email(*, template: str, subject: object, to: list[str], context: dict) -> EmailMessage:
    # The applicant reads Russian whatever language the coordinator's browser is set to,
    # so the (lazy) subject and the body are both rendered here, in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(f"provisioning/public/emails/{template}.txt", context)
        return EmailMessage(subject=str(subject) % context, body=body, to=to)


def connection_request_submit(
    *,
    full_name: str,
    short_name: str,
    region: Region,
    municipality: Municipality,
    address: str,
    inn: str,
    ogrn: str,
    contact_name: str,
    email: str,
    phone: str,
    ip: str | None = None,
    links_base: str | None = None,
) -> ConnectionRequest:
    """Save a school's request and tell the region's coordinators. Public: no actor."""
    if connection_request_throttled(ip):
        raise ValidationError(THROTTLED_MESSAGE, code="request_throttled")
    if municipality.region_id != region.pk:
        raise ValidationError(
            _("This municipality is not in the chosen region."), code="municipality_other_region"
        )
    with transaction.atomic():
        if ConnectionRequest.objects.filter(inn=inn, status=ConnectionRequest.Status.NEW).exists():
            raise ValidationError(
                _("A request from the organisation with this INN is already being reviewed. "
                  "The coordinator will answer to the e-mail given in it."),
                code="request_duplicate",
            )
        connection_request = ConnectionRequest.objects.create(
            full_name=full_name, short_name=short_name, region=region, municipality=municipality,
            address=address, inn=inn, ogrn=ogrn, contact_name=contact_name, email=email, phone=phone,
            ip_address=ip or None,
        )
        audit_record(
            actor=None, action="request.submit", region=region, target=connection_request,
            data={"short_name": short_name, "inn": inn}, ip=ip,
        )
        recipients = list(
            Coordinator.objects.filter(region=region, account__is_active=True, account__email__isnull=False)
            .values_list("account__email", flat=True)
        )
        if recipients:
            _send_on_commit(_email(
                template="request_received",
                subject=gettext_lazy("New connection request: %(short_name)s"),
                to=recipients,
                context={
                    "short_name": short_name, "request": connection_request,
                    "url": _links_base(links_base)
                    + _portal_path("coordinator:request_detail", connection_request.pk),
                },
            ))
    _rate_count(ip)
    return connection_request


def _require_review(actor: Account, connection_request: ConnectionRequest) -> None:
    if not can_in_region(actor, "region.review_requests", connection_request):
        raise PermissionDenied("region.review_requests")


def _locked_new(connection_request: ConnectionRequest) -> ConnectionRequest:
    """The request's row, locked, if it still waits for a decision: two coordinators
    clicking at once must not both decide it."""
    locked = ConnectionRequest.objects.select_for_update().select_related("municipality").get(
        pk=connection_request.pk
    )
    if locked.status != ConnectionRequest.Status.NEW:
        raise ValidationError(_("This request has already been reviewed."), code="request_not_new")
    return locked


def _default_expiry() -> datetime:
    return timezone.now() + timedelta(days=DEFAULT_VALID_DAYS)


def _code_email(connection_request: ConnectionRequest, code: ActivationCode | None, links_base: str | None,
                *, approved_now: bool) -> EmailMessage:
    return _email(
        template="request_approved",
        subject=gettext_lazy("Connection request approved: %(short_name)s") if approved_now
        else gettext_lazy("Activation code for %(short_name)s"),
        to=[connection_request.email],
        context={
            "short_name": connection_request.short_name,
            "request": connection_request,
            "code": code,
            "approved_now": approved_now,
            "activate_url": _links_base(links_base) + _portal_path("activation:code"),
        },
    )


def connection_request_approve(
    *,
    actor: Account,
    connection_request: ConnectionRequest,
    issue_code: bool = True,
    expires_at: datetime | None = None,
    ip: str | None = None,
    links_base: str | None = None,
) -> tuple[ConnectionRequest, ActivationCode | None]:
    """Approve a new request; with `issue_code`, issue one code tied to it and send it."""
    _require_review(actor, connection_request)
    with transaction.atomic():
        locked = _locked_new(connection_request)
        locked.status = ConnectionRequest.Status.APPROVED
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        code = None
        if issue_code:
            (code,) = code_issue_batch(
                actor=actor, municipality=locked.municipality, count=1,
                expires_at=expires_at or _default_expiry(), request=locked, ip=ip,
            )
        audit_record(
            actor=actor, action="request.approve", region=locked.region_id, target=locked,
            data={"short_name": locked.short_name, "code_issued": code is not None}, ip=ip,
        )
        _send_on_commit(_code_email(locked, code, links_base, approved_now=True))
    return locked, code


def connection_request_code_issue(
    *,
    actor: Account,
    connection_request: ConnectionRequest,
    expires_at: datetime | None = None,
    ip: str | None = None,
    links_base: str | None = None,
) -> ActivationCode:
    """Send an approved request a (new) code: when none was issued on approval, or the
    school lost it or let it expire. Its earlier unused codes are revoked, so only one
    code per request is ever valid."""
    _require_review(actor, connection_request)
    with transaction.atomic():
        locked = ConnectionRequest.objects.select_for_update().select_related("municipality").get(
            pk=connection_request.pk
        )
        if locked.status != ConnectionRequest.Status.APPROVED:
            raise ValidationError(_("Approve the request first."), code="request_not_approved")
        if locked.codes.filter(status__in=[ActivationCode.Status.USED, ActivationCode.Status.RESERVED]).exists():
            raise ValidationError(
                _("The school has already used its code."), code="request_code_used"
            )
        for earlier in locked.codes.filter(status=ActivationCode.Status.ACTIVE):
            code_revoke(actor=actor, code=earlier, ip=ip)
        (code,) = code_issue_batch(
            actor=actor, municipality=locked.municipality, count=1,
            expires_at=expires_at or _default_expiry(), request=locked, ip=ip,
        )
        _send_on_commit(_code_email(locked, code, links_base, approved_now=False))
    return code


def connection_request_reject(
    *, actor: Account, connection_request: ConnectionRequest, reason: str, ip: str | None = None
) -> ConnectionRequest:
    """Reject a new request; the reason is required and is sent to the applicant."""
    _require_review(actor, connection_request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason: the applicant will read it."), code="reason_required")
    with transaction.atomic():
        locked = _locked_new(connection_request)
        locked.status = ConnectionRequest.Status.REJECTED
        locked.reject_reason = reason
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor, action="request.reject", region=locked.region_id, target=locked,
            data={"short_name": locked.short_name, "reason": reason}, ip=ip,
        )
        _send_on_commit(_email(
            template="request_rejected",
            subject=gettext_lazy("Connection request declined: %(short_name)s"),
            to=[locked.email],
            context={"short_name": locked.short_name, "request": locked, "reason": reason},
        ))
    return locked
