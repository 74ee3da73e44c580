"""Early warning: tell the class teacher and the parents, once per period, when a student's
average in a subject is low or keeps falling, or unexcused absences pile up.

Run daily per school by beat (gradebook.tasks) and after marks change (for the students
concerned). The thresholds are the school's (GradebookSettings). Reads are batched: a
fixed number of queries per distinct reporting period, whatever the number of students.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.delivery import KIND_WARNING, Message, notify_many
from core.models import Enrollment, Person
from gradebook.models import Attendance, EarlyWarning, GradebookSettings, Mark, PeriodMark
from gradebook.notifications import parent_accounts
from gradebook.scales import weighted_average
from gradebook.services.period_marks import period_pick, periods_all, settings_get
from tenants.selectors import current_school
from timetable.models import Lesson, ReportingPeriod

Kind = EarlyWarning.Kind


@dataclass(frozen=True)
class _Found:
    student_id: int
    subject_id: int | None
    period_id: int
    kind: str
    value: Decimal

    @property
    def identity(self) -> tuple[int, int | None, int, str]:
        return self.student_id, self.subject_id, self.period_id, self.kind


def school_today() -> date:
    """Today in the school's own time zone (never the server's clock)."""
    return timezone.localdate(timezone=ZoneInfo(current_school().timezone))


def _low_averages(periods: dict[int, ReportingPeriod], threshold: Decimal) -> list[_Found]:
    """From the period marks' average cache: one query."""
    found = []
    for student_id, subject_id, period_id, average in PeriodMark.objects.filter(
            kind=PeriodMark.Kind.PERIOD, student_id__in=periods,
            period_id__in={p.pk for p in periods.values()}, average__isnull=False, average__lt=threshold,
    ).values_list("student_id", "subject_id", "period_id", "average"):
        if periods[student_id].pk == period_id:
            found.append(_Found(student_id, subject_id, period_id, Kind.LOW_AVERAGE, average))
    return found


def falling(pairs: list[tuple[Decimal, Decimal]], count: int) -> Decimal | None:
    """The current average when each of the last `count` marks lowered the running
    weighted average (so `count` falls in a row need `count + 1` marks); None otherwise."""
    if count < 1 or len(pairs) < count + 1:
        return None
    averages = [weighted_average(pairs[:end]) for end in range(len(pairs) - count, len(pairs) + 1)]
    if all(later < earlier for earlier, later in pairwise(averages)):
        return averages[-1]
    return None


def _falling_averages(periods: dict[int, ReportingPeriod], today: date, count: int) -> list[_Found]:
    """The same marks the average cache counts (not excluded, numeric, on a scale that
    counts), in the order they were given; one query."""
    if count < 1:
        return []
    sequences: dict[tuple[int, int], list[tuple[Decimal, Decimal]]] = defaultdict(list)
    starts = min(p.starts_on for p in periods.values())
    for student_id, subject_id, day, numeric, weight in Mark.objects.filter(
            student_id__in=periods, excluded=False, numeric__isnull=False, scale__counts_in_average=True,
            work__date__gte=starts, work__date__lte=today,
    ).order_by("student_id", "work__subject_id", "work__date", "created_at", "pk").values_list(
            "student_id", "work__subject_id", "work__date", "numeric", "work__work_type__weight"):
        period = periods[student_id]
        if period.starts_on <= day <= period.ends_on:
            sequences[(student_id, subject_id)].append((numeric, weight))
    found = []
    for (student_id, subject_id), pairs in sequences.items():
        value = falling(pairs, count)
        if value is not None:
            found.append(_Found(student_id, subject_id, periods[student_id].pk, Kind.FALLING, value))
    return found


def _absences(periods: dict[int, ReportingPeriod], today: date, limit: int) -> list[_Found]:
    """Unexcused absences from held lessons of the period so far; one query per period."""
    if limit < 1:
        return []
    students_of: dict[ReportingPeriod, list[int]] = defaultdict(list)
    for student_id, period in periods.items():
        students_of[period].append(student_id)
    found = []
    for period, student_ids in students_of.items():
        for student_id, count in (Attendance.objects.filter(
                student_id__in=student_ids, code__is_absence=True, code__is_excused=False,
                lesson__status=Lesson.Status.SCHEDULED, lesson__date__gte=period.starts_on,
                lesson__date__lte=min(today, period.ends_on),
        ).values("student_id").annotate(n=Count("pk")).filter(n__gte=limit).values_list("student_id", "n")):
            found.append(_Found(student_id, None, period.pk, Kind.ABSENCES, Decimal(count)))
    return found


def warnings_check(*, student_ids: Iterable[int] | None = None, today: date | None = None) -> list[EarlyWarning]:
    """Raise the early warnings due now (for some students, or the whole school) in each
    student's current reporting period; return the ones raised by this call (a warning is
    raised once per student, subject, period and kind) after notifying the class teacher
    and the parents."""
    today = today or school_today()
    rules = settings_get()
    enrollments = Enrollment.objects.filter(student__is_active=True).select_related("school_class")
    if student_ids is not None:
        enrollments = enrollments.filter(student_id__in=list(student_ids))
    all_periods = periods_all()
    periods: dict[int, ReportingPeriod] = {}
    classes = {}
    for enrollment in enrollments:
        period = period_pick(all_periods, enrollment.school_class.grade, today)
        if period is not None:
            periods[enrollment.student_id] = period
            classes[enrollment.student_id] = enrollment.school_class
    if not periods:
        return []
    found = (_low_averages(periods, rules.warning_average_below)
             + _falling_averages(periods, today, rules.warning_falling_marks)
             + _absences(periods, today, rules.warning_absences))
    if not found:
        return []
    existing = set(EarlyWarning.objects.filter(
        student_id__in={f.student_id for f in found}, period_id__in={f.period_id for f in found},
    ).values_list("student_id", "subject_id", "period_id", "kind"))
    fresh = {f.identity: f for f in found if f.identity not in existing}
    if not fresh:
        return []
    # A concurrent run may raise the same warning in between: the unique constraint keeps
    # one, and the notification keys below keep one message.
    EarlyWarning.objects.bulk_create(
        [EarlyWarning(student_id=f.student_id, subject_id=f.subject_id, period_id=f.period_id, kind=f.kind,
                      value=f.value) for f in fresh.values()], ignore_conflicts=True)
    raised = [w for w in EarlyWarning.objects.filter(
        student_id__in={f.student_id for f in fresh.values()}, period_id__in={f.period_id for f in fresh.values()},
    ).select_related("student", "subject", "period").order_by("student_id", "kind", "pk")
        if (w.student_id, w.subject_id, w.period_id, w.kind) in fresh]
    _notify(raised, classes, rules)
    return raised


def _describe(warning: EarlyWarning, rules: GradebookSettings) -> tuple[str, str]:
    values = {"student": warning.student.short_name, "subject": warning.subject.name if warning.subject else "",
              "period": warning.period.name, "value": warning.value,
              "threshold": rules.warning_average_below, "count": int(warning.value),
              "marks": rules.warning_falling_marks}
    if warning.kind == Kind.LOW_AVERAGE:
        return (_("Early warning: %(student)s, average %(value)s in %(subject)s") % values,
                _("The average in %(subject)s for %(period)s is %(value)s, below %(threshold)s.") % values)
    if warning.kind == Kind.FALLING:
        return (_("Early warning: %(student)s, the average in %(subject)s keeps falling") % values,
                _("Each of the last %(marks)s marks in %(subject)s lowered the average; it is now %(value)s.")
                % values)
    return (_("Early warning: %(student)s, %(count)s unexcused absences") % values,
            _("%(count)s lessons missed without a valid reason in %(period)s.") % values)


def _notify(raised: list[EarlyWarning], classes: dict, rules: GradebookSettings) -> None:
    if not raised:
        return
    school_id = current_school().pk
    parents = parent_accounts({w.student_id for w in raised})
    teacher_ids = {c.class_teacher_id for c in classes.values() if c.class_teacher_id}
    teacher_accounts = dict(Person.objects.filter(pk__in=teacher_ids, is_active=True, account__isnull=False)
                            .values_list("pk", "account_id"))
    messages = []
    with translation.override(django_settings.LANGUAGE_CODE):
        for warning in raised:
            title, body = _describe(warning, rules)
            school_class = classes.get(warning.student_id)
            teacher = teacher_accounts.get(school_class.class_teacher_id) if school_class else None
            accounts = parents.get(warning.student_id, set()) | ({teacher} if teacher else set())
            messages.append(Message(account_ids=accounts, kind=KIND_WARNING, title=title, body=body,
                                    url=f"/diary/?student={warning.student_id}",
                                    key=f"warning:{school_id}:{warning.pk}"))
    notify_many(school_id=school_id, messages=messages)
