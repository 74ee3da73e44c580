"""The gradebook's Celery tasks: thin wrappers run inside one school's schema
(tenant-schemas-celery carries it), queued per school by tenants.tasks.schools_fan_out_task.

Why hourly beat entries that act at a local hour: schools sit in eleven time zones, and a
reminder "at 18:00" means the school's 18:00. One beat entry per zone would have to know
the zones in use; instead beat fans the task out every hour (jitter under ten minutes, so
it still runs within that hour) and each school acts only when its own clock shows the
hour (settings NOTIFY_ASSISTANT_HOUR / NOTIFY_WARNINGS_HOUR). The other 23 runs cost one
clock check each. Both services are idempotent, so a duplicate run tells nobody twice; a
run delayed past the hour by a backlog is skipped until the next day.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from gradebook.services.assistant import assistant_remind
from gradebook.services.warnings import warnings_check
from tenants.selectors import current_school

# Beat's fan-out spread; under an hour so a task still runs in the hour it was queued for.
FAN_OUT_JITTER_SECONDS = 600


def _local_hour() -> int:
    return timezone.localtime(timezone=ZoneInfo(current_school().timezone)).hour


@shared_task
def assistant_remind_task(force: bool = False) -> int:
    """The teachers' evening reminders of this school (at its local NOTIFY_ASSISTANT_HOUR)."""
    if not force and _local_hour() != settings.NOTIFY_ASSISTANT_HOUR:
        return 0
    return assistant_remind()


@shared_task
def warnings_check_task(student_ids: list[int] | None = None, force: bool = False) -> int:
    """Early warnings. With student ids (after their marks changed): now. Without (beat's
    daily run over the whole school): at the school's local NOTIFY_WARNINGS_HOUR."""
    if student_ids is None and not force and _local_hour() != settings.NOTIFY_WARNINGS_HOUR:
        return 0
    return len(warnings_check(student_ids=student_ids))
