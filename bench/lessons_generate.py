"""How long generating a year of lessons takes for a big school (budget: under 30 s).

    .venv/bin/python bench/lessons_generate.py [CLASSES]

Runs on a throwaway database (test_parta_bench_lessons) on the configured server (the
embedded one unless DATABASE_URL is set) and drops it afterwards. Builds a school of 40
classes (grades 1–11), 60 teachers and a full, conflict-free weekly template of 30 lessons a
class (six a day, Monday to Friday; some double lessons, some A/B weeks) for the current
academic year with its vacations, then times `lessons_generate` for the whole year and a
second run, which must change nothing. Prints one JSON object last.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _throwaway import django_setup, on_throwaway_database

django_setup("test_parta_bench_lessons")

from django.utils import timezone  # noqa: E402

LETTERS = "АБВГ"
TEACHERS = 60  # ≥ the number of classes, so one teacher per class in every slot is conflict-free


def build_school(classes: int):
    from django_tenants.utils import tenant_context

    from core.models import Person, SchoolClass
    from tenants.choices import Role
    from tenants.models import School
    from timetable import services
    from timetable.models import Holiday, Room, Subject, TemplateEntry, TimetableVersion, WeekType

    school = School(schema_name="bench_lessons", slug="bench-lessons", name="Школа для замера расписания",
                    short_name="Замер", timezone="Asia/Yekaterinburg")
    school.save(verbosity=0)  # creates and migrates the schema
    with tenant_context(school):
        first, last = services.school_year_bounds(timezone.localdate())
        year = services.academic_year_set_up(actor=None, name=f"{first.year}/{last.year}", starts_on=first,
                                             ends_on=last, period_kind="quarter")
        periods = list(year.periods.order_by("starts_on"))
        Holiday.objects.bulk_create([
            Holiday(year=year, name=f"каникулы {i}", starts_on=a.ends_on + timedelta(days=1),
                    ends_on=b.starts_on - timedelta(days=1)) for i, (a, b) in enumerate(itertools.pairwise(periods))])
        schedule = services.bell_schedule_set(actor=None, name="Основное", bells=services.standard_bells())
        services.subjects_add(actor=None, names=services.STANDARD_SUBJECTS)
        subjects = list(Subject.objects.order_by("pk"))
        teachers = Person.objects.bulk_create([
            Person(last_name=f"Учитель{i}", first_name="Анна", roles=[Role.TEACHER]) for i in range(TEACHERS)])
        layout = [(1 + i % 11, LETTERS[i // 11]) for i in range(classes)]
        school_classes = SchoolClass.objects.bulk_create([SchoolClass(grade=g, letter=letter) for g, letter in layout])
        rooms = services.rooms_add(actor=None, building=None, names=[str(100 + i) for i in range(1, classes + 1)])
        version = TimetableVersion.objects.create(
            year=year, name="Основное", valid_from=first, valid_to=last, bell_schedule=schedule,
            week_a_monday=first - timedelta(days=first.weekday()))
        entries, links = [], []
        for c, (school_class, room) in enumerate(zip(school_classes, rooms, strict=True)):
            for day in range(1, 6):
                bell = 1
                while bell <= 6:
                    # Teacher (c + f(slot)) mod 60 differs for every class in one slot.
                    teacher = teachers[(c + 7 * bell + 13 * day) % TEACHERS]
                    subject = subjects[(c + 6 * day + bell) % len(subjects)]
                    double = day == 2 and bell == 3 and c % 4 == 0
                    alternating = day == 4 and bell == 6 and c % 5 == 0
                    weeks = [WeekType.A, WeekType.B] if alternating else [WeekType.EVERY]
                    for week in weeks:
                        entries.append(TemplateEntry(version=version, weekday=day, bell_number=bell,
                                                     duration=2 if double else 1, week_type=week, subject=subject,
                                                     room=room))
                        links.append((teacher.pk, school_class.pk))
                        subject = subjects[(subjects.index(subject) + 1) % len(subjects)]
                    bell += 2 if double else 1
        TemplateEntry.objects.bulk_create(entries)
        TemplateEntry.teachers.through.objects.bulk_create([
            TemplateEntry.teachers.through(templateentry_id=e.pk, person_id=t) for e, (t, _c) in zip(entries, links,
                                                                                                    strict=True)])
        TemplateEntry.classes.through.objects.bulk_create([
            TemplateEntry.classes.through(templateentry_id=e.pk, schoolclass_id=c) for e, (_t, c) in zip(
                entries, links, strict=True)])
        assert Room.objects.count() == classes
    return school, version


def main(classes: int) -> dict:
    from django_tenants.utils import tenant_context

    from timetable.models import Lesson
    from timetable.services.lessons import lessons_generate

    school, version = build_school(classes)
    with tenant_context(school):
        started = time.perf_counter()
        report = lessons_generate(actor=None, version=version, starts_on=version.valid_from,
                                  ends_on=version.valid_to, school=school)
        generate_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = lessons_generate(actor=None, version=version, starts_on=version.valid_from,
                                 ends_on=version.valid_to, school=school)
        regenerate_seconds = time.perf_counter() - started
        lessons = Lesson.objects.count()
        assert report.created == lessons, (report.created, lessons)
        assert (again.created, again.updated, again.deleted) == (0, 0, 0), again
    return {
        "classes": classes,
        "lessons": lessons,
        "generate_seconds": round(generate_seconds, 2),
        "regenerate_seconds": round(regenerate_seconds, 2),
        "lessons_per_second": round(lessons / generate_seconds),
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    figures = on_throwaway_database(main, count)
    print(f"{figures['lessons']} lessons in {figures['generate_seconds']} s (budget 30 s)", file=sys.stderr)
    print(json.dumps(figures))
