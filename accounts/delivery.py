"""The notification centre: one call (`notify`) puts a notification in the app for each
account, and then delivers it by e-mail and SMS as each account prefers — at once, in one
daily digest, or not at all — skipping the kinds it muted.

Notifications are public rows (an account's inbox spans schools); senders call `notify`
from inside a school's schema (search_path includes public). Rows are written after the
sender's transaction commits — a rolled-back change tells nobody — and delivery runs as a
Celery task queued after that (eager without a broker). Every delivery is stamped on the
row (`emailed_at`, `texted_at`) under a row lock, so a retried or duplicated task never
sends twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Account, Notification, NotificationPreference
from accounts.sms import SmsMessage, sms_send
from tenants.models import School
from tenants.selectors import portal_url, school_url

# Kinds a sender may use; the preferences page lists them by these names.
KIND_MARK = "gradebook.mark"
KIND_ABSENCE = "gradebook.absence"
KIND_HOMEWORK = "gradebook.homework"
KIND_SUBSTITUTION = "timetable.change"  # = timetable.services.substitutions.NOTIFICATION_KIND
KIND_WARNING = "gradebook.warning"
KIND_REMINDER = "gradebook.reminder"
KINDS = [
    (KIND_MARK, gettext_lazy("new marks")),
    (KIND_ABSENCE, gettext_lazy("absences")),
    (KIND_HOMEWORK, gettext_lazy("homework")),
    (KIND_SUBSTITUTION, gettext_lazy("timetable changes and substitutions")),
    (KIND_WARNING, gettext_lazy("early warnings")),
    (KIND_REMINDER, gettext_lazy("teacher's reminders")),
]

Delivery = NotificationPreference.Delivery
SMS_MAX_CHARS = 160
# The digest covers what is still undelivered from this long ago: a day, plus a missed run
# (a broker outage) without losing anything; older news is stale and stays in the app only.
DIGEST_WINDOW = timedelta(days=2)
DIGEST_LOCAL_HOUR = 20


@dataclass(frozen=True)
class Message:
    """One text for several accounts (a student and their parents get the same news)."""

    account_ids: Iterable[int]
    kind: str
    title: str
    body: str = ""
    url: str = ""
    # Unique per account: the same key twice (a re-run job, a repeated call) is a no-op.
    # Notifications are public, so a key must name its school.
    key: str = ""


# ---- sending ---------------------------------------------------------------------------

_in_app_only: ContextVar[bool] = ContextVar("notifications_in_app_only", default=False)


@contextmanager
def in_app_only() -> Iterator[None]:
    """Notifications made inside this block go to the app only: no e-mail, no SMS. For
    data that is not news to anyone — the demo seeding, a bulk import — whose messages
    should be there to read but not land in real (or the console's) mailboxes. Decided
    when `notify` is called, so it holds whenever the sender's transaction commits."""
    token = _in_app_only.set(True)
    try:
        yield
    finally:
        _in_app_only.reset(token)


def notify(*, account_ids: Iterable[int], school_id: int | None, kind: str, title: str, body: str = "",
           url: str = "", key: str = "") -> None:
    """One notification per account, written when the current transaction commits."""
    notify_many(school_id=school_id, messages=[Message(account_ids=account_ids, kind=kind, title=title, body=body,
                                                       url=url, key=key)])


def notify_many(*, school_id: int | None, messages: Sequence[Message]) -> None:
    """Several messages at once: one insert and one delivery task, whatever their number
    (the gradebook tells each student's family about their own marks in one go)."""
    rows = [
        Notification(account_id=account_id, school_id=school_id, kind=m.kind, title=m.title[:200], body=m.body,
                     url=m.url[:500], key=m.key[:200])
        for m in messages for account_id in sorted(set(m.account_ids))
    ]
    if rows:
        deliver = not _in_app_only.get()
        transaction.on_commit(lambda: _create_and_queue(rows, deliver=deliver))


def _create_and_queue(rows: list[Notification], *, deliver: bool = True) -> None:
    created = notifications_create(rows)
    if created and deliver:
        from accounts.tasks import notifications_deliver_task

        notifications_deliver_task.delay(created)


def notifications_create(rows: list[Notification]) -> list[int]:
    """Insert the rows, skipping (account, key) pairs that exist; return the new ids."""
    plain = [r for r in rows if not r.key]
    keyed = [r for r in rows if r.key]
    ids = [r.pk for r in Notification.objects.bulk_create(plain)] if plain else []
    if keyed:
        keys = {r.key for r in keyed}
        existing = set(Notification.objects.filter(key__in=keys).values_list("account_id", "key"))
        fresh = [r for r in keyed if (r.account_id, r.key) not in existing]
        if fresh:
            # A racing twin may insert the same pair in between: the unique constraint wins,
            # and with it ignored PostgreSQL gives no ids back, so fetch what is ours.
            Notification.objects.bulk_create(fresh, ignore_conflicts=True)
            wanted = {(r.account_id, r.key) for r in fresh}
            ids += [pk for pk, account_id, key in Notification.objects.filter(
                key__in={r.key for r in fresh}, account_id__in={r.account_id for r in fresh},
            ).values_list("pk", "account_id", "key") if (account_id, key) in wanted]
    return ids


# ---- delivery --------------------------------------------------------------------------

def preference_of(account: Account) -> NotificationPreference:
    """The account's preference, or the default (e-mail at once, no SMS) when it has none."""
    try:
        return account.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(account=account)


def _link(notification: Notification) -> str:
    """The notification's page as a full URL (the public scheme and port: see school_url)."""
    if not notification.url:
        return ""
    if notification.url.startswith(("http://", "https://")):
        return notification.url
    school = notification.school
    return school_url(school, path=notification.url) if school else portal_url(path=notification.url)


def _preferences_link() -> str:
    return portal_url(path="/accounts/notifications/")


def _footer() -> str:
    return _("Notification settings: %(url)s") % {"url": _preferences_link()}


def _instant_email(notification: Notification) -> EmailMessage:
    parts = [notification.body, _link(notification), "—", _footer()]
    subject = notification.title
    if notification.school:
        subject = f"{notification.school.short_name}: {subject}"
    return EmailMessage(subject=subject[:250], body="\n\n".join(p for p in parts if p),
                        to=[notification.account.email])


def _sms_text(text: str) -> str:
    text = f"Parta: {text}"
    return text if len(text) <= SMS_MAX_CHARS else text[:SMS_MAX_CHARS - 1] + "…"


def _locked(queryset):
    """Rows this worker may deliver: locked until commit, skipping rows another worker holds.
    `of=("self",)`: the preference is an outer join, which PostgreSQL will not lock."""
    return (queryset.select_for_update(skip_locked=True, of=("self",))
            .select_related("account", "account__notification_preference", "school"))


def notifications_deliver(*, notification_ids: Sequence[int]) -> tuple[int, int]:
    """Send the notifications that their accounts want at once; return (e-mails, SMS).

    Idempotent: only rows not yet stamped are sent, under a row lock, and the stamps roll
    back with the transaction if the mail server or the SMS gateway fails (the task is
    retried). A message may go twice only if the commit itself fails after sending.
    """
    now = timezone.now()
    emails: list[EmailMessage] = []
    texts: list[SmsMessage] = []
    emailed: list[int] = []
    texted: list[int] = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        rows = _locked(Notification.objects.filter(pk__in=list(notification_ids))
                       .filter(Q(emailed_at__isnull=True) | Q(texted_at__isnull=True)))
        for n in rows:
            preference = preference_of(n.account)
            if not n.account.is_active or n.kind in preference.muted:
                continue
            if preference.email == Delivery.INSTANT and n.emailed_at is None and n.account.email:
                emails.append(_instant_email(n))
                emailed.append(n.pk)
            if preference.sms == Delivery.INSTANT and n.texted_at is None and n.account.phone:
                texts.append(SmsMessage(phone=n.account.phone, text=_sms_text(n.title)))
                texted.append(n.pk)
        if emailed:
            Notification.objects.filter(pk__in=emailed).update(emailed_at=now)
        if texted:
            Notification.objects.filter(pk__in=texted).update(texted_at=now)
        if emails:
            get_connection().send_messages(emails)
        sms_send(texts)
    return len(emails), len(texts)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def digest_timezones(now: datetime, hour: int = DIGEST_LOCAL_HOUR) -> list[str]:
    """The school time zones where it is now `hour` o'clock (Russia spans eleven zones: a
    digest at one UTC hour would wake Kamchatka at night)."""
    zones = set(School.objects.values_list("timezone", flat=True).distinct()) | {settings.TIME_ZONE}
    return sorted(z for z in zones if now.astimezone(_zone(z)).hour == hour)


def notifications_digest(*, now: datetime | None = None, force: bool = False) -> tuple[int, int]:
    """One e-mail (and one SMS) per account that wants a daily digest, summarising what
    it has not yet read nor received; stamps what it sent. Run hourly: each school's
    notifications go out when it is DIGEST_LOCAL_HOUR there (`force`: all of them now).
    Returns (e-mails, SMS)."""
    now = now or timezone.now()
    since = now - DIGEST_WINDOW
    pending = Notification.objects.filter(created_at__gte=since, read_at__isnull=True).filter(
        Q(emailed_at__isnull=True, account__notification_preference__email=Delivery.DIGEST)
        | Q(texted_at__isnull=True, account__notification_preference__sms=Delivery.DIGEST))
    if not force:
        zones = digest_timezones(now)
        if not zones:
            return 0, 0
        by_zone = Q(school__timezone__in=zones)
        if settings.TIME_ZONE in zones:
            by_zone |= Q(school__isnull=True)
        pending = pending.filter(by_zone)
    emails: list[EmailMessage] = []
    texts: list[SmsMessage] = []
    emailed: list[int] = []
    texted: list[int] = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        per_account: dict[int, list[Notification]] = defaultdict(list)
        for n in _locked(pending.order_by("account_id", "created_at", "pk")):
            per_account[n.account_id].append(n)
        for items in per_account.values():
            account = items[0].account
            preference = preference_of(account)
            if not account.is_active:
                continue
            items = [n for n in items if n.kind not in preference.muted]
            by_email = [n for n in items if n.emailed_at is None] if (
                preference.email == Delivery.DIGEST and account.email) else []
            by_sms = [n for n in items if n.texted_at is None] if (
                preference.sms == Delivery.DIGEST and account.phone) else []
            if by_email:
                emails.append(_digest_email(account, by_email))
                emailed += [n.pk for n in by_email]
            if by_sms:
                count = len(by_sms)
                text = ngettext("%(count)s new notification: %(title)s", "%(count)s new notifications: %(title)s",
                                count) % {"count": count, "title": by_sms[-1].title}
                texts.append(SmsMessage(phone=account.phone, text=_sms_text(text)))
                texted += [n.pk for n in by_sms]
        if emailed:
            Notification.objects.filter(pk__in=emailed).update(emailed_at=now)
        if texted:
            Notification.objects.filter(pk__in=texted).update(texted_at=now)
        if emails:
            get_connection().send_messages(emails)
        sms_send(texts)
    return len(emails), len(texts)


def _digest_email(account: Account, items: list[Notification]) -> EmailMessage:
    count = len(items)
    subject = ngettext("Parta: %(count)s new notification", "Parta: %(count)s new notifications", count) % {
        "count": count}
    lines: list[str] = []
    school_id: object = object()
    for n in items:
        if n.school_id != school_id and n.school is not None:
            lines += ["", n.school.short_name, ""]
        school_id = n.school_id
        local = timezone.localtime(n.created_at, _zone(n.school.timezone if n.school else settings.TIME_ZONE))
        lines.append(f"• {local:%d.%m %H:%M} {n.title}")
        if n.body:
            lines.append(f"  {n.body}")
        link = _link(n)
        if link:
            lines.append(f"  {link}")
    lines += ["", "—", _footer()]
    return EmailMessage(subject=subject, body="\n".join(lines).strip(), to=[account.email])


# ---- the inbox and the preferences ---------------------------------------------------------

def notifications_of(account_id: int, *, limit: int = 100) -> list[Notification]:
    """The account's newest notifications from every school (its inbox is its own, public)."""
    return list(Notification.objects.filter(account_id=account_id).select_related("school")
                .order_by("-created_at", "-pk")[:limit])


def notifications_unread(account_id: int, *, school_id: int, limit: int = 5) -> list[Notification]:
    """The account's newest unread notifications from one school (a home page's short list)."""
    return list(Notification.objects.filter(account_id=account_id, school_id=school_id, read_at__isnull=True)
                .order_by("-created_at", "-pk")[:limit])


def notifications_read(*, account_id: int, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the account's notifications read: some, or all when no ids are given. Ids of
    other accounts' notifications are ignored, not reported (nothing to leak)."""
    rows = Notification.objects.filter(account_id=account_id, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    return rows.update(read_at=timezone.now())


def notification_preference_save(*, account: Account, email: str, sms: str,
                                 muted: Iterable[str]) -> NotificationPreference:
    """Store how the account wants to hear about things; unknown kinds are dropped."""
    known = {kind for kind, _label in KINDS}
    if email not in Delivery.values or sms not in Delivery.values:
        raise ValueError("unknown delivery")
    preference, _created = NotificationPreference.objects.update_or_create(
        account=account, defaults={"email": email, "sms": sms, "muted": sorted(set(muted) & known)})
    return preference
