"""A student's report card («табель»): each subject's marks for every period of the year, the
annual, exam and final marks, and the lessons missed per period. Marks not yet set show the
proposal from the weighted average, marked as such."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.models import Person, SchoolClass
from gradebook.models import Attendance, PeriodMark
from gradebook.reports.attendance import Counts, counts_aggregates
from gradebook.reports.common import (
    Result,
    Sheet,
    Span,
    cell,
    periods_of,
    proposal_note,
    result_make,
    rounding_rule,
    scales_of,
    subjects_of,
    weighted_sums,
)
from timetable.models import AcademicYear, Lesson, ReportingPeriod, Subject

FINAL_KINDS = (PeriodMark.Kind.ANNUAL, PeriodMark.Kind.EXAM, PeriodMark.Kind.FINAL)


@dataclass
class CardRow:
    subject: Subject
    periods: list[Result | None]
    annual: Result | None
    exam: Result | None
    final: Result | None


@dataclass
class ReportCard:
    student: Person
    school_class: SchoolClass
    year: AcademicYear
    periods: list[ReportingPeriod]
    rows: list[CardRow]
    attendance: list[Counts]  # per period, then the year

    @property
    def has_proposals(self) -> bool:
        return any(c is not None and not c.is_set for r in self.rows for c in (*r.periods, r.annual))

    def as_data(self) -> dict:
        def one(result: Result | None) -> dict | None:
            return result.as_data() if result else None

        return {
            "student": {"id": self.student.pk, "name": self.student.full_name},
            "class": {"id": self.school_class.pk, "name": self.school_class.name},
            "year": {"id": self.year.pk, "name": self.year.name},
            "periods": [{"id": p.pk, "name": p.name, "starts_on": p.starts_on.isoformat(),
                         "ends_on": p.ends_on.isoformat()} for p in self.periods],
            "subjects": [{"subject": {"id": r.subject.pk, "name": r.subject.name},
                          "periods": [one(c) for c in r.periods], "annual": one(r.annual), "exam": one(r.exam),
                          "final": one(r.final)} for r in self.rows],
            "attendance": {"periods": [c.as_data() for c in self.attendance[:-1]],
                           "year": self.attendance[-1].as_data()},
        }

    def sheets(self) -> list[Sheet]:
        subtitle = [self.student.full_name, _("Class %(name)s") % {"name": self.school_class.name},
                    _("School year %(year)s") % {"year": self.year.name}]
        marks = Sheet(
            title=_("Report card"), subtitle=subtitle,
            header=[_("Subject"), *[p.name for p in self.periods], pgettext("mark kind", "Annual"),
                    pgettext("mark kind", "Exam"), pgettext("mark kind", "Final")],
            rows=[[r.subject.name, *[cell(c) for c in r.periods], cell(r.annual), cell(r.exam), cell(r.final)]
                  for r in self.rows],
            notes=[proposal_note()] if self.has_proposals else [],
        )
        attendance = Sheet(
            title=_("Attendance"), subtitle=[], first_column_width=24,
            header=["", *[p.name for p in self.periods], _("Year")],
            rows=[[_("Lessons missed"), *[c.missed for c in self.attendance]],
                  [_("of them excused"), *[c.excused for c in self.attendance]],
                  [_("of them unexcused"), *[c.unexcused for c in self.attendance]],
                  [_("Late"), *[c.late for c in self.attendance]]],
        )
        return [marks, attendance]


def report_card(*, student: Person, school_class: SchoolClass, year: AcademicYear) -> ReportCard:
    """The card in a fixed number of queries: periods, set marks, averages (one conditional
    aggregate per period), subjects, scale, settings, attendance (one conditional aggregate)."""
    periods = periods_of(year, school_class.grade)
    spans = [Span(year=year, period=p, starts_on=p.starts_on, ends_on=p.ends_on) for p in periods]
    spans.append(Span(year=year, period=None, starts_on=year.starts_on, ends_on=year.ends_on))
    averages = weighted_sums([student.pk], spans)
    set_marks = {
        (m.subject_id, m.kind, m.period_id): m
        for m in PeriodMark.objects.filter(
            Q(period__in=periods) | Q(period__isnull=True) | Q(period__year=year), student=student,
        ).exclude(raw="")
    }
    scale = scales_of([school_class.pk])[school_class.pk]
    rounding = rounding_rule()
    subjects = subjects_of([school_class.pk], {k[0] for k in set_marks} | {k[1] for k in averages})

    def result(subject: Subject, kind: str, period_id: int | None, span_index: int | None) -> Result | None:
        mark = set_marks.get((subject.pk, kind, period_id))
        if mark is None and kind != PeriodMark.Kind.PERIOD:
            # An annual/exam/final mark may be stored against the year's last period.
            mark = next((m for (s, k, _p), m in set_marks.items() if s == subject.pk and k == kind), None)
        average = averages.get((student.pk, subject.pk, span_index)) if span_index is not None else None
        return result_make(set_raw=mark.raw if mark else "", set_numeric=mark.numeric if mark else None,
                           average=average, scale=scale, rounding=rounding)

    year_index = len(spans) - 1
    rows = [CardRow(subject=subject,
                    periods=[result(subject, PeriodMark.Kind.PERIOD, p.pk, i) for i, p in enumerate(periods)],
                    annual=result(subject, PeriodMark.Kind.ANNUAL, None, year_index),
                    exam=result(subject, PeriodMark.Kind.EXAM, None, None),
                    final=result(subject, PeriodMark.Kind.FINAL, None, None)) for subject in subjects]
    return ReportCard(student=student, school_class=school_class, year=year, periods=periods, rows=rows,
                      attendance=_attendance(student, spans))


def _attendance(student: Person, spans: list[Span]) -> list[Counts]:
    aggregates = {}
    for index, span in enumerate(spans):
        in_span = Q(lesson__date__gte=span.starts_on, lesson__date__lte=span.ends_on)
        aggregates.update(counts_aggregates(in_span, str(index)))
    totals = (Attendance.objects.filter(student=student).exclude(lesson__status=Lesson.Status.CANCELLED)
              .aggregate(**aggregates))
    return [Counts(totals[f"missed{i}"], totals[f"excused{i}"], totals[f"late{i}"]) for i in range(len(spans))]


def card_student_get(*, student_id: int, classes: list[SchoolClass]) -> tuple[Person, SchoolClass]:
    """The student, if they study in one of `classes` (those the actor may report on); one
    answer, 404, for a missing student and for somebody else's."""
    from core.errors import NotFoundForActor
    from core.models import Enrollment

    by_id = {c.pk: c for c in classes}
    enrollment = (Enrollment.objects.filter(student_id=student_id, school_class_id__in=list(by_id),
                                            student__is_active=True).select_related("student").first())
    if enrollment is None:
        raise NotFoundForActor
    return enrollment.student, by_id[enrollment.school_class_id]

