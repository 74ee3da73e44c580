"""Celery carries the school: a task runs in the schema it was queued from."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.db import connection
from django_tenants.utils import schema_context

from config.celery import app
from core.tasks import school_headcount_task


def test_eager_task_runs_in_the_school_it_was_queued_from(school1, school2):
    with schema_context(school1.school.schema_name):
        result1 = school_headcount_task.delay().get()
    with schema_context(school2.school.schema_name):
        result2 = school_headcount_task.delay().get()
    assert result1["schema"] == "school_school1"
    assert result2["schema"] == "school_school2"
    assert result1["students"] == 250


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.broker
@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_real_worker_over_redis_runs_each_task_in_its_school(school1, school2, django_db_blocker):
    """A real worker process, a real broker: the schema travels in the message header."""
    broker = "redis://127.0.0.1:6379/15"
    db = connection.settings_dict
    host = db["HOST"]
    db_url = f"postgresql://{db['USER']}:{db['PASSWORD']}@/{db['NAME']}?host={host}" if host.startswith("/") \
        else f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": db_url, "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": broker}
    root = Path(__file__).resolve().parents[2]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    results = RedisBackend(app=app, url=broker)
    producer_connection = app.connection_for_write(broker)
    try:
        with schema_context(school1.school.schema_name):
            pending1 = AsyncResult(school_headcount_task.apply_async(connection=producer_connection).id,
                                   backend=results)
        with schema_context(school2.school.schema_name):
            pending2 = AsyncResult(school_headcount_task.apply_async(connection=producer_connection).id,
                                   backend=results)
        deadline = time.monotonic() + 60
        while not (pending1.ready() and pending2.ready()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pending1.ready(), worker.stdout.read1().decode() if worker.poll() is not None else "timeout"
        assert pending1.get()["schema"] == "school_school1"
        assert pending2.get()["schema"] == "school_school2"
    finally:
        app.conf.task_always_eager = saved
        producer_connection.release()
        worker.terminate()
        worker.wait(timeout=20)


def test_fan_out_queues_the_task_once_in_every_school(school1, school2, monkeypatch):
    from core import tasks
    from tenants.tasks import schools_fan_out_task

    seen: list[str] = []
    original = tasks.school_headcount_task.run

    def spy():
        result = original()
        seen.append(result["schema"])
        return result

    monkeypatch.setattr(tasks.school_headcount_task, "run", spy)
    assert schools_fan_out_task.delay("core.tasks.school_headcount_task", jitter_seconds=0).get() == 2
    assert sorted(seen) == ["school_school1", "school_school2"]
    assert connection.schema_name == "public"


def test_expired_sessions_are_cleared(db):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.tasks import sessions_clear_task

    Session.objects.create(session_key="old", session_data="", expire_date=timezone.now() - timedelta(days=1))
    Session.objects.create(session_key="new", session_data="", expire_date=timezone.now() + timedelta(days=1))
    assert sessions_clear_task.delay().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
