"""The demo schools' calendar and teaching load, relative to today; the setup wizard is
marked done, as in a school that has been using Parta since September."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core.models import Person, SchoolClass, SchoolSettings
from core.setup import STEP_KEYS
from tenants.choices import Role
from timetable import selectors, services
from timetable.models import (
    AcademicYear,
    BellSchedule,
    Building,
    Holiday,
    Room,
    Subject,
    TeachingAssignment,
    TemplateEntry,
    TimetableVersion,
    WeekType,
)
from timetable.services.lessons import lessons_generate

# Hours a week by grade, after the federal curriculum (ФОП) for a five-day week, simplified:
# what the demo school teaches. 8А and 9А also have the elective below, together.
_PRIMARY = [("Русский язык", 5), ("Литературное чтение", 4), ("Математика", 4), ("Окружающий мир", 2),
            ("Музыка", 1), ("Изобразительное искусство", 1), ("Труд (технология)", 1), ("Физическая культура", 2)]
_ENGLISH = "Иностранный язык (английский)"
CURRICULUM: dict[int, list[tuple[str, int]]] = {
    1: _PRIMARY,  # no foreign language in the first grade
    2: [*_PRIMARY, (_ENGLISH, 2)],
    3: [*_PRIMARY, (_ENGLISH, 2)],
    4: [*_PRIMARY, (_ENGLISH, 2), ("Основы религиозных культур и светской этики", 1)],
    5: [("Русский язык", 5), ("Литература", 3), (_ENGLISH, 3), ("Математика", 5), ("Информатика", 1),
        ("История", 2), ("География", 1), ("Биология", 1), ("Музыка", 1), ("Изобразительное искусство", 1),
        ("Труд (технология)", 2), ("Физическая культура", 3)],
    6: [("Русский язык", 6), ("Литература", 3), (_ENGLISH, 3), ("Математика", 5), ("Информатика", 1),
        ("История", 2), ("Обществознание", 1), ("География", 1), ("Биология", 1), ("Музыка", 1),
        ("Изобразительное искусство", 1), ("Труд (технология)", 2), ("Физическая культура", 2)],
    7: [("Русский язык", 4), ("Литература", 2), (_ENGLISH, 3), ("Алгебра", 3), ("Геометрия", 2),
        ("Вероятность и статистика", 1), ("Информатика", 1), ("История", 2), ("Обществознание", 1),
        ("География", 2), ("Биология", 1), ("Физика", 2), ("Музыка", 1), ("Изобразительное искусство", 1),
        ("Труд (технология)", 2), ("Физическая культура", 2)],
    8: [("Русский язык", 3), ("Литература", 2), (_ENGLISH, 3), ("Алгебра", 3), ("Геометрия", 2),
        ("Вероятность и статистика", 1), ("Информатика", 1), ("История", 2), ("Обществознание", 1),
        ("География", 2), ("Биология", 2), ("Физика", 2), ("Химия", 2),
        ("Основы безопасности и защиты Родины", 1), ("Физическая культура", 2)],
    9: [("Русский язык", 3), ("Литература", 3), (_ENGLISH, 3), ("Алгебра", 3), ("Геометрия", 2),
        ("Вероятность и статистика", 1), ("Информатика", 1), ("История", 2), ("Обществознание", 1),
        ("География", 2), ("Биология", 2), ("Физика", 2), ("Химия", 2), ("Физическая культура", 2)],
}
# Who teaches a subject: a word of the teacher's position (core.demo_names.TEACHER_POSITIONS).
# Subjects not listed here are the primary class teacher's own.
SPECIALTY = {
    "Русский язык": "русского", "Литература": "литератур", "Математика": "математик", "Алгебра": "математик",
    "Геометрия": "математик", "Вероятность и статистика": "математик", "Информатика": "информатик",
    _ENGLISH: "английского", "История": "истории", "Обществознание": "обществознания",
    "География": "географии", "Биология": "биологии", "Физика": "физики", "Химия": "химии",
    "Музыка": "музыки", "Изобразительное искусство": "ИЗО", "Труд (технология)": "технологии",
    "Основы безопасности и защиты Родины": "ОБЗР", "Физическая культура": "физической культуры",
}
# Taught in primary school by a specialist too, not by the class teacher.
PRIMARY_SPECIALISTS = {_ENGLISH, "Музыка", "Физическая культура"}
# The demo teacher (teacher@, who leads 5А) teaches her subjects in these classes: a full
# load of Russian and literature (22 hours), the classes the README's journeys open.
DEMO_TEACHER_CLASSES = ("5А", "5Б", "7А")


def curriculum(grade: int) -> list[tuple[str, int]]:
    return CURRICULUM.get(grade) or CURRICULUM[max(CURRICULUM)]


def _family(position: str) -> frozenset[str]:
    """The subjects a teacher of this position teaches."""
    return frozenset(subject for subject, word in SPECIALTY.items() if word in position)


@transaction.atomic
def demo_calendar_seed(school, number: int) -> None:
    starts_on, ends_on = services.school_year_bounds(timezone.localdate())
    services.academic_year_set_up(actor=None, name=f"{starts_on.year}/{ends_on.year}", starts_on=starts_on,
                                  ends_on=ends_on, period_kind="quarter")
    services.bell_schedule_set(actor=None, name="Основное", bells=services.standard_bells())
    main = Building.objects.create(name="Основной корпус", address=school.name)
    services.rooms_add(actor=None, building=main, names=services.room_names_expand("101-112, 201-212"))
    services.rooms_add(actor=None, building=main, names=["Спортзал"], capacity=60, kind="gym")
    services.rooms_add(actor=None, building=main, names=["301", "302"], kind="computer", capacity=15)
    services.subjects_add(actor=None, names=services.STANDARD_SUBJECTS)
    _demo_teaching_load()
    SchoolSettings.objects.update_or_create(pk=1, defaults={
        "setup_done": STEP_KEYS, "setup_completed_at": timezone.now(), "phone": "+7 (4842) 00-00-0" + str(number),
        "email": f"school{number}@parta.test",
    })


def _demo_teaching_load() -> None:
    """Every class's curriculum, each subject taught by a teacher of that subject: in
    primary school the class teacher teaches nearly everything; otherwise one teacher of
    the subject family per class (Russian and literature, or all of mathematics, go
    together), the class teacher if they teach it, else the least loaded colleague. The
    demo teacher has exactly her classes (DEMO_TEACHER_CLASSES). Deterministic."""
    subjects = {s.name: s for s in Subject.objects.all()}
    teachers = list(Person.objects.filter(roles__contains=[Role.TEACHER]).order_by("pk"))
    family = {t.pk: _family(t.position) for t in teachers}
    classes = list(SchoolClass.objects.select_related("class_teacher").order_by("grade", "letter"))
    five_a = next((c for c in classes if c.name == "5А"), None)
    demo_teacher = five_a.class_teacher if five_a and five_a.class_teacher and five_a.class_teacher.account_id else None
    hours: dict[int, int] = dict.fromkeys(family, 0)
    assignments = []
    for school_class in classes:
        chosen: dict[frozenset[str], Person] = {}  # a family's teacher in this class
        for name, count in curriculum(school_class.grade):
            teacher = school_class.class_teacher if school_class.grade <= 4 else None
            if name in SPECIALTY and (school_class.grade > 4 or name in PRIMARY_SPECIALISTS or teacher is None):
                candidates = [t for t in teachers if name in family[t.pk]]
                if demo_teacher is not None and demo_teacher in candidates:
                    if school_class.name in DEMO_TEACHER_CLASSES:
                        candidates = [demo_teacher]
                    elif len(candidates) > 1:
                        candidates.remove(demo_teacher)
                known = next((t for f, t in chosen.items() if name in f and t in candidates), None)
                if known is not None:
                    teacher = known
                elif school_class.class_teacher in candidates:
                    teacher = school_class.class_teacher
                elif candidates:
                    teacher = min(candidates, key=lambda t: (hours[t.pk], t.pk))
                else:
                    teacher = school_class.class_teacher or min(teachers, key=lambda t: (hours[t.pk], t.pk))
            if teacher is None:
                continue
            chosen.setdefault(family.get(teacher.pk) or frozenset(), teacher)
            hours[teacher.pk] = hours.get(teacher.pk, 0) + count
            assignments.append(TeachingAssignment(teacher=teacher, subject=subjects[name], school_class=school_class,
                                                  hours_per_week=Decimal(count)))
    TeachingAssignment.objects.bulk_create(assignments, ignore_conflicts=True)


# ---- the weekly timetable and a year of lessons ----------------------------------------

ELECTIVE = ("Финансовая грамотность", "Фин. гр.")
HALL = "Актовый зал"
DAYS = range(1, 6)  # Monday to Friday
# Fixed slots (weekday, lesson number) of the showcase entries, placed before everything else.
AB_SLOT = (4, 5)  # 5А: music in week A, art in week B
GROUP_SLOTS = [(1, 3), (3, 2), (5, 4)]  # 5А English in two groups
STREAM_SLOT = (3, 6)  # 8А and 9А together, the elective in the hall


class _Week:
    """Who and what is busy in which slot while the demo template is laid out."""

    def __init__(self) -> None:
        self.busy: set[tuple[str, int, int, int]] = set()  # (kind, id, weekday, bell)
        self.entries: list[tuple[TemplateEntry, list[int], list[int]]] = []

    def free(self, day: int, bell: int, *, teachers=(), rooms=(), classes=()) -> bool:
        wanted = [("t", t) for t in teachers] + [("r", r) for r in rooms] + [("c", c) for c in classes]
        return not any((kind, pk, day, bell) in self.busy for kind, pk in wanted)

    def place(self, day: int, bell: int, *, subject_id: int, teachers: list[int], room_id: int | None,
              classes: list[int], **extra) -> None:
        for kind, ids in (("t", teachers), ("r", [room_id] if room_id else []), ("c", classes)):
            self.busy.update((kind, pk, day, bell) for pk in ids)
        self.entries.append((TemplateEntry(weekday=day, bell_number=bell, subject_id=subject_id, room_id=room_id,
                                           **extra), teachers, classes))


def _demo_holidays(year: AcademicYear) -> None:
    """The vacations between the quarters, the first-graders' February week and the public
    holidays on weekdays — what makes a real year's timetable have gaps."""
    if year.holidays.exists():
        return
    periods = list(year.periods.filter(grades=[]).order_by("starts_on"))
    names = ["Осенние каникулы", "Зимние каникулы", "Весенние каникулы"]
    rows = []
    for (before, after), name in zip(itertools.pairwise(periods), names, strict=False):
        if (after.starts_on - before.ends_on).days > 1:
            rows.append(Holiday(year=year, name=name, starts_on=before.ends_on + timedelta(days=1),
                                ends_on=after.starts_on - timedelta(days=1)))
    february = date(year.ends_on.year, 2, 15)
    february += timedelta(days=(7 - february.weekday()) % 7)
    rows.append(Holiday(year=year, name="Дополнительные каникулы для первоклассников", starts_on=february,
                        ends_on=february + timedelta(days=6), grades=[1]))
    for month, day, name in ((11, 4, "День народного единства"), (2, 23, "День защитника Отечества"),
                             (3, 8, "Международный женский день"), (5, 1, "Праздник Весны и Труда"),
                             (5, 9, "День Победы")):
        when = date(year.starts_on.year if month >= 9 else year.ends_on.year, month, day)
        if year.starts_on <= when <= year.ends_on:
            rows.append(Holiday(year=year, name=name, starts_on=when, ends_on=when))
    Holiday.objects.bulk_create(rows)


def _day_lengths(lessons: int, most: int) -> dict[int, int]:
    """Lessons a day for a week of `lessons`: as even as can be, the longer days first
    (22 lessons: 5, 5, 4, 4, 4), never more than the bells allow."""
    base, extra = divmod(min(lessons, most * len(DAYS)), len(DAYS))
    return {day: base + (1 if i < extra else 0) for i, day in enumerate(DAYS)}


def _hours(load: list[TeachingAssignment], target: int) -> dict[int, int]:
    """Lessons a week per assignment, trimmed or topped up to exactly `target` slots: the
    biggest subjects give up (or take) the difference, so every day is full."""
    hours = {a.pk: int(a.hours_per_week) for a in load}
    order = sorted(load, key=lambda a: (-int(a.hours_per_week), a.subject.name))
    i = 0
    while sum(hours.values()) > target:
        biggest = max(order, key=lambda a: hours[a.pk])
        hours[biggest.pk] -= 1
    while order and sum(hours.values()) < target:
        hours[order[i % min(3, len(order))].pk] += 1
        i += 1
    return hours


@transaction.atomic
def demo_timetable_seed(school, number: int) -> None:
    """A conflict-free weekly timetable for the current year (5 lessons a day in primary
    school, 6 from grade 5; A/B weeks, a split class and a stream among them), then the
    year's dated lessons. Deterministic: the layout is a greedy fill in a fixed order."""
    year = selectors.current_year()
    schedule = BellSchedule.objects.filter(is_default=True).first()
    if year is None or schedule is None or TimetableVersion.objects.filter(year=year).exists():
        return
    _demo_holidays(year)
    building = Building.objects.order_by("pk").first()
    if not Room.objects.filter(name=HALL).exists():
        services.rooms_add(actor=None, building=building, names=[HALL], capacity=120, kind=Room.Kind.HALL)
    services.subjects_add(actor=None, names=[ELECTIVE])
    rooms = {r.name: r.pk for r in Room.objects.all()}
    subjects = {s.name: s for s in Subject.objects.all()}
    classes = list(SchoolClass.objects.order_by("grade", "letter"))
    by_name = {c.name: c for c in classes}
    bells = set(schedule.bells.values_list("number", flat=True))
    week = _Week()

    # The showcase entries first, in fixed slots.
    five_a = by_name.get("5А")
    skip: dict[int, set[str]] = {}  # class → subjects already placed by the showcase
    if five_a is not None:
        home = rooms.get(str(101 + classes.index(five_a)))
        skip[five_a.pk] = _demo_five_a(five_a, home, rooms, week)
    eight, nine = by_name.get("8А"), by_name.get("9А")
    if eight is not None and nine is not None and STREAM_SLOT[1] in bells:
        _demo_stream([eight, nine], subjects[ELECTIVE[0]], rooms[HALL], week)

    if eight is not None and nine is not None:
        for school_class in (eight, nine):
            skip.setdefault(school_class.pk, set()).add(ELECTIVE[0])
    plans = []
    for index, school_class in enumerate(classes):
        load = [a for a in TeachingAssignment.objects.filter(school_class=school_class, subgroup=None)
                .select_related("subject").order_by("subject__name")
                if a.subject.name not in skip.get(school_class.pk, ())]
        placed = {(d, b) for d in DAYS for b in bells if not week.free(d, b, classes=[school_class.pk])}
        lengths = _day_lengths(len(placed) + sum(int(a.hours_per_week) for a in load), max(bells))
        slots = {(d, b) for d in DAYS for b in range(1, lengths[d] + 1)} - placed
        # Class N of the school has room 101 + N as its own (the demo has 101–112).
        plans.append(_Plan(school_class, load, _hours(load, len(slots)), slots, rooms.get(str(101 + index))))
    _demo_fill(plans, rooms, week)

    version = TimetableVersion.objects.create(
        year=year, name=f"Основное расписание {year.name}", valid_from=year.starts_on, valid_to=year.ends_on,
        bell_schedule=schedule, week_a_monday=year.starts_on - timedelta(days=year.starts_on.weekday()))
    for entry, _teachers, _classes in week.entries:
        entry.version = version
    TemplateEntry.objects.bulk_create([entry for entry, _t, _c in week.entries])
    teachers_through, classes_through = TemplateEntry.teachers.through, TemplateEntry.classes.through
    teachers_through.objects.bulk_create([teachers_through(templateentry_id=e.pk, person_id=t)
                                          for e, teachers, _c in week.entries for t in teachers])
    classes_through.objects.bulk_create([classes_through(templateentry_id=e.pk, schoolclass_id=c)
                                         for e, _t, class_ids in week.entries for c in class_ids])
    lessons_generate(actor=None, version=version, starts_on=year.starts_on, ends_on=year.ends_on, school=school)


def _demo_five_a(five_a: SchoolClass, home: int | None, rooms: dict[str, int], week: _Week) -> set[str]:
    """5А: music and art alternating by weeks in one slot; English in two groups, each with
    its own teacher and room, side by side. Returns the subjects placed here."""
    placed: set[str] = set()
    load = {a.subject.name: a for a in TeachingAssignment.objects.filter(school_class=five_a, subgroup=None)
            .select_related("subject", "teacher")}
    music, art = load.get("Музыка"), load.get("Изобразительное искусство")
    if music and art:
        day, bell = AB_SLOT
        for assignment, week_type in ((music, WeekType.A), (art, WeekType.B)):
            week.place(day, bell, subject_id=assignment.subject_id, teachers=[assignment.teacher_id], room_id=home,
                       classes=[five_a.pk], week_type=week_type, assignment=assignment)
        placed.update({"Музыка", "Изобразительное искусство"})

    english = load.get("Иностранный язык (английский)")
    if english is None:
        return placed
    # The second teacher: another teacher of English if there is one, else whoever teaches
    # least so far (ties by id), never the first one.
    hours = {row["teacher"]: row["total"] for row in
             TeachingAssignment.objects.values("teacher").annotate(total=Sum("hours_per_week"))}
    others = [t for t in selectors.teachers().order_by("pk") if t.pk != english.teacher_id]
    colleagues = [t for t in others if english.subject.name in _family(t.position)]
    second = min(colleagues or others, key=lambda t: (hours.get(t.pk, 0), t.pk))
    students = list(Person.objects.filter(enrollments__school_class=five_a)
                    .order_by("last_name", "first_name", "pk"))
    half = (len(students) + 1) // 2
    groups = []
    for name, teacher, members, room in (("группа 1", english.teacher, students[:half], "201"),
                                         ("группа 2", second, students[half:], "202")):
        assignment = services.group_assignment_set(
            actor=None, school_class=five_a, subject=english.subject, group_name=name, teacher=teacher,
            hours_per_week=english.hours_per_week)
        assignment.subgroup.students.set(members)
        groups.append((assignment, rooms.get(room)))
    english.delete()  # the class is taught in groups now, not as a whole
    for day, bell in GROUP_SLOTS:
        for assignment, room in groups:
            week.place(day, bell, subject_id=assignment.subject_id, teachers=[assignment.teacher_id], room_id=room,
                       classes=[five_a.pk], subgroup=assignment.subgroup, assignment=assignment)
    placed.add("Иностранный язык (английский)")
    return placed


def _demo_stream(stream: list[SchoolClass], elective: Subject, hall: int, week: _Week) -> None:
    """Two classes together in the hall: an elective taught by the social studies teacher."""
    social = TeachingAssignment.objects.filter(school_class=stream[-1], subject__name="Обществознание").first()
    teacher = social.teacher if social else selectors.teachers().order_by("pk").first()
    if teacher is None:
        return
    for school_class in stream:
        services.teaching_assignment_set(actor=None, teacher=teacher, subject=elective, school_class=school_class,
                                         hours_per_week=Decimal(1))
    day, bell = STREAM_SLOT
    week.place(day, bell, subject_id=elective.pk, teachers=[teacher.pk], room_id=hall,
               classes=[c.pk for c in stream])


@dataclass
class _Plan:
    """One class's lessons still to place in the demo week."""

    school_class: SchoolClass
    load: list[TeachingAssignment]
    left: dict[int, int]  # assignment → lessons a week still to place
    slots: set[tuple[int, int]]  # (weekday, bell) the class still has free
    home: int | None  # the class's own room
    today: dict[tuple[int, int], int] = field(default_factory=dict)  # (weekday, assignment) → lessons


def _demo_fill(plans: list[_Plan], rooms: dict[str, int], week: _Week) -> None:
    """Fill every class's free slots, slot by slot across all classes. Each slot takes the
    subject least present that day, preferring the teachers with most lessons still to
    place (the busiest teachers are the hardest to fit later), then the biggest subjects."""
    teacher_left: dict[int, int] = {}
    for plan in plans:
        for assignment in plan.load:
            teacher_left[assignment.teacher_id] = teacher_left.get(assignment.teacher_id, 0) + plan.left[assignment.pk]

    def rooms_for(plan: _Plan, assignment: TeachingAssignment) -> list[int | None]:
        if assignment.subject.name == "Физическая культура":
            return [rooms.get("Спортзал")]
        if assignment.subject.name == "Информатика":
            return [rooms.get("301"), rooms.get("302")]
        return [plan.home]

    def place_one(plan: _Plan, day: int, bell: int, *, spread: bool) -> None:
        best = None
        for order, assignment in enumerate(plan.load):
            if plan.left[assignment.pk] <= 0 or not week.free(day, bell, teachers=[assignment.teacher_id]):
                continue
            room = next((r for r in rooms_for(plan, assignment) if r is None or week.free(day, bell, rooms=[r])), -1)
            if room == -1:
                continue
            score = (plan.today.get((day, assignment.pk), 0) if spread else 0, -teacher_left[assignment.teacher_id],
                     -plan.left[assignment.pk], order)
            if best is None or score < best[0]:
                best = (score, assignment, room)
        if best is None:
            return
        _score, assignment, room = best
        week.place(day, bell, subject_id=assignment.subject_id, teachers=[assignment.teacher_id], room_id=room,
                   classes=[plan.school_class.pk], assignment=assignment)
        plan.slots.discard((day, bell))
        plan.left[assignment.pk] -= 1
        teacher_left[assignment.teacher_id] -= 1
        plan.today[(day, assignment.pk)] = plan.today.get((day, assignment.pk), 0) + 1

    order = sorted({slot for plan in plans for slot in plan.slots})
    for spread in (True, False):  # a second pass for what could not be spread over the week
        for day, bell in order:
            for plan in plans:
                if (day, bell) in plan.slots:
                    place_one(plan, day, bell, spread=spread)
    for plan in plans:
        _close_gaps(plan, week)


def _close_gaps(plan: _Plan, week: _Week) -> None:
    """A slot nobody could take in the middle of a day becomes a shorter day instead: the
    day's last lesson moves into the hole when its teacher and room are free there."""
    class_id = plan.school_class.pk
    for day, bell in sorted(plan.slots):
        later = [item for item in week.entries if item[0].weekday == day and item[0].bell_number > bell
                 and item[2] == [class_id] and item[0].subgroup_id is None and item[0].week_type == WeekType.EVERY]
        if not later:
            continue
        entry, teachers, classes = max(later, key=lambda item: item[0].bell_number)
        rooms = [entry.room_id] if entry.room_id else []
        if not week.free(day, bell, teachers=teachers, rooms=rooms):
            continue
        old = entry.bell_number
        for kind, ids in (("t", teachers), ("r", rooms), ("c", classes)):
            week.busy.difference_update((kind, pk, day, old) for pk in ids)
            week.busy.update((kind, pk, day, bell) for pk in ids)
        entry.bell_number = bell
        plan.slots.discard((day, bell))
        plan.slots.add((day, old))
