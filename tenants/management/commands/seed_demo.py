"""python manage.py seed_demo — the demo region, its coordinator and two schools.

Idempotent: a school that already has people is left as it is. Later capabilities add
their demo data by appending a seeder to SCHOOL_SEEDERS.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from accounts.models import Account
from core.demo import demo_people_seed
from core.models import Person
from tenants.models import Coordinator, Municipality, Region, School
from tenants.services import portal_ensure, school_create

DEMO_PASSWORD = "parta-demo-2026"

SCHOOLS = [
    {
        "number": 1,
        "slug": "school1",
        "name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 1» города Калуги",
        "short_name": "МБОУ СОШ № 1",
        "municipality": "городской округ «Город Калуга»",
        "multi_role": "teacher",
    },
    {
        "number": 2,
        "slug": "school2",
        "name": "Муниципальное бюджетное общеобразовательное учреждение «Лицей № 2» города Обнинска",
        "short_name": "Лицей № 2",
        "municipality": "городской округ «Город Обнинск»",
        "multi_role": "parent",
    },
]

# (account key, e-mail pattern, last, first, middle)
SCHOOL_LOGINS = [
    ("admin", "admin@school{n}.parta.test", "Кравцова", "Елена", "Викторовна"),
    ("director", "director@school{n}.parta.test", "Белоусов", "Андрей", "Николаевич"),
    ("deputy", "deputy@school{n}.parta.test", "Лаптева", "Ирина", "Сергеевна"),
    ("teacher", "teacher@school{n}.parta.test", "Смирнова", "Мария", "Петровна"),
    ("student", "student@school{n}.parta.test", "Соколов", "Артём", "Дмитриевич"),
    ("parent", "parent@school{n}.parta.test", "Соколова", "Наталья", "Андреевна"),
]

SCHOOL_SEEDERS: list = []  # later apps append callables(school, number) run inside the schema


def _account(email: str, password_hash: str, last: str, first: str, middle: str) -> Account:
    account = Account.objects.filter(email=email).first()
    if account is None:
        account = Account.objects.create(
            email=email, password=password_hash, last_name=last, first_name=first, middle_name=middle
        )
    return account


class Command(BaseCommand):
    help = "Create the demo region, coordinator and schools school1 and school2 (idempotent)."

    def handle(self, *args, **options) -> None:
        password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        portal_ensure()
        region, _ = Region.objects.get_or_create(code="40", defaults={"name": "Калужская область"})
        coordinator = _account("coordinator@parta.test", password_hash, "Головина", "Ольга", "Борисовна")
        Coordinator.objects.get_or_create(account=coordinator, region=region)
        multi = _account("multi@parta.test", password_hash, "Орлова", "Светлана", "Игоревна")

        for spec in SCHOOLS:
            n = spec["number"]
            municipality, _ = Municipality.objects.get_or_create(region=region, name=spec["municipality"])
            school = School.objects.filter(slug=spec["slug"]).first()
            if school is None:
                school = school_create(
                    slug=spec["slug"], name=spec["name"], short_name=spec["short_name"],
                    timezone="Europe/Moscow", region=region, municipality=municipality,
                )
                self.stdout.write(f"created {school.slug} ({school.schema_name})")
            accounts = {key: _account(pattern.format(n=n), password_hash, last, first, middle)
                        for key, pattern, last, first, middle in SCHOOL_LOGINS}
            accounts["multi"] = multi
            with schema_context(school.schema_name):
                if not Person.objects.exists():
                    demo_people_seed(number=n, accounts=accounts, multi_role=spec["multi_role"])
                    for seeder in SCHOOL_SEEDERS:
                        seeder(school, n)
                    self.stdout.write(f"seeded {school.slug}: {Person.objects.count()} people")
        self.stdout.write(self.style.SUCCESS("demo ready"))
