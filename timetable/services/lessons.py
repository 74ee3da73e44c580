"""Dated lessons generated from the weekly template (`lessons_generate`).

The template says "5А has maths on Mondays, 2nd lesson"; the journal needs "5А, maths,
Monday 7 September, 09:25–10:10". Generation writes those rows for a range of dates and,
run again after the template changed, brings them in line with it — without ever deleting
a lesson that already holds data (a topic, a substitution, later marks and attendance).
"""

from __future__ import annotations

import contextlib
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, Exists, Expression, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.models import Person, SchoolClass, SchoolSettings
from core.rules import can
from tenants.models import School
from timetable.bell_times import BellTimes, bell_times_for, lowest_grade
from timetable.models import (
    Holiday,
    Lesson,
    Substitution,
    TemplateEntry,
    TimetableVersion,
    WeekType,
)

# Rows per INSERT: large enough to amortise round trips, small enough for the parameter limit.
BATCH = 2000

# Why a lesson is kept although the template no longer asks for it (codes of `lesson_data_checks`).
DATA_LABELS = {
    "topic": _("has a topic"),
    "substitution": _("has a substitution"),
    "extra": _("is an extra lesson"),
    "description": _("has a description"),
    "marks": _("has marks"),
    "attendance": _("has attendance"),
    "homework": _("has homework"),
}

# How a lesson stopped matching the template.
MISMATCH_LABELS = {
    "entry_removed": _("its timetable entry was removed"),
    "subject_changed": _("the subject in the timetable changed"),
    "slot_changed": _("the entry moved to another day or lesson number"),
    "week_changed": _("the entry now runs in other weeks"),
    "day_off": _("the day is now a holiday or outside the timetable"),
}


def lesson_data_checks() -> dict[str, Expression]:
    """THE definition of "this lesson holds data": one boolean expression per reason.

    Regeneration deletes a lesson the template no longer asks for only when every check is
    false. The gradebook adds its own reasons here (marks, attendance, homework) — one place,
    so no caller can forget one. Each value must be usable in `QuerySet.annotate()`."""
    # Imported here: the gradebook builds on the timetable, not the other way round.
    from gradebook.models import Attendance, Homework, Mark

    return {
        "topic": ExpressionWrapper(~Q(topic=""), output_field=BooleanField()),
        "description": ExpressionWrapper(~Q(description=""), output_field=BooleanField()),
        "substitution": Exists(Substitution.objects.filter(lesson=OuterRef("pk"))),
        "extra": ExpressionWrapper(Q(is_extra=True), output_field=BooleanField()),
        # A work without marks is an empty column: not data worth keeping a lesson for.
        "marks": Exists(Mark.objects.filter(work__lesson=OuterRef("pk"))),
        "attendance": Exists(Attendance.objects.filter(lesson=OuterRef("pk"))),
        "homework": Exists(Homework.objects.filter(Q(lesson=OuterRef("pk")) | Q(due_lesson=OuterRef("pk")))),
    }


def lessons_with_data_flags(queryset: QuerySet[Lesson]) -> QuerySet[Lesson]:
    """The lessons annotated with `data_<code>` for every check and `has_data`."""
    checks = lesson_data_checks()
    annotated = queryset.annotate(**{f"data_{code}": expression for code, expression in checks.items()})
    any_data = reduce(operator.or_, (Q(**{f"data_{code}": True}) for code in checks))
    return annotated.annotate(has_data=ExpressionWrapper(any_data, output_field=BooleanField()))


@dataclass
class KeptLesson:
    """A lesson the template no longer asks for, kept because it holds data."""

    lesson: Lesson
    mismatch: str  # a MISMATCH_LABELS code
    reasons: list[str]  # DATA_LABELS codes

    @property
    def date(self) -> date:
        return self.lesson.date

    @property
    def mismatch_label(self) -> str:
        return str(MISMATCH_LABELS[self.mismatch])

    @property
    def reason_labels(self) -> list[str]:
        return [str(DATA_LABELS.get(code, code)) for code in self.reasons]


@dataclass
class GenerationReport:
    """What one run of `lessons_generate` did."""

    version: TimetableVersion
    starts_on: date | None  # the dates actually covered (the request ∩ the version ∩ the year)
    ends_on: date | None
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    kept: list[KeptLesson] = field(default_factory=list)
    # Entries that cannot be placed: their lesson number is not in the bell schedule.
    skipped_entries: list[TemplateEntry] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass(frozen=True)
class _Wanted:
    entry: TemplateEntry
    classes: frozenset[int]


def _require(actor: Person | None) -> None:
    if actor is not None and not can(actor, "school.manage"):
        raise PermissionDenied("school.manage")


def _days(first: date, last: date) -> Iterable[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def _days_off(holidays: Iterable[Holiday], first: date, last: date) -> dict[date, set[int] | None]:
    """date → None when the whole school is off, else the set of grades that are off."""
    off: dict[date, set[int] | None] = {}
    for holiday in holidays:
        for day in _days(max(holiday.starts_on, first), min(holiday.ends_on, last)):
            if not holiday.grades:
                off[day] = None
            elif day not in off or off[day] is not None:
                off.setdefault(day, set()).update(holiday.grades)  # type: ignore[union-attr]
    return off


def _wanted_lessons(version: TimetableVersion, entries: list[TemplateEntry], entry_classes: dict[int, set[int]],
                    grades: dict[int, int], days_off: dict[date, set[int] | None], first: date, last: date,
                    class_days: dict[int, int] | None = None) -> dict[tuple[int, date, int], _Wanted]:
    """(entry, date, lesson number) → what the template asks for on that date. A class
    working five days (`class_days`) has no lessons on Saturday, like a holiday of its own."""
    class_days = class_days or {}
    by_weekday: dict[int, list[TemplateEntry]] = defaultdict(list)
    for entry in entries:
        by_weekday[entry.weekday].append(entry)
    wanted: dict[tuple[int, date, int], _Wanted] = {}
    for day in _days(first, last):
        todays = by_weekday.get(day.isoweekday())
        if not todays or (day in days_off and days_off[day] is None):
            continue
        week = version.week_type_of(day)
        grades_off = days_off.get(day) or set()
        for entry in todays:
            if entry.week_type != WeekType.EVERY and entry.week_type != week:
                continue
            classes = entry_classes.get(entry.pk, set())
            if entry.weekday > 5:
                # Saturday (or Sunday): only the classes whose week is that long.
                classes = {c for c in classes if entry.weekday <= class_days.get(c, 5)}
            if grades_off:
                # A stream is held for the classes still at school; skipped when none is.
                classes = {c for c in classes if grades[c] not in grades_off}
            if not classes:
                continue
            wanted[(entry.pk, day, entry.bell_number)] = _Wanted(entry, frozenset(classes))
    return wanted


def _mismatch(lesson_entry: TemplateEntry | None, lesson_subject_id: int, lesson_bell: int, day: date,
              version: TimetableVersion) -> str:
    if lesson_entry is None:
        return "entry_removed"
    if lesson_entry.subject_id != lesson_subject_id:
        return "subject_changed"
    if lesson_entry.weekday != day.isoweekday() or lesson_entry.bell_number != lesson_bell:
        return "slot_changed"
    if lesson_entry.week_type not in (WeekType.EVERY, version.week_type_of(day)):
        return "week_changed"
    return "day_off"


def _pairs(through, owner: str, other: str, lesson_ids: QuerySet) -> dict[int, set[int]]:
    result: dict[int, set[int]] = defaultdict(set)
    for lesson_id, other_id in through.objects.filter(**{f"{owner}__in": lesson_ids}).values_list(
            f"{owner}_id", f"{other}_id"):
        result[lesson_id].add(other_id)
    return result


@transaction.atomic
def lessons_generate(*, actor: Person | None, version: TimetableVersion, starts_on: date, ends_on: date,
                     school: School | None = None) -> GenerationReport:
    """Create, update and delete the dated lessons of `version` between two dates so they
    match its template; idempotent (a second run changes nothing).

    Covered: the dates inside the request, the version's validity and its academic year;
    holidays skip the whole school or the classes of their grades; Saturday lessons skip the
    classes working five days (`SchoolClass.week_days`, else the school's). Lesson times come
    from the bells in the school's time zone (`school`, or the school whose schema we are in):
    a short day's schedule on its date, else the most specific of the version's bell
    schedule uses, else its own (see timetable/bell_times.py; a stream follows its lowest
    grade). An entry whose lesson numbers its schedule lacks is skipped and reported.
    A lesson the template no longer asks for is deleted only if it holds no data
    (`lesson_data_checks`); otherwise it is kept and reported. A matching lesson whose
    teachers, room, classes, group or times changed is updated in place unless a
    substitution changed it on purpose. Moved lessons (a substitution) are left alone and
    their original slot stays taken, so the template never re-creates them."""
    _require(actor)
    if school is None:
        from tenants.selectors import current_school

        school = current_school()
    tz = ZoneInfo(school.timezone)
    # One generation per version at a time: two would both insert the same missing lessons.
    version = TimetableVersion.objects.select_for_update().select_related("year").get(pk=version.pk)
    year = version.year
    first = max(starts_on, version.valid_from, year.starts_on)
    last = min(ends_on, version.valid_to, year.ends_on)
    report = GenerationReport(version=version, starts_on=first, ends_on=last)
    if first > last:
        report.starts_on = report.ends_on = None
        return report

    entry_classes = _pairs(TemplateEntry.classes.through, "templateentry", "schoolclass",
                           TemplateEntry.objects.filter(version=version).values("pk"))
    school_days = SchoolSettings.objects.filter(pk=1).values_list("week_days", flat=True).first() or 5
    grades: dict[int, int] = {}
    class_days: dict[int, int] = {}
    for class_id, grade, week_days in SchoolClass.objects.values_list("pk", "grade", "week_days"):
        grades[class_id] = grade
        class_days[class_id] = week_days or school_days
    # One lookup for the whole run: which schedule (the version's, a weekday's or a grade's,
    # a short day's) times each lesson — no query per lesson.
    bell_times = bell_times_for(version, zone=tz, first=first, last=last)
    entry_grade = {pk: lowest_grade(grades[c] for c in ids if c in grades) for pk, ids in entry_classes.items()}
    entries_by_id = {e.pk: e for e in TemplateEntry.objects.filter(version=version)}
    entries = []
    for entry in entries_by_id.values():
        if bell_times.fits(entry.weekday, entry_grade.get(entry.pk), entry.bell_number, entry.duration):
            entries.append(entry)
        else:
            report.skipped_entries.append(entry)
    entry_teachers = _pairs(TemplateEntry.teachers.through, "templateentry", "person",
                            TemplateEntry.objects.filter(version=version).values("pk"))
    days_off = _days_off(year.holidays.all(), first, last)
    wanted = _wanted_lessons(version, entries, entry_classes, grades, days_off, first, last, class_days)

    def times(entry: TemplateEntry, day: date) -> tuple[datetime, datetime]:
        # `fits` checked the ordinary schedule above, so a time always exists.
        return bell_times.times(day, entry_grade.get(entry.pk), entry.bell_number, entry.duration)  # type: ignore[return-value]

    # The lessons this run answers for: this version's, plus those whose entry was deleted
    # (entry set to NULL) — extra lessons are the school's own and never touched.
    ours = Lesson.objects.filter(date__range=(first, last)).filter(
        Q(entry__version=version) | Q(entry__isnull=True, is_extra=False))
    existing = list(ours.values_list("pk", "entry_id", "date", "bell_number", "subject_id", "room_id",
                                     "subgroup_id", "starts_at", "ends_at"))
    ours_ids = ours.values("pk")
    lesson_teachers = _pairs(Lesson.teachers.through, "lesson", "person", ours_ids)
    lesson_classes = _pairs(Lesson.classes.through, "lesson", "schoolclass", ours_ids)
    substituted = set(Substitution.objects.filter(lesson__in=ours_ids).values_list("lesson_id", flat=True))
    # A moved lesson still owns the slot it came from (`before` of its first move).
    moved: set[int] = set()
    taken: set[tuple[int, date, int]] = set()
    for lesson_id, entry_id, before in (Substitution.objects.filter(kind=Substitution.Kind.MOVE,
                                                                    lesson__entry__version=version)
                                        .order_by("pk").values_list("lesson_id", "lesson__entry_id", "before")):
        if lesson_id in moved:
            continue
        moved.add(lesson_id)
        # A history row without the slot: the lesson itself still holds its current one.
        with contextlib.suppress(KeyError, TypeError, ValueError):
            taken.add((entry_id, date.fromisoformat(str(before["date"])), int(before["bell_number"])))

    to_update: list[tuple[Lesson, set[int], frozenset[int]]] = []
    candidates: dict[int, str] = {}  # lesson id → mismatch code: delete unless it holds data
    candidate_keys: dict[int, tuple[int, date, int]] = {}
    for lesson_id, entry_id, day, bell, subject_id, room_id, subgroup_id, starts_at, ends_at in existing:
        if lesson_id in moved:
            continue
        key = (entry_id, day, bell)
        want = wanted.get(key) if entry_id is not None else None
        if entry_id is not None:
            taken.add(key)
        if want is None or want.entry.subject_id != subject_id:
            candidates[lesson_id] = _mismatch(entries_by_id.get(entry_id), subject_id, bell, day, version)
            if entry_id is not None:
                candidate_keys[lesson_id] = key
            continue
        entry = want.entry
        new_start, new_end = times(entry, day)
        teachers = entry_teachers.get(entry.pk, set())
        if (room_id, subgroup_id, starts_at, ends_at) == (entry.room_id, entry.subgroup_id, new_start, new_end) \
                and lesson_teachers.get(lesson_id, set()) == teachers \
                and lesson_classes.get(lesson_id, set()) == want.classes:
            report.unchanged += 1
        elif lesson_id in substituted:
            report.unchanged += 1  # a substitution changed it on purpose: the template does not undo it
        else:
            lesson = Lesson(pk=lesson_id, room_id=entry.room_id, subgroup_id=entry.subgroup_id,
                            starts_at=new_start, ends_at=new_end)
            to_update.append((lesson, teachers, want.classes))

    # Delete what holds no data; the rows are locked first, so a substitution recorded at
    # this moment waits for us and then finds its lesson gone instead of vanishing with it.
    if candidates:
        flagged = lessons_with_data_flags(Lesson.objects.filter(pk__in=list(candidates)))
        codes = list(lesson_data_checks())
        keep_ids: dict[int, list[str]] = {}
        delete_ids: list[int] = []
        for row in flagged.select_for_update(of=("self",)).values("pk", "has_data", *[f"data_{c}" for c in codes]):
            if row["has_data"]:
                keep_ids[row["pk"]] = [c for c in codes if row[f"data_{c}"]]
            else:
                delete_ids.append(row["pk"])
        for start in range(0, len(delete_ids), BATCH):
            chunk = delete_ids[start:start + BATCH]
            Lesson.objects.filter(pk__in=chunk).delete()
        report.deleted = len(delete_ids)
        for lesson_id in delete_ids:
            taken.discard(candidate_keys.get(lesson_id))  # type: ignore[arg-type]
        kept = Lesson.objects.filter(pk__in=list(keep_ids)).select_related("subject", "room") \
            .prefetch_related("classes", "teachers").order_by("date", "bell_number")
        report.kept = [KeptLesson(lesson=lesson, mismatch=candidates[lesson.pk], reasons=keep_ids[lesson.pk])
                       for lesson in kept]

    if to_update:
        Lesson.objects.bulk_update([lesson for lesson, _t, _c in to_update],
                                   ["room", "subgroup", "starts_at", "ends_at"], batch_size=BATCH)
        ids = [lesson.pk for lesson, _t, _c in to_update]
        Lesson.teachers.through.objects.filter(lesson_id__in=ids).delete()
        Lesson.classes.through.objects.filter(lesson_id__in=ids).delete()
        _link(teachers=[(lesson.pk, teachers) for lesson, teachers, _c in to_update],
              classes=[(lesson.pk, classes) for lesson, _t, classes in to_update])
        report.updated = len(to_update)

    new: list[Lesson] = []
    new_wants: list[_Wanted] = []
    for key, want in wanted.items():
        if key in taken:
            continue
        entry, day = want.entry, key[1]
        starts_at, ends_at = times(entry, day)
        new.append(Lesson(date=day, bell_number=entry.bell_number, starts_at=starts_at, ends_at=ends_at,
                          subject_id=entry.subject_id, room_id=entry.room_id, subgroup_id=entry.subgroup_id,
                          entry_id=entry.pk))
        new_wants.append(want)
    if new:
        # No ignore_conflicts: it would not return the new ids the M2M rows need. The version
        # lock above makes the pre-filter safe against a concurrent run.
        Lesson.objects.bulk_create(new, batch_size=BATCH)
        pairs = list(zip(new, new_wants, strict=True))
        _link(teachers=[(lesson.pk, entry_teachers.get(want.entry.pk, set())) for lesson, want in pairs],
              classes=[(lesson.pk, want.classes) for lesson, want in pairs])
        report.created = len(new)
    return report


def _link(*, teachers: list[tuple[int, Iterable[int]]], classes: list[tuple[int, Iterable[int]]]) -> None:
    """Write the lessons' teacher and class rows in bulk (two INSERTs per batch, no signals)."""
    teacher_through = Lesson.teachers.through
    class_through = Lesson.classes.through
    teacher_through.objects.bulk_create(
        [teacher_through(lesson_id=lesson_id, person_id=p) for lesson_id, people in teachers for p in people],
        batch_size=BATCH * 2)
    class_through.objects.bulk_create(
        [class_through(lesson_id=lesson_id, schoolclass_id=c) for lesson_id, ids in classes for c in ids],
        batch_size=BATCH * 2)


def _versions_by_day(first: date, last: date) -> list[TimetableVersion]:
    return list(TimetableVersion.objects.filter(valid_from__lte=last, valid_to__gte=first).order_by("-valid_from"))


def lessons_retime(*, first: date, last: date, school: School | None = None) -> int:
    """Bring the start and end of every lesson dated `first`..`last` in line with the bells
    that now apply (a short day added or removed, a bell schedule use changed); nothing else
    of a lesson changes. A lesson follows the bells of its template entry's version (else of
    the version valid that day) and of its lowest grade. Returns how many lessons moved.

    Runs inside the caller's transaction; a fixed number of queries plus one UPDATE per
    batch, whatever the number of lessons."""
    if school is None:
        from tenants.selectors import current_school

        school = current_school()
    tz = ZoneInfo(school.timezone)
    versions = _versions_by_day(first, last)
    lookups: dict[int | None, BellTimes] = {}

    def lookup(version_id: int | None) -> BellTimes:
        if version_id not in lookups:
            version = next((v for v in versions if v.pk == version_id), None)
            if version is None and version_id is not None:
                version = TimetableVersion.objects.filter(pk=version_id).first()
            lookups[version_id] = bell_times_for(version, zone=tz, first=first, last=last)
        return lookups[version_id]

    def version_on(day: date) -> int | None:
        return next((v.pk for v in versions if v.valid_from <= day <= v.valid_to), None)

    rows = list(Lesson.objects.filter(date__range=(first, last)).values_list(
        "pk", "date", "bell_number", "starts_at", "ends_at", "entry__version_id", "entry__duration"))
    grades: dict[int, list[int]] = defaultdict(list)
    for lesson_id, grade in Lesson.classes.through.objects.filter(
            lesson__date__range=(first, last)).values_list("lesson_id", "schoolclass__grade"):
        grades[lesson_id].append(grade)
    changed: list[Lesson] = []
    for lesson_id, day, bell, starts_at, ends_at, version_id, duration in rows:
        found = lookup(version_id if version_id is not None else version_on(day)).times(
            day, lowest_grade(grades.get(lesson_id, ())), bell, duration or 1)
        if found is not None and found != (starts_at, ends_at):
            changed.append(Lesson(pk=lesson_id, starts_at=found[0], ends_at=found[1]))
    Lesson.objects.bulk_update(changed, ["starts_at", "ends_at"], batch_size=BATCH)
    return len(changed)
