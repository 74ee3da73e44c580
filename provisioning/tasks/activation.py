"""Tasks that provision schools and keep the spare-schema pool full. Both run in the
public schema (they are queued from the portal) and are idempotent."""

from __future__ import annotations

from celery import shared_task

__all__ = ["provisioning_job_run_task", "spare_pool_fill_task"]


@shared_task(autoretry_for=(Exception,), max_retries=5, retry_backoff=2, retry_jitter=True)
def provisioning_job_run_task(job_id: str) -> str:
    from provisioning.services.activation import provisioning_job_run

    return provisioning_job_run(job_id=job_id).status


@shared_task
def spare_pool_fill_task() -> int:
    from provisioning.services.pool import spare_pool_fill

    return spare_pool_fill()
