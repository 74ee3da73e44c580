"""The gradebook's rule set as a role × action matrix: the teacher of the lesson, another
teacher, the substitute, the administration, the student, a classmate, the parent."""

from __future__ import annotations

import pytest

from core.models import Person
from gradebook.rules import can_journal, gradebook_rules
from tests.gradebook.factories import journal_build
from timetable.models import TeachingAssignment
from timetable.services.substitutions import lesson_teacher_replace

MANAGEMENT = {"admin", "director", "deputy"}
# Who may, per action; the object each action is asked about is in OBJECT.
MATRIX = {
    "journal.write_lesson": MANAGEMENT | {"teacher"},
    "journal.view_class": MANAGEMENT | {"teacher"},
    "journal.write_period_marks": MANAGEMENT | {"teacher"},
    "diary.view_student": MANAGEMENT | {"teacher", "student", "parent"},  # teacher@ leads the student's class
    "reports.view": MANAGEMENT,
    "reports.view_class": MANAGEMENT | {"teacher"},
    "gradebook.manage_settings": MANAGEMENT,
    "planning.edit": MANAGEMENT | {"teacher", "stranger"},
    "homework.archive": MANAGEMENT,
    "journal.mark_day_absence": MANAGEMENT | {"teacher"},  # teacher@ leads the class
}
OBJECT = {
    "journal.write_lesson": "lesson", "journal.view_class": "school_class",
    "journal.write_period_marks": "school_class",
    "diary.view_student": "student", "reports.view": None, "reports.view_class": "school_class",
    "gradebook.manage_settings": None, "planning.edit": None, "homework.archive": None,
    "journal.mark_day_absence": "school_class",
}
ROLES = ["admin", "director", "deputy", "teacher", "stranger", "student", "classmate", "parent"]


@pytest.fixture
def world(school1, in_school):
    with in_school(school1.school):
        j = journal_build(school1)
        # A teacher with no lessons at all in the class.
        stranger = (Person.objects.filter(roles__contains=["teacher"], account__isnull=True)
                    .exclude(pk__in=TeachingAssignment.objects.filter(school_class=j.school_class)
                             .values("teacher_id")).exclude(homeroom_classes=j.school_class)
                    .order_by("pk").first())
        people = {"admin": j.admin, "director": school1.person(school1.director),
                  "deputy": school1.person(school1.deputy), "teacher": j.teacher, "stranger": stranger,
                  "student": j.student, "classmate": j.classmate, "parent": j.parent}
        yield j, people


def test_every_rule_is_in_the_matrix():
    assert set(gradebook_rules) == set(MATRIX)


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_matrix(world, action):
    j, people = world
    target = getattr(j, OBJECT[action]) if OBJECT[action] else None
    allowed = {role for role in ROLES if can_journal(people[role], action, target)}
    assert allowed == MATRIX[action]


def test_the_substitute_writes_the_lesson_and_the_replaced_teacher_no_longer(world):
    j, people = world
    stranger = people["stranger"]
    assert not can_journal(stranger, "journal.write_lesson", j.lesson)
    lesson_teacher_replace(actor=j.admin, lesson=j.lesson, substitute=stranger)
    j.lesson.refresh_from_db()
    assert can_journal(stranger, "journal.write_lesson", j.lesson)
    assert not can_journal(j.teacher, "journal.write_lesson", j.lesson)
    # Only that lesson: the class's other lessons stay the teacher's.
    other = j.lesson_at(bell=9)
    assert not can_journal(stranger, "journal.write_lesson", other)
    assert can_journal(j.teacher, "journal.write_lesson", other)


def test_a_parent_reaches_only_their_own_child(world):
    j, people = world
    assert can_journal(people["parent"], "diary.view_student", j.student)
    assert not can_journal(people["parent"], "diary.view_student", j.classmate)
    assert not can_journal(people["classmate"], "diary.view_student", j.student)


def test_unknown_actions_and_inactive_people(world):
    j, _people = world
    with pytest.raises(KeyError):
        can_journal(j.admin, "journal.burn", j.lesson)
    j.admin.is_active = False
    assert not can_journal(j.admin, "reports.view")
    assert not can_journal(None, "reports.view")
