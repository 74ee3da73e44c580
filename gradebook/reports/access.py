"""The reports as an actor asks for them (the pages and the API share these): check who may see
what, read the query parameters (`period`, `class`, `from`, `to`, `teacher`, `student`), and
build the report. Anything the actor may not see answers 404, the same as a wrong id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from core.errors import NotFoundForActor
from core.models import Person, SchoolClass
from gradebook.errors import GradebookError
from gradebook.reports import attendance as attendance_mod
from gradebook.reports import journal_keeping as keeping_mod
from gradebook.reports import progress as progress_mod
from gradebook.reports import report_card as card_mod
from gradebook.reports import summary as summary_mod
from gradebook.reports.common import (
    NO_YEAR,
    Span,
    class_choose,
    classes_for,
    dates_parse,
    require_school_reports,
    span_resolve,
    students_of,
    year_current,
)
from gradebook.rules import can_journal
from timetable.models import ReportingPeriod


@dataclass
class Choices:
    """What the page's choosers offer and what is chosen."""

    span: Span | None = None
    periods: list[ReportingPeriod] = field(default_factory=list)
    classes: list[SchoolClass] = field(default_factory=list)
    school_class: SchoolClass | None = None
    students: list[Person] = field(default_factory=list)
    all_classes_allowed: bool = False  # the administration may leave the class empty: the school


def _param(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def summary_for(actor: Person, *, params: Mapping[str, str], today: date):
    """A class's «ведомость»: the administration for any class, a class teacher for theirs."""
    classes = classes_for(actor)
    school_class = class_choose(actor, _param(params, "class"), classes)
    span, periods = span_resolve(_param(params, "period"), today=today, grade=school_class.grade)
    report = summary_mod.class_summary(school_class=school_class, span=span)
    return report, Choices(span=span, periods=periods, classes=classes, school_class=school_class)


def progress_for(actor: Person, *, params: Mapping[str, str], today: date):
    """Pass rate and quality: the administration only; the whole school or one class."""
    require_school_reports(actor)
    classes = classes_for(actor)
    raw_class = _param(params, "class")
    school_class = class_choose(actor, raw_class, classes) if raw_class else None
    span, periods = span_resolve(_param(params, "period"), today=today,
                                 grade=school_class.grade if school_class else None)
    report = progress_mod.progress_report(classes=[school_class] if school_class else classes, span=span)
    return report, Choices(span=span, periods=periods, classes=classes, school_class=school_class,
                           all_classes_allowed=True)


def attendance_for(actor: Person, *, params: Mapping[str, str], today: date):
    """Attendance: the administration for the school or a class, a class teacher for theirs;
    `from`/`to` override the period's dates."""
    classes = classes_for(actor)
    school_wide = can_journal(actor, "reports.view")
    raw_class = _param(params, "class")
    school_class = None
    if raw_class or not school_wide:
        school_class = class_choose(actor, raw_class, classes)
    first, last = dates_parse(_param(params, "from"), _param(params, "to"))
    span, periods = span_resolve(_param(params, "period"), today=today,
                                 grade=school_class.grade if school_class else None)
    span = span.with_dates(first, last)
    if school_class is not None:
        report = attendance_mod.class_attendance(school_class=school_class, span=span)
    else:
        report = attendance_mod.school_attendance(classes=classes, span=span, today=today)
    return report, Choices(span=span, periods=periods, classes=classes, school_class=school_class,
                           all_classes_allowed=school_wide)


def journal_keeping_for(actor: Person, *, params: Mapping[str, str], today: date):
    """Journal keeping by teacher: the administration only; `teacher` opens one teacher's list."""
    require_school_reports(actor)
    span, periods = span_resolve(_param(params, "period"), today=today)
    teacher = None
    raw_teacher = _param(params, "teacher")
    if raw_teacher:
        if not raw_teacher.isdigit():
            raise NotFoundForActor
        teacher = Person.objects.filter(pk=int(raw_teacher)).first()
        if teacher is None or not teacher.is_staff_member:
            raise NotFoundForActor
    report = keeping_mod.journal_keeping(span=span, today=today, teacher=teacher)
    return report, Choices(span=span, periods=periods)


def report_card_for(actor: Person, *, params: Mapping[str, str], today: date):
    """A student's report card: the administration for any student, a class teacher for the
    students of their class. Without `student`, the class's students to choose from."""
    classes = classes_for(actor)
    if not classes:
        raise NotFoundForActor
    year = year_current(today)
    if year is None:
        raise GradebookError(NO_YEAR, _("The school has no academic year yet: set it up in the timetable first."))
    raw_student = _param(params, "student")
    if raw_student:
        if not raw_student.isdigit():
            raise NotFoundForActor
        student, school_class = card_mod.card_student_get(student_id=int(raw_student), classes=classes)
        card = card_mod.report_card(student=student, school_class=school_class, year=year)
        return card, Choices(classes=classes, school_class=school_class)
    school_class = class_choose(actor, _param(params, "class"), classes)
    return None, Choices(classes=classes, school_class=school_class,
                         students=students_of([school_class])[school_class.pk])

