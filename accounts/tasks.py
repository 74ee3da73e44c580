"""Periodic upkeep of the public schema and the delivery of notifications (public rows)."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.delivery import notifications_deliver, notifications_digest


@shared_task
def sessions_clear_task() -> int:
    """Delete expired sessions (they live in the public schema). Idempotent."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def notifications_deliver_task(notification_ids: list[int]) -> tuple[int, int]:
    """Send notifications by e-mail and SMS as their accounts want at once. Idempotent:
    each row is sent once (stamped under a row lock)."""
    return notifications_deliver(notification_ids=notification_ids)


@shared_task
def notifications_digest_task(force: bool = False) -> tuple[int, int]:
    """The daily digest. Beat runs it hourly; each school's notifications go out when it is
    evening there (accounts.delivery.DIGEST_LOCAL_HOUR). Idempotent (stamps what it sent)."""
    return notifications_digest(force=force)
