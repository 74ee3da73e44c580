"""A small dated timetable built inside a test (the demo's own lessons are cleared first,
so counts are exact): classes, subgroups and lessons around the demo personas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.models import Enrollment, Person, SchoolClass
from tenants.models import School
from timetable.models import Lesson, Room, Subgroup, Subject

BELLS = {1: (8, 30), 2: (9, 25), 3: (10, 30), 4: (11, 35), 5: (12, 40), 6: (13, 40), 7: (14, 35)}


def local_today(school: School) -> date:
    return timezone.now().astimezone(ZoneInfo(school.timezone)).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def lesson_make(school: School, day: date, bell: int, *, subject: Subject, classes, teachers=(), room=None,
                subgroup=None, status=Lesson.Status.SCHEDULED, changed_at=None, starts_at: datetime | None = None,
                minutes: int = 45) -> Lesson:
    zone = ZoneInfo(school.timezone)
    starts = starts_at or datetime.combine(day, time(*BELLS.get(bell, (8, 30))), tzinfo=zone)
    lesson = Lesson.objects.create(date=day, bell_number=bell, starts_at=starts,
                                   ends_at=starts + timedelta(minutes=minutes), subject=subject, room=room,
                                   subgroup=subgroup, status=status, changed_at=changed_at)
    lesson.classes.set(classes)
    lesson.teachers.set(teachers)
    return lesson


@dataclass
class World:
    """The cast of one school with the pieces a week is built from."""

    school: School
    monday: date
    student: Person
    parent: Person
    teacher: Person
    own_class: SchoolClass
    other_class: SchoolClass
    group_in: Subgroup  # the student's English group
    group_out: Subgroup  # the other English group of the class
    subjects: list[Subject]
    rooms: list[Room]
    other_teacher: Person

    def lesson(self, weekday: int, bell: int, **kwargs) -> Lesson:
        kwargs.setdefault("subject", self.subjects[0])
        kwargs.setdefault("classes", [self.own_class])
        kwargs.setdefault("room", self.rooms[0])
        return lesson_make(self.school, self.monday + timedelta(days=weekday - 1), bell, **kwargs)


def world_build(cast) -> World:
    """Call inside the school's schema."""
    Lesson.objects.all().delete()
    student = cast.person(cast.student)
    parent = cast.person(cast.parent)
    teacher = cast.person(cast.teacher)
    own_class = Enrollment.objects.get(student=student).school_class
    other_class = SchoolClass.objects.exclude(pk=own_class.pk).order_by("grade", "letter").last()
    group_in = Subgroup.objects.create(name="Тест-группа 1", school_class=own_class)
    group_in.students.add(student)
    group_out = Subgroup.objects.create(name="Тест-группа 2", school_class=own_class)
    group_out.students.add(Enrollment.objects.filter(school_class=own_class).exclude(student=student)
                           .first().student)
    other_teacher = (Person.objects.filter(roles__contains=["teacher"]).exclude(pk=teacher.pk)
                     .order_by("last_name").first())
    return World(school=cast.school, monday=monday_of(local_today(cast.school)), student=student, parent=parent,
                 teacher=teacher, own_class=own_class, other_class=other_class, group_in=group_in,
                 group_out=group_out, subjects=list(Subject.objects.order_by("name")[:6]),
                 rooms=list(Room.objects.order_by("name")[:4]), other_teacher=other_teacher)


def world_grow(world: World) -> None:
    """More classes, groups, teachers and lessons than before, everywhere the pages look."""
    teachers = [world.teacher, *Person.objects.filter(roles__contains=["teacher"]).exclude(pk=world.teacher.pk)[:5]]
    classes = list(SchoolClass.objects.all()[:6])
    group = Subgroup.objects.create(name="Тест-группа 3", school_class=world.own_class)
    group.students.add(world.student)
    for weekday in range(1, 6):
        for bell in range(1, 8):
            world.lesson(weekday, bell, subject=world.subjects[bell % 6], room=world.rooms[bell % 4],
                         classes=[world.own_class, *classes[: bell % 3 + 1]], teachers=teachers[: bell % 3 + 1],
                         subgroup=group if bell == 7 else None)
    world.lesson(6, 1, subgroup=world.group_in, teachers=[world.teacher])
