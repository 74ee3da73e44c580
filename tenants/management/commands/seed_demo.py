"""python manage.py seed_demo — the demo region, its coordinator and two schools.

Idempotent: a school that already has people is left as it is. Later capabilities add
their demo data by appending a seeder to SCHOOL_SEEDERS.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from accounts.delivery import in_app_only
from accounts.models import Account
from core.demo import demo_people_seed
from core.models import Person
from gradebook.demo import demo_gradebook_seed
from gradebook.demo_homework import demo_homework_seed
from gradebook.demo_planning import demo_planning_seed
from tenants.models import Coordinator, Municipality, Region, School
from tenants.services import portal_ensure, school_create
from timetable.demo import demo_calendar_seed, demo_timetable_seed
from timetable.demo_substitutions import demo_substitution_seed

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

# Run inside each new demo school's schema, in order; later capabilities add theirs.
SCHOOL_SEEDERS = [demo_calendar_seed, demo_timetable_seed, demo_substitution_seed,
                  demo_gradebook_seed, demo_homework_seed, demo_planning_seed]


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
            # The demo's notifications (the substitution's) are for reading in the app, not
            # news: nothing is e-mailed or texted, so `make run` prints no mail.
            with schema_context(school.schema_name), in_app_only():
                if not Person.objects.exists():
                    demo_people_seed(number=n, accounts=accounts, multi_role=spec["multi_role"])
                    for seeder in SCHOOL_SEEDERS:
                        seeder(school, n)
                    self.stdout.write(f"seeded {school.slug}: {Person.objects.count()} people")
        _provisioning_demo_seed(region=region, coordinator=coordinator)
        self.stdout.write(self.style.SUCCESS("demo ready"))


# ---- the coordinator's side: requests, codes and the dashboard's figures -------------

# Fixed batch ids, so a second run finds what the first one made.
_DEMO_BATCH = "5eed0000-0000-4000-8000-000000000040"
_DEMO_REQUEST_BATCH = "5eed0000-0000-4000-8000-000000000041"
_DEMO_REQUESTS = [
    {
        "status": "new",
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 5» города Калуги",
        "short_name": "МБОУ СОШ № 5",
        "municipality": "городской округ «Город Калуга»",
        "address": "248000, г. Калуга, ул. Ленина, д. 5",
        "inn": "4029003019",
        "ogrn": "1024000003015",
        "contact_name": "Зайцева Татьяна Олеговна, заместитель директора по ИКТ",
        "email": "sosh5@kaluga.example",
        "phone": "+74842000005",
    },
    {
        "status": "approved",
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Гимназия» города Обнинска",
        "short_name": "Гимназия г. Обнинска",
        "municipality": "городской округ «Город Обнинск»",
        "address": "249030, г. Обнинск, пр. Ленина, д. 12",
        "inn": "4025007020",
        "ogrn": "1024000007020",
        "contact_name": "Ершов Павел Викторович, директор",
        "email": "gymnasium@obninsk.example",
        "phone": "+74843900012",
    },
    {
        "status": "rejected",
        "full_name": "Частное учреждение дополнительного образования «Умка»",
        "short_name": "ЧУ ДО «Умка»",
        "municipality": "городской округ «Город Калуга»",
        "address": "248001, г. Калуга, ул. Кирова, д. 1",
        "inn": "4004001034",
        "ogrn": "1024000001035",
        "contact_name": "Тихонова Анна Сергеевна",
        "email": "umka@kaluga.example",
        "phone": "+79105550101",
        "reject_reason": "Подключаются общеобразовательные школы; центр дополнительного образования "
        "подключится позже вместе с муниципальной программой.",
    },
]


def _provisioning_demo_seed(*, region: Region, coordinator: Account) -> None:
    """Demo connection requests (new, approved with a code, rejected), a small batch of
    unused codes, used codes for the demo schools (so the funnel shows them activated),
    then the dashboard's figures. Idempotent: everything is looked up before it is made."""
    from datetime import timedelta

    from django.utils import timezone

    from provisioning.codes import code_generate
    from provisioning.models import ActivationCode, ConnectionRequest
    from provisioning.services.summary import school_summaries_refresh

    now = timezone.now()

    def make_codes(count: int, **fields) -> None:
        ActivationCode.objects.bulk_create(
            ActivationCode(code=code_generate(), region=region, issued_by=coordinator,
                           expires_at=fields.pop("expires_at", now + timedelta(days=60)), **fields)
            for _ in range(count)
        )

    for spec in _DEMO_REQUESTS:
        spec = dict(spec)
        municipality, _ = Municipality.objects.get_or_create(region=region, name=spec.pop("municipality"))
        request = ConnectionRequest.objects.filter(inn=spec["inn"]).first()
        if request is None:
            reviewed = spec["status"] != "new"
            request = ConnectionRequest.objects.create(
                region=region, municipality=municipality, **spec,
                reviewed_by=coordinator if reviewed else None, reviewed_at=now if reviewed else None,
            )
        if request.status == "approved" and not ActivationCode.objects.filter(request=request).exists():
            make_codes(1, municipality=municipality, request=request, batch=_DEMO_REQUEST_BATCH)

    kaluga = Municipality.objects.get(region=region, name=SCHOOLS[0]["municipality"])
    if not ActivationCode.objects.filter(batch=_DEMO_BATCH).exists():
        make_codes(5, municipality=kaluga, batch=_DEMO_BATCH)

    for school in School.objects.filter(slug__in=[spec["slug"] for spec in SCHOOLS]).select_related("municipality"):
        if not ActivationCode.objects.filter(school=school).exists():
            make_codes(
                1, municipality=school.municipality, status=ActivationCode.Status.USED, school=school,
                used_at=school.created_at, expires_at=school.created_at + timedelta(days=60),
            )

    school_summaries_refresh()
