"""Conflicts in a weekly template: who or what is in two places at once, rooms too small,
teaching load planned but not scheduled (or scheduled twice over).

The checks are pure functions over plain `Slot` rows and a `VersionFacts` bundle of names,
audiences and load, so they are cheap to test and the editor, the services and the CSV
import share them. `version_facts(version)` loads everything a version needs in a fixed
number of queries, whatever its size.

Two entries meet when they are on the same weekday, their lessons overlap (an entry with
duration 2 occupies its bell and the next one) and their weeks overlap (every week meets
both A and B; A never meets B).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

# Conflict codes. Hard ones make a template impossible to follow and are refused on save;
# the others are warnings shown beside the grid.
TEACHER = "teacher"
ROOM = "room"
CLASS = "class"
STUDENT = "student"
CAPACITY = "capacity"
HOURS_UNDER = "hours_under"
HOURS_OVER = "hours_over"
WEEK_DAYS = "week_days"  # a Saturday lesson for a class working five days: never generated
HARD = frozenset({TEACHER, ROOM, CLASS, STUDENT})

EVERY, WEEK_A, WEEK_B = "every", "a", "b"


@dataclass(frozen=True)
class Slot:
    """What the checks need of one TemplateEntry."""

    id: int
    weekday: int
    bell_number: int
    duration: int = 1
    week_type: str = EVERY
    subject_id: int | None = None
    teacher_ids: frozenset[int] = frozenset()
    room_id: int | None = None
    class_ids: frozenset[int] = frozenset()
    subgroup_id: int | None = None
    assignment_id: int | None = None

    @property
    def bells(self) -> range:
        return range(self.bell_number, self.bell_number + max(self.duration, 1))

    @property
    def weight(self) -> Decimal:
        """Hours a week this slot gives: A/B weeks count half."""
        return Decimal(max(self.duration, 1)) * (Decimal(1) if self.week_type == EVERY else Decimal("0.5"))


@dataclass(frozen=True)
class GroupFacts:
    name: str
    class_id: int | None  # None: a group gathered from several classes
    student_ids: frozenset[int]


@dataclass(frozen=True)
class AssignmentFacts:
    id: int
    teacher_id: int
    subject_id: int
    class_id: int
    subgroup_id: int | None
    hours_per_week: Decimal


@dataclass
class VersionFacts:
    """Names and audiences the checks read; missing keys are simply unknown."""

    people: Mapping[int, str] = field(default_factory=dict)  # teachers and students: short names
    rooms: Mapping[int, tuple[str, int]] = field(default_factory=dict)  # id -> (name, capacity)
    classes: Mapping[int, str] = field(default_factory=dict)
    subjects: Mapping[int, str] = field(default_factory=dict)
    groups: Mapping[int, GroupFacts] = field(default_factory=dict)
    class_students: Mapping[int, frozenset[int]] = field(default_factory=dict)
    assignments: Iterable[AssignmentFacts] = ()
    class_week_days: Mapping[int, int] = field(default_factory=dict)  # 5 or 6, the school's when unset


@dataclass(frozen=True)
class Conflict:
    code: str
    message: str
    entry_ids: tuple[int, ...]

    @property
    def is_hard(self) -> bool:
        return self.code in HARD


@dataclass(frozen=True)
class HoursRow:
    """One line of the plan-vs-scheduled table."""

    assignment: AssignmentFacts
    scheduled: Decimal
    entry_ids: tuple[int, ...]

    @property
    def planned(self) -> Decimal:
        return self.assignment.hours_per_week

    @property
    def status(self) -> str:
        if self.scheduled < self.planned:
            return HOURS_UNDER
        return HOURS_OVER if self.scheduled > self.planned else "ok"


def weeks_overlap(a: str, b: str) -> bool:
    return EVERY in (a, b) or a == b


def day_name(weekday: int) -> str:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"),
            _("Sunday")][weekday - 1]


def meeting_pairs(slots: Iterable[Slot]) -> dict[tuple[int, int], tuple[Slot, Slot, int]]:
    """Every pair of slots that meet, keyed by their ids (smaller first), with the first
    lesson number they share. Pairs are found per (weekday, bell) bucket: a template has a
    few hundred entries, so this stays linear in practice."""
    buckets: dict[tuple[int, int], list[Slot]] = defaultdict(list)
    for slot in slots:
        for bell in slot.bells:
            buckets[(slot.weekday, bell)].append(slot)
    pairs: dict[tuple[int, int], tuple[Slot, Slot, int]] = {}
    for (_day, bell), bucket in sorted(buckets.items()):
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                if a.id == b.id or not weeks_overlap(a.week_type, b.week_type):
                    continue
                first, second = (a, b) if a.id < b.id else (b, a)
                pairs.setdefault((first.id, second.id), (first, second, bell))
    return pairs


def audience(slot: Slot, facts: VersionFacts) -> frozenset[int]:
    """The students in the room: the group's members, or the classes' students."""
    if slot.subgroup_id is not None:
        group = facts.groups.get(slot.subgroup_id)
        return group.student_ids if group else frozenset()
    result: set[int] = set()
    for class_id in slot.class_ids:
        result |= facts.class_students.get(class_id, frozenset())
    return frozenset(result)


def _classes_clash(a: Slot, b: Slot, facts: VersionFacts) -> set[int]:
    """Classes both slots take whole or in overlapping parts. Two different groups of a
    class at once are a split lesson, not a clash; a group gathered from several classes
    clashes only through its students (the student check)."""
    clashing = set()
    for class_id in a.class_ids & b.class_ids:
        if a.subgroup_id is not None and a.subgroup_id == b.subgroup_id:
            clashing.add(class_id)
            continue
        parts = []
        for slot in (a, b):
            if slot.subgroup_id is None:
                parts.append("whole")
            else:
                group = facts.groups.get(slot.subgroup_id)
                parts.append("group" if group is None or group.class_id == class_id else "cross")
        if "cross" in parts:
            continue
        if "whole" in parts:
            clashing.add(class_id)
    return clashing


def _names(ids: Iterable[int], names: Mapping[int, str]) -> str:
    return ", ".join(sorted(names.get(i, f"#{i}") for i in ids))


def find_conflicts(slots: Iterable[Slot], facts: VersionFacts, *, hours: bool = True) -> list[Conflict]:
    """All conflicts of a template, hard ones first."""
    slots = list(slots)
    found: list[Conflict] = []
    for (a_id, b_id), (a, b, bell) in meeting_pairs(slots).items():
        when = _("%(day)s, lesson %(n)s") % {"day": day_name(a.weekday), "n": bell}
        ids = (a_id, b_id)
        teachers = a.teacher_ids & b.teacher_ids
        if teachers:
            found.append(Conflict(TEACHER, _("%(names)s: two lessons at once (%(when)s).")
                                  % {"names": _names(teachers, facts.people), "when": when}, ids))
        if a.room_id is not None and a.room_id == b.room_id:
            room = facts.rooms.get(a.room_id, (f"#{a.room_id}", 0))[0]
            found.append(Conflict(ROOM, _("Room %(room)s is taken twice (%(when)s).")
                                  % {"room": room, "when": when}, ids))
        classes = _classes_clash(a, b, facts)
        if classes:
            found.append(Conflict(CLASS, _("Class %(names)s: two lessons at once (%(when)s).")
                                  % {"names": _names(classes, facts.classes), "when": when}, ids))
            continue  # the same students: no need to name them one by one
        students = audience(a, facts) & audience(b, facts)
        if students:
            shown = sorted(facts.people.get(i, f"#{i}") for i in students)
            names = ", ".join(shown[:3]) + ("…" if len(shown) > 3 else "")
            found.append(Conflict(STUDENT, _("%(count)s student(s) in two lessons at once (%(when)s): %(names)s.")
                                  % {"count": len(students), "when": when, "names": names}, ids))
    for slot in slots:
        if slot.room_id is None or slot.room_id not in facts.rooms:
            continue
        room, capacity = facts.rooms[slot.room_id]
        size = len(audience(slot, facts))
        if size > capacity:
            found.append(Conflict(CAPACITY, _("Room %(room)s seats %(seats)s, the lesson has %(size)s students "
                                              "(%(day)s, lesson %(n)s).")
                                  % {"room": room, "seats": capacity, "size": size, "day": day_name(slot.weekday),
                                     "n": slot.bell_number}, (slot.id,)))
    for slot in slots:
        if slot.weekday <= 5:
            continue
        short = [c for c in slot.class_ids if facts.class_week_days.get(c, 7) < slot.weekday]
        if short:
            found.append(Conflict(WEEK_DAYS, _("%(names)s: no lessons on %(day)s (a shorter school week); this "
                                               "lesson will not be held.")
                                  % {"names": _names(short, facts.classes), "day": day_name(slot.weekday)},
                                  (slot.id,)))
    if hours:
        for row in hours_table(slots, facts):
            if row.status == "ok":
                continue
            a = row.assignment
            values = {"subject": facts.subjects.get(a.subject_id, ""), "cls": facts.classes.get(a.class_id, ""),
                      "teacher": facts.people.get(a.teacher_id, ""), "planned": _hours(row.planned),
                      "scheduled": _hours(row.scheduled)}
            if a.subgroup_id is not None and a.subgroup_id in facts.groups:
                values["cls"] += f" ({facts.groups[a.subgroup_id].name})"
            message = (_("%(subject)s, %(cls)s, %(teacher)s: %(scheduled)s of %(planned)s hours a week scheduled.")
                       if row.status == HOURS_UNDER else
                       _("%(subject)s, %(cls)s, %(teacher)s: %(scheduled)s hours a week scheduled, "
                         "%(planned)s planned."))
            found.append(Conflict(row.status, message % values, row.entry_ids))
    found.sort(key=lambda c: (not c.is_hard, c.code != CAPACITY))
    return found


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def hours_table(slots: Iterable[Slot], facts: VersionFacts) -> list[HoursRow]:
    """Planned hours of each teaching assignment against the hours the template gives it.
    An entry counts for the assignment it names, or else for every assignment it matches
    (subject, one of its teachers, one of its classes, the same group or none)."""
    assignments = list(facts.assignments)
    by_id = {a.id: a for a in assignments}
    index: dict[tuple[int, int, int, int | None], AssignmentFacts] = {
        (a.teacher_id, a.subject_id, a.class_id, a.subgroup_id): a for a in assignments}
    scheduled: dict[int, Decimal] = defaultdict(Decimal)
    entries: dict[int, list[int]] = defaultdict(list)
    for slot in slots:
        matched = set()
        if slot.assignment_id in by_id:
            matched.add(slot.assignment_id)
        else:
            for teacher_id in slot.teacher_ids:
                for class_id in slot.class_ids:
                    a = index.get((teacher_id, slot.subject_id, class_id, slot.subgroup_id))
                    if a is not None:
                        matched.add(a.id)
        for assignment_id in matched:
            scheduled[assignment_id] += slot.weight
            entries[assignment_id].append(slot.id)
    return [HoursRow(a, scheduled[a.id], tuple(entries[a.id])) for a in assignments]


def conflicts_by_entry(conflicts: Iterable[Conflict]) -> dict[int, list[Conflict]]:
    result: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        for entry_id in conflict.entry_ids:
            result[entry_id].append(conflict)
    return dict(result)


# ----- loading (the only part that queries) -----

def slot_of(entry) -> Slot:
    """A Slot from a TemplateEntry whose teachers and classes are prefetched."""
    return Slot(id=entry.pk, weekday=entry.weekday, bell_number=entry.bell_number, duration=entry.duration,
                week_type=entry.week_type, subject_id=entry.subject_id,
                teacher_ids=frozenset(t.pk for t in entry.teachers.all()), room_id=entry.room_id,
                class_ids=frozenset(c.pk for c in entry.classes.all()), subgroup_id=entry.subgroup_id,
                assignment_id=entry.assignment_id)


def version_entries(version):
    """The version's entries with everything the grid and the checks read (3 queries)."""
    from timetable.models import TemplateEntry

    return list(TemplateEntry.objects.filter(version=version)
                .select_related("subject", "room", "subgroup")
                .prefetch_related("teachers", "classes").order_by("weekday", "bell_number", "pk"))


def version_facts(entries) -> VersionFacts:
    """Names, audiences and load for these entries, in eight queries whatever their number."""
    from django.db.models import Subquery

    from core.models import Enrollment, Person, SchoolClass, SchoolSettings
    from timetable.models import Room, Subgroup, Subject, TeachingAssignment

    assignments = [AssignmentFacts(a.pk, a.teacher_id, a.subject_id, a.school_class_id, a.subgroup_id,
                                   a.hours_per_week) for a in TeachingAssignment.objects.all()]
    students: dict[int, set[int]] = defaultdict(set)
    for student_id, class_id in Enrollment.objects.values_list("student_id", "school_class_id"):
        students[class_id].add(student_id)
    groups: dict[int, GroupFacts] = {}
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in Subgroup.students.through.objects.values_list("subgroup_id", "person_id"):
        members[group_id].add(student_id)
    for group in Subgroup.objects.all():
        groups[group.pk] = GroupFacts(group.name, group.school_class_id, frozenset(members[group.pk]))
    wanted_people = {a.teacher_id for a in assignments} | {t.pk for e in entries for t in e.teachers.all()}
    wanted_people |= {s for ids in members.values() for s in ids} | {s for ids in students.values() for s in ids}
    people = {p.pk: p.short_name for p in Person.objects.filter(pk__in=wanted_people)
              .only("last_name", "first_name", "middle_name")}
    # The school's week rides along with the classes: no extra query.
    school_days = Subquery(SchoolSettings.objects.filter(pk=1).values("week_days")[:1])
    classes = list(SchoolClass.objects.only("grade", "letter", "week_days").annotate(school_days=school_days))
    return VersionFacts(
        people=people,
        rooms={r.pk: (r.name, r.capacity) for r in Room.objects.only("name", "capacity")},
        classes={c.pk: c.name for c in classes},
        class_week_days={c.pk: c.week_days or c.school_days or 5 for c in classes},
        subjects={s.pk: s.name for s in Subject.objects.only("name")},
        groups=groups,
        class_students={k: frozenset(v) for k, v in students.items()},
        assignments=assignments,
    )
