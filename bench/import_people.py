"""Benchmark: import 1,000 students from an XLSX file (budget: under 10 seconds).

    .venv/bin/python bench/import_people.py                  # own throwaway database and school
    .venv/bin/python bench/import_people.py --school school1 # the demo school of a migrated dev database

By default the benchmark needs nothing but the PostgreSQL server: it creates its own
database (`bench_parta_people`, migrated like a test database, dropped afterwards unless
--keep-db), and inside it a school whose schema is created and migrated in a transaction that
is rolled back at the end. With --school it works on that school of the development
database, again in a transaction rolled back at the end, so nothing is left behind.

The file is generated in memory: 40 classes of 25 students with Russian names, birth dates,
class names and external ids. Timed: the check (read the file, validate every row against
the school, store the report) and the confirmation (check again, then write everything with
bulk inserts). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The database "tests" would use is this benchmark's own: never a colleague's test database.
os.environ["TEST_DATABASE_NAME"] = "bench_parta_people"

import django  # noqa: E402 — Django is set up by this script itself

django.setup()

from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from core.demo_names import FEMALE_NAMES, MALE_NAMES, PATRONYMICS, SURNAMES  # noqa: E402
from core.models import Enrollment, PeopleImport, Person, SchoolClass  # noqa: E402
from core.services.imports import people_import_apply, people_import_check  # noqa: E402
from tenants.models import School  # noqa: E402

LETTERS = "АБВГ"


def students_xlsx(count: int, *, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    today = date.today()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Данные"
    sheet.append(["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс", "E-mail", "Телефон", "Внешний ID"])
    for i in range(count):
        grade = 1 + (i // 25) % 11
        letter = LETTERS[(i // (25 * 11)) % len(LETTERS)]
        female = rng.random() < 0.5
        surname = rng.choice(SURNAMES)[1 if female else 0]
        patronymic = rng.choice(PATRONYMICS)[1 if female else 0]
        born = date(today.year - 7 - grade, rng.randint(1, 12), rng.randint(1, 28))
        phone = f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        sheet.append([surname, rng.choice(FEMALE_NAMES if female else MALE_NAMES), patronymic, born,
                      f"{grade}{letter}", "", phone, f"BENCH-{i:05d}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def throwaway_school() -> School:
    suffix = secrets.token_hex(4)
    school = School(schema_name=f"bench_people_{suffix}", slug=f"bench-people-{suffix}",
                    name="Школа для замера импорта", short_name="Замер")
    school.save(verbosity=0)  # creates and migrates the schema — inside our transaction
    return school


def run(count: int, school_slug: str | None) -> dict[str, object]:
    result: dict[str, object] = {}
    with transaction.atomic():
        started = time.perf_counter()
        school = School.objects.get(slug=school_slug) if school_slug else throwaway_school()
        result["setup_seconds"] = round(time.perf_counter() - started, 2)
        content = students_xlsx(count)
        with tenant_context(school):
            people_before = Person.objects.count()
            t0 = time.perf_counter()
            job = people_import_check(actor=None, kind="students", file_name="bench.xlsx", content=content)
            t1 = time.perf_counter()
            if job.status != PeopleImport.Status.CHECKED:
                raise SystemExit(f"the generated file was rejected: {job.report['problems'][:3]}")
            job = people_import_apply(actor=None, people_import=job)
            t2 = time.perf_counter()
            assert job.status == PeopleImport.Status.APPLIED, job.report["problems"][:3]
            added = Person.objects.count() - people_before
            assert added == count, added
            assert Enrollment.objects.filter(student__external_id__startswith="BENCH-").count() == count
            # The same file again must change nothing.
            t3 = time.perf_counter()
            again = people_import_check(actor=None, kind="students", file_name="bench.xlsx", content=content)
            t4 = time.perf_counter()
            assert again.report["counts"] == {"create": 0, "update": 0, "same": count}, again.report["counts"]
            result.update({
                "students": count,
                "classes": SchoolClass.objects.count(),
                "validate_seconds": round(t1 - t0, 3),
                "import_seconds": round(t2 - t1, 3),
                "total_seconds": round(t2 - t0, 3),
                "recheck_same_file_seconds": round(t4 - t3, 3),
                "school": school.slug if school_slug else "throwaway (rolled back)",
            })
        transaction.set_rollback(True)  # leave the database as it was
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--school", default=None, help="use this school of the dev database (rolled back)")
    parser.add_argument("--keep-db", action="store_true", help="keep the benchmark database for the next run")
    args = parser.parse_args()
    if args.school:
        result = run(args.students, args.school)
    else:
        old_name = connection.settings_dict["NAME"]
        started = time.perf_counter()
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep_db)
        database_seconds = round(time.perf_counter() - started, 1)
        try:
            result = run(args.students, None)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keep_db)
        result["database_seconds"] = database_seconds
    budget = 10.0
    print(f"import of {result['students']} students: {result['total_seconds']} s (budget {budget} s)",
          file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
