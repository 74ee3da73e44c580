"""Reads of the substitutions pages: an absence's lessons with suggested substitutes, the
list of changes, the report for payroll. Each runs a constant number of queries, however
many lessons, teachers and changes there are."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet

from core.models import Person, SchoolClass
from tenants.choices import Role
from timetable.models import Lesson, Substitution, TeacherAbsence, TeachingAssignment


@dataclass
class Candidate:
    """A teacher who could take a lesson: free in that slot and not absent that day."""

    person: Person
    same_subject: bool  # teaches this subject (to any class): qualified
    lessons_that_day: int


@dataclass
class AbsenceLesson:
    lesson: Lesson
    suggestions: list[Candidate] = field(default_factory=list)  # qualified, best first
    others: list[Candidate] = field(default_factory=list)  # free but not teaching the subject


def _lessons_qs() -> QuerySet[Lesson]:
    return (Lesson.objects.select_related("subject", "room", "subgroup")
            .prefetch_related(Prefetch("teachers", queryset=Person.objects.order_by("last_name")),
                              Prefetch("classes", queryset=SchoolClass.objects.order_by("grade", "letter"))))


def absence_get(absence_id: int) -> TeacherAbsence | None:
    return TeacherAbsence.objects.select_related("teacher").filter(pk=absence_id).first()


def absence_lessons(absence: TeacherAbsence) -> list[AbsenceLesson]:
    """The absent teacher's scheduled lessons in the range, each with the teachers who
    could take it: qualified (a TeachingAssignment for the subject) and free (no lesson in
    that slot, not absent that day), the least busy that day first. Seven queries."""
    lessons = list(_lessons_qs().filter(teachers=absence.teacher, status=Lesson.Status.SCHEDULED,
                                        date__gte=absence.starts_on, date__lte=absence.ends_on)
                   .order_by("date", "bell_number"))
    if not lessons:
        return []
    days = {lesson.date for lesson in lessons}
    teachers = list(Person.objects.filter(is_active=True, roles__contains=[Role.TEACHER])
                    .exclude(pk=absence.teacher_id).order_by("last_name", "first_name", "pk"))
    busy: set[tuple[int, date, int]] = set()
    load: Counter[tuple[int, date]] = Counter()
    for person_id, day, number in (Lesson.teachers.through.objects
                                   .filter(lesson__date__in=days, lesson__status=Lesson.Status.SCHEDULED)
                                   .values_list("person_id", "lesson__date", "lesson__bell_number")):
        busy.add((person_id, day, number))
        load[(person_id, day)] += 1
    away: defaultdict[int, list[tuple[date, date]]] = defaultdict(list)
    for teacher_id, starts_on, ends_on in TeacherAbsence.objects.filter(
            starts_on__lte=max(days), ends_on__gte=min(days)).values_list("teacher_id", "starts_on", "ends_on"):
        away[teacher_id].append((starts_on, ends_on))
    qualified: defaultdict[int, set[int]] = defaultdict(set)
    for teacher_id, subject_id in (TeachingAssignment.objects.filter(subject_id__in={le.subject_id for le in lessons})
                                   .order_by().values_list("teacher_id", "subject_id").distinct()):
        qualified[subject_id].add(teacher_id)

    rows = []
    for lesson in lessons:
        row = AbsenceLesson(lesson=lesson)
        for person in teachers:
            if (person.pk, lesson.date, lesson.bell_number) in busy:
                continue
            if any(s <= lesson.date <= e for s, e in away.get(person.pk, ())):
                continue
            candidate = Candidate(person=person, same_subject=person.pk in qualified[lesson.subject_id],
                                  lessons_that_day=load[(person.pk, lesson.date)])
            (row.suggestions if candidate.same_subject else row.others).append(candidate)
        # Stable sorts keep the alphabetical order among equally busy teachers.
        row.suggestions.sort(key=lambda c: c.lessons_that_day)
        row.others.sort(key=lambda c: c.lessons_that_day)
        rows.append(row)
    return rows


def absence_substitutions(absence: TeacherAbsence) -> list[Substitution]:
    """What was already done for this absence (two queries)."""
    return list(Substitution.objects.filter(absence=absence).select_related("lesson__subject", "substitute")
                .prefetch_related("lesson__classes").order_by("lesson__date", "lesson__bell_number"))


def absences_recent(today: date, limit: int = 20) -> list[TeacherAbsence]:
    return list(TeacherAbsence.objects.filter(ends_on__gte=today).select_related("teacher")
                .order_by("starts_on", "pk")[:limit])


def changes_upcoming(today: date, limit: int = 200) -> list[Substitution]:
    """Today's and coming changes, in timetable order (four queries)."""
    return list(Substitution.objects.filter(lesson__date__gte=today)
                .select_related("lesson__subject", "lesson__room", "substitute", "absence__teacher")
                .prefetch_related("lesson__classes", "lesson__teachers")
                .order_by("lesson__date", "lesson__bell_number", "created_at")[:limit])


def class_day_lessons(school_class: SchoolClass, day: date) -> list[Lesson]:
    return list(_lessons_qs().filter(classes=school_class, date=day).order_by("bell_number", "pk"))


# ---- the report ------------------------------------------------------------------------

@dataclass
class ReportRow:
    teacher: Person
    covered: int = 0  # lessons taught as a substitute: paid extra
    cancelled: int = 0  # own lessons cancelled: not taught
    lines: list[tuple[Lesson, str]] = field(default_factory=list)


@dataclass
class SubstitutionReport:
    starts_on: date
    ends_on: date
    rows: list[ReportRow]
    covered_total: int
    cancelled_total: int


def substitution_report(starts_on: date, ends_on: date) -> SubstitutionReport:
    """Per teacher: lessons covered as a substitute, and own lessons cancelled, for lessons
    dated in the range. A lesson covered twice (A → B, then B → C) counts once, for the
    last substitute; a covered lesson cancelled later counts as cancelled, not covered.
    Four queries."""
    changes = list(Substitution.objects.filter(
        lesson__date__gte=starts_on, lesson__date__lte=ends_on,
        kind__in=[Substitution.Kind.TEACHER, Substitution.Kind.CANCEL])
        .select_related("lesson__subject").prefetch_related("lesson__classes")
        .order_by("lesson_id", "-created_at", "-pk"))
    covered: dict[int, tuple[int, Lesson]] = {}
    cancelled: dict[int, tuple[list[int], Lesson]] = {}
    seen_teacher: set[int] = set()
    for change in changes:
        lesson = change.lesson
        if change.kind == Substitution.Kind.CANCEL:
            if lesson.status == Lesson.Status.CANCELLED and lesson.pk not in cancelled:
                cancelled[lesson.pk] = (list(change.before.get("teachers", [])), lesson)
        elif lesson.pk not in seen_teacher:  # the latest teacher change of the lesson
            seen_teacher.add(lesson.pk)
            if lesson.status == Lesson.Status.SCHEDULED and change.substitute_id:
                covered[lesson.pk] = (change.substitute_id, lesson)
    people_ids = {pid for pid, _ in covered.values()} | {pid for ids, _ in cancelled.values() for pid in ids}
    people = Person.objects.in_bulk(people_ids)
    rows: dict[int, ReportRow] = {}
    for person_id, lesson in covered.values():
        if person_id in people:
            row = rows.setdefault(person_id, ReportRow(teacher=people[person_id]))
            row.covered += 1
            row.lines.append((lesson, Substitution.Kind.TEACHER))
    for teacher_ids, lesson in cancelled.values():
        for person_id in teacher_ids:
            if person_id in people:
                row = rows.setdefault(person_id, ReportRow(teacher=people[person_id]))
                row.cancelled += 1
                row.lines.append((lesson, Substitution.Kind.CANCEL))
    ordered = sorted(rows.values(), key=lambda r: (r.teacher.last_name, r.teacher.first_name, r.teacher.pk))
    for row in ordered:
        row.lines.sort(key=lambda line: (line[0].date, line[0].bell_number))
    return SubstitutionReport(starts_on=starts_on, ends_on=ends_on, rows=ordered,
                              covered_total=len(covered), cancelled_total=len(cancelled))

