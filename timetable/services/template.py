"""Writes to the weekly template: versions, one slot at a time, day and week copies, CSV
import, and undo of the last change.

Every change that touches entries returns (or carries) a *snapshot*: the before-state of
the entries it touched, small JSON the editor keeps in the session (there is no history
table for templates). `template_undo` puts those entries back as they were.

A change that leaves a hard conflict (a teacher, room, class or student in two places at
once, see timetable/conflicts.py) is refused and nothing is saved; room capacity and
teaching-hours problems are warnings returned to the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.importing.columns import header_key
from core.importing.reader import ImportFileError, table_read
from core.models import Person, SchoolClass
from core.rules import can
from timetable import conflicts as checks
from timetable.bell_times import BellTimes, bell_times_for, lowest_grade
from timetable.models import (
    AcademicYear,
    BellSchedule,
    Room,
    Subgroup,
    Subject,
    TeachingAssignment,
    TemplateEntry,
    TimetableVersion,
    WeekType,
)

Snapshot = dict[str, Any]


class TemplateConflictError(ValidationError):
    """The change would leave hard conflicts; `conflicts` says which, nothing was saved."""

    def __init__(self, conflicts: list[checks.Conflict]) -> None:
        super().__init__([c.message for c in conflicts], code="template_conflict")
        self.conflicts = conflicts


def _require(actor: Person | None) -> None:
    if actor is not None and not can(actor, "school.manage"):
        raise PermissionDenied("school.manage")


# ----- snapshots -----

def _entry_state(entry: TemplateEntry) -> dict[str, Any]:
    return {"weekday": entry.weekday, "bell_number": entry.bell_number, "duration": entry.duration,
            "week_type": entry.week_type, "subject": entry.subject_id, "room": entry.room_id,
            "subgroup": entry.subgroup_id, "assignment": entry.assignment_id,
            "teachers": sorted(t.pk for t in entry.teachers.all()),
            "classes": sorted(c.pk for c in entry.classes.all())}


def _snapshot(version: TimetableVersion, label: str, entries: list[TemplateEntry],
              created_ids: list[int] = ()) -> Snapshot:
    """Before-state of `entries` (as they are now) plus ids that the change will create."""
    before = [{"id": e.pk, "state": _entry_state(e)} for e in entries]
    before += [{"id": pk, "state": None} for pk in created_ids]
    return {"version": version.pk, "label": label, "before": before}


def _with_created(snapshot: Snapshot, ids: list[int]) -> Snapshot:
    known = {item["id"] for item in snapshot["before"]}
    snapshot["before"] += [{"id": pk, "state": None} for pk in ids if pk not in known]
    return snapshot


@transaction.atomic
def template_undo(*, actor: Person | None, version: TimetableVersion, snapshot: Snapshot) -> int:
    """Put the entries a change touched back as they were: entries it created are removed,
    entries it changed or deleted are restored under their old ids. Returns how many."""
    _require(actor)
    if not snapshot or snapshot.get("version") != version.pk:
        raise ValidationError(_("There is nothing to undo."), code="nothing_to_undo")
    items = snapshot.get("before", [])
    ids = [int(item["id"]) for item in items]
    if TemplateEntry.objects.filter(pk__in=ids).exclude(version=version).exists():
        raise ValidationError(_("There is nothing to undo."), code="nothing_to_undo")
    current = {e.pk: e for e in TemplateEntry.objects.filter(pk__in=ids, version=version)}
    for item in items:
        state, pk = item["state"], int(item["id"])
        if state is None:
            if pk in current:
                current[pk].delete()
            continue
        # Changed entries are updated in place, so dated lessons keep pointing at them.
        entry = current.get(pk) or TemplateEntry(pk=pk, version=version)
        entry.weekday, entry.bell_number, entry.duration = state["weekday"], state["bell_number"], state["duration"]
        entry.week_type, entry.subject_id, entry.room_id = state["week_type"], state["subject"], state["room"]
        entry.subgroup_id, entry.assignment_id = state["subgroup"], state["assignment"]
        entry.save()
        entry.teachers.set(state["teachers"])
        entry.classes.set(state["classes"])
    return len(items)


# ----- versions -----

@transaction.atomic
def timetable_version_create(
    *, actor: Person | None, year: AcademicYear, name: str, valid_from: date, valid_to: date,
    bell_schedule: BellSchedule, week_a_monday: date | None = None,
) -> TimetableVersion:
    _require(actor)
    if valid_to < valid_from:
        raise ValidationError(_("The version must end after it starts."), code="version_dates")
    if valid_from < year.starts_on or valid_to > year.ends_on:
        raise ValidationError(_("The version's dates must lie inside the school year."), code="version_dates")
    if week_a_monday is not None and week_a_monday.isoweekday() != 1:
        raise ValidationError(_("Week A must start on a Monday."), code="week_a_monday")
    return TimetableVersion.objects.create(year=year, name=name.strip(), valid_from=valid_from, valid_to=valid_to,
                                           bell_schedule=bell_schedule, week_a_monday=week_a_monday)


# ----- entries -----

def _bell_times(version: TimetableVersion) -> BellTimes:
    # Only which numbers exist matters here, not the clock: any zone, no short days.
    return bell_times_for(version, zone=ZoneInfo("UTC"), first=date.max, last=date.max)


def version_bell_numbers(version: TimetableVersion) -> list[int]:
    """Every lesson number of any bell schedule the version uses."""
    return _bell_times(version).numbers()


def _check(version: TimetableVersion, touched: set[int]) -> list[checks.Conflict]:
    """The version's conflicts that involve the touched entries; raises on hard ones."""
    entries = checks.version_entries(version)
    found = checks.find_conflicts([checks.slot_of(e) for e in entries], checks.version_facts(entries))
    mine = [c for c in found if touched & set(c.entry_ids)]
    hard = [c for c in mine if c.is_hard]
    if hard:
        raise TemplateConflictError(hard)
    return mine


def template_check(version: TimetableVersion, touched: set[int]) -> list[checks.Conflict]:
    """The conflicts involving the `touched` entries; raises TemplateConflictError on hard
    ones (for other writers whose change can create them, e.g. a group's new members)."""
    return _check(version, touched)


def _match_assignment(subject: Subject, teachers: list[Person], classes: list[SchoolClass],
                      subgroup: Subgroup | None) -> TeachingAssignment | None:
    """The teaching assignment this slot schedules, when exactly one fits."""
    if len(classes) != 1:
        return None
    found = list(TeachingAssignment.objects.filter(subject=subject, school_class=classes[0], subgroup=subgroup,
                                                   teacher__in=teachers)[:2])
    return found[0] if len(found) == 1 else None


def _validate_slot(version: TimetableVersion, *, weekday: int, bell_number: int, duration: int, week_type: str,
                   classes: list[SchoolClass], subgroup: Subgroup | None, bells: list[int] | None = None) -> None:
    if not 1 <= weekday <= 7:
        raise ValidationError(_("No such weekday."), code="weekday")
    if bells is not None:
        fits = duration >= 1 and bell_number in bells and bell_number + duration - 1 in bells
    else:
        # The schedule of that weekday for these classes (a shift, a weekday variant).
        fits = duration >= 1 and _bell_times(version).fits(weekday, lowest_grade(c.grade for c in classes),
                                                           bell_number, duration)
    if not fits:
        raise ValidationError(_("The bell schedule has no such lesson."), code="bell_number")
    if week_type not in WeekType.values:
        raise ValidationError(_("Unknown week type."), code="week_type")
    if week_type != WeekType.EVERY and version.week_a_monday is None:
        raise ValidationError(_("This version has no A/B weeks: set its Monday of week A first."), code="week_type")
    if not classes:
        raise ValidationError(_("Choose a class."), code="classes")
    if subgroup is not None and subgroup.school_class_id is not None and \
            subgroup.school_class_id not in {c.pk for c in classes}:
        raise ValidationError(_("The group belongs to another class."), code="subgroup")


@transaction.atomic
def template_entry_set(
    *, actor: Person | None, version: TimetableVersion, weekday: int, bell_number: int, week_type: str,
    subject: Subject, teachers: list[Person], room: Room | None, classes: list[SchoolClass],
    subgroup: Subgroup | None = None, duration: int = 1, entry: TemplateEntry | None = None,
) -> tuple[TemplateEntry, list[checks.Conflict], Snapshot]:
    """Create or edit one slot. Returns the entry, the warnings that involve it (capacity,
    hours) and the snapshot to undo it. Raises TemplateConflictError on a hard conflict,
    with nothing saved."""
    _require(actor)
    if entry is not None and entry.version_id != version.pk:
        raise ValidationError(_("The entry belongs to another version."), code="entry_version")
    _validate_slot(version, weekday=weekday, bell_number=bell_number, duration=duration, week_type=week_type,
                   classes=classes, subgroup=subgroup)
    snapshot = _snapshot(version, _("Edit of a lesson"), [entry] if entry is not None else [])
    fields = {"weekday": weekday, "bell_number": bell_number, "duration": duration, "week_type": week_type,
              "subject": subject, "room": room, "subgroup": subgroup,
              "assignment": _match_assignment(subject, teachers, classes, subgroup)}
    if entry is None:
        entry = TemplateEntry.objects.create(version=version, **fields)
        _with_created(snapshot, [entry.pk])
        snapshot["label"] = _("New lesson")
    else:
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.save()
    entry.teachers.set(teachers)
    entry.classes.set(classes)
    warnings = _check(version, {entry.pk})
    return entry, warnings, snapshot


@transaction.atomic
def template_entry_move(
    *, actor: Person | None, entry: TemplateEntry, weekday: int, bell_number: int,
) -> tuple[TemplateEntry, list[checks.Conflict], Snapshot]:
    """Move one slot to another day and lesson number, keeping everything else (the
    editor's drag and drop). Refused like `template_entry_set`: TemplateConflictError on a
    hard conflict, nothing saved. Returns the entry, its warnings and the undo snapshot."""
    _require(actor)
    entry = (TemplateEntry.objects.select_for_update(of=("self",)).select_related("version")
             .prefetch_related("teachers", "classes").get(pk=entry.pk))
    _validate_slot(entry.version, weekday=weekday, bell_number=bell_number, duration=entry.duration,
                   week_type=entry.week_type, classes=list(entry.classes.all()), subgroup=entry.subgroup)
    if (weekday, bell_number) == (entry.weekday, entry.bell_number):
        raise ValidationError(_("The lesson is already there."), code="same_slot")
    snapshot = _snapshot(entry.version, _("Move of a lesson"), [entry])
    entry.weekday, entry.bell_number = weekday, bell_number
    entry.save(update_fields=["weekday", "bell_number"])
    return entry, _check(entry.version, {entry.pk}), snapshot


@transaction.atomic
def template_entry_delete(*, actor: Person | None, entry: TemplateEntry) -> Snapshot:
    _require(actor)
    snapshot = _snapshot(entry.version, _("Removal of a lesson"), [entry])
    entry.delete()
    return snapshot


def _copy(entry: TemplateEntry, version: TimetableVersion, **changes) -> TemplateEntry:
    copy = TemplateEntry.objects.create(
        version=version, weekday=changes.get("weekday", entry.weekday), bell_number=entry.bell_number,
        duration=entry.duration, week_type=entry.week_type, subject_id=entry.subject_id, room_id=entry.room_id,
        subgroup_id=entry.subgroup_id, assignment_id=entry.assignment_id)
    copy.teachers.set(list(entry.teachers.all()))
    copy.classes.set(list(entry.classes.all()))
    return copy


@transaction.atomic
def template_day_copy(
    *, actor: Person | None, version: TimetableVersion, school_class: SchoolClass, from_weekday: int,
    to_weekday: int,
) -> tuple[list[TemplateEntry], list[checks.Conflict], Snapshot]:
    """Make the class's `to_weekday` like its `from_weekday`: the class's own lessons on
    the target day are replaced (a stream shared with other classes stays, and is copied
    only from the source day). Refused, with nothing saved, on a hard conflict."""
    _require(actor)
    if from_weekday == to_weekday or not (1 <= from_weekday <= 7 and 1 <= to_weekday <= 7):
        raise ValidationError(_("Choose two different days."), code="weekday")
    qs = TemplateEntry.objects.filter(version=version, classes=school_class).prefetch_related("teachers", "classes")
    replaced = [e for e in qs.filter(weekday=to_weekday) if [c.pk for c in e.classes.all()] == [school_class.pk]]
    snapshot = _snapshot(version, _("Copy of a day"), replaced)
    TemplateEntry.objects.filter(pk__in=[e.pk for e in replaced]).delete()
    created = [_copy(e, version, weekday=to_weekday) for e in qs.filter(weekday=from_weekday)]
    _with_created(snapshot, [e.pk for e in created])
    warnings = _check(version, {e.pk for e in created})
    return created, warnings, snapshot


@transaction.atomic
def template_week_copy(*, actor: Person | None, from_version: TimetableVersion,
                       to_version: TimetableVersion) -> tuple[int, Snapshot]:
    """Replace `to_version`'s entries with copies of all of `from_version`'s (a new version
    usually starts as a copy of the current one). Lessons that do not fit the target's
    bell schedule are left out. Returns how many were copied, and the undo snapshot."""
    _require(actor)
    if from_version.pk == to_version.pk:
        raise ValidationError(_("Choose another version to copy from."), code="same_version")
    existing = list(TemplateEntry.objects.filter(version=to_version).prefetch_related("teachers", "classes"))
    snapshot = _snapshot(to_version, _("Copy of a week"), existing)
    TemplateEntry.objects.filter(version=to_version).delete()
    bells = set(version_bell_numbers(to_version))
    source = [e for e in TemplateEntry.objects.filter(version=from_version).prefetch_related("teachers", "classes")
              if e.bell_number in bells and e.bell_number + e.duration - 1 in bells]
    copies = TemplateEntry.objects.bulk_create([
        TemplateEntry(version=to_version, weekday=e.weekday, bell_number=e.bell_number, duration=e.duration,
                      week_type=e.week_type if to_version.week_a_monday else WeekType.EVERY,
                      subject_id=e.subject_id, room_id=e.room_id, subgroup_id=e.subgroup_id,
                      assignment_id=e.assignment_id) for e in source])
    teachers, classes = TemplateEntry.teachers.through, TemplateEntry.classes.through
    teachers.objects.bulk_create([teachers(templateentry_id=c.pk, person_id=t.pk)
                                  for e, c in zip(source, copies, strict=True) for t in e.teachers.all()])
    classes.objects.bulk_create([classes(templateentry_id=c.pk, schoolclass_id=k.pk)
                                 for e, c in zip(source, copies, strict=True) for k in e.classes.all()])
    _with_created(snapshot, [c.pk for c in copies])
    return len(copies), snapshot


# ----- CSV import -----

COLUMNS = {
    "class": ("класс", "class", "классы"),
    "day": ("день", "day", "день недели"),
    "bell": ("урок", "lesson", "номер урока", "bell"),
    "subject": ("предмет", "subject"),
    "teacher": ("учитель", "teacher", "учителя"),
    "room": ("кабинет", "room"),
    "week": ("неделя", "week"),
    "group": ("группа", "group", "подгруппа"),
}
REQUIRED_COLUMNS = ("class", "day", "bell", "subject")
DAYS = {"пн": 1, "понедельник": 1, "mon": 1, "monday": 1, "вт": 2, "вторник": 2, "tue": 2, "tuesday": 2,
        "ср": 3, "среда": 3, "wed": 3, "wednesday": 3, "чт": 4, "четверг": 4, "thu": 4, "thursday": 4,
        "пт": 5, "пятница": 5, "fri": 5, "friday": 5, "сб": 6, "суббота": 6, "sat": 6, "saturday": 6,
        "вс": 7, "воскресенье": 7, "sun": 7, "sunday": 7}
WEEKS = {"": WeekType.EVERY, "a": WeekType.A, "а": WeekType.A, "b": WeekType.B, "б": WeekType.B,
         "в": WeekType.B}  # the Cyrillic «В» looks like B and is what people type


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import did: problems (then nothing was written) or the entries created."""

    problems: list[RowProblem] = field(default_factory=list)
    created: int = 0
    warnings: list[checks.Conflict] = field(default_factory=list)
    snapshot: Snapshot | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _key(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "").strip().lower().replace("ё", "е"))


def _lookup_tables(version: TimetableVersion) -> dict[str, Any]:
    teachers: dict[str, list[Person]] = {}
    for person in Person.objects.filter(is_active=True, roles__contains=["teacher"]):
        for name in {person.full_name, person.short_name, person.short_name.replace(" ", ""),
                     f"{person.last_name} {person.first_name}", person.last_name}:
            teachers.setdefault(_key(name), []).append(person)
    subjects: dict[str, Subject] = {}
    for subject in Subject.objects.all():
        subjects[_key(subject.name)] = subject
        if subject.short_name:
            subjects.setdefault(_key(subject.short_name), subject)
    groups: dict[tuple[int | None, str], Subgroup] = {(g.school_class_id, _key(g.name)): g
                                                      for g in Subgroup.objects.all()}
    return {
        "classes": {_key(c.name).replace(" ", "").replace("-", ""): c for c in SchoolClass.objects.all()},
        "subjects": subjects, "teachers": teachers, "groups": groups,
        "rooms": {_key(r.name): r for r in Room.objects.all()}, "bells": version_bell_numbers(version),
    }


def template_csv_import(*, actor: Person | None, version: TimetableVersion, file: Any,
                        replace: bool = False) -> ImportReport:
    """Read a template from CSV (or XLSX): columns класс; день; урок; предмет; учитель;
    кабинет; неделя (A/B or empty); группа. Every row is checked first, each problem named
    by row and column; a single problem, or a hard conflict the rows would create, and
    nothing is written. `replace` clears the version's entries first."""
    _require(actor)
    report = ImportReport()
    try:
        table = table_read(getattr(file, "name", "") or "", file.read())
    except ImportFileError as exc:
        report.problems.append(RowProblem(0, "", exc.message))
        return report
    positions: dict[str, int] = {}
    aliases = {alias: key for key, names in COLUMNS.items() for alias in names}
    for index, header in enumerate(table.headers):
        key = aliases.get(header_key(header))
        if key is not None:
            positions.setdefault(key, index)
    missing = [COLUMNS[k][0] for k in REQUIRED_COLUMNS if k not in positions]
    if missing:
        report.problems.append(RowProblem(table.header_row, ", ".join(missing),
                                          _("Missing column(s): %(names)s.") % {"names": ", ".join(missing)}))
        return report
    tables = _lookup_tables(version)
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in table.rows:
        problems_before = len(report.problems)
        parsed = _import_row(number, values, positions, tables, version, report)
        if parsed is not None and len(report.problems) == problems_before:
            rows.append((number, parsed))
    if report.problems:
        return report
    try:
        with transaction.atomic():
            existing = (list(TemplateEntry.objects.filter(version=version).prefetch_related("teachers", "classes"))
                        if replace else [])
            snapshot = _snapshot(version, _("Import from a file"), existing)
            if replace:
                TemplateEntry.objects.filter(version=version).delete()
            row_of: dict[int, int] = {}
            for number, data in rows:
                entry = TemplateEntry.objects.create(
                    version=version, weekday=data["weekday"], bell_number=data["bell"], week_type=data["week"],
                    subject=data["subject"], room=data["room"], subgroup=data["group"],
                    assignment=_match_assignment(data["subject"], data["teachers"], data["classes"], data["group"]))
                entry.teachers.set(data["teachers"])
                entry.classes.set(data["classes"])
                row_of[entry.pk] = number
            _with_created(snapshot, list(row_of))
            try:
                report.warnings = _check(version, set(row_of))
            except TemplateConflictError as exc:
                for conflict in exc.conflicts:
                    rows_involved = sorted(row_of[i] for i in conflict.entry_ids if i in row_of)
                    report.problems.append(RowProblem(rows_involved[0] if rows_involved else 0, "",
                                                      conflict.message))
                raise
    except TemplateConflictError:
        report.warnings = []
        return report
    report.created = len(rows)
    report.snapshot = snapshot
    return report


def _import_row(number: int, values: list[object], positions: dict[str, int], tables: dict[str, Any],
                version: TimetableVersion, report: ImportReport) -> dict[str, Any] | None:
    def cell(key: str) -> str:
        index = positions.get(key)
        value = values[index] if index is not None and index < len(values) else None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip() if value is not None else ""

    def problem(key: str, message: str) -> None:
        report.problems.append(RowProblem(number, COLUMNS[key][0], message))

    data: dict[str, Any] = {"classes": [], "teachers": [], "room": None, "group": None}
    for key in REQUIRED_COLUMNS:
        if not cell(key):
            problem(key, _("Fill in this cell."))
    for part in filter(None, (p.strip() for p in cell("class").split(","))):
        school_class = tables["classes"].get(_key(part).replace(" ", "").replace("-", ""))
        if school_class is None:
            problem("class", _("No class «%(value)s» in the school.") % {"value": part})
        else:
            data["classes"].append(school_class)
    if cell("day"):
        weekday = DAYS.get(_key(cell("day")).rstrip("."))
        if weekday is None and cell("day").isdigit() and 1 <= int(cell("day")) <= 7:
            weekday = int(cell("day"))
        if weekday is None:
            problem("day", _("«%(value)s» is not a weekday: write Пн, Вт … or 1–7.") % {"value": cell("day")})
        data["weekday"] = weekday
    if cell("bell"):
        if not cell("bell").isdigit() or int(cell("bell")) not in tables["bells"]:
            problem("bell", _("The bell schedule has no lesson «%(value)s».") % {"value": cell("bell")})
        else:
            data["bell"] = int(cell("bell"))
    if cell("subject"):
        data["subject"] = tables["subjects"].get(_key(cell("subject")))
        if data["subject"] is None:
            problem("subject", _("No subject «%(value)s» in the school.") % {"value": cell("subject")})
    for part in filter(None, (p.strip() for p in cell("teacher").split(","))):
        found = tables["teachers"].get(_key(part), [])
        if len(found) != 1:
            problem("teacher", (_("No teacher «%(value)s».") if not found else
                                _("«%(value)s» fits several teachers: write the full name.")) % {"value": part})
        else:
            data["teachers"].append(found[0])
    if cell("room"):
        data["room"] = tables["rooms"].get(_key(cell("room")))
        if data["room"] is None:
            problem("room", _("No room «%(value)s».") % {"value": cell("room")})
    week = WEEKS.get(_key(cell("week")))
    if week is None:
        problem("week", _("Write A, B or leave empty."))
    elif week != WeekType.EVERY and version.week_a_monday is None:
        problem("week", _("This version has no A/B weeks: set its Monday of week A first."))
    data["week"] = week
    if cell("group"):
        name = _key(cell("group"))
        class_ids = [c.pk for c in data["classes"]]
        group = next((tables["groups"][(k, name)] for k in [*class_ids, None] if (k, name) in tables["groups"]), None)
        if group is None:
            problem("group", _("No group «%(value)s» in this class.") % {"value": cell("group")})
        data["group"] = group
    return data
