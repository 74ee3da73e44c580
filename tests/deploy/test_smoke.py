"""The production processes, run natively: gunicorn with deploy/gunicorn.conf.py, a Celery
worker and beat, and a Redis of their own — the set-up deploy/compose.yaml describes."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.db import connection
from django_tenants.utils import schema_context

from config.celery import app
from core.tasks import school_headcount_task

ROOT = Path(__file__).resolve().parents[2]
REDIS = shutil.which("redis-server")

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(REDIS is None, reason="redis-server is not installed"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


def _database_url() -> str:
    db = connection.settings_dict
    if db["HOST"].startswith("/"):
        return f"postgresql://{db['USER']}:{db['PASSWORD']}@/{db['NAME']}?host={db['HOST']}"
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _get(port: int, host: str, path: str, cookies: str = "", body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = {"Host": host, "Cookie": cookies}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request("POST" if body is not None else "GET", path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.getheaders(), response.read().decode()


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("smoke")
    redis_port, web_port = _free_port(), _free_port()
    broker = f"redis://127.0.0.1:{redis_port}/0"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:{redis_port}/2",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/1",
        "PARTA_PRODUCTION": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "smoke-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "HOST": "127.0.0.1",
        "PORT": str(web_port),
        "WEB_CONCURRENCY": "2",
    }
    logs = {name: open(tmp / f"{name}.log", "w") for name in ("redis", "web", "worker", "beat")}  # noqa: SIM115
    commands = {
        "redis": [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        "web": [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        "worker": [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
                   "--without-gossip", "--without-mingle"],
        "beat": [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
                 f"--schedule={tmp / 'celerybeat-schedule'}"],
    }
    processes: dict[str, subprocess.Popen] = {}
    with django_db_blocker.unblock():
        try:
            processes["redis"] = subprocess.Popen(commands["redis"], stdout=logs["redis"], stderr=subprocess.STDOUT)
            _wait_for_port(redis_port)
            for name in ("web", "worker", "beat"):
                processes[name] = subprocess.Popen(commands[name], cwd=ROOT, env=env, stdout=logs[name],
                                                   stderr=subprocess.STDOUT)
            _wait_for_port(web_port)
            yield {"web_port": web_port, "broker": broker, "result": env["CELERY_RESULT_BACKEND"],
                   "processes": processes, "tmp": tmp}
        finally:
            for process in reversed(list(processes.values())):
                process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
            for log in logs.values():
                log.close()


def test_gunicorn_serves_readiness_and_the_schools(stack):
    port = stack["web_port"]
    status, _headers, body = _get(port, "10.0.0.5", "/readyz")
    assert status == 200, body
    assert '"migrations": "ok"' in body
    status, headers, _body = _get(port, "school1.parta.localhost", "/")
    assert status == 302
    assert dict(headers)["Location"].startswith("/accounts/login/")
    status, _headers, body = _get(port, "nowhere.parta.localhost", "/")
    assert status == 404
    assert "По этому адресу нет школы" in body


def test_sign_in_through_gunicorn(stack):
    port = stack["web_port"]
    status, headers, body = _get(port, "school1.parta.localhost", "/accounts/login/")
    assert status == 200
    csrf_cookie = next(v for k, v in headers if k == "Set-Cookie" and v.startswith("csrftoken="))
    cookie = csrf_cookie.split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = f"csrfmiddlewaretoken={token}&username=teacher%40school1.parta.test&password=parta-demo-2026"
    status, headers, _body = _get(port, "school1.parta.localhost", "/accounts/login/", cookie, form)
    assert status == 302, _body[:500]
    session = next(v for k, v in headers if k == "Set-Cookie" and v.startswith("sessionid="))
    assert "Domain=parta.localhost" in session
    status, _headers, body = _get(port, "school2.parta.localhost", "/", session.split(";", 1)[0])
    assert status == 403  # one session everywhere, but school2 is not hers
    status, _headers, body = _get(port, "school1.parta.localhost", "/", session.split(";", 1)[0])
    assert status == 200
    assert "Журнал" in body


def test_worker_runs_a_task_in_its_school_through_the_broker(stack, school1):
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    results = RedisBackend(app=app, url=stack["result"])
    try:
        with app.connection_for_write(stack["broker"]) as producer, schema_context(school1.school.schema_name):
            sent = school_headcount_task.apply_async(connection=producer)
        result = AsyncResult(sent.id, backend=results).get(timeout=60)
    finally:
        app.conf.task_always_eager = saved
    assert result["schema"] == "school_school1"
    assert result["students"] == 250


def test_beat_keeps_its_schedule(stack):
    deadline = time.monotonic() + 20
    schedule = list(stack["tmp"].glob("celerybeat-schedule*"))
    while not schedule and time.monotonic() < deadline:
        time.sleep(0.2)
        schedule = list(stack["tmp"].glob("celerybeat-schedule*"))
    assert schedule, (stack["tmp"] / "beat.log").read_text()
    assert stack["processes"]["beat"].poll() is None, (stack["tmp"] / "beat.log").read_text()
    assert "sessions-clear" in (stack["tmp"] / "beat.log").read_text() or stack["processes"]["beat"].poll() is None
