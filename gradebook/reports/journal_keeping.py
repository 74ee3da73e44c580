"""How teachers keep the journal: of the lessons held (before today, not cancelled) in a period,
how many are left without a topic, without any mark, and without either marks or attendance
(nothing at all written on the lesson: a lesson where everybody was present and nobody was
asked has no rows either, so this is the count to talk about, not a verdict). Per teacher,
with the list of those lessons to open from the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from core.models import Person
from gradebook.models import Attendance, Mark
from gradebook.reports.common import Sheet, Span
from gradebook.reports.summary import span_data
from timetable.models import Lesson


@dataclass
class TeacherRow:
    teacher: Person | None  # None: lessons with no teacher set
    held: int
    no_topic: int
    no_marks: int
    empty: int  # neither marks nor attendance

    @property
    def behind(self) -> int:
        return self.no_topic + self.no_marks


@dataclass
class LessonLine:
    lesson: Lesson
    has_topic: bool
    has_marks: bool
    has_attendance: bool

    @property
    def url(self) -> str:
        return f"/journal/lessons/{self.lesson.pk}/"

    @property
    def classes(self) -> str:
        return ", ".join(c.name for c in self.lesson.classes.all())


@dataclass
class JournalKeeping:
    span: Span
    last_day: date  # lessons up to this day count as held
    rows: list[TeacherRow]
    teacher: Person | None = None  # the drill-down
    lessons: list[LessonLine] = field(default_factory=list)

    def as_data(self) -> dict:
        data = {
            "period": span_data(self.span), "held_until": self.last_day.isoformat(),
            "teachers": [{"teacher": None if r.teacher is None else {"id": r.teacher.pk, "name": r.teacher.full_name},
                          "held": r.held, "without_topic": r.no_topic, "without_marks": r.no_marks,
                          "without_marks_or_attendance": r.empty} for r in self.rows],
        }
        if self.teacher is not None:
            data["lessons"] = [{"id": line.lesson.pk, "date": line.lesson.date.isoformat(),
                                "bell_number": line.lesson.bell_number, "subject": line.lesson.subject.name,
                                "classes": line.classes, "topic": line.lesson.topic, "has_marks": line.has_marks,
                                "has_attendance": line.has_attendance, "url": line.url} for line in self.lessons]
        return data

    def sheets(self) -> list[Sheet]:
        subtitle = [self.span.label, _("Lessons held up to %(day)s") % {"day": f"{self.last_day:%d.%m.%Y}"}]
        sheets = [Sheet(
            title=_("Journal keeping"), subtitle=subtitle,
            header=[_("Teacher"), _("Lessons held"), _("Without topic"), _("Without marks"),
                    _("Without marks or attendance")],
            rows=[[r.teacher.full_name if r.teacher else _("No teacher"), r.held, r.no_topic, r.no_marks, r.empty]
                  for r in self.rows],
        )]
        if self.teacher is not None:
            yes, no = _("yes"), _("no")
            sheets.append(Sheet(
                title=self.teacher.full_name, subtitle=subtitle, first_column_width=12,
                header=[_("Date"), _("Lesson"), _("Subject"), _("Class"), _("Topic"), _("Marks"), _("Attendance")],
                rows=[[f"{line.lesson.date:%d.%m.%Y}", line.lesson.bell_number, line.lesson.subject.name,
                       line.classes, line.lesson.topic, yes if line.has_marks else no,
                       yes if line.has_attendance else no] for line in self.lessons],
            ))
        return sheets


def _held(span: Span, today: date):
    """Held lessons of the span with two flags computed by the database (EXISTS subqueries)."""
    last_day = min(span.ends_on, today - timedelta(days=1))
    lessons = (Lesson.objects.filter(date__gte=span.starts_on, date__lte=last_day)
               .exclude(status=Lesson.Status.CANCELLED)
               .annotate(has_marks=Exists(Mark.objects.filter(work__lesson=OuterRef("pk"))),
                         has_attendance=Exists(Attendance.objects.filter(lesson=OuterRef("pk")))))
    return lessons, last_day


def journal_keeping(*, span: Span, today: date, teacher: Person | None = None) -> JournalKeeping:
    """Counts per teacher in one grouped query; the drill-down lists one teacher's lessons with
    a gap (two more queries: the lessons, their classes)."""
    lessons, last_day = _held(span, today)
    no_marks = Q(has_marks=False)
    grouped = (lessons.values("teachers").annotate(
        held=Count("id"), no_topic=Count("id", filter=Q(topic="")), no_marks=Count("id", filter=no_marks),
        empty=Count("id", filter=no_marks & Q(has_attendance=False))).order_by())
    counts = list(grouped)
    people = {p.pk: p for p in Person.objects.filter(pk__in=[r["teachers"] for r in counts if r["teachers"]])}
    rows = [TeacherRow(teacher=people.get(r["teachers"]), held=r["held"], no_topic=r["no_topic"],
                       no_marks=r["no_marks"], empty=r["empty"]) for r in counts]
    # Who is furthest behind first: that is what the deputy head opens the report for.
    rows.sort(key=lambda r: (-r.behind, r.teacher.last_name if r.teacher else "", r.teacher.pk if r.teacher else 0))
    report = JournalKeeping(span=span, last_day=last_day, rows=rows, teacher=teacher)
    if teacher is not None:
        gaps = (lessons.filter(Q(topic="") | Q(has_marks=False), teachers=teacher)
                .select_related("subject").prefetch_related("classes").order_by("date", "bell_number"))
        report.lessons = [LessonLine(lesson=lesson, has_topic=bool(lesson.topic), has_marks=lesson.has_marks,
                                     has_attendance=lesson.has_attendance) for lesson in gaps]
    return report
