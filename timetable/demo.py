"""The demo schools' calendar and teaching load, relative to today; the setup wizard is
marked done, as in a school that has been using Parta since September."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import Person, SchoolClass, SchoolSettings
from core.setup import STEP_KEYS
from tenants.choices import Role
from timetable import services
from timetable.models import Building, Subject, TeachingAssignment

# Hours a week by grade band (a simplified curriculum): (subject, primary, middle).
LOAD = [
    ("Русский язык", 5, 5), ("Литературное чтение", 4, 0), ("Литература", 0, 3), ("Математика", 4, 0),
    ("Алгебра", 0, 3), ("Геометрия", 0, 2), ("Иностранный язык (английский)", 2, 3), ("Окружающий мир", 2, 0),
    ("История", 0, 2), ("Обществознание", 0, 1), ("География", 0, 2), ("Биология", 0, 2), ("Физика", 0, 2),
    ("Химия", 0, 2), ("Информатика", 0, 1), ("Музыка", 1, 1), ("Изобразительное искусство", 1, 1),
    ("Труд (технология)", 1, 1), ("Физическая культура", 2, 2),
]


@transaction.atomic
def demo_calendar_seed(school, number: int) -> None:
    rng = random.Random(2000 + number)  # noqa: S311 — reproducible demo data
    starts_on, ends_on = services.school_year_bounds(timezone.localdate())
    services.academic_year_set_up(actor=None, name=f"{starts_on.year}/{ends_on.year}", starts_on=starts_on,
                                  ends_on=ends_on, period_kind="quarter")
    services.bell_schedule_set(actor=None, name="Основное", bells=services.standard_bells())
    main = Building.objects.create(name="Основной корпус", address=school.name)
    services.rooms_add(actor=None, building=main, names=services.room_names_expand("101-112, 201-212"))
    services.rooms_add(actor=None, building=main, names=["Спортзал"], capacity=60, kind="gym")
    services.rooms_add(actor=None, building=main, names=["301", "302"], kind="computer", capacity=15)
    services.subjects_add(actor=None, names=services.STANDARD_SUBJECTS)

    subjects = {s.name: s for s in Subject.objects.all()}
    teachers = list(Person.objects.filter(roles__contains=[Role.TEACHER]).order_by("pk"))
    assignments = []
    for school_class in SchoolClass.objects.select_related("class_teacher"):
        primary = school_class.grade <= 4
        for name, primary_hours, middle_hours in LOAD:
            hours = primary_hours if primary else middle_hours
            if not hours:
                continue
            # In primary school the class teacher teaches nearly everything.
            teacher = (school_class.class_teacher if primary and name not in
                       ("Иностранный язык (английский)", "Физическая культура", "Музыка") else rng.choice(teachers))
            assignments.append(TeachingAssignment(teacher=teacher or rng.choice(teachers), subject=subjects[name],
                                                  school_class=school_class, hours_per_week=Decimal(hours)))
    TeachingAssignment.objects.bulk_create(assignments, ignore_conflicts=True)
    SchoolSettings.objects.update_or_create(pk=1, defaults={
        "setup_done": STEP_KEYS, "setup_completed_at": timezone.now(), "phone": "+7 (4842) 00-00-0" + str(number),
        "email": f"school{number}@parta.test",
    })
