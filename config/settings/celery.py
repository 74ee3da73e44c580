"""Celery: a real broker when CELERY_BROKER_URL is set, eager in-process otherwise."""

from celery.schedules import crontab

from config.env import env_str

_BROKER = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not _BROKER
# Eager tasks run in-process, yet Celery still takes a producer from its pool: with no URL
# kombu assumes amqp://localhost and logs "No hostname was supplied". The in-memory
# transport opens nothing and says nothing.
CELERY_BROKER_URL = _BROKER or "memory://localhost/"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a task killed mid-way is redelivered; tasks are idempotent
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Public upkeep. Per-school work is one entry that calls tenants.tasks.schools_fan_out_task.
    "sessions-clear": {"task": "accounts.tasks.sessions_clear_task", "schedule": crontab(hour=3, minute=17)},
    # New schools are made from spare schemas; keep the pool full (also refilled on use).
    "spare-pool-fill": {"task": "provisioning.tasks.activation.spare_pool_fill_task", "schedule": 600.0},
    # The regional dashboard's figures (one task looping over schools: see its module).
    "school-summaries-refresh": {
        "task": "provisioning.tasks.summary.school_summaries_refresh_task",
        "schedule": crontab(minute="*/30"),
    },
    # The gradebook's evening jobs: hourly, because each school acts at ITS local hour (18:00
    # reminders, 19:00 early warnings; see gradebook/tasks.py). Jitter stays under the hour.
    "gradebook-assistant": {
        "task": "tenants.tasks.schools_fan_out_task", "schedule": crontab(minute=0),
        "args": ("gradebook.tasks.assistant_remind_task",), "kwargs": {"jitter_seconds": 600},
    },
    "gradebook-warnings": {
        "task": "tenants.tasks.schools_fan_out_task", "schedule": crontab(minute=0),
        "args": ("gradebook.tasks.warnings_check_task",), "kwargs": {"jitter_seconds": 600},
    },
    # The daily digest (public schema): hourly too, each school's notifications going out
    # when it is 20:00 there (accounts.delivery.DIGEST_LOCAL_HOUR), after the jobs above.
    "notifications-digest": {"task": "accounts.tasks.notifications_digest_task", "schedule": crontab(minute=30)},
}
