"""Writes to the school's calendar and the timetable's building blocks. All of them are
administration actions (`school.manage`); `actor=None` is the system (demo, imports)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Person, SchoolClass
from core.rules import can
from timetable.models import (
    AcademicYear,
    Bell,
    BellSchedule,
    Building,
    ReportingPeriod,
    Room,
    Subgroup,
    Subject,
    TeachingAssignment,
)

# The subjects of the Russian general-education curriculum (ФГОС), for a one-click start.
STANDARD_SUBJECTS = [
    ("Русский язык", "Рус. яз."), ("Литературное чтение", "Лит. чт."), ("Литература", "Лит-ра"),
    ("Иностранный язык (английский)", "Англ. яз."), ("Математика", "Матем."), ("Алгебра", "Алгебра"),
    ("Геометрия", "Геом."), ("Вероятность и статистика", "Вер. и стат."), ("Информатика", "Информ."),
    ("Окружающий мир", "Окр. мир"), ("История", "История"), ("Обществознание", "Общ-ие"),
    ("География", "Геогр."), ("Биология", "Биол."), ("Физика", "Физика"), ("Химия", "Химия"),
    ("Музыка", "Музыка"), ("Изобразительное искусство", "ИЗО"), ("Труд (технология)", "Труд"),
    ("Физическая культура", "Физ-ра"), ("Основы безопасности и защиты Родины", "ОБЗР"),
    ("Основы религиозных культур и светской этики", "ОРКСЭ"),
]


def _require(actor: Person | None) -> None:
    if actor is not None and not can(actor, "school.manage"):
        raise PermissionDenied("school.manage")


def school_year_bounds(today: date) -> tuple[date, date]:
    """1 September to 31 May of the school year that `today` belongs to."""
    start_year = today.year if today.month >= 8 else today.year - 1
    return date(start_year, 9, 1), date(start_year + 1, 5, 31)


def standard_periods(kind: str, starts_on: date, ends_on: date) -> list[tuple[str, date, date]]:
    """The usual split of a Russian school year, as (name, start, end), vacations between.

    Quarters follow the common calendar (autumn, winter, spring vacations); trimesters and
    semesters split the year evenly. The administrator adjusts dates afterwards."""
    y = starts_on.year
    if kind == ReportingPeriod.Kind.QUARTER:
        return [
            (_("1st quarter"), starts_on, date(y, 10, 25)),
            (_("2nd quarter"), date(y, 11, 5), date(y, 12, 28)),
            (_("3rd quarter"), date(y + 1, 1, 9), date(y + 1, 3, 21)),
            (_("4th quarter"), date(y + 1, 4, 1), ends_on),
        ]
    parts = {ReportingPeriod.Kind.TRIMESTER: 3, ReportingPeriod.Kind.SEMESTER: 2}.get(kind)
    if parts is None:
        raise ValidationError(_("Unknown kind of period."), code="period_kind")
    names = {3: [_("1st trimester"), _("2nd trimester"), _("3rd trimester")],
             2: [_("1st semester"), _("2nd semester")]}[parts]
    length = (ends_on - starts_on).days + 1
    result = []
    for i in range(parts):
        first = starts_on + timedelta(days=length * i // parts)
        last = starts_on + timedelta(days=length * (i + 1) // parts - 1)
        result.append((names[i], first, last))
    return result


@transaction.atomic
def academic_year_set_up(
    *, actor: Person | None, name: str, starts_on: date, ends_on: date, period_kind: str,
    periods: Iterable[tuple[str, date, date]] | None = None,
) -> AcademicYear:
    """Create (or redo) a year with its reporting periods. Periods are replaced only if
    none of them is closed: a closed period holds final marks."""
    _require(actor)
    if ends_on <= starts_on:
        raise ValidationError(_("The year must end after it starts."), code="year_dates")
    year, _created = AcademicYear.objects.update_or_create(
        name=name, defaults={"starts_on": starts_on, "ends_on": ends_on}
    )
    if year.periods.filter(is_closed=True).exists():
        raise ValidationError(_("A closed period cannot be changed."), code="period_closed")
    periods = list(periods) if periods is not None else standard_periods(period_kind, starts_on, ends_on)
    previous_end = None
    for label, first, last in periods:
        if last <= first or first < starts_on or last > ends_on:
            raise ValidationError(_("«%(name)s»: the dates must lie inside the year, end after start.")
                                  % {"name": label}, code="period_dates")
        if previous_end and first <= previous_end:
            raise ValidationError(_("«%(name)s» overlaps the previous period.") % {"name": label},
                                  code="period_overlap")
        previous_end = last
    year.periods.all().delete()
    ReportingPeriod.objects.bulk_create([
        ReportingPeriod(year=year, kind=period_kind, number=i, name=label, starts_on=first, ends_on=last)
        for i, (label, first, last) in enumerate(periods, start=1)
    ])
    return year


def standard_bells(*, first: time = time(8, 30), lessons: int = 7, length: int = 45,
                   breaks: tuple[int, ...] = (10, 10, 20, 20, 10, 10)) -> list[tuple[time, time]]:
    """A usual bell schedule: 45-minute lessons, the long breaks for the canteen."""
    result = []
    current = timedelta(hours=first.hour, minutes=first.minute)
    for i in range(lessons):
        end = current + timedelta(minutes=length)
        result.append((_to_time(current), _to_time(end)))
        current = end + timedelta(minutes=breaks[i] if i < len(breaks) else 10)
    return result


def _to_time(delta: timedelta) -> time:
    minutes = int(delta.total_seconds() // 60)
    return time(minutes // 60, minutes % 60)


@transaction.atomic
def bell_schedule_set(
    *, actor: Person | None, name: str, bells: Iterable[tuple[time, time]], is_default: bool = True,
    schedule: BellSchedule | None = None,
) -> BellSchedule:
    """Create or replace a bell schedule's slots (by `name`, or the given `schedule`, which
    may be renamed); slots must follow one another. When an existing schedule changes, the
    lessons from today on are re-timed to it."""
    _require(actor)
    bells = list(bells)
    name = name.strip()
    if not name:
        raise ValidationError(_("Name the bell schedule."), code="bells_name")
    if not bells:
        raise ValidationError(_("Add at least one lesson."), code="bells_empty")
    for i, (start, end) in enumerate(bells, start=1):
        if end <= start:
            raise ValidationError(_("Lesson %(n)s must end after it starts.") % {"n": i}, code="bell_order")
        if i > 1 and start < bells[i - 2][1]:
            raise ValidationError(_("Lesson %(n)s starts before the previous one ends.") % {"n": i},
                                  code="bell_overlap")
    if schedule is not None:
        if BellSchedule.objects.filter(name=name).exclude(pk=schedule.pk).exists():
            raise ValidationError(_("Another bell schedule is called «%(name)s».") % {"name": name},
                                  code="bells_name_taken")
        if schedule.is_default and not is_default:
            raise ValidationError(_("Make another schedule the default instead."), code="bells_default")
        schedule.name = name
    else:
        schedule = BellSchedule.objects.filter(name=name).first() or BellSchedule(name=name)
    existed = schedule.pk is not None
    if is_default:
        BellSchedule.objects.filter(is_default=True).exclude(pk=schedule.pk).update(is_default=False)
    schedule.is_default = is_default or schedule.is_default
    schedule.save()
    schedule.bells.all().delete()
    Bell.objects.bulk_create([Bell(schedule=schedule, number=i, starts_at=s, ends_at=e)
                              for i, (s, e) in enumerate(bells, start=1)])
    if existed:
        _retime_from_today()
    return schedule


def _retime_from_today() -> None:
    # Imported here: lessons.py builds on this module's neighbours, not the other way round.
    from django.db.models import Max

    from tenants.selectors import current_school
    from timetable.models import TimetableVersion
    from timetable.services.lessons import lessons_retime

    school = current_school()
    last = TimetableVersion.objects.aggregate(last=Max("valid_to"))["last"]
    today = datetime.now(ZoneInfo(school.timezone)).date()
    if last is not None and last >= today:
        lessons_retime(first=today, last=last, school=school)


@transaction.atomic
def rooms_add(*, actor: Person | None, building: Building | None, names: Iterable[str], capacity: int = 30,
              kind: str = Room.Kind.CLASSROOM) -> list[Room]:
    """Add rooms by name; names that exist in the building are skipped."""
    _require(actor)
    wanted = [n.strip() for n in names if n.strip()]
    existing = set(Room.objects.filter(building=building, name__in=wanted).values_list("name", flat=True))
    return Room.objects.bulk_create([Room(building=building, name=n, capacity=capacity, kind=kind)
                                     for n in dict.fromkeys(wanted) if n not in existing])


def room_names_expand(text: str) -> list[str]:
    """«101-105, спортзал, 201» → ['101', '102', '103', '104', '105', 'спортзал', '201']."""
    names: list[str] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        first, sep, last = part.partition("-")
        if sep and first.strip().isdigit() and last.strip().isdigit() and int(last) >= int(first):
            if int(last) - int(first) > 200:
                raise ValidationError(_("A range of more than 200 rooms is surely a typo."), code="rooms_range")
            names.extend(str(n) for n in range(int(first), int(last) + 1))
        else:
            names.append(part)
    return names


@transaction.atomic
def subjects_add(*, actor: Person | None, names: Iterable[tuple[str, str]]) -> list[Subject]:
    _require(actor)
    created = []
    for name, short in names:
        subject, was_created = Subject.objects.get_or_create(name=name.strip(), defaults={"short_name": short})
        if was_created:
            created.append(subject)
    return created


@transaction.atomic
def teaching_assignment_set(
    *, actor: Person | None, teacher: Person, subject: Subject, school_class: SchoolClass,
    hours_per_week: Decimal, subgroup=None,
) -> TeachingAssignment:
    _require(actor)
    if not teacher.has_role("teacher"):
        raise ValidationError(_("%(name)s is not a teacher.") % {"name": teacher.short_name}, code="not_teacher")
    assignment, _created = TeachingAssignment.objects.update_or_create(
        teacher=teacher, subject=subject, school_class=school_class, subgroup=subgroup,
        defaults={"hours_per_week": hours_per_week},
    )
    return assignment


@transaction.atomic
def class_subjects_assign(
    *, actor: Person | None, school_class: SchoolClass, rows: Iterable[tuple[Subject, Person | None, Decimal]]
) -> int:
    """The class's teaching load in one go (the wizard's grid): a row without a teacher
    removes the subject from the class. Returns how many assignments the class has."""
    _require(actor)
    for subject, teacher, hours in rows:
        TeachingAssignment.objects.filter(school_class=school_class, subject=subject, subgroup=None).exclude(
            teacher=teacher).delete()
        if teacher is not None:
            teaching_assignment_set(actor=None, teacher=teacher, subject=subject, school_class=school_class,
                                    hours_per_week=hours)
    return TeachingAssignment.objects.filter(school_class=school_class).count()


@transaction.atomic
def group_assignment_set(
    *, actor: Person | None, school_class: SchoolClass, subject: Subject, group_name: str, teacher: Person,
    hours_per_week: Decimal,
) -> TeachingAssignment:
    """A subject taught to part of a class (English group 1, PE boys) by its own teacher."""
    _require(actor)
    name = group_name.strip()
    if not name:
        raise ValidationError(_("Name the group."), code="group_name")
    subgroup, _created = Subgroup.objects.get_or_create(school_class=school_class, name=name)
    return teaching_assignment_set(actor=None, teacher=teacher, subject=subject, school_class=school_class,
                                   hours_per_week=hours_per_week, subgroup=subgroup)


@transaction.atomic
def group_assignment_remove(*, actor: Person | None, assignment: TeachingAssignment) -> None:
    """Remove a group's assignment, and the group itself once nothing refers to it."""
    _require(actor)
    subgroup = assignment.subgroup
    assignment.delete()
    if subgroup is not None and not subgroup.teaching_assignments.exists() and not subgroup.students.exists():
        subgroup.delete()
