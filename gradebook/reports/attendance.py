"""Attendance for a period or a range of dates: lessons missed, of them excused and unexcused
(the school's codes say which), and lateness counted apart (a late code is not an absence).
For the school: one row per class; for a class: one row per student."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.models import Person, SchoolClass
from gradebook.models import Attendance
from gradebook.reports.common import TENTH, Sheet, Span, students_of
from gradebook.reports.summary import span_data
from timetable.models import Lesson

ABSENT = Q(code__is_absence=True)


def counts_aggregates(within: Q | None = None, suffix: str = "") -> dict[str, Count]:
    """Conditional counts of attendance rows: missed, of them excused, and late (`within`
    narrows them, e.g. to one period, so several periods fit in one query)."""
    within = within or Q()
    return {
        f"missed{suffix}": Count("id", filter=ABSENT & within),
        f"excused{suffix}": Count("id", filter=ABSENT & Q(code__is_excused=True) & within),
        f"late{suffix}": Count("id", filter=Q(code__is_absence=False) & within),
    }


@dataclass
class Counts:
    missed: int = 0
    excused: int = 0
    late: int = 0

    @property
    def unexcused(self) -> int:
        return self.missed - self.excused

    def add(self, other: Counts) -> None:
        self.missed += other.missed
        self.excused += other.excused
        self.late += other.late

    def as_data(self) -> dict:
        return {"missed": self.missed, "excused": self.excused, "unexcused": self.unexcused, "late": self.late}

    def cells(self) -> list[int]:
        return [self.missed, self.excused, self.unexcused, self.late]


@dataclass
class StudentRow:
    student: Person
    counts: Counts


@dataclass
class ClassRow:
    school_class: SchoolClass
    students: int
    lessons: int  # lessons the class had in the range (held, not cancelled)
    counts: Counts

    @property
    def missed_per_student(self) -> Decimal | None:
        if not self.students:
            return None
        return (Decimal(self.counts.missed) / self.students).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class AttendanceReport:
    span: Span
    school_class: SchoolClass | None  # None: the whole school, a row per class
    students: list[StudentRow] = field(default_factory=list)
    classes: list[ClassRow] = field(default_factory=list)
    total: Counts = field(default_factory=Counts)

    def as_data(self) -> dict:
        data: dict = {"period": span_data(self.span), "total": self.total.as_data()}
        if self.school_class is not None:
            data["class"] = {"id": self.school_class.pk, "name": self.school_class.name}
            data["students"] = [{"student": {"id": r.student.pk, "name": r.student.full_name},
                                 **r.counts.as_data()} for r in self.students]
        else:
            data["classes"] = [{"class": {"id": r.school_class.pk, "name": r.school_class.name},
                                "students": r.students, "lessons": r.lessons, **r.counts.as_data(),
                                "missed_per_student": None if r.missed_per_student is None
                                else str(r.missed_per_student)} for r in self.classes]
        return data

    def sheets(self) -> list[Sheet]:
        counts = [_("Lessons missed"), _("Excused"), _("Unexcused"), _("Late")]
        if self.school_class is not None:
            return [Sheet(
                title=_("Attendance"), subtitle=[_("Class %(name)s") % {"name": self.school_class.name},
                                                 self.span.label],
                header=["№", _("Student"), *counts],
                rows=[[n, r.student.full_name, *r.counts.cells()] for n, r in enumerate(self.students, start=1)],
                totals=[["", _("Total"), *self.total.cells()]],
            )]
        return [Sheet(
            title=_("Attendance by class"), subtitle=[self.span.label], first_column_width=10,
            header=[_("Class"), _("Students"), _("Lessons held"), *counts, _("Missed per student")],
            rows=[[r.school_class.name, r.students, r.lessons, *r.counts.cells(), r.missed_per_student]
                  for r in self.classes],
            totals=[[_("School"), sum(r.students for r in self.classes), "", *self.total.cells(), ""]],
        )]


def _range(span: Span) -> Q:
    return Q(lesson__date__gte=span.starts_on, lesson__date__lte=span.ends_on) & ~Q(
        lesson__status=Lesson.Status.CANCELLED)


def class_attendance(*, school_class: SchoolClass, span: Span) -> AttendanceReport:
    """One row per student of the class (two queries)."""
    students = students_of([school_class])[school_class.pk]
    rows = (Attendance.objects.filter(_range(span), student_id__in=[s.pk for s in students])
            .values("student_id").annotate(**counts_aggregates()).order_by())
    by_student = {r["student_id"]: Counts(r["missed"], r["excused"], r["late"]) for r in rows}
    report = AttendanceReport(span=span, school_class=school_class)
    for student in students:
        counts = by_student.get(student.pk, Counts())
        report.students.append(StudentRow(student=student, counts=counts))
        report.total.add(counts)
    return report


def school_attendance(*, classes: Iterable[SchoolClass], span: Span, today: date) -> AttendanceReport:
    """One row per class (three queries): its students' absences and the lessons it had."""
    classes = list(classes)
    by_class = students_of(classes)
    student_class = {s.pk: class_id for class_id, students in by_class.items() for s in students}
    per_class: dict[int, Counts] = {c.pk: Counts() for c in classes}
    rows = (Attendance.objects.filter(_range(span), student_id__in=list(student_class))
            .values("student_id").annotate(**counts_aggregates()).order_by())
    for row in rows:
        per_class[student_class[row["student_id"]]].add(Counts(row["missed"], row["excused"], row["late"]))
    held = dict(Lesson.objects.filter(classes__in=classes, date__gte=span.starts_on,
                                      date__lte=min(span.ends_on, today), status=Lesson.Status.SCHEDULED)
                .values_list("classes").annotate(n=Count("id")).order_by())
    report = AttendanceReport(span=span, school_class=None)
    for school_class in classes:
        row = ClassRow(school_class=school_class, students=len(by_class[school_class.pk]),
                       lessons=held.get(school_class.pk, 0), counts=per_class[school_class.pk])
        report.classes.append(row)
        report.total.add(row.counts)
    return report
