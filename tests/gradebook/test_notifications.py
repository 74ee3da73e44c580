"""What the gradebook tells families: a new mark reaches exactly the student and their
parents (grouped per student, never twice), an absence the parents, new homework the
students it is for and their parents — in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.delivery import KIND_ABSENCE, KIND_HOMEWORK, KIND_MARK
from accounts.models import Account, Notification
from core.models import Enrollment, Guardianship, Person, SchoolClass
from gradebook import notifications
from gradebook.models import Mark
from gradebook.scales import scale_for_class
from gradebook.services import homework as homework_services
from gradebook.services import marks
from timetable.models import Subject, TeachingAssignment


@dataclass
class Family:
    student: Person
    parent: Person


@dataclass
class World:
    teacher: Person
    school_class: SchoolClass
    subject: Subject
    families: list[Family]


def make_person(last_name: str, first_name: str, role: str, email: str | None) -> Person:
    account = Account.objects.create_user(email, "Parta-test-2026", last_name=last_name,
                                          first_name=first_name) if email else None
    return Person.objects.create(last_name=last_name, first_name=first_name, roles=[role],
                                 account_id=account.pk if account else None)


def make_family(n: int, school_class: SchoolClass, tag: str) -> Family:
    student = make_person(f"Ученик{n}", "Тест", "student", f"student{n}@{tag}.notify.test")
    parent = make_person(f"Ученик{n}", "Родитель", "parent", f"parent{n}@{tag}.notify.test")
    Enrollment.objects.create(student=student, school_class=school_class)
    Guardianship.objects.create(parent=parent, child=student)
    return Family(student=student, parent=parent)


def build_world(cast, families: int = 2) -> World:
    """Call inside school 1's schema: a new subject taught by the demo teacher in 5А and
    new families in 5А, so the demo's own marks never get in the way."""
    teacher = Person.objects.get(account_id=cast.teacher.pk)
    school_class = SchoolClass.objects.get(grade=5, letter="А")
    subject = Subject.objects.create(name="Тестоведение")
    TeachingAssignment.objects.create(teacher=teacher, subject=subject, school_class=school_class)
    return World(teacher=teacher, school_class=school_class, subject=subject,
                 families=[make_family(n, school_class, cast.school.slug) for n in range(families)])


def inbox(person: Person, kind: str | None = None) -> list[Notification]:
    rows = Notification.objects.filter(account_id=person.account_id).order_by("pk")
    return list(rows.filter(kind=kind) if kind else rows)


@pytest.fixture(autouse=True)
def _empty_inboxes(db):
    Notification.objects.all().delete()


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        yield build_world(school1)


def _work(world: World, day: date | None = None):
    return marks.work_create(world.teacher, school_class=world.school_class, subject=world.subject, work_type=None,
                             date=day or timezone.localdate())


def test_a_mark_reaches_the_student_and_their_parents_only(school1, world, django_capture_on_commit_callbacks):
    first, second = world.families
    work = _work(world)
    with django_capture_on_commit_callbacks(execute=True):
        marks.mark_set(world.teacher, work=work, student=first.student, raw="5")
    [to_student] = inbox(first.student)
    [to_parent] = inbox(first.parent)
    assert to_student.kind == to_parent.kind == KIND_MARK
    assert "5" in to_student.title and "Тестоведение" in to_student.title
    assert first.student.short_name in to_parent.title and "5" in to_parent.title  # whose mark, for the parent
    assert to_parent.url.startswith("/diary/?week=") and f"student={first.student.pk}" in to_parent.url
    assert to_parent.school_id == school1.school.pk
    assert inbox(second.student) == [] and inbox(second.parent) == []
    assert not Notification.objects.filter(account=school1.parent).exists()  # a parent of another child


def test_marks_of_one_call_are_grouped_per_student_and_never_repeated(world, django_capture_on_commit_callbacks):
    first, second = world.families
    works = [_work(world), _work(world)]
    with django_capture_on_commit_callbacks(execute=True):
        marks.mark_set(world.teacher, work=works[0], student=first.student, raw="5")
        marks.mark_set(world.teacher, work=works[1], student=first.student, raw="3")
        marks.mark_set(world.teacher, work=works[0], student=second.student, raw="4")
    ids = list(Mark.objects.filter(work__in=works).values_list("pk", flat=True))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_marks(mark_ids=ids)
    [grouped] = inbox(first.parent)
    assert "5" in grouped.title and "3" in grouped.title and grouped.body.count("Тестоведение") == 2
    [other] = inbox(second.parent)
    assert "4" in other.title and "5" not in other.title
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_marks(mark_ids=ids)  # the same call again tells nobody twice
    assert len(inbox(first.parent)) == 1 and len(inbox(first.student)) == 1


def test_a_changed_mark_is_news_again(world, django_capture_on_commit_callbacks):
    first = world.families[0]
    work = _work(world)
    with django_capture_on_commit_callbacks(execute=True):
        mark = marks.mark_set(world.teacher, work=work, student=first.student, raw="3")
    with django_capture_on_commit_callbacks(execute=True):
        marks.mark_set(world.teacher, work=work, student=first.student, raw="4", expected_version=mark.version)
    titles = [n.title for n in inbox(first.parent)]
    assert len(titles) == 2 and "4" in titles[1] and titles[0] != titles[1]


def test_notify_marks_runs_a_constant_number_of_queries(school1, django_capture_on_commit_callbacks):
    with schema_context(school1.school.schema_name):
        world = build_world(school1, families=6)
        work = _work(world)
        mark_ids = [Mark.objects.create(work=work, student=f.student, raw="4", numeric=4,
                                              scale_id=scale_for_class(world.school_class).pk).pk
                    for f in world.families]

        def count(ids: list[int]) -> int:
            Notification.objects.all().delete()
            with CaptureQueriesContext(connection) as context, django_capture_on_commit_callbacks(execute=True):
                notifications.notify_marks(mark_ids=ids)
            return sum(1 for q in context.captured_queries if not q["sql"].startswith("SET "))

        assert count(mark_ids[:1]) == count(mark_ids)
        assert Notification.objects.filter(kind=KIND_MARK).count() == 12


def test_an_absence_reaches_the_parents_not_the_student(world, django_capture_on_commit_callbacks):
    from tests.timetable.substitution_world import make_lesson

    first, second = world.families
    day = timezone.localdate() - timedelta(days=1)
    lesson = make_lesson(day, 6, world.subject, [world.teacher], [world.school_class])
    with django_capture_on_commit_callbacks(execute=True):
        marks.attendance_set(world.teacher, lesson=lesson, student=first.student, code="н")
        marks.attendance_set(world.teacher, lesson=lesson, student=second.student, code="оп")  # late: not absent
    [to_parent] = inbox(first.parent)
    assert to_parent.kind == KIND_ABSENCE and first.student.short_name in to_parent.title
    assert "Тестоведение" in to_parent.title and "(н)" in to_parent.title
    assert inbox(first.student) == [] and inbox(second.parent) == []


def test_homework_reaches_its_students_and_their_parents(school1, world, django_capture_on_commit_callbacks):
    first, second = world.families
    with django_capture_on_commit_callbacks(execute=True):
        homework = homework_services.homework_create(
            world.teacher, subject=world.subject, school_class=world.school_class, text="Параграф 5, упр. 3",
            due_date=timezone.localdate() + timedelta(days=2), students=[first.student])
    [to_student] = inbox(first.student, KIND_HOMEWORK)
    [to_parent] = inbox(first.parent, KIND_HOMEWORK)
    assert "Тестоведение" in to_student.title and to_student.body == "Параграф 5, упр. 3"
    assert first.student.short_name in to_parent.title
    assert inbox(second.student) == [] and inbox(second.parent) == []
    assert not Notification.objects.filter(account=school1.parent).exists()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_homework(homework_id=homework.pk)  # again: nobody is told twice
    assert len(inbox(first.student)) == 1 and len(inbox(first.parent)) == 1
