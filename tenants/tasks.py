"""Fan-out of per-school periodic work: one beat entry, one message per school."""

from __future__ import annotations

import random

from celery import current_app, shared_task
from django.conf import settings
from django_tenants.utils import schema_context

from tenants.models import School


@shared_task
def schools_fan_out_task(task_name: str, jitter_seconds: int = 300) -> int:
    """Queue `task_name` once in every active school, spread over `jitter_seconds` so
    thousands of schools do not hit the database in the same second. Each message
    carries its school's schema (tenant-schemas-celery reads it from the context)."""
    task = current_app.tasks[task_name]
    schools = School.objects.filter(is_active=True).exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
    count = 0
    for schema_name in schools.values_list("schema_name", flat=True):
        with schema_context(schema_name):
            task.apply_async(countdown=random.uniform(0, jitter_seconds))  # noqa: S311 — load spreading
        count += 1
    return count
