"""Reads of the journal's history: one cell's story (a mark, an attendance entry, a period
mark) and the changes of some students, lessons or works. The callers check that the actor
may see the cell or the students (`gradebook.rules`); these functions only read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet

from gradebook.models import JournalChange


def _with_people(rows: QuerySet[JournalChange]) -> QuerySet[JournalChange]:
    return rows.select_related("actor", "student")


def cell_history(*, kind: str, object_id: int | None = None, work_id: int | None = None,
                 lesson_id: int | None = None, student_id: int | None = None) -> list[JournalChange]:
    """Every change of one cell, oldest first. By `object_id`, or — so that a mark removed and
    given again reads as one story — by the cell's place: (work, student) for a mark,
    (lesson, student) for attendance. One query."""
    if kind not in JournalChange.Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    rows = JournalChange.objects.filter(kind=kind)
    if object_id is not None:
        rows = rows.filter(object_id=object_id)
    elif kind == JournalChange.Kind.MARK and work_id is not None and student_id is not None:
        rows = rows.filter(work_id=work_id, student_id=student_id)
    elif kind == JournalChange.Kind.ATTENDANCE and lesson_id is not None and student_id is not None:
        rows = rows.filter(lesson_id=lesson_id, student_id=student_id)
    else:
        raise ValueError("cell_history needs object_id, or the cell's work/lesson and student")
    return list(_with_people(rows).order_by("at", "pk"))


def changes_for(*, student_ids: Iterable[int] | None = None, lesson_ids: Iterable[int] | None = None,
                work_ids: Iterable[int] | None = None, subject_id: int | None = None,
                kinds: Iterable[str] | None = None, since: datetime | None = None,
                limit: int | None = 200) -> list[JournalChange]:
    """Recent changes (newest first) of some students and/or lessons/works: a student's «what
    changed» list, a lesson's audit, the administration's control. Filters combine with AND;
    lessons and works with OR between them (a lesson's page shows both). One query."""
    rows = JournalChange.objects.all()
    if student_ids is not None:
        rows = rows.filter(student_id__in=list(student_ids))
    place = Q()
    if lesson_ids is not None:
        place |= Q(lesson_id__in=list(lesson_ids))
    if work_ids is not None:
        place |= Q(work_id__in=list(work_ids))
    if place:
        rows = rows.filter(place)
    if subject_id is not None:
        rows = rows.filter(subject_id=subject_id)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if since is not None:
        rows = rows.filter(at__gte=since)
    rows = _with_people(rows).order_by("-at", "-pk")
    return list(rows[:limit] if limit else rows)
