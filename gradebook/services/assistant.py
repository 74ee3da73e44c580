"""The teacher's assistant: one reminder a day per teacher about what is left to do — today's
lessons held without a topic or with nothing in the journal, homework handed in and
waiting to be checked, and a period ending within a week with students lacking a period
mark or with too few marks to give one.

Run per school by beat in the evening of the school's own day (gradebook.tasks). A lesson
counts as "not filled" as in the journal-keeping report: no attendance row and no mark.
The reminder is an in-app notification keyed per teacher and day, so a re-run is a no-op;
e-mail follows the teacher's preference (at once or in the digest).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings as django_settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.delivery import KIND_REMINDER, Message, notify_many
from core.models import Enrollment, Person
from gradebook.models import Attendance, HomeworkStudent, Mark, PeriodMark
from gradebook.services.period_marks import period_pick, periods_all, settings_get
from gradebook.services.warnings import school_today
from tenants.selectors import current_school
from timetable.models import Lesson, ReportingPeriod, Subgroup, TeachingAssignment

PERIOD_ENDS_WITHIN = timedelta(days=7)
FEWEST_MARKS = 3  # fewer marks than this in a period: too few to give a period mark


@dataclass
class Reminder:
    """What one teacher is reminded of."""

    lessons: list[str] = field(default_factory=list)
    homework: list[str] = field(default_factory=list)
    homework_count: int = 0
    periods: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lessons or self.homework or self.periods)


def _lessons(reminders: dict[int, Reminder], today: date) -> None:
    """Today's lessons that have ended, without a topic or with nothing in the journal."""
    lessons = (Lesson.objects.filter(date=today, status=Lesson.Status.SCHEDULED, ends_at__lte=timezone.now())
               .annotate(has_attendance=Exists(Attendance.objects.filter(lesson=OuterRef("pk"))),
                         has_marks=Exists(Mark.objects.filter(work__lesson=OuterRef("pk"))))
               .filter(Q(topic="") | Q(has_attendance=False, has_marks=False))
               .select_related("subject").prefetch_related("teachers", "classes").order_by("bell_number", "pk"))
    for lesson in lessons:
        missing = []
        if not lesson.topic:
            missing.append(_("no topic"))
        if not lesson.has_attendance and not lesson.has_marks:
            missing.append(_("no attendance or marks"))
        classes = ", ".join(c.name for c in sorted(lesson.classes.all(), key=lambda c: (c.grade, c.letter)))
        line = _("Lesson %(number)s, %(classes)s, %(subject)s: %(missing)s") % {
            "number": lesson.bell_number, "classes": classes, "subject": lesson.subject.name,
            "missing": ", ".join(missing)}
        for teacher in lesson.teachers.all():
            reminders[teacher.pk].lessons.append(line)


def _teachers_of(assignments: list[TeachingAssignment]) -> dict[tuple[int, int], set[int]]:
    teachers: dict[tuple[int, int], set[int]] = defaultdict(set)
    for a in assignments:
        teachers[(a.subject_id, a.school_class_id)].add(a.teacher_id)
    return teachers


def _homework(reminders: dict[int, Reminder], assignments: list[TeachingAssignment]) -> None:
    """Hand-ins waiting to be checked: the homework's author's, else the subject's teachers in that class."""
    teachers = _teachers_of(assignments)
    for author_id, subject_name, class_id, grade, letter, subject_id, count in (
            HomeworkStudent.objects.filter(status=HomeworkStudent.Status.SUBMITTED)
            .values("homework__created_by_id", "homework__subject__name", "homework__school_class_id",
                    "homework__school_class__grade", "homework__school_class__letter", "homework__subject_id")
            .annotate(n=Count("pk")).order_by("homework__school_class__grade", "homework__school_class__letter")
            .values_list("homework__created_by_id", "homework__subject__name", "homework__school_class_id",
                         "homework__school_class__grade", "homework__school_class__letter",
                         "homework__subject_id", "n")):
        line = ngettext("%(class)s, %(subject)s: %(count)s hand-in to check",
                        "%(class)s, %(subject)s: %(count)s hand-ins to check", count) % {
            "class": f"{grade}{letter}", "subject": subject_name, "count": count}
        for teacher_id in ({author_id} if author_id else teachers.get((subject_id, class_id), set())):
            reminders[teacher_id].homework.append(line)
            reminders[teacher_id].homework_count += count


def _periods(reminders: dict[int, Reminder], assignments: list[TeachingAssignment], today: date) -> None:
    """A period of the class ending within a week: students without a period mark, or with
    fewer than FEWEST_MARKS marks in the subject. A fixed number of queries."""
    all_periods = periods_all()
    ending = [p for p in all_periods if not p.is_closed and today <= p.ends_on <= today + PERIOD_ENDS_WITHIN]
    if not ending:
        return
    # Each assignment's period: the one its class's grade uses on the period's last day.
    work: list[tuple[TeachingAssignment, ReportingPeriod]] = []
    for a in assignments:
        for period in ending:
            if period_pick(all_periods, a.school_class.grade, period.ends_on) == period:
                work.append((a, period))
    if not work:
        return
    class_ids = {a.school_class_id for a, _p in work}
    subject_ids = {a.subject_id for a, _p in work}
    class_students: dict[int, set[int]] = defaultdict(set)
    for student_id, class_id in Enrollment.objects.filter(
            school_class_id__in=class_ids, student__is_active=True).values_list("student_id", "school_class_id"):
        class_students[class_id].add(student_id)
    group_students: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in Subgroup.students.through.objects.filter(
            subgroup_id__in={a.subgroup_id for a, _p in work if a.subgroup_id}).values_list("subgroup_id",
                                                                                              "person_id"):
        group_students[group_id].add(student_id)
    all_students = set().union(*class_students.values()) if class_students else set()
    period_ids = {p.pk for _a, p in work}
    with_mark = set(PeriodMark.objects.filter(
        kind=PeriodMark.Kind.PERIOD, period_id__in=period_ids, subject_id__in=subject_ids,
        student_id__in=all_students).exclude(raw="").values_list("student_id", "subject_id", "period_id"))
    starts = min(p.starts_on for _a, p in work)
    ends = max(p.ends_on for _a, p in work)
    marks_on: dict[tuple[int, int], list[date]] = defaultdict(list)
    for student_id, subject_id, day in Mark.objects.filter(
            student_id__in=all_students, work__subject_id__in=subject_ids, work__date__gte=starts,
            work__date__lte=ends).values_list("student_id", "work__subject_id", "work__date"):
        marks_on[(student_id, subject_id)].append(day)
    for a, period in work:
        students = class_students.get(a.school_class_id, set())
        if a.subgroup_id:
            students = students & group_students.get(a.subgroup_id, set())
        if not students:
            continue
        no_mark = sum(1 for s in students if (s, a.subject_id, period.pk) not in with_mark)
        few = sum(1 for s in students if sum(
            1 for d in marks_on.get((s, a.subject_id), []) if period.starts_on <= d <= period.ends_on) < FEWEST_MARKS)
        if not no_mark and not few:
            continue
        values = {"period": period.name, "date": period.ends_on.strftime("%d.%m"), "class": a.school_class.name,
                  "subject": a.subject.name, "no_mark": no_mark, "few": few, "fewest": FEWEST_MARKS}
        line = _("%(period)s ends %(date)s — %(class)s, %(subject)s: %(no_mark)s without a period mark, "
                 "%(few)s with fewer than %(fewest)s marks") % values
        reminders[a.teacher_id].periods.append(line)


def _title(reminder: Reminder) -> str:
    parts = []
    if reminder.lessons:
        n = len(reminder.lessons)
        parts.append(ngettext("%(count)s lesson to fill in", "%(count)s lessons to fill in", n) % {"count": n})
    if reminder.homework_count:
        n = reminder.homework_count
        parts.append(ngettext("%(count)s hand-in to check", "%(count)s hand-ins to check", n) % {"count": n})
    if reminder.periods:
        n = len(reminder.periods)
        parts.append(ngettext("period marks due in %(count)s class", "period marks due in %(count)s classes",
                              n) % {"count": n})
    return _("Reminder: %(items)s") % {"items": "; ".join(parts)}


def _body(reminder: Reminder) -> str:
    sections = []
    for heading, lines in ((_("Today's lessons"), reminder.lessons), (_("Homework to check"), reminder.homework),
                           (_("The period is ending"), reminder.periods)):
        if lines:
            sections.append("\n".join([heading + ":"] + [f"• {line}" for line in lines]))
    return "\n\n".join(sections)


def assistant_remind(*, today: date | None = None) -> int:
    """Remind each teacher of what is left to do today (when the school turned the
    assistant on); return how many teachers were reminded. Idempotent per day."""
    rules = settings_get()
    if not rules.assistant_enabled:
        return 0
    today = today or school_today()
    assignments = list(TeachingAssignment.objects.filter(teacher__is_active=True)
                       .select_related("school_class", "subject"))
    reminders: dict[int, Reminder] = defaultdict(Reminder)
    with translation.override(django_settings.LANGUAGE_CODE):
        _lessons(reminders, today)
        _homework(reminders, assignments)
        _periods(reminders, assignments, today)
        due = {pk: r for pk, r in reminders.items() if r}
        accounts = dict(Person.objects.filter(pk__in=due, is_active=True, account__isnull=False)
                        .values_list("pk", "account_id"))
        school_id = current_school().pk
        messages = [
            Message(account_ids=[accounts[pk]], kind=KIND_REMINDER, title=_title(r), body=_body(r), url="/journal/",
                    key=f"assistant:{school_id}:{pk}:{today.isoformat()}")
            for pk, r in sorted(due.items()) if pk in accounts
        ]
    notify_many(school_id=school_id, messages=messages)
    return len(messages)
