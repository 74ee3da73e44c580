"""Reads of the student's and parent's diary: a week of lessons with topics, homework, marks
and attendance; marks by subject for a period with averages, period marks and the running
average; a work's mark distribution; the class rating; read tracking for the school.

Every reader costs a constant number of queries whatever the number of lessons, marks or
children. The week: the students' audience (classes, subgroups) once, then one query for
the lessons that also carries their teachers, classes, the students' attendance and the
latest change, one for the marks and one for the homework with its files — for all the
shown students, attached in Python.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.postgres.expressions import ArraySubquery
from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    JSONField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from core.errors import NotFoundForActor
from core.models import Enrollment, Guardianship, Person, SchoolClass
from gradebook.models import (
    Attendance,
    AttendanceCode,
    DiaryVisit,
    GradebookSettings,
    GradingScale,
    HomeworkFile,
    HomeworkStudent,
    Mark,
    PeriodMark,
    Work,
)
from gradebook.rules import can_journal
from gradebook.scales import is_range_scale, scale_for_class, weighted_average
from gradebook.services.period_marks import period_current
from timetable import selectors_week as week_sel
from timetable.models import Lesson, ReportingPeriod, Subgroup, Subject, Substitution, TeachingAssignment

# --- Permission-checked fetches: one answer for "missing" and "not yours" ------------------


def student_get_for_diary(actor: Person, student_id: int) -> Person:
    """A student whose diary the actor may open: themselves, a parent's child, a student of
    the class the actor leads, any student for the administration."""
    student = Person.objects.filter(pk=student_id, roles__contains=["student"]).first()
    if student is None or not can_journal(actor, "diary.view_student", student):
        raise NotFoundForActor
    return student


def children_of(parent: Person) -> list[Person]:
    """A parent's children in this school, in a stable order (one query)."""
    if not parent.children_ids:
        return []
    return list(Person.objects.filter(pk__in=parent.children_ids, is_active=True).order_by("first_name", "pk"))


def class_get_for_tracking(actor: Person, class_id: int) -> SchoolClass:
    """A class whose read tracking the actor may see: its class teacher, the administration."""
    school_class = SchoolClass.objects.select_related("class_teacher").filter(pk=class_id).first()
    if school_class is None or not can_journal(actor, "reports.view_class", school_class):
        raise NotFoundForActor
    return school_class


def classes_for_tracking(actor: Person) -> list[SchoolClass]:
    """The classes the actor may pick on the read-tracking page (one query)."""
    qs = SchoolClass.objects.order_by("grade", "letter")
    if not actor.is_management:
        qs = qs.filter(class_teacher=actor)
    return list(qs)


def work_get_for(actor: Person, work_id: int) -> Work:
    """A work whose mark distribution the actor may see: staff who may view the class's
    journal, students of the class (of the group, for a group's work) and their parents."""
    work = (Work.objects.select_related("subject", "work_type", "school_class", "subgroup", "lesson")
            .filter(pk=work_id).first())
    if work is None:
        raise NotFoundForActor
    if can_journal(actor, "journal.view_class", work.school_class):
        return work
    students = ([actor.pk] if actor.has_role("student") else []) + sorted(actor.children_ids)
    if students:
        members = Enrollment.objects.filter(school_class_id=work.school_class_id, student_id__in=students)
        if work.subgroup_id is not None:
            members = members.filter(student__subgroups=work.subgroup_id)
        if members.exists():
            return work
    raise NotFoundForActor


# --- Read tracking -------------------------------------------------------------------------


def diary_visit_record(*, viewer: Person, students: Sequence[Person], now: datetime | None = None) -> None:
    """Remember that `viewer` opened these students' diary: one UPDATE for all of them, and
    an upsert of them all when some visit is the first (a lone UPDATE is one statement; the
    upsert is three, its transaction's BEGIN and COMMIT included).

    Only the student themselves and their parents count: the school wants to know whether
    the family has seen the marks, not whether the class teacher has. A write, but an
    idempotent bookkeeping one that every diary read does, so it lives beside the reads."""
    targets = [s for s in students if s.pk == viewer.pk or s.pk in viewer.children_ids]
    if not targets:
        return
    now = now or timezone.now()
    seen = DiaryVisit.objects.filter(viewer=viewer, student_id__in=[s.pk for s in targets]).update(seen_at=now)
    if seen < len(targets):
        DiaryVisit.objects.bulk_create(
            [DiaryVisit(viewer=viewer, student=s, seen_at=now) for s in targets],
            update_conflicts=True, unique_fields=["viewer", "student"], update_fields=["seen_at"],
        )


@dataclass
class ParentSeen:
    parent: Person
    seen_at: datetime | None
    new_marks: int


@dataclass
class TrackingRow:
    student: Person
    student_seen_at: datetime | None
    parents: list[ParentSeen] = field(default_factory=list)


def read_tracking(school_class: SchoolClass) -> list[TrackingRow]:
    """Per student of the class: when they and each parent last opened the diary, and how
    many marks were set or changed since the parent's visit. Two queries for any class."""
    never = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))
    student_seen = DiaryVisit.objects.filter(viewer=OuterRef("student"), student=OuterRef("student")).values(
        "seen_at")[:1]
    enrollments = list(Enrollment.objects.filter(school_class=school_class).select_related("student")
                       .annotate(seen=Subquery(student_seen))
                       .order_by("student__last_name", "student__first_name", "student_id"))
    rows = {e.student_id: TrackingRow(student=e.student, student_seen_at=e.seen) for e in enrollments}
    parent_seen = DiaryVisit.objects.filter(viewer=OuterRef("parent"), student=OuterRef("child")).values(
        "seen_at")[:1]
    new_marks = (Mark.objects.filter(student=OuterRef("child"), updated_at__gt=OuterRef("since"))
                 .order_by().values("student").annotate(n=Count("pk")).values("n"))
    links = (Guardianship.objects.filter(child_id__in=rows.keys()).select_related("parent")
             .annotate(seen=Subquery(parent_seen))
             .annotate(since=Coalesce("seen", Value(never)))
             .annotate(new=Coalesce(Subquery(new_marks, output_field=IntegerField()), 0))
             .order_by("parent__last_name", "parent__first_name", "pk"))
    for link in links:
        rows[link.child_id].parents.append(ParentSeen(parent=link.parent, seen_at=link.seen, new_marks=link.new))
    return list(rows.values())


# --- The week ------------------------------------------------------------------------------


@dataclass
class DiaryRow:
    """A lesson of the week with what the diary adds to it for one student."""

    row: week_sel.LessonRow
    marks: list[Mark] = field(default_factory=list)
    attendance: Attendance | None = None
    homework: list[HomeworkStudent] = field(default_factory=list)
    change: Substitution | None = None

    @property
    def lesson(self) -> Lesson:
        return self.row.lesson


@dataclass
class DiaryDay:
    date: date
    is_today: bool
    rows: list[DiaryRow] = field(default_factory=list)
    # Marks of free-standing works of that date (a test not tied to a lesson) and homework
    # due that day that no lesson of the day carries.
    other_marks: list[Mark] = field(default_factory=list)
    other_homework: list[HomeworkStudent] = field(default_factory=list)


@dataclass
class DiaryWeek:
    student: Person
    monday: date
    today: date
    zone: ZoneInfo
    days: list[DiaryDay]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def is_this_week(self) -> bool:
        return self.monday <= self.today <= self.sunday

    @property
    def mark_count(self) -> int:
        return sum(len(r.marks) for d in self.days for r in d.rows) + sum(len(d.other_marks) for d in self.days)


# --- Reading the week: few queries, related rows carried as JSON ----------------------------
#
# Building and compiling a query costs this page more in Django than running it costs in
# PostgreSQL, so the lessons come in one query that also carries, per lesson, its teachers,
# its classes, the shown students' attendance and its latest change (subqueries returning
# rows as JSON arrays), and a homework item carries its files the same way. The rows become
# model instances with only those fields loaded (as `.only()` makes them), and the lists
# sit where `Prefetch(..., to_attr=...)` would put them: `lesson.teacher_list`,
# `lesson.class_list`, `homework.file_list`.

_TEACHER = ("id", "last_name", "first_name", "middle_name")
_CLASS = ("id", "grade", "letter", "class_teacher_id", "week_days", "in_pilot")
_ATTENDANCE = ("id", "lesson_id", "student_id", "code_id", "comment", "version")
_CODE = ("code", "name", "is_absence", "is_excused", "position")
_CHANGE = ("id", "lesson_id", "kind", "reason", "absence_id", "substitute_id")
_FILE = ("id", "homework_id", "file", "name", "size", "content_type")


def _json_row(*names: str) -> Func:
    """Some columns of a row as one JSON array (an element of an `ArraySubquery`)."""
    return Func(*[F(name) for name in names], function="jsonb_build_array", output_field=JSONField())


def _loaded(model: type[Model], names: Sequence[str], values: Sequence[object]) -> Model:
    """An instance with these fields loaded and the others deferred, as `.only()` makes it."""
    data = dict(zip(names, values, strict=True))
    return model.from_db(DEFAULT_DB_ALIAS, list(data),
                         [data[f.attname] for f in model._meta.concrete_fields if f.attname in data])


def _prefetched(instance: Model, name: str, objects: list) -> None:
    """What `prefetch_related(name)` leaves on an instance (Django's `prefetch_one_level`):
    `instance.<name>.all()` answers from `objects` without a query. About 30 µs each."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


@functools.cache
def _lesson_rows() -> QuerySet[Lesson]:
    """Lessons with subject, room and subgroup, and their teachers, classes and latest change
    as JSON rows, in time order: the part of the week's lesson query that is the same for
    every request, built once a process — resolving these subqueries is most of what Django
    spends on the query. Only ever cloned (filtered), never evaluated itself."""
    latest_change = (Substitution.objects.filter(lesson_id=OuterRef("pk")).order_by("-created_at", "-pk")
                     .values(row=_json_row(*_CHANGE))[:1])
    return (
        Lesson.objects.select_related("subject", "room", "subgroup")
        .annotate(
            teacher_rows=ArraySubquery(Person.objects.filter(lessons=OuterRef("pk")).order_by("last_name")
                                       .values(row=_json_row(*_TEACHER))),
            class_rows=ArraySubquery(SchoolClass.objects.filter(lessons=OuterRef("pk")).order_by("grade", "letter")
                                     .values(row=_json_row(*_CLASS))),
            change_row=Subquery(latest_change, output_field=JSONField()),
        )
        .order_by("starts_at", "bell_number", "pk")
    )


def _lessons_of(student_ids: list[int], start: date, end: date,
                ) -> tuple[list[Lesson], dict[tuple[int, int], Attendance], dict[int, Substitution]]:
    """The lessons of `timetable.selectors_week.lessons_for_students` (each with
    `.student_ids`) with `teacher_list` and `class_list`, plus the students' attendance
    {(student, lesson): Attendance} and each lesson's latest change {lesson: Substitution}.
    Three queries: the audience (two) and the lessons."""
    audience = week_sel.audience_of(student_ids)
    through = Lesson.classes.through.objects.filter(schoolclass_id__in=audience.class_ids).values("lesson_id")
    qs = (
        _lesson_rows().filter(date__gte=start, date__lte=end)
        .filter(Q(subgroup__isnull=True, pk__in=through) | Q(subgroup_id__in=audience.subgroup_ids))
        .annotate(attendance_rows=ArraySubquery(
            Attendance.objects.filter(lesson_id=OuterRef("pk"), student_id__in=student_ids)
            .values(row=_json_row(*_ATTENDANCE, *(f"code__{name}" for name in _CODE)))))
    )
    lessons: list[Lesson] = []
    attendance: dict[tuple[int, int], Attendance] = {}
    changes: dict[int, Substitution] = {}
    split = len(_ATTENDANCE)
    for lesson in qs:
        # Who of the students attends (`Audience.students_of`): a subgroup lesson only its
        # members, otherwise the students of any of its classes (a stream joins several).
        if lesson.subgroup_id is not None:
            lesson.student_ids = [s for s, groups in audience.subgroups_of.items() if lesson.subgroup_id in groups]
        else:
            class_ids = {row[0] for row in lesson.class_rows}
            lesson.student_ids = [s for s, classes in audience.class_of.items() if classes & class_ids]
        if not lesson.student_ids:
            continue
        lessons.append(lesson)
        lesson.teacher_list = [_loaded(Person, _TEACHER, row) for row in lesson.teacher_rows]
        lesson.class_list = [_loaded(SchoolClass, _CLASS, row) for row in lesson.class_rows]
        for row in lesson.attendance_rows:
            item = _loaded(Attendance, _ATTENDANCE, row[:split])
            item.code = _loaded(AttendanceCode, ("id", *_CODE), [item.code_id, *row[split:]])
            attendance[(item.student_id, lesson.pk)] = item
        if lesson.change_row is not None:
            changes[lesson.pk] = _loaded(Substitution, _CHANGE, lesson.change_row)
        del lesson.teacher_rows, lesson.class_rows, lesson.attendance_rows, lesson.change_row
    return lessons, attendance, changes


def _marks_of(student_ids: list[int], lesson_ids: list[int], start: date, end: date) -> list[Mark]:
    return list(
        Mark.objects.filter(student_id__in=student_ids)
        .filter(Q(work__date__gte=start, work__date__lte=end) | Q(work__lesson_id__in=lesson_ids))
        .select_related("work__work_type", "work__subject")
        .order_by("work__date", "work_id", "position")
    )


@functools.cache
def _homework_rows() -> QuerySet[HomeworkStudent]:
    """Homework items with the task, its subject and its files as JSON rows, in due order:
    the unchanging part of the week's homework query, built once (see `_lesson_rows`)."""
    files = HomeworkFile.objects.filter(homework_id=OuterRef("homework_id")).order_by("pk")
    return (HomeworkStudent.objects.select_related("homework__subject")
            .annotate(file_rows=ArraySubquery(files.values(row=_json_row(*_FILE))))
            .order_by("homework__due_date", "homework_id"))


def _homework_of(student_ids: list[int], lesson_ids: list[int], start: date, end: date) -> list[HomeworkStudent]:
    """The students' homework due in the window or on its lessons, each task with
    `file_list` (one query)."""
    items = list(
        _homework_rows().filter(student_id__in=student_ids)
        .filter(Q(homework__due_date__gte=start, homework__due_date__lte=end)
                | Q(homework__due_lesson_id__in=lesson_ids))
    )
    cache_homework = HomeworkFile.homework.field.set_cached_value
    for item in items:
        item.homework.file_list = [_loaded(HomeworkFile, _FILE, row) for row in item.file_rows]
        for file in item.homework.file_list:
            cache_homework(file, item.homework)
        del item.file_rows
    return items


def diary_weeks(students: Sequence[Person], monday: date, *, zone: ZoneInfo, week_days: int = 5,
                now: datetime | None = None, show_reasons: bool = False,
                prefetched: bool = True) -> list[DiaryWeek]:
    """The week of each student (in the given order). One set of queries for all of them:
    the lessons with their teachers, classes, attendance and changes (3), marks, homework
    with its files.

    A change's reason is internal (it is often the absent teacher's illness): families see
    that a lesson changed, and only staff (`show_reasons`) see why.

    Teachers, classes and files are in `lesson.teacher_list`, `lesson.class_list` and
    `homework.file_list`; `prefetched` also answers `lesson.teachers.all()`,
    `lesson.classes.all()` and `homework.files.all()` from them, as `prefetch_related` would,
    for readers that go through the managers (the API's serializers). The page reads the
    lists and passes False: that bookkeeping is a good part of the page's time."""
    now = now or timezone.now()
    today = now.astimezone(zone).date()
    sunday = monday + timedelta(days=6)
    ids = [s.pk for s in students]
    lessons, attendance, latest = _lessons_of(ids, monday, sunday)
    lesson_ids = [lesson.pk for lesson in lessons]
    marks = _marks_of(ids, lesson_ids, monday, sunday)
    homework = _homework_of(ids, lesson_ids, monday, sunday)
    if prefetched:
        for lesson in lessons:
            _prefetched(lesson, "teachers", lesson.teacher_list)
            _prefetched(lesson, "classes", lesson.class_list)
        for item in homework:
            _prefetched(item.homework, "files", item.homework.file_list)
    # The latest change is the one a family needs to know about; only a changed or a
    # cancelled lesson shows it.
    changes: dict[int, Substitution] = {}
    for lesson in lessons:
        change = latest.get(lesson.pk)
        if change is not None and (lesson.changed_at is not None or lesson.status == Lesson.Status.CANCELLED):
            if not show_reasons:
                change.reason = ""  # read-only here: never saved
            changes[lesson.pk] = change

    weeks = []
    for student in students:
        rows_by_lesson: dict[int, DiaryRow] = {}
        by_day: dict[date, DiaryDay] = {}
        for offset in range(7):
            day = monday + timedelta(days=offset)
            by_day[day] = DiaryDay(date=day, is_today=day == today)
        for lesson in lessons:
            if student.pk not in lesson.student_ids:
                continue
            diary_row = DiaryRow(row=week_sel.lesson_row(lesson, zone=zone, now=now),
                                 attendance=attendance.get((student.pk, lesson.pk)), change=changes.get(lesson.pk))
            rows_by_lesson[lesson.pk] = diary_row
            by_day.setdefault(lesson.date, DiaryDay(date=lesson.date, is_today=lesson.date == today)).rows.append(
                diary_row)
        for mark in marks:
            if mark.student_id != student.pk:
                continue
            row = rows_by_lesson.get(mark.work.lesson_id) if mark.work.lesson_id else None
            if row is not None:
                row.marks.append(mark)
            elif mark.work.date in by_day:
                by_day[mark.work.date].other_marks.append(mark)
        for item in homework:
            if item.student_id != student.pk:
                continue
            hw = item.homework
            row = rows_by_lesson.get(hw.due_lesson_id) if hw.due_lesson_id else None
            if row is None and hw.due_date in by_day:
                # Due by date: the first lesson of the subject that day carries it.
                row = next((r for r in by_day[hw.due_date].rows if r.lesson.subject_id == hw.subject_id), None)
            if row is not None:
                row.homework.append(item)
            elif hw.due_date in by_day:
                by_day[hw.due_date].other_homework.append(item)
        days = [d for offset, d in enumerate(by_day[monday + timedelta(days=i)] for i in range(7))
                if offset < week_days or d.rows or d.other_marks or d.other_homework]
        weeks.append(DiaryWeek(student=student, monday=monday, today=today, zone=zone, days=days))
    return weeks


# --- Marks by subject for a period -----------------------------------------------------------


@dataclass
class SubjectMarks:
    subject: Subject
    marks: list[Mark] = field(default_factory=list)
    average: Decimal | None = None
    period_mark: PeriodMark | None = None
    # Annual, exam and final marks of the period's year, by kind.
    results: dict[str, PeriodMark] = field(default_factory=dict)
    # The running weighted average after each counted mark: (date, average).
    points: list[tuple[date, Decimal]] = field(default_factory=list)

    @property
    def annual(self) -> PeriodMark | None:
        return self.results.get(PeriodMark.Kind.ANNUAL)

    @property
    def exam(self) -> PeriodMark | None:
        return self.results.get(PeriodMark.Kind.EXAM)

    @property
    def final(self) -> PeriodMark | None:
        return self.results.get(PeriodMark.Kind.FINAL)


@dataclass
class Rating:
    place: int
    of: int


@dataclass
class MarksReport:
    student: Person
    school_class: SchoolClass | None
    period: ReportingPeriod | None
    periods: list[ReportingPeriod]
    subjects: list[SubjectMarks]
    scale: GradingScale | None
    rating: Rating | None


def _counts(mark: Mark) -> bool:
    """Whether a mark counts in averages: not excluded, numeric, on a scale that averages."""
    return not mark.excluded and mark.numeric is not None and mark.scale.counts_in_average


def periods_for_class(school_class: SchoolClass | None) -> list[ReportingPeriod]:
    """Reporting periods of the class's grade (those for all grades included), by date."""
    qs = ReportingPeriod.objects.select_related("year").order_by("starts_on", "pk")
    if school_class is not None:
        qs = qs.filter(Q(grades=[]) | Q(grades__contains=[school_class.grade]))
    return list(qs)


def period_pick(periods: list[ReportingPeriod], period_id: int | None, today: date) -> ReportingPeriod | None:
    """The asked period (must be one of the class's, else not found), else the one holding
    today, else the last one that has begun, else the first."""
    if period_id is not None:
        found = next((p for p in periods if p.pk == period_id), None)
        if found is None:
            raise NotFoundForActor
        return found
    current = period_current(periods, today)
    if current is not None:
        return current
    begun = [p for p in periods if p.starts_on <= today]
    return begun[-1] if begun else (periods[0] if periods else None)


def class_of(student: Person) -> SchoolClass | None:
    enrollment = Enrollment.objects.select_related("school_class").filter(student=student).first()
    return enrollment.school_class if enrollment else None


def rating_enabled() -> bool:
    return bool(GradebookSettings.objects.filter(pk=1).values_list("rating_enabled", flat=True).first())


def class_rating(student: Person, school_class: SchoolClass, period: ReportingPeriod) -> Rating | None:
    """The student's place in the class by the weighted average of all their counted marks
    in the period (one query). Only the place and the class size leave this function, never
    another child's average. None when the student has no average yet."""
    counted = Q(student__marks__excluded=False, student__marks__numeric__isnull=False,
                student__marks__scale__counts_in_average=True,
                student__marks__work__date__gte=period.starts_on, student__marks__work__date__lte=period.ends_on)
    money = DecimalField(max_digits=14, decimal_places=4)
    rows = list(
        Enrollment.objects.filter(school_class=school_class)
        .annotate(ws=Sum(F("student__marks__numeric") * F("student__marks__work__work_type__weight"),
                         filter=counted, output_field=money),
                  w=Sum("student__marks__work__work_type__weight", filter=counted, output_field=money))
        .values_list("student_id", "ws", "w")
    )
    averages = {sid: ws / w for sid, ws, w in rows if w}
    mine = averages.get(student.pk)
    if mine is None:
        return None
    return Rating(place=1 + sum(1 for a in averages.values() if a > mine), of=len(rows))


def diary_marks(student: Person, *, period_id: int | None = None, now: datetime | None = None,
                zone: ZoneInfo | None = None) -> MarksReport:
    """Marks by subject for a period: every mark in order with its weight, the weighted
    average, the period mark, the year's annual/exam/final marks and the running average.
    A constant number of queries (class, periods, marks, period marks, subjects, settings,
    scale, and the rating when the school shows it)."""
    now = now or timezone.now()
    today = now.astimezone(zone).date() if zone else timezone.localdate(now)
    school_class = class_of(student)
    periods = periods_for_class(school_class)
    period = period_pick(periods, period_id, today)
    if period is None:
        return MarksReport(student=student, school_class=school_class, period=None, periods=[], subjects=[],
                           scale=None, rating=None)
    marks = list(
        Mark.objects.filter(student=student, work__date__gte=period.starts_on, work__date__lte=period.ends_on)
        .select_related("work__work_type", "work__subject", "scale")
        .order_by("work__date", "work__lesson__bell_number", "work_id", "position")
    )
    results = list(
        PeriodMark.objects.filter(student=student)
        .filter(Q(kind=PeriodMark.Kind.PERIOD, period=period)
                | (~Q(kind=PeriodMark.Kind.PERIOD) & (Q(period__isnull=True) | Q(period__year_id=period.year_id))))
        .select_related("subject")
    )
    subjects: dict[int, SubjectMarks] = {}
    if school_class is not None:
        groups = Subgroup.students.through.objects.filter(person_id=student.pk).values("subgroup_id")
        for assignment in (TeachingAssignment.objects.filter(school_class=school_class)
                           .filter(Q(subgroup__isnull=True) | Q(subgroup_id__in=groups)).select_related("subject")):
            subjects.setdefault(assignment.subject_id, SubjectMarks(subject=assignment.subject))
    for mark in marks:
        line = subjects.setdefault(mark.work.subject_id, SubjectMarks(subject=mark.work.subject))
        line.marks.append(mark)
    for result in results:
        line = subjects.setdefault(result.subject_id, SubjectMarks(subject=result.subject))
        if result.kind == PeriodMark.Kind.PERIOD:
            line.period_mark = result
        else:
            line.results[result.kind] = result
    for line in subjects.values():
        pairs: list[tuple[Decimal, Decimal]] = []
        for mark in line.marks:
            if _counts(mark):
                pairs.append((mark.numeric, mark.work.work_type.weight))
                line.points.append((mark.work.date, weighted_average(pairs)))
        line.average = weighted_average(pairs)
    rating = None
    if school_class is not None and rating_enabled():
        rating = class_rating(student, school_class, period)
    return MarksReport(
        student=student, school_class=school_class, period=period,
        periods=[p for p in periods if p.year_id == period.year_id],
        subjects=sorted(subjects.values(), key=lambda s: (s.subject.name, s.subject.pk)),
        scale=scale_for_class(school_class) if school_class is not None else None,
        rating=rating,
    )


# --- The newest marks (home pages) ---------------------------------------------------------------


def latest_marks(student_ids: Sequence[int], *, per_student: int = 5) -> dict[int, list[Mark]]:
    """{student id: their newest marks, latest given first} — at most `per_student` each,
    for all the students in one query (a window numbers each student's marks)."""
    ids = list(student_ids)
    if not ids:
        return {}
    nth = Window(RowNumber(), partition_by=[F("student_id")], order_by=[F("created_at").desc(), F("pk").desc()])
    rows = (Mark.objects.filter(student_id__in=ids).annotate(nth=nth).filter(nth__lte=per_student)
            .select_related("work__subject", "work__work_type").order_by("student_id", "nth"))
    result: dict[int, list[Mark]] = {student_id: [] for student_id in ids}
    for mark in rows:
        result[mark.student_id].append(mark)
    return result


# --- A work's mark distribution --------------------------------------------------------------


def work_distribution(work: Work) -> list[tuple[str, int]]:
    """(mark, how many students got it) for a work, in the scale's order (best first): every
    value of an enumerated scale, zeros included; the values given on a range scale. Counts
    only — no names ever leave this function. Two queries."""
    counts = dict(Mark.objects.filter(work=work).order_by().values("raw").annotate(n=Count("pk"))
                  .values_list("raw", "n"))
    scale = scale_for_class(work.school_class_id)
    if is_range_scale(scale):
        def number(raw: str) -> Decimal:
            try:
                return Decimal(raw)
            except ArithmeticError:
                return Decimal(0)
        return sorted(counts.items(), key=lambda item: number(item[0]), reverse=True)
    order = [str(v["raw"]) for v in scale.values]
    # A mark given on an older scale keeps its raw value: show it after the current ones.
    extra = sorted(raw for raw in counts if raw not in order)
    return [(raw, counts.get(raw, 0)) for raw in [*order, *extra]]
