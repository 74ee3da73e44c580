"""(No tests here: the shared world of the diary tests, named to sit among the files the
diary owns.) A diary world: the timetable test world (tests/timetable/week_factory.py) with the demo's
marks, homework and periods cleared, one open reporting period around this week, and
helpers that write through the real journal services as the director (who may write in
every lesson)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from accounts.models import Account
from core.models import Enrollment, Guardianship, Person
from gradebook.models import DiaryVisit, Homework, HomeworkStudent, Mark, PeriodMark, Work, WorkType
from gradebook.services.marks import attendance_set, lesson_work, mark_set, work_create
from tenants.models import Membership
from tests.timetable.week_factory import World, world_build
from timetable.models import AcademicYear, Lesson, ReportingPeriod


@dataclass
class Diary:
    world: World
    director: Person
    period: ReportingPeriod

    @property
    def student(self) -> Person:
        return self.world.student

    @property
    def parent(self) -> Person:
        return self.world.parent

    def day(self, weekday: int) -> date:
        return self.world.monday + timedelta(days=weekday - 1)

    def lesson(self, weekday: int, bell: int, **kwargs) -> Lesson:
        kwargs.setdefault("teachers", [self.world.teacher])
        return self.world.lesson(weekday, bell, **kwargs)

    def mark(self, lesson: Lesson, raw: str, *, student: Person | None = None, school_class=None, **kwargs) -> Mark:
        work = lesson_work(self.director, lesson=lesson, school_class=school_class or self.world.own_class)
        return mark_set(self.director, work=work, student=student or self.student, raw=raw, **kwargs)

    def test_work(self, weekday: int, *, title: str = "Контрольная работа №1", important: bool = True,
                  subject=None) -> Work:
        return work_create(self.director, school_class=self.world.own_class,
                           subject=subject or self.world.subjects[0],
                           work_type=WorkType.objects.get(name="Контрольная работа"), date=self.day(weekday),
                           title=title, is_important=important)

    def free_mark(self, work: Work, raw: str, *, student: Person | None = None, **kwargs) -> Mark:
        return mark_set(self.director, work=work, student=student or self.student, raw=raw, **kwargs)

    def absent(self, lesson: Lesson, code: str = "н", *, student: Person | None = None) -> None:
        attendance_set(self.director, lesson=lesson, student=student or self.student, code=code)

    def homework(self, lesson: Lesson, text: str, *, status: str = HomeworkStudent.Status.ASSIGNED,
                 student: Person | None = None, due_by_date: bool = False) -> HomeworkStudent:
        homework = Homework.objects.create(subject=lesson.subject, school_class=lesson.classes.first(),
                                           due_lesson=None if due_by_date else lesson, due_date=lesson.date,
                                           text=text, created_by=self.world.teacher)
        return HomeworkStudent.objects.create(homework=homework, student=student or self.student, status=status)

    def classmates(self, n: int) -> list[Person]:
        return [e.student for e in Enrollment.objects.filter(school_class=self.world.own_class)
                .exclude(student=self.student).select_related("student").order_by("student_id")[:n]]

    def other_children(self, n: int) -> list[Person]:
        """Give the parent n more children, from other classes."""
        children = [e.student for e in Enrollment.objects.exclude(school_class=self.world.own_class)
                    .select_related("student").order_by("school_class_id", "student_id")[:n]]
        for child in children:
            Guardianship.objects.get_or_create(parent=self.parent, child=child)
        self.parent.__dict__.pop("children_ids", None)
        return children


def diary_build(cast) -> Diary:
    """Call inside the school's schema."""
    world = world_build(cast)
    Work.objects.all().delete()
    Homework.objects.all().delete()
    PeriodMark.objects.all().delete()
    DiaryVisit.objects.all().delete()
    ReportingPeriod.objects.all().delete()
    year = AcademicYear.objects.order_by("-starts_on").first()
    period = ReportingPeriod.objects.create(year=year, kind=ReportingPeriod.Kind.QUARTER, number=1,
                                           name="Тестовая четверть", starts_on=world.monday - timedelta(days=28),
                                           ends_on=world.monday + timedelta(days=34))
    director = cast.person(cast.director)
    return Diary(world=world, director=director, period=period)


def account_for(cast, person: Person):
    """The person's account (made for them if they have none), a member of the school."""
    if person.account_id is None:
        account = Account.objects.create_user(f"p{person.pk}@diary.parta.test", "parta-demo-2026",
                                              last_name=person.last_name, first_name=person.first_name)
        Person.objects.filter(pk=person.pk).update(account_id=account.pk)
    else:
        account = Account.objects.get(pk=person.account_id)
    Membership.objects.update_or_create(account=account, school=cast.school,
                                        defaults={"roles": person.roles, "is_active": True})
    return account
