"""The class summary for a period («ведомость»): students × subjects with the period marks
(or, until they are set, the proposal from the weighted average), and the average of each
student and of each subject."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.models import Person, SchoolClass
from gradebook.reports.common import (
    Result,
    Sheet,
    Span,
    cell,
    mean,
    proposal_note,
    results_collect,
    scales_of,
    students_of,
    subjects_of,
)
from timetable.models import Subject


@dataclass
class SummaryRow:
    student: Person
    cells: list[Result | None]
    average: Decimal | None


@dataclass
class ClassSummary:
    school_class: SchoolClass
    span: Span
    subjects: list[Subject]
    rows: list[SummaryRow]
    subject_averages: list[Decimal | None]
    average: Decimal | None

    @property
    def has_proposals(self) -> bool:
        return any(c is not None and not c.is_set for row in self.rows for c in row.cells)

    def as_data(self) -> dict:
        return {
            "class": {"id": self.school_class.pk, "name": self.school_class.name},
            "period": span_data(self.span),
            "subjects": [{"id": s.pk, "name": s.name} for s in self.subjects],
            "rows": [{
                "student": {"id": row.student.pk, "name": row.student.full_name},
                "marks": [c.as_data() if c else None for c in row.cells],
                "average": _str(row.average),
            } for row in self.rows],
            "subject_averages": [_str(a) for a in self.subject_averages],
            "average": _str(self.average),
        }

    def sheets(self) -> list[Sheet]:
        sheet = Sheet(
            title=_("Class summary"),
            subtitle=[_("Class %(name)s") % {"name": self.school_class.name}, self.span.label],
            header=["№", _("Student"), *[s.short_name or s.name for s in self.subjects], _("Average")],
            rows=[[n, row.student.full_name, *[cell(c) for c in row.cells], row.average]
                  for n, row in enumerate(self.rows, start=1)],
            totals=[["", _("Subject average"), *self.subject_averages, self.average]],
            notes=[proposal_note()] if self.has_proposals else [],
        )
        return [sheet]


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def span_data(span: Span) -> dict:
    return {"key": span.key, "name": span.label, "starts_on": span.starts_on.isoformat(),
            "ends_on": span.ends_on.isoformat()}


def class_summary(*, school_class: SchoolClass, span: Span) -> ClassSummary:
    """The «ведомость» of one class (a constant number of queries, whatever its size)."""
    students = students_of([school_class])[school_class.pk]
    scales = scales_of([school_class.pk])
    results = results_collect(student_class={s.pk: school_class.pk for s in students}, span=span, scales=scales)
    subjects = subjects_of([school_class.pk], {subject_id for _s, subject_id in results})
    rows = []
    for student in students:
        cells = [results.get((student.pk, subject.pk)) for subject in subjects]
        rows.append(SummaryRow(student=student, cells=cells, average=mean(c.value for c in cells if c)))
    subject_averages = [mean(row.cells[i].value for row in rows if row.cells[i]) for i in range(len(subjects))]
    return ClassSummary(school_class=school_class, span=span, subjects=subjects, rows=rows,
                        subject_averages=subject_averages,
                        average=mean(c.value for row in rows for c in row.cells if c))
