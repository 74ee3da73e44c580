"""Small builders for gradebook tests, reusable by every gradebook test module: a dated
lesson for a class, a work, a mark written straight to the database, and `journal_build`,
a ready cast around the demo teacher's class 5А (call it inside the school's schema)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.models import Enrollment, Person, SchoolClass
from gradebook.models import GradingScale, Mark, Work, WorkType
from gradebook.scales import mark_parse, scale_for_class
from tenants.models import School
from timetable.models import Lesson, ReportingPeriod, Subgroup, Subject, TeachingAssignment


def local_today(school: School) -> date:
    return timezone.now().astimezone(ZoneInfo(school.timezone)).date()


def lesson_make(school: School, day: date, bell: int = 8, *, subject: Subject, classes, teachers=(),
                subgroup: Subgroup | None = None, status: str = Lesson.Status.SCHEDULED) -> Lesson:
    """A dated lesson outside the template (bell 8 by default: clear of the demo's lessons)."""
    starts = datetime.combine(day, time(8, 0), tzinfo=ZoneInfo(school.timezone)) + timedelta(minutes=55 * bell)
    lesson = Lesson.objects.create(date=day, bell_number=bell, starts_at=starts, ends_at=starts + timedelta(minutes=45),
                                   subject=subject, subgroup=subgroup, status=status)
    lesson.classes.set(classes)
    lesson.teachers.set(teachers)
    return lesson


def work_type(name: str = "Ответ на уроке") -> WorkType:
    return WorkType.objects.get(name=name)


def work_make(school_class: SchoolClass, subject: Subject, *, day: date, lesson: Lesson | None = None,
              kind: str = "Ответ на уроке", **fields) -> Work:
    """A work straight in the database (no permission check)."""
    return Work.objects.create(school_class=school_class, subject=subject, date=day, lesson=lesson,
                               work_type=work_type(kind), **fields)


def mark_make(work: Work, student: Person, raw: str, *, scale: GradingScale | None = None, position: int = 0,
              excluded: bool = False) -> Mark:
    """A mark straight in the database (no history, no cache refresh)."""
    scale = scale or scale_for_class(work.school_class_id)
    text, value = mark_parse(scale, raw)
    return Mark.objects.create(work=work, student=student, raw=text, numeric=value, scale=scale, position=position,
                               excluded=excluded)


def period_containing(school: School, day: date | None = None) -> ReportingPeriod:
    """The whole-school period containing the day (today by default), or the latest one
    that has started (during a vacation)."""
    day = day or local_today(school)
    periods = ReportingPeriod.objects.filter(grades=[]).order_by("starts_on")
    return (periods.filter(starts_on__lte=day, ends_on__gte=day).first()
            or periods.filter(starts_on__lte=day).last() or periods.first())


@dataclass
class Journal:
    """The demo teacher's class with a subject they teach there, people around it, and a
    fresh lesson in the current period taught by the teacher."""

    school: School
    admin: Person
    teacher: Person
    other_teacher: Person
    student: Person  # the demo student (student@), in `school_class`
    classmate: Person
    outsider: Person  # a student of another class
    parent: Person
    school_class: SchoolClass
    subject: Subject
    period: ReportingPeriod
    day: date
    lesson: Lesson

    def lesson_at(self, day: date | None = None, bell: int = 8, **kwargs) -> Lesson:
        kwargs.setdefault("subject", self.subject)
        kwargs.setdefault("classes", [self.school_class])
        kwargs.setdefault("teachers", [self.teacher])
        return lesson_make(self.school, day or self.day, bell, **kwargs)

    def work(self, day: date | None = None, **fields) -> Work:
        return work_make(self.school_class, self.subject, day=day or self.day, **fields)

    def newcomer(self, last_name: str = "Новенькая", first_name: str = "Вера") -> Person:
        """A student just enrolled in the class, with nothing in the journal yet. The demo
        student and their classmates have a term of marks, attendance, period averages and
        history from the demo seed: a test that counts a student's rows or checks an
        average from scratch uses a newcomer."""
        student = Person.objects.create(last_name=last_name, first_name=first_name, roles=["student"])
        Enrollment.objects.create(student=student, school_class=self.school_class)
        return student


def journal_build(cast) -> Journal:
    """Call inside the school's schema (`in_school(cast.school)`)."""
    teacher = cast.person(cast.teacher)
    student = cast.person(cast.student)
    school_class = Enrollment.objects.get(student=student).school_class
    subject = (Subject.objects.filter(assignments__teacher=teacher, assignments__school_class=school_class)
               .order_by("name").first())
    if subject is None:
        subject = Subject.objects.order_by("name").first()
        TeachingAssignment.objects.create(teacher=teacher, subject=subject, school_class=school_class)
    other_teacher = (Person.objects.filter(roles__contains=["teacher"], account__isnull=True)
                     .exclude(teaching_assignments__subject=subject, teaching_assignments__school_class=school_class)
                     .order_by("last_name", "pk").first())
    classmate = (Enrollment.objects.filter(school_class=school_class).exclude(student=student)
                 .order_by("student__last_name", "student_id").first().student)
    outsider = Enrollment.objects.exclude(school_class=school_class).order_by("student_id").first().student
    period = period_containing(cast.school)
    today = local_today(cast.school)
    day = min(max(today, period.starts_on), period.ends_on)
    journal = Journal(school=cast.school, admin=cast.person(cast.admin), teacher=teacher, other_teacher=other_teacher,
                      student=student, classmate=classmate, outsider=outsider, parent=cast.person(cast.parent),
                      school_class=school_class, subject=subject, period=period, day=day, lesson=None)
    journal.lesson = journal.lesson_at()
    return journal


def d(value: str) -> Decimal:
    return Decimal(value)
