"""How long a new school takes: from a spare schema (what activation does) versus by
running every migration (what django-tenants does by default).

    .venv/bin/python bench/provisioning.py [N]

Runs on a throwaway database (test_parta_bench) on the configured server (the embedded
one unless DATABASE_URL is set) and drops it afterwards. Prints one JSON object last.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _throwaway import django_setup, on_throwaway_database

django_setup("test_parta_bench")

from django.utils import timezone  # noqa: E402


def main(n: int) -> dict:
    from accounts.models import Account
    from provisioning.codes import code_generate
    from provisioning.models import ActivationCode
    from provisioning.services import activation, pool
    from provisioning.tasks import activation as tasks
    from tenants.models import Municipality, Region
    from tenants.services import portal_ensure

    # The bench times the job itself; the pool refill that follows it is background work.
    tasks.provisioning_job_run_task.delay = lambda *a, **k: None
    tasks.spare_pool_fill_task.delay = lambda *a, **k: None

    portal_ensure()
    region = Region.objects.create(name="Бенчмарк", code="99")
    municipality = Municipality.objects.create(region=region, name="Бенчмарк-город")
    coordinator = Account.objects.create_user("bench-coordinator@parta.test", "x")

    by_migrations = []
    for _ in range(n):
        started = time.perf_counter()
        pool.spare_create()  # exactly what a school without a pool costs: CREATE SCHEMA + migrate
        by_migrations.append(time.perf_counter() - started)

    from_spare = []
    for i in range(n):
        admin = Account.objects.create_user(f"bench-admin{i}@parta.test", "x", last_name="Админ")
        code = ActivationCode.objects.create(code=code_generate(), region=region, municipality=municipality,
                                             issued_by=coordinator, expires_at=timezone.now() + timedelta(days=1))
        started = time.perf_counter()  # from the moment the code is accepted...
        job = activation.activation_start(admin=admin, code=code, slug=f"bench{i}", name=f"Школа {i}",
                                          short_name=f"Школа {i}", tz="Europe/Moscow")
        job = activation.provisioning_job_run(job_id=job.pk)
        from_spare.append(time.perf_counter() - started)  # ...to a school ready to sign in to
        assert job.status == "succeeded", job.log

    spare = statistics.median(from_spare)
    migrations = statistics.median(by_migrations)
    return {
        "schools": n,
        "from_spare_seconds_per_school": round(spare, 4),
        "by_migrations_seconds_per_school": round(migrations, 4),
        "speedup": round(migrations / spare, 1),
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    figures = on_throwaway_database(main, count)
    print(json.dumps(figures))
