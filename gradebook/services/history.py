"""The journal's history rows: what a mark, attendance entry or period mark looked like
before and after a change. Built unsaved by the services and inserted in bulk in the same
transaction as the change; a database trigger keeps them from ever being edited."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from gradebook.models import Attendance, JournalChange, Mark, PeriodMark


def _number(value: Decimal | None) -> str | None:
    # JSON has no decimals; a string keeps "4.75" exact.
    return None if value is None else str(value)


def mark_state(mark: Mark | None) -> dict[str, Any]:
    if mark is None:
        return {}
    return {"raw": mark.raw, "numeric": _number(mark.numeric), "comment": mark.comment, "excluded": mark.excluded,
            "position": mark.position}


def attendance_state(entry: Attendance | None, code: str | None = None) -> dict[str, Any]:
    """`code` is the code's text («н»); given so that no query is needed for it."""
    if entry is None:
        return {}
    return {"code": code if code is not None else entry.code.code, "comment": entry.comment}


def period_mark_state(period_mark: PeriodMark | None) -> dict[str, Any]:
    if period_mark is None or not period_mark.raw:
        return {}
    return {"kind": period_mark.kind, "period": period_mark.period_id, "raw": period_mark.raw,
            "numeric": _number(period_mark.numeric)}


def change_build(*, kind: str, action: str, object_id: int, student_id: int, before: dict, after: dict,
                 actor_id: int | None, reason: str = "", lesson_id: int | None = None, work_id: int | None = None,
                 subject_id: int | None = None) -> JournalChange:
    """One history row, not yet saved (the caller inserts its rows together)."""
    return JournalChange(kind=kind, action=action, object_id=object_id, student_id=student_id, before=before,
                         after=after, actor_id=actor_id, reason=(reason or "")[:300], lesson_id=lesson_id,
                         work_id=work_id, subject_id=subject_id)


def changes_write(changes: Iterable[JournalChange]) -> list[JournalChange]:
    """Insert history rows in one query."""
    rows = list(changes)
    return JournalChange.objects.bulk_create(rows) if rows else []


def action_of(before: dict, after: dict) -> str:
    if not before:
        return JournalChange.Action.CREATE
    if not after:
        return JournalChange.Action.DELETE
    return JournalChange.Action.UPDATE
