"""Reads of the dated timetable: a week (or any date window) of lessons for a student, a
group of children, a teacher, a class or a room, and the permission-checked fetches the
week pages, the API and the calendar feeds share.

Every reader costs a constant number of queries whatever the size of the school: the
audience (classes, subgroups) is read once, the lessons in one query, and their teachers
and classes in one prefetch each. Times are shown in the school's own zone, which the
caller passes in (`zoneinfo.ZoneInfo(school.timezone)`): never the server's clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from core.errors import NotFoundForActor
from core.models import Enrollment, Person, SchoolClass
from core.rules import can
from tenants.choices import STAFF_ROLES
from timetable.models import CalendarFeed, Lesson, Room, ShortDay, Subgroup

# A substitution stays highlighted this long, so students and parents notice it.
CHANGED_HIGHLIGHT = timedelta(days=7)


# --- Weeks ------------------------------------------------------------------------------


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_week(value: str | None, *, zone: ZoneInfo) -> date:
    """The Monday of the week containing `value` (YYYY-MM-DD), else of today in the school."""
    if value:
        try:
            return week_monday(date.fromisoformat(value))
        except ValueError:
            pass
    return week_monday(timezone.now().astimezone(zone).date())


# --- Lessons ----------------------------------------------------------------------------


def _lessons() -> QuerySet[Lesson]:
    teachers = Person.objects.only("id", "last_name", "first_name", "middle_name").order_by("last_name")
    return (
        Lesson.objects.select_related("subject", "room", "subgroup")
        .prefetch_related(Prefetch("teachers", queryset=teachers), "classes")
        .order_by("starts_at", "bell_number", "pk")
    )


def _window(qs: QuerySet[Lesson], start: date, end: date) -> QuerySet[Lesson]:
    """Lessons dated start..end inclusive."""
    return qs.filter(date__gte=start, date__lte=end)


@dataclass(frozen=True)
class Audience:
    """Who the lessons are for: students' classes and subgroups (read once)."""

    class_of: dict[int, set[int]]
    subgroups_of: dict[int, set[int]]

    @property
    def class_ids(self) -> set[int]:
        return set().union(*self.class_of.values()) if self.class_of else set()

    @property
    def subgroup_ids(self) -> set[int]:
        return set().union(*self.subgroups_of.values()) if self.subgroups_of else set()

    def students_of(self, lesson: Lesson) -> list[int]:
        """Which of the students attend this lesson: a subgroup lesson only its members,
        otherwise every student of any class in it (a stream joins several classes)."""
        if lesson.subgroup_id is not None:
            return [s for s, groups in self.subgroups_of.items() if lesson.subgroup_id in groups]
        lesson_classes = {c.pk for c in lesson.classes.all()}
        return [s for s, classes in self.class_of.items() if classes & lesson_classes]


def audience_of(student_ids: Iterable[int]) -> Audience:
    """Two queries: the students' classes and their subgroups."""
    ids = list(student_ids)
    class_of: dict[int, set[int]] = {s: set() for s in ids}
    subgroups_of: dict[int, set[int]] = {s: set() for s in ids}
    for student_id, class_id in Enrollment.objects.filter(student_id__in=ids).values_list("student_id",
                                                                                           "school_class_id"):
        class_of[student_id].add(class_id)
    for student_id, subgroup_id in Subgroup.students.through.objects.filter(person_id__in=ids).values_list(
            "person_id", "subgroup_id"):
        subgroups_of[student_id].add(subgroup_id)
    return Audience(class_of=class_of, subgroups_of=subgroups_of)


def lessons_for_students(student_ids: Iterable[int], start: date, end: date) -> list[Lesson]:
    """The lessons of some students (a student, or a parent's children), each with
    `.student_ids` — which of them attend it. A whole-class lesson is theirs through their
    class (or a stream that includes it); a subgroup lesson only if they are in the group."""
    audience = audience_of(student_ids)
    if not audience.class_of:
        return []
    through = Lesson.classes.through.objects.filter(schoolclass_id__in=audience.class_ids).values("lesson_id")
    qs = _window(_lessons(), start, end).filter(
        Q(subgroup__isnull=True, pk__in=through) | Q(subgroup_id__in=audience.subgroup_ids)
    )
    lessons = []
    for lesson in qs:
        lesson.student_ids = audience.students_of(lesson)
        if lesson.student_ids:
            lessons.append(lesson)
    return lessons


def lessons_for_teacher(teacher: Person, start: date, end: date) -> list[Lesson]:
    """What a teacher teaches — including lessons they cover, since a substitution puts
    the substitute into the lesson's teachers."""
    return list(_window(_lessons(), start, end).filter(teachers=teacher))


def lessons_for_class(school_class: SchoolClass, start: date, end: date,
                      *, only_for_students: Iterable[int] | None = None) -> list[Lesson]:
    """A class's lessons, its subgroups' included. `only_for_students`: keep only the
    subgroup lessons these students attend (what a student or parent may see)."""
    qs = _window(_lessons(), start, end).filter(classes=school_class)
    if only_for_students is not None:
        groups = Subgroup.students.through.objects.filter(person_id__in=list(only_for_students)).values("subgroup_id")
        qs = qs.filter(Q(subgroup__isnull=True) | Q(subgroup_id__in=groups))
    return list(qs)


def lessons_for_room(room: Room, start: date, end: date) -> list[Lesson]:
    return list(_window(_lessons(), start, end).filter(room=room))


def lessons_for_person(person: Person, start: date, end: date) -> list[Lesson]:
    """Everything on a person's own calendar: what they teach, what they attend, and what
    their children attend — one list without repeats, in time order."""
    found: dict[int, Lesson] = {}
    if person.is_staff_member:
        found.update((lesson.pk, lesson) for lesson in lessons_for_teacher(person, start, end))
    students = ([person.pk] if person.has_role("student") else []) + sorted(person.children_ids)
    if students:
        for lesson in lessons_for_students(students, start, end):
            found.setdefault(lesson.pk, lesson)
    return sorted(found.values(), key=lambda lesson: (lesson.starts_at, lesson.bell_number, lesson.pk))


# --- Grouping by day --------------------------------------------------------------------


@dataclass
class LessonRow:
    """A lesson as the week shows it, in the school's local time."""

    lesson: Lesson
    starts: datetime
    ends: datetime
    is_cancelled: bool
    is_changed: bool
    is_current: bool
    children: list[Person] = field(default_factory=list)


@dataclass
class Day:
    date: date
    is_today: bool
    rows: list[LessonRow]
    short_day: ShortDay | None = None  # a shortened day (another bell schedule) for these classes


@dataclass
class Week:
    monday: date
    days: list[Day]
    zone: ZoneInfo
    today: date

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
    def lesson_count(self) -> int:
        return sum(len(day.rows) for day in self.days)


def lesson_row(lesson: Lesson, *, zone: ZoneInfo, now: datetime, children: dict[int, Person] | None = None,
               ) -> LessonRow:
    cancelled = lesson.status == Lesson.Status.CANCELLED
    return LessonRow(
        lesson=lesson,
        starts=lesson.starts_at.astimezone(zone),
        ends=lesson.ends_at.astimezone(zone),
        is_cancelled=cancelled,
        is_changed=lesson.changed_at is not None and lesson.changed_at >= now - CHANGED_HIGHLIGHT,
        is_current=not cancelled and lesson.starts_at <= now < lesson.ends_at,
        children=[children[s] for s in getattr(lesson, "student_ids", []) if children and s in children],
    )


def week_of(lessons: Iterable[Lesson], monday: date, *, zone: ZoneInfo, week_days: int = 5,
            children: dict[int, Person] | None = None, now: datetime | None = None,
            short_days: dict[date, ShortDay] | None = None) -> Week:
    """Lessons grouped by day, Monday to Friday (or Saturday for a six-day week), plus any
    other day that has lessons (an extra lesson on a Sunday still shows). `short_days`:
    the days to mark as shortened (`short_days_for`)."""
    short_days = short_days or {}
    now = now or timezone.now()
    today = now.astimezone(zone).date()
    by_day: dict[date, list[LessonRow]] = defaultdict(list)
    for lesson in lessons:
        by_day[lesson.date].append(lesson_row(lesson, zone=zone, now=now, children=children))
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        if offset < week_days or by_day.get(day):
            days.append(Day(date=day, is_today=day == today, rows=by_day.get(day, []),
                            short_day=short_days.get(day)))
    return Week(monday=monday, days=days, zone=zone, today=today)


def shown_classes(lessons: Iterable[Lesson], extra: Iterable[SchoolClass] = ()) -> dict[int, SchoolClass]:
    """The classes of these lessons (prefetched: no query) and `extra` (the page's class)."""
    found = {c.pk: c for c in extra}
    for lesson in lessons:
        for school_class in lesson.classes.all():
            found.setdefault(school_class.pk, school_class)
    return found


def week_days_for(classes: Iterable[SchoolClass], school_days: int) -> int:
    """Show Saturday only when some shown class works six days (the school's week when
    no class is known, e.g. an empty week)."""
    days = [c.week_days or school_days for c in classes]
    return max(days) if days else school_days


def short_days_for(start: date, end: date, grades: Iterable[int]) -> dict[date, ShortDay]:
    """The short days in the window that concern these grades (a whole-school one always),
    one query. A grade-specific one wins over a whole-school one on the same date."""
    wanted = set(grades)
    found: dict[date, ShortDay] = {}
    for short_day in ShortDay.objects.filter(date__range=(start, end)).order_by("date", "pk"):
        if short_day.grades and not wanted & set(short_day.grades):
            continue
        if short_day.date not in found or short_day.grades:
            found[short_day.date] = short_day
    return found


# --- Permission-checked fetches: one answer for "missing" and "not yours" ------------------


def class_get_for_week(actor: Person, class_id: int) -> SchoolClass:
    """Staff open any class; a student only their own; a parent their children's."""
    school_class = SchoolClass.objects.filter(pk=class_id).first()
    if school_class is None or not can(actor, "class.view", school_class):
        raise NotFoundForActor
    return school_class


def teacher_get_for_week(actor: Person, person_id: int) -> Person:
    """Staff only; the person must be a member of staff."""
    if not actor.is_staff_member:
        raise NotFoundForActor
    teacher = Person.objects.filter(pk=person_id, roles__overlap=list(STAFF_ROLES)).first()
    if teacher is None:
        raise NotFoundForActor
    return teacher


def room_get_for_week(actor: Person, room_id: int) -> Room:
    if not actor.is_staff_member:
        raise NotFoundForActor
    room = Room.objects.select_related("building").filter(pk=room_id).first()
    if room is None:
        raise NotFoundForActor
    return room


def child_get_for(actor: Person, person_id: int) -> Person:
    """A parent's own child (with their class); anyone else's → not found."""
    if person_id not in actor.children_ids:
        raise NotFoundForActor
    return Person.objects.prefetch_related(
        Prefetch("enrollments", queryset=Enrollment.objects.select_related("school_class"))
    ).get(pk=person_id)


def children_for_week(parent: Person) -> list[Person]:
    return list(Person.objects.filter(guardians__parent=parent).order_by("last_name", "first_name"))


def staff_directory_for_week() -> dict[str, list]:
    """What staff can jump to: classes, teachers, rooms (three queries)."""
    return {
        "classes": list(SchoolClass.objects.order_by("grade", "letter")),
        "teachers": list(Person.objects.filter(is_active=True, roles__contains=["teacher"])
                         .only("id", "last_name", "first_name", "middle_name").order_by("last_name", "first_name")),
        "rooms": list(Room.objects.select_related("building").order_by("building__name", "name")),
    }


def lesson_get_for(actor: Person, lesson_id: int) -> Lesson:
    """One lesson: staff see any; a student only theirs; a parent only their children's."""
    lesson = _lessons().filter(pk=lesson_id).first()
    if lesson is None:
        raise NotFoundForActor
    if actor.is_staff_member:
        return lesson
    students = ([actor.pk] if actor.has_role("student") else []) + sorted(actor.children_ids)
    if not students or not audience_of(students).students_of(lesson):
        raise NotFoundForActor
    return lesson


# --- iCalendar feeds --------------------------------------------------------------------

# What a feed carries: recent weeks (a parent checks what happened) and the coming term.
FEED_PAST = timedelta(weeks=2)
FEED_AHEAD = timedelta(weeks=8)


def feed_by_token(token: str) -> CalendarFeed | None:
    """An enabled feed of an active person; None for unknown, revoked or switched-off tokens."""
    return (CalendarFeed.objects.select_related("person")
            .filter(token=token, is_enabled=True, person__is_active=True).first())


def feed_of(person: Person) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person=person).first()


def feed_ics(person: Person, *, schema: str, zone: ZoneInfo, now: datetime | None = None) -> bytes:
    """The person's lessons as iCalendar: one VEVENT per dated lesson (no recurrence rules:
    substitutions and cancellations amend single lessons), with UIDs stable across fetches
    so calendar apps update events instead of duplicating them. Cancelled lessons stay, as
    STATUS:CANCELLED, so the app shows the change rather than silently dropping it."""
    from icalendar import Calendar, Event

    now = now or timezone.now()
    today = now.astimezone(zone).date()
    start, end = today - FEED_PAST, today + FEED_AHEAD
    lessons = lessons_for_person(person, start, end)
    children = {c.pk: c for c in children_for_week(person)} if person.children_ids else {}

    calendar = Calendar()
    calendar.add("prodid", "-//Parta//timetable//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{person.short_name}")
    calendar.add("x-wr-timezone", str(zone))
    for lesson in lessons:
        event = Event()
        event.add("uid", f"lesson-{schema}-{lesson.pk}@parta")
        event.add("dtstamp", now)
        event.add("dtstart", lesson.starts_at.astimezone(zone))
        event.add("dtend", lesson.ends_at.astimezone(zone))
        event.add("summary", lesson.subject.name)
        if lesson.room_id:
            event.add("location", lesson.room.name)
        description = [", ".join(t.short_name for t in lesson.teachers.all()),
                       ", ".join(c.name for c in lesson.classes.all())]
        if lesson.subgroup_id:
            description.append(str(lesson.subgroup.name))
        names = [children[s].first_name for s in getattr(lesson, "student_ids", []) if s in children]
        if names:
            description.append(", ".join(names))
        if lesson.topic:
            description.append(lesson.topic)
        event.add("description", "\n".join(d for d in description if d))
        event.add("status", "CANCELLED" if lesson.status == Lesson.Status.CANCELLED else "CONFIRMED")
        if lesson.changed_at:
            event.add("last-modified", lesson.changed_at)
        calendar.add_component(event)
    # VTIMEZONE for the school's zone, limited to the window (a calendar app needs the
    # rules only for the dates it shows).
    calendar.add_missing_timezones(first_date=start - timedelta(days=1), last_date=end + timedelta(days=1))
    return calendar.to_ical()
