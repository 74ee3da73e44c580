"""Celery tasks of the core app: thin, idempotent, and run in the school they carry."""

from __future__ import annotations

from celery import shared_task
from django.db import connection

from core import selectors


@shared_task
def school_headcount_task() -> dict:
    """The school's headcounts; the schema comes from the message (tenant-schemas-celery)."""
    return {"schema": connection.schema_name, **selectors.school_counts()}
