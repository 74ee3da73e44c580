"""Writes about when lessons happen: the bell schedules a timetable version uses on some
weekdays or for some grades, short days, a class's five- or six-day week, and removing a
bell schedule. Administration actions (`school.manage`); `actor=None` is the system.

Dated lessons already generated follow the change at once: their start and end are
re-timed in bulk (`lessons_retime`) and nothing else of them changes, so lessons holding
marks or topics are never touched beyond their times."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.models import Person, SchoolClass
from core.rules import can
from tenants.selectors import current_school
from timetable.bell_times import bell_times_for, lowest_grade
from timetable.models import BellSchedule, BellScheduleUse, ShortDay, TemplateEntry, TimetableVersion
from timetable.services.lessons import lessons_retime

GRADES = range(0, 13)  # SchoolClass.grade's range


def _require(actor: Person | None) -> None:
    if actor is not None and not can(actor, "school.manage"):
        raise PermissionDenied("school.manage")


def _grades(grades: Iterable[int]) -> list[int]:
    result = sorted(set(grades))
    if any(g not in GRADES for g in result):
        raise ValidationError(_("Grades run from 0 to 12."), code="grades")
    return result


def _school_today() -> date:
    return datetime.now(ZoneInfo(current_school().timezone)).date()


def grades_label(grades: Iterable[int]) -> str:
    """[1, 2, 3, 4, 9] → «1–4, 9»; empty → «whole school»."""
    values = sorted(set(grades))
    if not values:
        return _("whole school")
    parts: list[str] = []
    start = prev = values[0]
    for g in [*values[1:], None]:
        if g is not None and g == prev + 1:
            prev = g
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if g is not None:
            start = prev = g
    return ", ".join(parts)


# ----- short days -----

@transaction.atomic
def short_day_set(*, actor: Person | None, date: date, bell_schedule: BellSchedule, grades: Iterable[int] = (),
                  reason: str = "", short_day: ShortDay | None = None) -> tuple[ShortDay, int]:
    """Make `date` a short day for the whole school (no grades) or some grades: its lessons
    follow `bell_schedule`. Two short days on one date may not cover the same grade. The
    lessons of that date (and of the old date, when an existing short day moves) are re-timed
    at once. Returns the short day and how many lessons changed time."""
    _require(actor)
    grades = _grades(grades)
    if not bell_schedule.bells.exists():
        raise ValidationError(_("The bell schedule «%(name)s» has no lessons.") % {"name": bell_schedule.name},
                              code="bells_empty")
    others = ShortDay.objects.filter(date=date).exclude(pk=short_day.pk if short_day else None)
    for other in others:
        if not other.grades or not grades or set(other.grades) & set(grades):
            raise ValidationError(_("%(date)s is already a short day for these grades (%(grades)s).")
                                  % {"date": date_format(date, "SHORT_DATE_FORMAT"),
                                     "grades": grades_label(other.grades)}, code="short_day_overlap")
    old_date = short_day.date if short_day is not None else None
    short_day = short_day or ShortDay()
    short_day.date, short_day.bell_schedule, short_day.grades = date, bell_schedule, grades
    short_day.reason = reason.strip()[:200]
    short_day.save()
    changed = lessons_retime(first=date, last=date)
    if old_date is not None and old_date != date:
        changed += lessons_retime(first=old_date, last=old_date)
    return short_day, changed


@transaction.atomic
def short_day_delete(*, actor: Person | None, short_day: ShortDay) -> int:
    """The day is an ordinary one again; its lessons get their usual times back."""
    _require(actor)
    day = short_day.date
    short_day.delete()
    return lessons_retime(first=day, last=day)


# ----- bell schedules used by a version -----

def _version_fits(version: TimetableVersion) -> None:
    """Every entry of the version must find its lesson numbers in the schedule that now
    applies to it; otherwise name a few and refuse (the caller's transaction rolls back)."""
    times = bell_times_for(version, zone=ZoneInfo(current_school().timezone), first=date.max, last=date.max)
    misfits = []
    for entry in (TemplateEntry.objects.filter(version=version).select_related("subject")
                  .prefetch_related("classes").order_by("weekday", "bell_number")):
        grade = lowest_grade(c.grade for c in entry.classes.all())
        if not times.fits(entry.weekday, grade, entry.bell_number, entry.duration):
            misfits.append(entry)
    if misfits:
        from timetable.conflicts import day_name

        shown = "; ".join(f"{day_name(e.weekday)}, {e.bell_number} — {e.subject.name}, "
                          f"{', '.join(c.name for c in e.classes.all())}" for e in misfits[:3])
        raise ValidationError(
            _("The bell schedule then lacks lessons the timetable has (%(count)s): %(entries)s.")
            % {"count": len(misfits), "entries": shown + ("…" if len(misfits) > 3 else "")}, code="bells_missing")


def _retime_version(version: TimetableVersion) -> int:
    # Lessons already held keep the times they had: only today's and later ones move.
    first = max(_school_today(), version.valid_from)
    return lessons_retime(first=first, last=version.valid_to) if first <= version.valid_to else 0


@transaction.atomic
def bell_schedule_use_add(*, actor: Person | None, version: TimetableVersion, bell_schedule: BellSchedule,
                          weekdays: Iterable[int] = (), grades: Iterable[int] = ()) -> tuple[BellScheduleUse, int]:
    """Let `version` use `bell_schedule` on some weekdays and/or for some grades. Refused
    when a use equally specific already covers one of those days and grades (it would be a
    coin toss which one wins), or when the version's lessons would lack their lesson numbers.
    Today's and later lessons are re-timed. Returns the use and how many lessons moved."""
    _require(actor)
    weekdays, grades = sorted(set(weekdays)), _grades(grades)
    if any(d not in range(1, 8) for d in weekdays):
        raise ValidationError(_("No such weekday."), code="weekday")
    if not weekdays and not grades:
        raise ValidationError(_("Choose the weekdays, the grades or both; for every day and grade change the "
                                "version's own bell schedule."), code="use_everything")
    for other in BellScheduleUse.objects.filter(version=version):
        same_kind = (bool(other.weekdays), bool(other.grades)) == (bool(weekdays), bool(grades))
        days_meet = not weekdays or set(other.weekdays) & set(weekdays)
        grades_meet = not grades or set(other.grades) & set(grades)
        if same_kind and days_meet and grades_meet:
            raise ValidationError(_("Another bell schedule («%(name)s») is already used on these days for these "
                                    "grades.") % {"name": other.bell_schedule.name}, code="use_overlap")
    use = BellScheduleUse.objects.create(version=version, bell_schedule=bell_schedule, weekdays=weekdays,
                                         grades=grades)
    _version_fits(version)
    return use, _retime_version(version)


@transaction.atomic
def bell_schedule_use_delete(*, actor: Person | None, use: BellScheduleUse) -> int:
    """Those days and grades follow the version's other schedules again."""
    _require(actor)
    version = use.version
    use.delete()
    _version_fits(version)
    return _retime_version(version)


@transaction.atomic
def bell_schedule_delete(*, actor: Person | None, schedule: BellSchedule) -> None:
    """Remove a bell schedule nothing uses (not the default, no version, use or short day)."""
    _require(actor)
    if schedule.is_default:
        raise ValidationError(_("The default bell schedule cannot be removed."), code="bells_default")
    if schedule.timetable_versions.exists() or schedule.uses.exists() or schedule.short_days.exists():
        raise ValidationError(_("«%(name)s» is in use by a timetable or a short day.") % {"name": schedule.name},
                              code="bells_in_use")
    schedule.delete()


# ----- the week of a class -----

@transaction.atomic
def class_week_days_set(*, actor: Person | None, changes: dict[SchoolClass, int | None]) -> int:
    """Set classes' school week: 5 or 6 days, or None for the school's. Lessons follow at
    the next generation (Saturday lessons of a now five-day class go unless they hold data).
    Returns how many classes changed."""
    _require(actor)
    changed = []
    for school_class, week_days in changes.items():
        if week_days not in (None, 5, 6):
            raise ValidationError(_("A school week has 5 or 6 days."), code="week_days")
        if school_class.week_days != week_days:
            school_class.week_days = week_days
            changed.append(school_class)
    SchoolClass.objects.bulk_update(changed, ["week_days"])
    return len(changed)
