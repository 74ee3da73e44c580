"""The notification centre: in the app for everyone, then e-mail and SMS as each account
prefers (at once, daily digest, never, muted kinds); keys make a repeat a no-op; the
inbox page and the preferences form."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts import delivery, sms
from accounts.delivery import KIND_HOMEWORK, KIND_MARK, notifications_deliver, notifications_digest, notify
from accounts.models import Account, Notification, NotificationPreference
from tenants.models import School
from tests.conftest import client_for

Delivery = NotificationPreference.Delivery


@pytest.fixture(autouse=True)
def _clean(db, settings):
    """The demo's substitutions notified families already; each test counts its own."""
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    Notification.objects.all().delete()
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """notify() as a service would call it, with the commit happening."""
    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            notify(**kwargs)
    return run


def _prefer(account: Account, **fields) -> None:
    NotificationPreference.objects.update_or_create(account=account, defaults=fields)


def test_by_default_in_the_app_and_by_email_at_once_no_sms(school1, send, mailoutbox):
    send(account_ids=[school1.parent.pk, school1.student.pk], school_id=school1.school.pk, kind=KIND_MARK,
         title="Новая оценка: 5", body="Математика", url="/diary/?week=2026-03-02")
    rows = Notification.objects.filter(school=school1.school).order_by("account_id")
    assert {n.account_id for n in rows} == {school1.parent.pk, school1.student.pk}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([school1.parent.email, school1.student.email])
    mail = mailoutbox[0]
    assert "Новая оценка: 5" in mail.subject and school1.school.short_name in mail.subject
    assert "school1.parta.localhost/diary/?week=2026-03-02" in mail.body and "Математика" in mail.body
    assert all(n.emailed_at is not None and n.texted_at is None for n in rows)
    assert sms.outbox == []


def test_nothing_is_written_or_sent_before_the_commit(school1, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="x")
    assert len(callbacks) == 1
    assert not Notification.objects.exists() and mailoutbox == []


def test_sms_at_once_goes_to_the_phone_and_email_can_be_off(school1, send, mailoutbox):
    Account.objects.filter(pk=school1.parent.pk).update(phone="+79990001122")
    _prefer(school1.parent, email=Delivery.NONE, sms=Delivery.INSTANT)
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="Новая оценка: 4")
    assert mailoutbox == []
    assert [(m.phone, m.text) for m in sms.outbox] == [("+79990001122", "Parta: Новая оценка: 4")]
    row = Notification.objects.get(account=school1.parent)
    assert row.texted_at is not None and row.emailed_at is None


def test_a_long_sms_is_cut(school1, send):
    Account.objects.filter(pk=school1.parent.pk).update(phone="+79990001122")
    _prefer(school1.parent, email=Delivery.NONE, sms=Delivery.INSTANT)
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="Ж" * 190)
    assert len(sms.outbox[0].text) == delivery.SMS_MAX_CHARS and sms.outbox[0].text.endswith("…")


def test_muted_kinds_stay_in_the_app_only(school1, send, mailoutbox):
    Account.objects.filter(pk=school1.parent.pk).update(phone="+79990001122")
    _prefer(school1.parent, email=Delivery.INSTANT, sms=Delivery.INSTANT, muted=[KIND_MARK])
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="muted")
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_HOMEWORK, title="heard")
    assert Notification.objects.filter(account=school1.parent).count() == 2
    assert [m.subject.split(": ", 1)[1] for m in mailoutbox] == ["heard"]
    assert [m.text for m in sms.outbox] == ["Parta: heard"]


def test_only_in_the_app(school1, send, mailoutbox):
    _prefer(school1.parent, email=Delivery.NONE, sms=Delivery.NONE)
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="x")
    assert Notification.objects.filter(account=school1.parent).exists()
    assert mailoutbox == [] and sms.outbox == []


def test_a_key_makes_a_repeat_a_no_op_and_delivery_is_idempotent(school1, send, mailoutbox):
    for _ in range(2):
        send(account_ids=[school1.parent.pk, school1.student.pk, school1.parent.pk], school_id=school1.school.pk,
             kind=KIND_MARK, title="once", key="test:once")
    assert Notification.objects.filter(key="test:once").count() == 2
    assert len(mailoutbox) == 2
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert notifications_deliver(notification_ids=ids) == (0, 0)  # a retried task sends nothing again
    assert len(mailoutbox) == 2
    # Another key is news again.
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="again",
         key="test:twice")
    assert len(mailoutbox) == 3


def test_the_digest_gathers_a_day_in_one_email_and_one_sms(school1, send, mailoutbox):
    Account.objects.filter(pk=school1.parent.pk).update(phone="+79990001122")
    _prefer(school1.parent, email=Delivery.DIGEST, sms=Delivery.DIGEST, muted=[KIND_HOMEWORK])
    for title in ("Первая", "Вторая", "Третья"):
        send(account_ids=[school1.parent.pk, school1.student.pk], school_id=school1.school.pk, kind=KIND_MARK,
             title=title, url="/diary/")
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_HOMEWORK, title="Заглушено")
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="Прочитано")
    Notification.objects.filter(title="Прочитано").update(read_at=datetime.now(tz=ZoneInfo("UTC")))
    # The student (no preference) had each at once; the parent nothing yet.
    assert [m.to for m in mailoutbox] == [[school1.student.email]] * 3 and sms.outbox == []
    mailoutbox.clear()

    assert notifications_digest(force=True) == (1, 1)
    [mail] = mailoutbox
    assert mail.to == [school1.parent.email] and "3" in mail.subject
    assert mail.body.index("Первая") < mail.body.index("Вторая") < mail.body.index("Третья")
    assert "Заглушено" not in mail.body and "Прочитано" not in mail.body
    assert "school1.parta.localhost/diary/" in mail.body
    assert sms.outbox[0].phone == "+79990001122" and "3" in sms.outbox[0].text
    assert notifications_digest(force=True) == (0, 0)  # stamped: the next run sends nothing
    assert len(mailoutbox) == 1


def test_the_digest_waits_for_the_evening_of_the_school(school1, send, mailoutbox):
    _prefer(school1.parent, email=Delivery.DIGEST)
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="Вечером")
    zone = ZoneInfo(school1.school.timezone)
    now = datetime.now(tz=zone)
    morning = now.replace(hour=9)
    evening = now.replace(hour=delivery.DIGEST_LOCAL_HOUR, minute=30)
    assert notifications_digest(now=morning) == (0, 0)
    School.objects.filter(pk=school1.school.pk).update(timezone="Asia/Vladivostok")  # 20:30 in Moscow is night there
    assert notifications_digest(now=evening) == (0, 0)
    School.objects.filter(pk=school1.school.pk).update(timezone=school1.school.timezone)
    assert notifications_digest(now=evening) == (1, 0)
    assert [m.to for m in mailoutbox] == [[school1.parent.email]]


# ---- the page ----------------------------------------------------------------------------

def _make(account, school, title, **fields) -> Notification:
    return Notification.objects.create(account=account, school=school, kind=KIND_MARK, title=title, **fields)


def test_the_inbox_shows_only_my_notifications_from_every_school(school1, school2, multi):
    mine = _make(multi, school2.school, "Из второй школы", url="/diary/")
    _make(multi, school1.school, "Из первой школы", url="/journal/")
    _make(school1.parent, school1.school, "Чужое")
    page = client_for(school1.host, multi).get("/accounts/notifications/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Из второй школы" in text and "Из первой школы" in text and "Чужое" not in text
    # Another school's link leads to that school's address; this school's stays relative.
    assert "school2.parta.localhost/diary/" in text and 'href="/journal/"' in text
    assert f'id="notification-{mine.pk}"' in text and page.context["unread_count"] == 2
    # The portal shows the same inbox.
    assert client_for("parta.localhost", multi).get("/accounts/notifications/").status_code == 200


def test_opening_the_inbox_reads_this_schools_notifications_only(school1, school2, multi):
    here = _make(multi, school1.school, "Из первой школы")
    there = _make(multi, school2.school, "Из второй школы")
    client = client_for(school1.host, multi)
    # The portal has no "this school": opening the inbox there reads nothing.
    client_for("parta.localhost", multi).get("/accounts/notifications/")
    assert Notification.objects.filter(pk__in=[here.pk, there.pk], read_at__isnull=True).count() == 2
    # htmx's row swap after "Mark as read" reads nothing else either.
    client.get("/accounts/notifications/", HTTP_HX_REQUEST="true")
    assert Notification.objects.filter(pk__in=[here.pk, there.pk], read_at__isnull=True).count() == 2
    page = client.get("/accounts/notifications/")
    text = page.content.decode()
    # Both shown as new this once; this school's is read now and has no "Mark as read" left.
    assert text.count("subs-unread") == 2 and page.context["left_unread"] == 1
    assert page.context["unread_notifications"] == 0  # the bell, counted while rendering
    here.refresh_from_db(), there.refresh_from_db()
    assert here.read_at is not None and there.read_at is None
    assert f'name="notification" value="{there.pk}"' in text and f'value="{here.pk}"' not in text
    assert client.get("/accounts/notifications/").content.decode().count("subs-unread") == 1


def test_marking_read_one_or_all_and_never_someone_elses(school1):
    one = _make(school1.parent, school1.school, "один")
    two = _make(school1.parent, school1.school, "два")
    theirs = _make(school1.student, school1.school, "чужое")
    client = client_for(school1.host, school1.parent)
    response = client.post("/accounts/notifications/read/", {"notification": [one.pk, theirs.pk]})
    assert response.status_code == 302
    one.refresh_from_db(), two.refresh_from_db(), theirs.refresh_from_db()
    assert one.read_at is not None and two.read_at is None and theirs.read_at is None
    client.post("/accounts/notifications/read/", {"all": "1"})
    two.refresh_from_db(), theirs.refresh_from_db()
    assert two.read_at is not None and theirs.read_at is None
    assert client.get("/accounts/notifications/read/").status_code == 405


def test_the_preferences_form_saves_and_refuses_nonsense(school1):
    client = client_for(school1.host, school1.parent)
    page = client.get("/accounts/notifications/")
    assert page.context["form"].initial == {"email": "instant", "sms": "none", "muted": []}
    assert "новые оценки" in page.content.decode().lower() or "new marks" in page.content.decode()
    response = client.post("/accounts/notifications/preferences/",
                           {"email": "digest", "sms": "instant", "muted": [KIND_MARK, "bogus.kind"]})
    assert response.status_code == 400  # an unknown kind is an invalid choice
    assert not NotificationPreference.objects.filter(account=school1.parent).exists()
    response = client.post("/accounts/notifications/preferences/",
                           {"email": "digest", "sms": "instant", "muted": [KIND_MARK, KIND_HOMEWORK]})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(account=school1.parent)
    assert (preference.email, preference.sms, sorted(preference.muted)) == ("digest", "instant",
                                                                             sorted([KIND_MARK, KIND_HOMEWORK]))
    response = client.post("/accounts/notifications/preferences/", {"email": "loud", "sms": "none"})
    assert response.status_code == 400 and "email" in response.context["form"].errors
    assert NotificationPreference.objects.get(account=school1.parent).email == "digest"


def test_signing_in_is_required(school1):
    response = client_for(school1.host).get("/accounts/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_in_app_only_writes_the_notification_and_sends_nothing(school1, send, mailoutbox):
    Account.objects.filter(pk=school1.parent.pk).update(phone="+79990001122")
    _prefer(school1.parent, sms=Delivery.INSTANT)
    with delivery.in_app_only():
        send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="Тихо")
    row = Notification.objects.get(account=school1.parent)
    assert row.title == "Тихо" and row.emailed_at is None and row.texted_at is None
    assert mailoutbox == [] and sms.outbox == []
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="Громко")
    assert [m.subject.split(": ", 1)[1] for m in mailoutbox] == ["Громко"] and len(sms.outbox) == 1


@pytest.mark.parametrize(("scheme", "port", "origin"), [
    ("http", "8765", "http://{host}:8765"),  # development: the dev server's port (make run's PORT)
    ("https", "", "https://{host}"),  # production: https on the default port
])
def test_email_links_open_where_the_site_is_served_and_the_footer_is_russian(
        school1, send, mailoutbox, settings, scheme, port, origin):
    settings.NOTIFY_URL_SCHEME, settings.PUBLIC_PORT = scheme, port
    send(account_ids=[school1.parent.pk], school_id=school1.school.pk, kind=KIND_MARK, title="Новая оценка: 5",
         url="/diary/")
    body = mailoutbox[0].body
    assert origin.format(host="school1.parta.localhost") + "/diary/" in body
    assert "Настройки уведомлений: " + origin.format(host="parta.localhost") + "/accounts/notifications/" in body
    assert "Notification settings" not in body


def test_the_public_port_follows_port_in_development_only():
    import importlib
    import os
    from unittest import mock

    import config.settings.base as base

    try:
        for debug, port, expected in (("1", "8765", ("http", "8765")), ("0", "8000", ("https", ""))):
            with mock.patch.dict(os.environ, {"DJANGO_DEBUG": debug, "PORT": port}):
                for name in ("NOTIFY_URL_SCHEME", "PUBLIC_PORT"):
                    os.environ.pop(name, None)
                module = importlib.reload(base)
                public = (module.NOTIFY_URL_SCHEME, module.PUBLIC_PORT)
                assert public == expected
    finally:
        importlib.reload(base)
