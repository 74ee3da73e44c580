"""Reads of the whole-day absence page and API: which classes the actor marks whole days
for (the class teacher: their classes; the administration: every class), a student they
may mark, and a class's day — each student's lessons and attendance that day, in a fixed
number of queries whatever the class size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from core.errors import NotFoundForActor
from core.models import Enrollment, Person, SchoolClass
from gradebook.models import Attendance, AttendanceCode
from gradebook.rules import can_journal
from gradebook.services.period_marks import closed_at, periods_all
from timetable.models import Lesson, ReportingPeriod, Subgroup


def day_absence_classes(actor: Person) -> list[SchoolClass]:
    """The classes whose students' whole days the actor marks (one query)."""
    if not actor.is_staff_member or not actor.is_active:
        return []
    classes = SchoolClass.objects.order_by("grade", "letter")
    if not actor.is_management:
        classes = classes.filter(class_teacher=actor)
    return list(classes)


def day_absence_class_get(actor: Person, class_id: int) -> SchoolClass:
    school_class = SchoolClass.objects.filter(pk=class_id).first()
    if (school_class is None or not actor.is_staff_member
            or not can_journal(actor, "journal.mark_day_absence", school_class)):
        raise NotFoundForActor
    return school_class


def day_absence_student_get(actor: Person, student_id: int) -> tuple[Person, SchoolClass]:
    """A student whose whole day the actor may mark, with their class; else not found."""
    enrollment = (Enrollment.objects.select_related("student", "school_class")
                  .filter(student_id=student_id, student__roles__contains=["student"]).first())
    if (enrollment is None or not actor.is_staff_member
            or not can_journal(actor, "journal.mark_day_absence", enrollment.school_class)):
        raise NotFoundForActor
    return enrollment.student, enrollment.school_class


def absence_codes() -> list[AttendanceCode]:
    """The codes a whole day may get: those that mean the lesson was missed."""
    return list(AttendanceCode.objects.filter(is_absence=True))


@dataclass
class DayRow:
    student: Person
    lessons: list[Lesson]  # the student's lessons that day (whole class, or a group they are in)
    codes: list[str]  # their attendance code at each of those lessons, "" present
    chosen: str = ""  # what the select shows: the typed code, else the day's single code
    error: str = ""

    @property
    def entries(self) -> list[tuple[Lesson, str]]:
        return list(zip(self.lessons, self.codes, strict=True))

    @property
    def absent(self) -> int:
        return sum(1 for code in self.codes if code)

    @property
    def whole_day_code(self) -> str:
        """The code, when one code covers every lesson of the day."""
        found = set(self.codes)
        return found.pop() if len(found) == 1 and self.codes and self.codes[0] else ""


@dataclass
class ClassDay:
    school_class: SchoolClass
    day: date
    lessons: list[Lesson]  # the class's lessons that day, not cancelled
    rows: list[DayRow]
    closed_period: ReportingPeriod | None = None
    codes: list[AttendanceCode] = field(default_factory=list)


def class_day(school_class: SchoolClass, day: date) -> ClassDay:
    """Each student of the class with their lessons and attendance on the day — the
    lessons `day_absence_set` would mark."""
    enrollments = (Enrollment.objects.filter(school_class=school_class, student__is_active=True)
                   .select_related("student"))
    students = sorted((e.student for e in enrollments),
                      key=lambda s: (s.last_name, s.first_name, s.middle_name, s.pk))
    lessons = list(Lesson.objects.filter(date=day, classes=school_class).exclude(status=Lesson.Status.CANCELLED)
                   .select_related("subject", "subgroup").order_by("bell_number", "pk"))
    members: dict[int, set[int]] = defaultdict(set)
    group_ids = {lesson.subgroup_id for lesson in lessons if lesson.subgroup_id}
    if group_ids:
        for person_id, group_id in Subgroup.students.through.objects.filter(
                subgroup_id__in=group_ids).values_list("person_id", "subgroup_id"):
            members[group_id].add(person_id)
    attendance = {(lesson_id, student_id): code for lesson_id, student_id, code in Attendance.objects.filter(
        lesson__in=lessons, student__in=students).values_list("lesson_id", "student_id", "code__code")}
    rows = []
    for student in students:
        own = [lesson for lesson in lessons if lesson.subgroup_id is None or student.pk in members[lesson.subgroup_id]]
        rows.append(DayRow(student=student, lessons=own, codes=[attendance.get((lesson.pk, student.pk), "")
                                                                 for lesson in own]))
    for row in rows:
        row.chosen = row.whole_day_code
    return ClassDay(school_class=school_class, day=day, lessons=lessons, rows=rows,
                    closed_period=closed_at(periods_all(), school_class.grade, day), codes=absence_codes())
