"""A small, hand-made day of lessons in school 1 for the substitution tests, far from the
demo's dates so nothing else is scheduled then: the demo timetable never gets in the way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from accounts.models import Account
from core.models import Enrollment, Person, SchoolClass
from timetable.models import Lesson, Room, Subgroup, Subject, TeacherAbsence, TeachingAssignment
from timetable.services.substitutions import lesson_times


def far_monday() -> date:
    day = date.today() + timedelta(days=800)
    return day - timedelta(days=day.weekday())


@dataclass
class World:
    day: date
    subject: Subject
    other_subject: Subject
    absent: Person  # has an account
    sub1: Person  # qualified, no lessons that day; has an account
    sub2: Person  # qualified, one lesson that day (bell 3)
    busy: Person  # qualified, teaches at bell 1
    away: Person  # qualified, absent that day
    other: Person  # not qualified, free
    c5a: SchoolClass
    c5b: SchoolClass
    c6a: SchoolClass
    group: Subgroup  # a group of 5А WITHOUT the demo student
    l1: Lesson  # bell 1, 5А whole class, absent teacher, room 101
    l2: Lesson  # bell 2, 5А group, absent teacher, room 102
    l_busy: Lesson  # bell 1, 5Б, busy teacher, room 103
    l_sub2: Lesson  # bell 3, 6А, sub2, room 104
    rooms: dict[str, Room]


def make_lesson(day: date, bell: int, subject: Subject, teachers, classes, room=None, subgroup=None) -> Lesson:
    starts_at, ends_at = lesson_times(day, bell)
    lesson = Lesson.objects.create(date=day, bell_number=bell, starts_at=starts_at, ends_at=ends_at, subject=subject,
                                   room=room, subgroup=subgroup)
    lesson.teachers.set(teachers)
    lesson.classes.set(classes)
    return lesson


def make_teacher(last_name: str, email: str | None = None) -> Person:
    account = Account.objects.create_user(email, "Parta-test-2026", last_name=last_name, first_name="Тест") \
        if email else None
    return Person.objects.create(last_name=last_name, first_name="Тест", roles=["teacher"],
                                 account_id=account.pk if account else None)


def build_world(demo_student: Person) -> World:
    """Call inside school 1's schema."""
    day = far_monday()
    Lesson.objects.filter(date__gte=day - timedelta(days=7), date__lte=day + timedelta(days=14)).delete()
    subject = Subject.objects.create(name="Тестоведение")
    other_subject = Subject.objects.create(name="Проверкознание")
    absent = make_teacher("Тест-Отсутствующий", "absent@subs.test")
    sub1 = make_teacher("Тест-Бобров", "sub1@subs.test")
    sub2 = make_teacher("Тест-Волков")
    busy = make_teacher("Тест-Гусев")
    away = make_teacher("Тест-Дроздов")
    other = make_teacher("Тест-Орлов")
    classes = {c.name: c for c in SchoolClass.objects.filter(grade__in=[5, 6])}
    c5a, c5b, c6a = classes["5А"], classes["5Б"], classes["6А"]
    c9a = SchoolClass.objects.get(grade=9, letter="А")
    for teacher in (absent, sub1, sub2, busy, away):
        TeachingAssignment.objects.create(teacher=teacher, subject=subject, school_class=c9a)
    TeacherAbsence.objects.create(teacher=away, starts_on=day, ends_on=day)
    group = Subgroup.objects.create(name="тестовая группа", school_class=c5a)
    group.students.set(Enrollment.objects.filter(school_class=c5a).exclude(student=demo_student)
                       .values_list("student_id", flat=True)[:5])
    rooms = {r.name: r for r in Room.objects.filter(name__in=["101", "102", "103", "104", "105"])}
    return World(
        day=day, subject=subject, other_subject=other_subject, absent=absent, sub1=sub1, sub2=sub2, busy=busy,
        away=away, other=other, c5a=c5a, c5b=c5b, c6a=c6a, group=group, rooms=rooms,
        l1=make_lesson(day, 1, subject, [absent], [c5a], rooms["101"]),
        l2=make_lesson(day, 2, subject, [absent], [c5a], rooms["102"], subgroup=group),
        l_busy=make_lesson(day, 1, other_subject, [busy], [c5b], rooms["103"]),
        l_sub2=make_lesson(day, 3, other_subject, [sub2], [c6a], rooms["104"]),
    )
