"""The school calendar's building blocks: years and periods, bells, rooms, subjects, load."""

from __future__ import annotations

import itertools
from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from core.models import Person, SchoolClass
from gradebook.models import Homework, Material, PeriodMark, Plan, Work
from timetable import services
from timetable.models import (
    AcademicYear,
    Bell,
    Lesson,
    ReportingPeriod,
    Room,
    Subgroup,
    Subject,
    TeachingAssignment,
    TimetableVersion,
)


@pytest.fixture
def school(school1):
    """School 1 without the demo's calendar, rooms and subjects."""
    with schema_context(school1.school.schema_name):
        # The demo's journal hangs on subjects the calendar tests remove.
        for model in (Homework, Plan, Material, Work, PeriodMark):
            model.objects.all().delete()
        Lesson.objects.all().delete()
        TimetableVersion.objects.all().delete()
        AcademicYear.objects.all().delete()
        Room.objects.all().delete()
        TeachingAssignment.objects.all().delete()
        Subgroup.objects.all().delete()
        Subject.objects.all().delete()
        yield school1


def test_year_bounds_follow_the_school_year():
    assert services.school_year_bounds(date(2026, 11, 23)) == (date(2026, 9, 1), date(2027, 5, 31))
    assert services.school_year_bounds(date(2027, 3, 1)) == (date(2026, 9, 1), date(2027, 5, 31))


@pytest.mark.parametrize(("kind", "count"), [("quarter", 4), ("trimester", 3), ("semester", 2)])
def test_a_year_gets_its_standard_periods_in_order(school, kind, count):
    admin = school.person(school.admin)
    year = services.academic_year_set_up(actor=admin, name="2026/2027", starts_on=date(2026, 9, 1),
                                         ends_on=date(2027, 5, 31), period_kind=kind)
    periods = list(year.periods.order_by("number"))
    assert len(periods) == count
    assert periods[0].starts_on == date(2026, 9, 1) and periods[-1].ends_on == date(2027, 5, 31)
    assert all(a.ends_on < b.starts_on for a, b in itertools.pairwise(periods))


def test_overlapping_periods_are_refused_and_nothing_is_saved(school):
    admin = school.person(school.admin)
    with pytest.raises(ValidationError) as error:
        services.academic_year_set_up(
            actor=admin, name="2026/2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31),
            period_kind="semester",
            periods=[("1", date(2026, 9, 1), date(2027, 1, 10)), ("2", date(2027, 1, 5), date(2027, 5, 31))])
    assert error.value.code == "period_overlap"
    assert not ReportingPeriod.objects.exists()


def test_closed_periods_cannot_be_redone(school):
    admin = school.person(school.admin)
    year = services.academic_year_set_up(actor=admin, name="2026/2027", starts_on=date(2026, 9, 1),
                                         ends_on=date(2027, 5, 31), period_kind="quarter")
    year.periods.filter(number=1).update(is_closed=True)
    with pytest.raises(ValidationError):
        services.academic_year_set_up(actor=admin, name="2026/2027", starts_on=date(2026, 9, 1),
                                      ends_on=date(2027, 5, 31), period_kind="semester")
    assert year.periods.count() == 4


def test_only_the_administrator_sets_up_the_calendar(school):
    teacher = school.person(school.teacher)
    with pytest.raises(PermissionDenied):
        services.academic_year_set_up(actor=teacher, name="2026/2027", starts_on=date(2026, 9, 1),
                                      ends_on=date(2027, 5, 31), period_kind="quarter")


def test_standard_bells_and_validation(school):
    admin = school.person(school.admin)
    bells = services.standard_bells()
    assert bells[0] == (time(8, 30), time(9, 15))
    assert bells[1][0] == time(9, 25)
    schedule = services.bell_schedule_set(actor=admin, name="Основное", bells=bells)
    assert Bell.objects.filter(schedule=schedule).count() == 7
    with pytest.raises(ValidationError) as error:
        services.bell_schedule_set(actor=admin, name="Сокращённое",
                                   bells=[(time(8, 30), time(9, 0)), (time(8, 55), time(9, 30))])
    assert error.value.code == "bell_overlap"


def test_rooms_from_a_range_without_duplicates(school):
    admin = school.person(school.admin)
    names = services.room_names_expand("101-104, спортзал; 201")
    assert names == ["101", "102", "103", "104", "спортзал", "201"]
    services.rooms_add(actor=admin, building=None, names=names)
    services.rooms_add(actor=admin, building=None, names=["101", "105"])
    assert Room.objects.count() == 7


def test_class_load_grid_assigns_and_removes(school):
    admin = school.person(school.admin)
    services.subjects_add(actor=admin, names=services.STANDARD_SUBJECTS[:3])
    math, = services.subjects_add(actor=admin, names=[("Математика", "Матем.")])
    russian = Subject.objects.get(name="Русский язык")
    school_class = SchoolClass.objects.get(grade=5, letter="А")
    teacher = school.person(school.teacher)
    count = services.class_subjects_assign(actor=admin, school_class=school_class, rows=[
        (russian, teacher, Decimal("5")), (math, teacher, Decimal("4"))])
    assert count == 2
    count = services.class_subjects_assign(actor=admin, school_class=school_class, rows=[(math, None, Decimal(0))])
    assert count == 1
    assert TeachingAssignment.objects.get(school_class=school_class).subject == russian
    student = Person.objects.filter(roles__contains=["student"]).first()
    with pytest.raises(ValidationError):
        services.teaching_assignment_set(actor=admin, teacher=student, subject=math, school_class=school_class,
                                         hours_per_week=Decimal(1))


def test_a_class_split_into_groups_with_their_own_teachers(school):
    admin = school.person(school.admin)
    english, = services.subjects_add(actor=admin, names=[("Иностранный язык (английский)", "Англ. яз.")])
    school_class = SchoolClass.objects.get(grade=5, letter="А")
    first, second = Person.objects.filter(roles__contains=["teacher"]).order_by("pk")[:2]
    services.group_assignment_set(actor=admin, school_class=school_class, subject=english, group_name="группа 1",
                                  teacher=first, hours_per_week=Decimal(3))
    services.group_assignment_set(actor=admin, school_class=school_class, subject=english, group_name="группа 2",
                                  teacher=second, hours_per_week=Decimal(3))
    groups = TeachingAssignment.objects.filter(school_class=school_class, subject=english)
    assert sorted((a.subgroup.name, a.teacher_id) for a in groups) == [("группа 1", first.pk), ("группа 2", second.pk)]
    services.group_assignment_remove(actor=admin, assignment=groups.get(subgroup__name="группа 2"))
    assert not school_class.subgroups.filter(name="группа 2").exists()
    with pytest.raises(ValidationError):
        services.group_assignment_set(actor=admin, school_class=school_class, subject=english, group_name=" ",
                                      teacher=first, hours_per_week=Decimal(3))
