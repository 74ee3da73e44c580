"""Conflict detection in the weekly template: the pure checks over slots, then the services
that refuse hard conflicts, copy days and weeks, import CSV and undo."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.models import Person, SchoolClass
from timetable import conflicts as checks
from timetable import selectors
from timetable.conflicts import AssignmentFacts, GroupFacts, Slot, VersionFacts
from timetable.models import BellSchedule, Room, Subgroup, Subject, TeachingAssignment, TemplateEntry
from timetable.services import template as services

# ----- pure checks -----

FACTS = VersionFacts(
    people={1: "Иванова М. П.", 2: "Петров С. И.", 101: "Аникин А.", 102: "Борисова Б.", 103: "Волков В."},
    rooms={10: ("101", 30), 11: ("301", 1)},
    classes={5: "5А", 6: "5Б"},
    subjects={20: "Математика", 21: "Английский язык"},
    groups={30: GroupFacts("группа 1", 5, frozenset({101})), 31: GroupFacts("группа 2", 5, frozenset({102})),
            32: GroupFacts("Робототехника", None, frozenset({101, 103}))},
    class_students={5: frozenset({101, 102}), 6: frozenset({103})},
)


def slot(pk: int, **kwargs) -> Slot:
    values = {"weekday": 1, "bell_number": 1, "subject_id": 20}
    values.update(kwargs)
    for key in ("teacher_ids", "class_ids"):
        values[key] = frozenset(values.get(key, ()))
    return Slot(id=pk, **values)


def codes(slots, facts=FACTS) -> list[str]:
    return sorted(c.code for c in checks.find_conflicts(slots, facts))


def test_the_same_teacher_twice_at_once_is_a_conflict_naming_both_entries():
    found = checks.find_conflicts([slot(1, teacher_ids={1}, class_ids={5}), slot(2, teacher_ids={1}, class_ids={6})],
                                  FACTS)
    assert [c.code for c in found] == [checks.TEACHER]
    assert found[0].entry_ids == (1, 2)
    assert "Иванова М. П." in found[0].message
    assert found[0].is_hard


def test_week_a_and_week_b_do_not_meet_but_every_week_meets_both():
    a = slot(1, teacher_ids={1}, class_ids={5}, week_type="a")
    b = slot(2, teacher_ids={1}, class_ids={6}, week_type="b")
    every = slot(3, teacher_ids={1}, class_ids={6}, week_type="every")
    assert codes([a, b]) == []
    assert codes([a, every]) == [checks.TEACHER]
    assert codes([slot(4, teacher_ids={1}, week_type="a"), slot(5, teacher_ids={1}, week_type="a")]) == ["teacher"]


def test_different_days_and_different_lessons_do_not_meet():
    assert codes([slot(1, teacher_ids={1}, class_ids={5}), slot(2, weekday=2, teacher_ids={1}, class_ids={5})]) == []
    assert codes([slot(1, teacher_ids={1}, class_ids={5}), slot(2, bell_number=2, teacher_ids={1},
                                                                  class_ids={5})]) == []


def test_a_double_lesson_occupies_the_next_bell_too():
    double = slot(1, bell_number=2, duration=2, teacher_ids={1}, class_ids={5})
    assert codes([double, slot(2, bell_number=3, teacher_ids={1}, class_ids={6})]) == [checks.TEACHER]
    assert codes([double, slot(3, bell_number=4, teacher_ids={1}, class_ids={6})]) == []
    assert codes([double, slot(4, bell_number=1, teacher_ids={1}, class_ids={6})]) == []


def test_the_same_room_twice_is_a_conflict():
    found = checks.find_conflicts([slot(1, room_id=10, class_ids={5}), slot(2, room_id=10, class_ids={6})], FACTS)
    assert [c.code for c in found] == [checks.ROOM]
    assert "101" in found[0].message


def test_the_same_class_twice_is_a_conflict():
    assert codes([slot(1, class_ids={5}), slot(2, class_ids={5}, subject_id=21)]) == [checks.CLASS]


def test_two_groups_of_one_class_at_once_are_a_split_not_a_conflict():
    one = slot(1, class_ids={5}, subgroup_id=30, teacher_ids={1}, room_id=10, subject_id=21)
    two = slot(2, class_ids={5}, subgroup_id=31, teacher_ids={2}, room_id=11, subject_id=21)
    assert codes([one, two]) == []


def test_a_whole_class_lesson_against_a_group_of_that_class_is_a_conflict():
    assert codes([slot(1, class_ids={5}), slot(2, class_ids={5}, subgroup_id=30, subject_id=21)]) == [checks.CLASS]
    assert codes([slot(1, class_ids={5}, subgroup_id=30), slot(2, class_ids={5}, subgroup_id=30)]) == [checks.CLASS]


def test_a_student_in_a_cross_class_group_and_in_their_class_lesson_is_a_conflict():
    robotics = slot(1, class_ids={5, 6}, subgroup_id=32, subject_id=21)
    found = checks.find_conflicts([robotics, slot(2, class_ids={6})], FACTS)
    assert [c.code for c in found] == [checks.STUDENT]
    assert "Волков В." in found[0].message and found[0].entry_ids == (1, 2)


def test_a_student_in_two_groups_at_once_is_a_conflict():
    group_one = slot(1, class_ids={5}, subgroup_id=30)
    robotics = slot(2, class_ids={5, 6}, subgroup_id=32, subject_id=21)
    assert codes([group_one, robotics]) == [checks.STUDENT]
    # Group 2 and the robotics group share nobody: fine.
    assert codes([slot(3, class_ids={5}, subgroup_id=31), robotics]) == []


def test_a_room_smaller_than_the_audience_is_a_warning():
    found = checks.find_conflicts([slot(1, class_ids={5}, room_id=11)], FACTS)
    assert [c.code for c in found] == [checks.CAPACITY]
    assert not found[0].is_hard and found[0].entry_ids == (1,)
    assert codes([slot(2, class_ids={5}, subgroup_id=30, room_id=11)]) == []  # one student of group 1


def test_hours_planned_against_scheduled_count_half_weeks_and_double_lessons():
    facts = VersionFacts(**{**FACTS.__dict__, "assignments": [
        AssignmentFacts(40, 1, 20, 5, None, Decimal(3)), AssignmentFacts(41, 2, 21, 5, None, Decimal(1))]})
    slots = [slot(1, teacher_ids={1}, class_ids={5}, duration=2),
             slot(2, weekday=2, teacher_ids={1}, class_ids={5}, week_type="a"),
             slot(3, weekday=3, teacher_ids={2}, class_ids={5}, subject_id=21),
             slot(4, weekday=4, teacher_ids={2}, class_ids={5}, subject_id=21)]
    rows = {r.assignment.id: r for r in checks.hours_table(slots, facts)}
    assert rows[40].scheduled == Decimal("2.5") and rows[40].status == checks.HOURS_UNDER
    assert rows[41].scheduled == 2 and rows[41].status == checks.HOURS_OVER
    found = checks.find_conflicts(slots, facts)
    assert sorted(c.code for c in found) == [checks.HOURS_OVER, checks.HOURS_UNDER]
    assert next(c for c in found if c.code == checks.HOURS_OVER).entry_ids == (3, 4)


def test_hard_conflicts_come_first():
    found = checks.find_conflicts([slot(1, class_ids={5}, room_id=11), slot(2, class_ids={5})], FACTS)
    assert [c.code for c in found] == [checks.CLASS, checks.CAPACITY]


# ----- services -----

@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        admin = Person.objects.get(account_id=school1.admin.pk)
        year = selectors.current_year()
        monday = year.starts_on - timedelta(days=year.starts_on.weekday())
        version = services.timetable_version_create(
            actor=admin, year=year, name="Тест", valid_from=year.starts_on, valid_to=year.ends_on,
            bell_schedule=BellSchedule.objects.get(is_default=True), week_a_monday=monday)
        teachers = list(Person.objects.filter(roles__contains=["teacher"]).order_by("pk")[:2])
        yield SimpleNamespace(
            cast=school1, admin=admin, version=version, t1=teachers[0], t2=teachers[1],
            c5a=SchoolClass.objects.get(grade=5, letter="А"), c5b=SchoolClass.objects.get(grade=5, letter="Б"),
            math=Subject.objects.get(name="Математика"), english=Subject.objects.get(name__startswith="Иностранный"),
            r101=Room.objects.get(name="101"), r102=Room.objects.get(name="102"), r301=Room.objects.get(name="301"))


def put(w, *, weekday=1, bell=1, teachers=None, room=None, classes=None, subject=None, subgroup=None,
        week_type="every", duration=1, entry=None):
    return services.template_entry_set(
        actor=w.admin, version=w.version, weekday=weekday, bell_number=bell, week_type=week_type,
        subject=subject or w.math, teachers=teachers if teachers is not None else [w.t1], room=room,
        classes=classes or [w.c5a], subgroup=subgroup, duration=duration, entry=entry)


def test_saving_an_entry_links_its_teaching_assignment(world):
    assignment = TeachingAssignment.objects.filter(school_class=world.c5a, subgroup=None).first()
    entry, _warnings, _snapshot = put(world, teachers=[assignment.teacher], subject=assignment.subject)
    assert entry.assignment == assignment


def test_a_teacher_in_two_classes_at_once_is_refused_and_nothing_is_saved(world):
    first, _w, _s = put(world, room=world.r101)
    with pytest.raises(services.TemplateConflictError) as error:
        put(world, classes=[world.c5b], room=world.r102)
    assert [c.code for c in error.value.conflicts] == [checks.TEACHER]
    assert first.pk in error.value.conflicts[0].entry_ids
    assert list(TemplateEntry.objects.filter(version=world.version)) == [first]


def test_an_edit_into_a_conflict_is_refused_and_the_entry_stays_as_it_was(world):
    put(world, room=world.r101)
    other, _w, _s = put(world, bell=2, classes=[world.c5b], teachers=[world.t2], room=world.r101)
    with pytest.raises(services.TemplateConflictError) as error:
        put(world, bell=1, classes=[world.c5b], teachers=[world.t2], room=world.r101, entry=other)
    assert {c.code for c in error.value.conflicts} == {checks.ROOM}
    other.refresh_from_db()
    assert other.bell_number == 2


def test_week_a_and_b_share_a_slot_and_a_double_lesson_blocks_the_next_one(world):
    put(world, week_type="a")
    put(world, classes=[world.c5b], week_type="b")
    put(world, bell=3, duration=2, classes=[world.c5b], teachers=[world.t2])
    with pytest.raises(services.TemplateConflictError):
        put(world, bell=4, classes=[world.c5a], teachers=[world.t2])


def test_a_small_room_is_saved_with_a_warning(world):
    entry, warnings, _snapshot = put(world, room=world.r301)
    assert [w.code for w in warnings if w.code == checks.CAPACITY] == [checks.CAPACITY]
    assert TemplateEntry.objects.filter(pk=entry.pk).exists()


def test_two_groups_of_a_class_at_once_are_saved(world):
    g1 = Subgroup.objects.create(school_class=world.c5a, name="Англ 1")
    g2 = Subgroup.objects.create(school_class=world.c5a, name="Англ 2")
    put(world, subject=world.english, subgroup=g1, room=world.r101)
    put(world, subject=world.english, subgroup=g2, teachers=[world.t2], room=world.r102)
    assert TemplateEntry.objects.filter(version=world.version).count() == 2
    with pytest.raises(services.TemplateConflictError):
        put(world, bell=1, teachers=[], room=None)  # the whole class at the same time


def test_slots_outside_the_bell_schedule_are_refused(world):
    with pytest.raises(ValidationError):
        put(world, bell=7, duration=2)
    with pytest.raises(ValidationError):
        put(world, bell=99)


def test_only_the_administrator_edits_the_template(world):
    teacher = Person.objects.get(account_id=world.cast.teacher.pk)
    with pytest.raises(PermissionDenied):
        services.template_entry_set(actor=teacher, version=world.version, weekday=1, bell_number=1,
                                    week_type="every", subject=world.math, teachers=[], room=None,
                                    classes=[world.c5a])


def test_copy_a_day_replaces_the_target_day_of_the_class(world):
    put(world, bell=1)
    put(world, bell=2, teachers=[world.t2], subject=world.english)
    put(world, weekday=2, bell=5, teachers=[world.t2])  # replaced
    put(world, weekday=2, bell=6, classes=[world.c5b], teachers=[world.t2])  # another class: stays
    created, _warnings, snapshot = services.template_day_copy(
        actor=world.admin, version=world.version, school_class=world.c5a, from_weekday=1, to_weekday=2)
    assert len(created) == 2
    tuesday = TemplateEntry.objects.filter(version=world.version, weekday=2, classes=world.c5a)
    assert sorted(tuesday.values_list("bell_number", flat=True)) == [1, 2]
    assert TemplateEntry.objects.filter(version=world.version, weekday=2, classes=world.c5b).count() == 1
    services.template_undo(actor=world.admin, version=world.version, snapshot=snapshot)
    assert sorted(TemplateEntry.objects.filter(version=world.version, weekday=2, classes=world.c5a)
                  .values_list("bell_number", flat=True)) == [5]


def test_copy_a_day_into_a_clash_is_refused(world):
    put(world, bell=1)
    put(world, weekday=2, bell=1, classes=[world.c5b])  # the same teacher teaches 5Б on Tuesday
    with pytest.raises(services.TemplateConflictError):
        services.template_day_copy(actor=world.admin, version=world.version, school_class=world.c5a,
                                   from_weekday=1, to_weekday=2)
    assert TemplateEntry.objects.filter(version=world.version).count() == 2


def test_copy_a_week_to_another_version(world):
    put(world, bell=1, room=world.r101)
    put(world, bell=2, classes=[world.c5a, world.c5b], teachers=[world.t1, world.t2])
    target = services.timetable_version_create(
        actor=world.admin, year=world.version.year, name="Вторая", valid_from=world.version.valid_from,
        valid_to=world.version.valid_to, bell_schedule=world.version.bell_schedule)
    count, snapshot = services.template_week_copy(actor=world.admin, from_version=world.version, to_version=target)
    assert count == 2
    stream = TemplateEntry.objects.get(version=target, bell_number=2)
    assert {c.pk for c in stream.classes.all()} == {world.c5a.pk, world.c5b.pk}
    assert stream.teachers.count() == 2
    services.template_undo(actor=world.admin, version=target, snapshot=snapshot)
    assert not TemplateEntry.objects.filter(version=target).exists()


def test_undo_restores_an_edited_entry_in_place_and_a_deleted_one_with_its_id(world):
    entry, _w, _s = put(world, room=world.r101)
    _entry, _w, snapshot = put(world, bell=3, room=world.r102, teachers=[world.t2], entry=entry)
    services.template_undo(actor=world.admin, version=world.version, snapshot=snapshot)
    entry.refresh_from_db()
    assert (entry.bell_number, entry.room, list(entry.teachers.all())) == (1, world.r101, [world.t1])
    entry_id = entry.pk
    snapshot = services.template_entry_delete(actor=world.admin, entry=entry)
    assert not TemplateEntry.objects.filter(pk=entry_id).exists()
    services.template_undo(actor=world.admin, version=world.version, snapshot=snapshot)
    restored = TemplateEntry.objects.get(pk=entry_id)
    assert list(restored.classes.all()) == [world.c5a]


def test_undo_of_a_new_entry_removes_it_and_a_foreign_snapshot_is_refused(world):
    _entry, _w, snapshot = put(world)
    other = services.timetable_version_create(
        actor=world.admin, year=world.version.year, name="Другая", valid_from=world.version.valid_from,
        valid_to=world.version.valid_to, bell_schedule=world.version.bell_schedule)
    with pytest.raises(ValidationError):
        services.template_undo(actor=world.admin, version=other, snapshot=snapshot)
    services.template_undo(actor=world.admin, version=world.version, snapshot=snapshot)
    assert not TemplateEntry.objects.filter(version=world.version).exists()


def _csv(text: str, name: str = "t.csv") -> io.BytesIO:
    file = io.BytesIO(text.encode("utf-8"))
    file.name = name
    return file


HEADER = "класс;день;урок;предмет;учитель;кабинет;неделя;группа\n"


def test_csv_import_reports_every_bad_cell_by_row_and_column_and_writes_nothing(world):
    t1 = world.t1.full_name
    text = HEADER + (f"5А;Пн;1;Математика;{t1};101;;\n"
                     f"5Я;Пн;2;Математика;{t1};101;;\n"
                     f"5А;Зн;3;Химия-2;Никто Никтович;999;C;Нет\n"
                     f"5А;Вт;42;Математика;;;;\n")
    report = services.template_csv_import(actor=world.admin, version=world.version, file=_csv(text))
    assert not report.ok
    problems = {(p.row, p.column) for p in report.problems}
    assert (3, "класс") in problems
    assert {(4, "день"), (4, "предмет"), (4, "учитель"), (4, "кабинет"), (4, "неделя"), (4, "группа")} <= problems
    assert (5, "урок") in problems
    assert (2, "класс") not in problems and not any(p.row == 2 for p in report.problems)
    assert not TemplateEntry.objects.filter(version=world.version).exists()


def test_csv_import_refuses_a_clash_between_its_rows(world):
    t1 = world.t1.full_name
    text = HEADER + f"5А;Пн;1;Математика;{t1};101;;\n5Б;1;1;Математика;{t1};102;;\n"
    report = services.template_csv_import(actor=world.admin, version=world.version, file=_csv(text))
    assert not report.ok and report.problems[0].row in (2, 3)
    assert not TemplateEntry.objects.filter(version=world.version).exists()


def test_csv_import_writes_a_good_file_and_can_be_undone(world):
    t1, t2 = world.t1.short_name, world.t2.full_name
    Subgroup.objects.get_or_create(school_class=world.c5a, name="группа 1")  # the demo may have it
    text = HEADER + (f"5А;Пн;1;Математика;{t1};101;;\n"
                     f"5А;вторник;2;Иностранный язык (английский);{t2};102;A;группа 1\n"
                     f"5А, 5Б;3;3;Математика;{t1};Спортзал;;\n")
    report = services.template_csv_import(actor=world.admin, version=world.version, file=_csv(text))
    assert report.ok, report.problems
    assert report.created == 3
    group_lesson = TemplateEntry.objects.get(version=world.version, weekday=2)
    assert (group_lesson.week_type, group_lesson.subgroup.name) == ("a", "группа 1")
    assert TemplateEntry.objects.get(version=world.version, weekday=3).classes.count() == 2
    services.template_undo(actor=world.admin, version=world.version, snapshot=report.snapshot)
    assert not TemplateEntry.objects.filter(version=world.version).exists()


def test_csv_import_without_required_columns(world):
    report = services.template_csv_import(actor=world.admin, version=world.version,
                                          file=_csv("класс;предмет\n5А;Математика\n"))
    assert not report.ok and "урок" in report.problems[0].column


def _check_queries(version) -> int:
    with CaptureQueriesContext(connection) as queries:
        entries = checks.version_entries(version)
        checks.find_conflicts([checks.slot_of(e) for e in entries], checks.version_facts(entries))
    return len([q for q in queries.captured_queries if q["sql"].startswith("SELECT")])


def test_the_checks_take_a_fixed_number_of_queries(world):
    put(world, bell=1, room=world.r101)
    few = _check_queries(world.version)
    for bell in range(2, 7):
        put(world, bell=bell, teachers=[world.t1 if bell % 2 else world.t2], room=world.r102)
        put(world, weekday=2, bell=bell, classes=[world.c5b], teachers=[world.t2], room=world.r301)
    assert _check_queries(world.version) == few <= 11
