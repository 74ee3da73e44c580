"""`make run` seeds the demo: quietly (no e-mail per notification, no broker warning)."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from accounts.models import Notification
from timetable.models import TeacherAbsence
from timetable.services.substitutions import NOTIFICATION_KIND


def test_the_demo_substitution_notified_in_the_app_only(school1):
    """The session's seed_demo made them for reading in the app: none went out by e-mail
    (the development console backend printed every one of them)."""
    with schema_context(school1.school.schema_name):
        if not TeacherAbsence.objects.filter(created_by=None).exists():
            pytest.skip("no lessons left this school year: the demo has no substitution")
    rows = Notification.objects.filter(school=school1.school, kind=NOTIFICATION_KIND)
    assert rows.exists()
    assert not rows.filter(emailed_at__isnull=False).exists()


def test_queueing_a_task_without_a_broker_logs_no_warning(db, caplog):
    """Eager Celery (no CELERY_BROKER_URL) used to log kombu's "No hostname was supplied.
    Reverting to default 'localhost'" on every task queued, seeding included."""
    from accounts.tasks import sessions_clear_task

    with caplog.at_level(logging.WARNING):
        sessions_clear_task.delay()
        call_command("seed_demo", verbosity=0)  # idempotent: the schools are there
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
