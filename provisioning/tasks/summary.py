"""Tasks that refresh the regional dashboard's figures.

Why one looping task and not tenants.tasks.schools_fan_out_task: the fan-out runs each
task INSIDE a school's schema (tenant-schemas-celery), but a summary needs the public
schema on both ends — it reads memberships and accounts there and writes the
SchoolSummary row there. A single task that enters each school with schema_context
for its two small queries and comes back to public is simpler to reason about, costs a
few milliseconds per school (minutes for thousands, well inside the 30-minute beat
period), and a failure in one school is logged and skipped. When a region outgrows
that, split it by region (the task already takes `region_ids`) rather than by school.
"""

from __future__ import annotations

from celery import shared_task

from provisioning.services.summary import school_summaries_refresh

__all__ = ["school_summaries_refresh_task"]


@shared_task
def school_summaries_refresh_task(region_ids: list[int] | None = None) -> int:
    """Refresh the summaries of every school (or of some regions); idempotent."""
    return school_summaries_refresh(region_ids=region_ids)
