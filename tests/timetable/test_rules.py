"""The timetable's rule set as a role × action matrix, and the substitute's journal access:
exactly the lessons they cover, not the class's other lessons."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tests.timetable.substitution_world import build_world
from timetable.rules import can_lesson, covers_lesson, teaches_lesson, timetable_rules
from timetable.services import substitutions as services

# Who may do what (lesson.write_journal is asked about a lesson the `teacher` persona does
# not teach; the lesson's own teacher is tested separately).
MATRIX = {
    "timetable.substitute": {"admin", "director", "deputy"},
    "timetable.view_substitution_report": {"admin", "director", "deputy"},
    "lesson.write_journal": {"admin", "director", "deputy"},
}
ROLES = ["admin", "director", "deputy", "teacher", "student", "parent"]


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        yield build_world(school1.person(school1.student))


def test_every_rule_is_in_the_matrix():
    assert set(timetable_rules) == set(MATRIX)


@pytest.mark.parametrize("action", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(school1, world, role, action):
    person = school1.person(getattr(school1, role))
    assert can_lesson(person, action, world.l1) is (role in MATRIX[action])


def test_unknown_actions_and_inactive_people(school1, world):
    admin = school1.person(school1.admin)
    with pytest.raises(KeyError):
        can_lesson(admin, "lesson.fly", world.l1)
    admin.is_active = False
    assert not can_lesson(admin, "timetable.substitute")
    assert not can_lesson(None, "timetable.substitute")


def test_the_lessons_teacher_writes_its_journal(world):
    assert can_lesson(world.absent, "lesson.write_journal", world.l1)
    assert not can_lesson(world.sub1, "lesson.write_journal", world.l1)


def test_a_substitute_writes_exactly_the_lessons_they_cover(school1, world):
    admin = school1.person(school1.admin)
    services.lesson_teacher_replace(actor=admin, lesson=world.l1, substitute=world.sub1)
    assert teaches_lesson(world.sub1, world.l1) and covers_lesson(world.sub1, world.l1)
    assert can_lesson(world.sub1, "lesson.write_journal", world.l1)
    # Not the same class's other lesson, nor anyone else's.
    assert not can_lesson(world.sub1, "lesson.write_journal", world.l2)
    assert not can_lesson(world.sub1, "lesson.write_journal", world.l_busy)
    assert not covers_lesson(world.sub1, world.l2)
    # The absent teacher hands the lesson over.
    assert not can_lesson(world.absent, "lesson.write_journal", world.l1)
    assert can_lesson(world.absent, "lesson.write_journal", world.l2)
