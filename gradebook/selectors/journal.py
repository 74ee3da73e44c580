"""Reads of the teacher's journal: the index of a teacher's classes and subjects, one
lesson's sheet (students × works, attendance), and the grid of a class in a subject for a
reporting period.

The grid is the hot read (35 students × 70 lessons must feel instant), so it runs a
CONSTANT number of queries whatever the class size and the number of marks: students,
subgroup membership (only for a class with groups), lessons (with whether the actor
teaches each), works, marks, attendance, period marks, periods, subgroups, the scale and
one permission check — each read once, joined in Python, marks and attendance as plain
tuples. Permission questions are answered from those rows, never per cell. Period averages
come from the engine's cache on `PeriodMark` (DESIGN.md: recomputing on every view is what
makes the peers slow).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from core.errors import NotFoundForActor
from core.models import Enrollment, Person, SchoolClass
from gradebook.models import (
    Attendance,
    AttendanceCode,
    GradingScale,
    Homework,
    LessonTemplate,
    Mark,
    PeriodMark,
    Work,
    WorkType,
)
from gradebook.rules import can_journal
from gradebook.scales import scale_choices, scales_for_classes
from gradebook.services.period_marks import period_current
from timetable.models import Lesson, ReportingPeriod, Subgroup, Subject, TeachingAssignment
from timetable.rules import can_lesson

FINAL_KINDS = (PeriodMark.Kind.ANNUAL, PeriodMark.Kind.EXAM, PeriodMark.Kind.FINAL)


def _teachers_prefetch() -> Prefetch:
    return Prefetch("teachers", queryset=Person.objects.only("id", "last_name", "first_name", "middle_name"))


# --- Index ------------------------------------------------------------------------------


@dataclass
class ClassSubject:
    """One line of a teacher's journal list: a class (or its group) in a subject."""

    school_class: SchoolClass
    subject: Subject
    subgroup: Subgroup | None = None


@dataclass
class JournalIndex:
    assignments: list[ClassSubject]
    covering: list[Lesson]  # lessons this week the person covers outside their own load
    today: list[Lesson]
    classes: list[SchoolClass]  # the administration: every class
    chosen_class: SchoolClass | None = None
    class_subjects: list[ClassSubject] = field(default_factory=list)


def journal_index(actor: Person, *, today: date, class_id: int | None = None) -> JournalIndex:
    """What the journal's first page offers the actor (a handful of queries)."""
    assignments = [
        ClassSubject(a.school_class, a.subject, a.subgroup)
        for a in TeachingAssignment.objects.filter(teacher=actor)
        .select_related("school_class", "subject", "subgroup").order_by("school_class__grade",
                                                                          "school_class__letter", "subject__name")
    ]
    own = {(c.school_class.pk, c.subject.pk) for c in assignments}
    monday = today - timedelta(days=today.weekday())
    week = list(
        Lesson.objects.filter(teachers=actor, date__gte=monday, date__lte=monday + timedelta(days=6))
        .select_related("subject", "subgroup").prefetch_related("classes").order_by("starts_at", "bell_number")
    )
    covering = [lesson for lesson in week
                if not any((c.pk, lesson.subject_id) in own for c in lesson.classes.all())]
    todays = [lesson for lesson in week if lesson.date == today]
    classes: list[SchoolClass] = []
    chosen = None
    class_subjects: list[ClassSubject] = []
    if actor.is_management:
        classes = list(SchoolClass.objects.order_by("grade", "letter"))
        chosen = next((c for c in classes if c.pk == class_id), None)
        if chosen is not None:
            seen: set[int] = set()
            for a in (TeachingAssignment.objects.filter(school_class=chosen).select_related("subject")
                      .order_by("subject__name")):
                if a.subject_id not in seen:
                    seen.add(a.subject_id)
                    class_subjects.append(ClassSubject(chosen, a.subject))
    return JournalIndex(assignments=assignments, covering=covering, today=todays, classes=classes,
                        chosen_class=chosen, class_subjects=class_subjects)


def class_journal_subjects(actor: Person, school_class: SchoolClass) -> list[Subject]:
    """The subjects of a class's journal, for links from the class page: every subject
    taught in the class (one query) for staff who may read its journal, none for others."""
    if not actor.is_staff_member or not can_journal(actor, "journal.view_class", school_class):
        return []
    return list(Subject.objects.filter(assignments__school_class=school_class).distinct().order_by("name"))


# --- Permission-checked fetches -----------------------------------------------------------


def _lessons() -> QuerySet[Lesson]:
    return (Lesson.objects.select_related("subject", "subgroup", "room")
            .prefetch_related(_teachers_prefetch(), "classes"))


def lesson_get_for_journal(actor: Person, lesson_id: int) -> tuple[Lesson, bool]:
    """(lesson, may write). Its teachers, its substitute and the administration write; staff
    who may read the journal of one of its classes read; anyone else: not found."""
    lesson = _lessons().filter(pk=lesson_id).first()
    if lesson is None:
        raise NotFoundForActor
    if can_journal(actor, "journal.write_lesson", lesson):
        return lesson, True
    if actor.is_staff_member and any(can_journal(actor, "journal.view_class", c) for c in lesson.classes.all()):
        return lesson, False
    raise NotFoundForActor


def class_subject_get_for(actor: Person, class_id: int, subject_id: int) -> tuple[SchoolClass, Subject]:
    """A class's journal in a subject: the administration, the class teacher, its teachers."""
    school_class = SchoolClass.objects.filter(pk=class_id).first()
    subject = Subject.objects.filter(pk=subject_id).first()
    if (school_class is None or subject is None or not actor.is_staff_member
            or not can_journal(actor, "journal.view_class", school_class)):
        raise NotFoundForActor
    return school_class, subject


def work_get_for(actor: Person, work_id: int) -> Work:
    """A work (journal column) of a class whose journal the actor may read."""
    work = (Work.objects.select_related("lesson", "work_type", "subject", "school_class", "subgroup")
            .filter(pk=work_id).first())
    if work is None or not actor.is_staff_member or not can_journal(actor, "journal.view_class", work.school_class):
        raise NotFoundForActor
    return work


def student_get(student_id: int) -> Person:
    """A student of this school (whether they belong to the lesson is the service's check)."""
    student = Person.objects.filter(pk=student_id, roles__contains=["student"]).first()
    if student is None:
        raise NotFoundForActor
    return student


# --- Shared pieces -----------------------------------------------------------------------


def _students_of(class_ids: list[int], subgroup_id: int | None) -> list[tuple[Person, int]]:
    """(student, class id) in name order: the classes' students, or only the subgroup's."""
    enrollments = (Enrollment.objects.filter(school_class_id__in=class_ids, student__is_active=True)
                   .select_related("student").only("school_class_id", "student__id", "student__last_name",
                                                   "student__first_name", "student__middle_name",
                                                   "student__roles", "student__is_active"))
    if subgroup_id is not None:
        enrollments = enrollments.filter(student__subgroups=subgroup_id)
    rows = [(e.student, e.school_class_id) for e in enrollments]
    rows.sort(key=lambda r: (r[0].last_name, r[0].first_name, r[0].middle_name, r[0].pk))
    return rows


def mark_text(marks: list[Mark]) -> str:
    return " ".join(m.raw for m in marks)


# --- The lesson sheet ----------------------------------------------------------------------


@dataclass
class SheetColumn:
    """A work of the lesson for one class; `work` None is the lesson's default «answer in
    class», created on the first mark."""

    school_class: SchoolClass
    work: Work | None
    work_type: WorkType

    @property
    def key(self) -> str:
        return f"w{self.work.pk}" if self.work else f"d{self.school_class.pk}"

    @property
    def label(self) -> str:
        if self.work and self.work.title:
            return self.work.title
        return self.work_type.short_name or self.work_type.name


@dataclass
class SheetCell:
    column: SheetColumn
    enabled: bool  # the student belongs to the column's class
    marks: list[Mark]
    value: str = ""  # what the input shows: the mark, or what was typed when a save was refused
    error: str = ""

    @property
    def raw(self) -> str:
        return self.marks[0].raw if self.marks and not self.several else ""

    @property
    def several(self) -> bool:
        return bool(self.column.work and self.column.work.allows_several)

    @property
    def version(self) -> str:
        return str(self.marks[0].version) if self.marks and not self.several else ""

    @property
    def mark_id(self) -> str:
        return str(self.marks[0].pk) if self.marks else ""

    @property
    def comment(self) -> str:
        return self.marks[0].comment if self.marks and not self.several else ""

    @property
    def excluded(self) -> bool:
        return bool(self.marks and not self.several and self.marks[0].excluded)


@dataclass
class SheetRow:
    student: Person
    class_id: int
    attendance: Attendance | None
    cells: list[SheetCell]
    att_value: str = ""
    att_error: str = ""


@dataclass
class LessonSheet:
    lesson: Lesson
    classes: list[SchoolClass]
    columns: list[SheetColumn]
    rows: list[SheetRow]
    codes: list[AttendanceCode]
    work_types: list[WorkType]
    homework: list[Homework]
    templates: list[LessonTemplate]
    scale_hints: dict[int, str]  # class id → "5, 4, 3, 2, 1"


def lesson_sheet(actor: Person, lesson: Lesson) -> LessonSheet:
    """Everything the lesson page shows, in a constant number of queries."""
    classes = sorted(lesson.classes.all(), key=lambda c: (c.grade, c.letter))
    class_ids = [c.pk for c in classes]
    by_class = {c.pk: c for c in classes}
    students = _students_of(class_ids, lesson.subgroup_id)
    work_types = list(WorkType.objects.all())
    default_type = next((t for t in work_types if t.is_default), work_types[0] if work_types else None)
    works = list(Work.objects.filter(lesson=lesson).select_related("work_type").order_by("pk"))
    columns: list[SheetColumn] = []
    for school_class in classes:
        own = [w for w in works if w.school_class_id == school_class.pk]
        if own:
            columns += [SheetColumn(school_class, w, w.work_type) for w in own]
        elif default_type is not None:
            columns.append(SheetColumn(school_class, None, default_type))
    marks: dict[tuple[int, int], list[Mark]] = defaultdict(list)
    for mark in Mark.objects.filter(work__in=[w.pk for w in works]).order_by("position"):
        marks[(mark.work_id, mark.student_id)].append(mark)
    attendance = {a.student_id: a for a in Attendance.objects.filter(lesson=lesson).select_related("code")}
    rows = []
    for student, class_id in students:
        cells = [SheetCell(col, col.school_class.pk == class_id,
                           marks.get((col.work.pk, student.pk), []) if col.work else [])
                 for col in columns]
        for cell in cells:
            cell.value = cell.raw
        entry = attendance.get(student.pk)
        rows.append(SheetRow(student, class_id, entry, cells, att_value=entry.code.code if entry else ""))
    scales = scales_for_classes(class_ids) if class_ids else {}
    return LessonSheet(
        lesson=lesson, classes=[by_class[i] for i in class_ids], columns=columns, rows=rows,
        codes=list(AttendanceCode.objects.all()), work_types=work_types,
        homework=list(Homework.objects.filter(lesson=lesson).order_by("pk")),
        templates=list(LessonTemplate.objects.filter(owner=actor)),
        scale_hints={cid: ", ".join(scale_choices(s)) for cid, s in scales.items()},
    )


# --- The journal grid ----------------------------------------------------------------------


@dataclass
class GridColumn:
    """A sub-column of the grid: a work of a lesson (or its default work, not created yet),
    or a free-standing work. `first` marks a lesson's first sub-column, which carries the
    lesson's attendance."""

    index: int
    lesson: Lesson | None
    work: Work | None
    label: str
    first: bool
    span: int = 1  # on a lesson's first sub-column: how many sub-columns the lesson has
    writable: bool = False
    important: bool = False
    several: bool = False
    title: str = ""


@dataclass
class GridRow:
    student: Person
    # One tuple per column: (text, attendance code, mark version, mark id, attendance
    # version, attendance id, in the audience, mark position, notes). Tuples, not objects:
    # 2,500 cells a page. `notes` is None unless a mark of the cell has a comment or is not
    # counted in the average: then ((raw, comment, excluded), …) per mark, in position order.
    cells: list[tuple]
    average: Decimal | None
    proposed: str
    period_mark: PeriodMark | None
    finals: dict[str, PeriodMark | None]


@dataclass
class JournalGrid:
    school_class: SchoolClass
    subject: Subject
    period: ReportingPeriod | None
    periods: list[ReportingPeriod]
    subgroup: Subgroup | None
    subgroups: list[Subgroup]
    columns: list[GridColumn]
    rows: list[GridRow]
    scale: GradingScale
    codes: list[AttendanceCode]
    may_write_period_marks: bool
    is_last_period: bool
    final_kinds: list[tuple[str, str]]

    @property
    def lesson_count(self) -> int:
        return sum(1 for c in self.columns if c.first and c.lesson is not None)


def periods_for_class(school_class: SchoolClass, today: date) -> list[ReportingPeriod]:
    """The reporting periods of the class's grade in the school year around `today` (one query)."""
    periods = list(ReportingPeriod.objects.filter(year__starts_on__lte=today, year__ends_on__gte=today)
                   .filter(Q(grades=[]) | Q(grades__contains=[school_class.grade])).order_by("starts_on"))
    if not periods:  # between years (summer): the latest year
        periods = list(ReportingPeriod.objects.filter(Q(grades=[]) | Q(grades__contains=[school_class.grade]))
                       .order_by("-year__starts_on", "starts_on"))
        if periods:
            periods = [p for p in periods if p.year_id == periods[0].year_id]
    return periods


def choose_period(periods: list[ReportingPeriod], today: date, period_id: int | None) -> ReportingPeriod | None:
    """The asked-for period, else the one containing today, else the last one already begun."""
    if period_id is not None:
        return next((p for p in periods if p.pk == period_id), None)
    current = period_current(periods, today)
    begun = [p for p in periods if p.starts_on <= today]
    return current or (begun[-1] if begun else (periods[0] if periods else None))


def journal_grid(actor: Person, *, school_class: SchoolClass, subject: Subject, today: date,
                 period_id: int | None = None, subgroup_id: int | None = None) -> JournalGrid:
    """The journal of a class (or one of its subgroups) in a subject for a period."""
    periods = periods_for_class(school_class, today)
    period = choose_period(periods, today, period_id)
    if period_id is not None and period is None:
        raise NotFoundForActor
    subgroups = list(Subgroup.objects.filter(school_class=school_class).order_by("name"))
    subgroup = next((g for g in subgroups if g.pk == subgroup_id), None)
    if subgroup_id is not None and subgroup is None:
        raise NotFoundForActor
    start, end = (period.starts_on, period.ends_on) if period else (today, today)

    students = [s for s, _c in _students_of([school_class.pk], subgroup.pk if subgroup else None)]
    student_ids = [s.pk for s in students]
    membership: dict[int, set[int]] = defaultdict(set)
    if subgroups:  # most classes have none: then no lesson or work here is for a group of the class
        for person_id, group_id in Subgroup.students.through.objects.filter(
                subgroup_id__in=[g.pk for g in subgroups]).values_list("person_id", "subgroup_id"):
            membership[group_id].add(person_id)

    # Whether the actor teaches each lesson comes with the lessons (EXISTS on the teachers'
    # table): prefetching every lesson's teachers cost more than the lessons themselves.
    lessons_qs = (Lesson.objects.filter(classes=school_class, subject=subject, date__gte=start, date__lte=end)
                  .exclude(status=Lesson.Status.CANCELLED)
                  .annotate(actor_teaches=Exists(Lesson.teachers.through.objects.filter(
                      lesson_id=OuterRef("pk"), person_id=actor.pk)))
                  .order_by("date", "bell_number", "pk"))
    works_qs = (Work.objects.filter(school_class=school_class, subject=subject, date__gte=start, date__lte=end)
                .select_related("work_type").order_by("date", "pk"))
    if subgroup is not None:
        lessons_qs = lessons_qs.filter(Q(subgroup__isnull=True) | Q(subgroup=subgroup))
        works_qs = works_qs.filter(Q(subgroup__isnull=True) | Q(subgroup=subgroup))
    lessons = list(lessons_qs)
    works = list(works_qs)
    lesson_ids = {lesson.pk for lesson in lessons}

    # Writing: a lesson's marks by "lesson.write_journal" (the administration, or the
    # lesson's teachers: `actor_teaches`, no query per lesson), free-standing works by the
    # administration or whoever teaches the subject in the class (one query).
    writes_any_lesson = can_lesson(actor, "lesson.write_journal")  # no lesson: the administration
    writes_free = actor.is_management or TeachingAssignment.objects.filter(
        teacher=actor, school_class=school_class, subject=subject).exists()

    by_lesson: dict[int, list[Work]] = defaultdict(list)
    free: list[Work] = []
    for work in works:
        if work.lesson_id in lesson_ids:
            by_lesson[work.lesson_id].append(work)
        elif work.lesson_id is None:
            free.append(work)
    # Lessons and free-standing works in date order; free ones after the day's lessons.
    items: list[tuple[tuple, object]] = [((lesson.date, 0, lesson.bell_number, lesson.pk), lesson)
                                         for lesson in lessons]
    items += [((work.date, 1, 0, work.pk), work) for work in free]
    items.sort(key=lambda item: item[0])

    columns: list[GridColumn] = []
    for _key, item in items:
        if isinstance(item, Lesson):
            writable = writes_any_lesson or (actor.is_active and item.actor_teaches)
            lesson_works = by_lesson.get(item.pk) or [None]
            for n, work in enumerate(lesson_works):
                label = (work.work_type.short_name or work.work_type.name) if work else ""
                columns.append(GridColumn(
                    index=len(columns), lesson=item, work=work, label=label, first=n == 0,
                    span=len(lesson_works) if n == 0 else 1, writable=writable,
                    important=bool(work and work.is_important), several=bool(work and work.allows_several),
                    title=(work.title or work.work_type.name) if work else item.topic))
        else:
            columns.append(GridColumn(
                index=len(columns), lesson=None, work=item, label=item.work_type.short_name or item.work_type.name,
                first=True, writable=writes_free, important=item.is_important, several=item.allows_several,
                title=item.title or item.work_type.name))

    # Marks and attendance as plain tuples (values_list): building ~1,200 model instances
    # cost more than the whole rest of the grid. A cell's marks come in position order: its
    # text is all of them, its version, id and position the last one's; its notes (each
    # mark's raw, comment and exclusion) are kept only for cells where one of them matters.
    marks: dict[tuple[int, int], tuple[str, int, int, int, tuple, bool]] = {}
    for key_work, key_student, raw, version, mark_id, position, comment, excluded in (
            Mark.objects.filter(work__in=[w.pk for w in works], student_id__in=student_ids)
            .order_by("position").values_list("work_id", "student_id", "raw", "version", "id", "position",
                                              "comment", "excluded")):
        key = (key_work, key_student)
        earlier = marks.get(key)
        note = (raw, comment, excluded)
        if earlier is None:
            marks[key] = (raw, version, mark_id, position, (note,), bool(comment or excluded))
        else:
            marks[key] = (f"{earlier[0]} {raw}", version, mark_id, position, (*earlier[4], note),
                          earlier[5] or bool(comment or excluded))
    attendance = {(lesson_id, student_id): (code, version, entry_id) for lesson_id, student_id, code, version, entry_id
                  in Attendance.objects.filter(lesson__in=list(lesson_ids), student_id__in=student_ids)
                  .values_list("lesson_id", "student_id", "code__code", "version", "id")}

    period_marks: dict[tuple[int, str], PeriodMark] = {}
    if period is not None:
        for pm in PeriodMark.objects.filter(
                Q(kind=PeriodMark.Kind.PERIOD, period=period) | Q(kind__in=FINAL_KINDS, period__isnull=True),
                student_id__in=student_ids, subject=subject):
            period_marks[(pm.student_id, pm.kind)] = pm
    is_last = bool(period and periods and period.pk == periods[-1].pk)

    # What each column needs per student, worked out once: its work, the lesson whose
    # attendance it carries (a lesson's first sub-column) and the subgroups it is for.
    plan = []
    for col in columns:
        lesson = col.lesson
        groups = tuple(g for g in (lesson.subgroup_id if lesson is not None else None,
                                   col.work.subgroup_id if col.work is not None else None) if g is not None)
        plan.append((col.work.pk if col.work is not None else None,
                     lesson.pk if lesson is not None and col.first else None,
                     tuple(membership[g] for g in groups)))
    empty = ("", "", "", "", "", "", True, "", None)
    empty_na = ("", "", "", "", "", "", False, "", None)

    rows = []
    for student in students:
        sid = student.pk
        cells = []
        for work_id, att_lesson_id, audiences in plan:
            in_audience = all(sid in members for members in audiences) if audiences else True
            mark = marks.get((work_id, sid)) if work_id is not None else None
            att = attendance.get((att_lesson_id, sid)) if att_lesson_id is not None else None
            if mark is None and att is None:
                cells.append(empty if in_audience else empty_na)
                continue
            text, version, mark_id, position, notes, noted = mark or ("", "", "", "", None, False)
            code, att_version, att_id = att or ("", "", "")
            cells.append((text, code, version, mark_id, att_version, att_id, in_audience, position,
                          notes if noted else None))
        pm = period_marks.get((sid, PeriodMark.Kind.PERIOD))
        rows.append(GridRow(
            student=student, cells=cells, average=pm.average if pm else None, proposed=pm.proposed if pm else "",
            period_mark=pm, finals={k: period_marks.get((sid, k)) for k in FINAL_KINDS} if is_last else {}))

    return JournalGrid(
        school_class=school_class, subject=subject, period=period, periods=periods, subgroup=subgroup,
        subgroups=subgroups, columns=columns, rows=rows, scale=scales_for_classes([school_class.pk])[school_class.pk],
        codes=list(AttendanceCode.objects.all()),
        # Whoever writes the free-standing works (the administration, a teacher of the subject
        # here) sets period marks too: a superset of "journal.write_period_marks", no query.
        may_write_period_marks=writes_free,
        is_last_period=is_last,
        final_kinds=[(k.value, k.label) for k in FINAL_KINDS] if is_last else [],
    )

