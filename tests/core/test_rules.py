"""The base permission helpers as a role × action matrix, on the demo school's people."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from core.models import Enrollment, Guardianship, Person, SchoolClass
from core.rules import can, school_rules

ROLES = ["admin", "director", "deputy", "teacher", "other_teacher", "student", "classmate",
         "other_student", "parent", "other_parent", "inactive_admin"]

# action, object key -> roles allowed (everyone else is refused)
MATRIX = {
    ("school.manage", None): {"admin"},
    ("school.view_reports", None): {"admin", "director", "deputy"},
    ("people.view_directory", None): {"admin", "director", "deputy", "teacher", "other_teacher"},
    ("people.manage", None): {"admin"},
    ("people.import", None): {"admin"},
    ("invitation.issue", None): {"admin"},
    ("class.view", "class"): {"admin", "director", "deputy", "teacher", "other_teacher", "student", "classmate",
                              "parent"},
    ("class.view_roster", "class"): {"admin", "director", "deputy", "teacher", "other_teacher", "student",
                                     "classmate"},
    ("class.manage", "class"): {"admin", "director", "deputy"},
    ("student.view_record", "student"): {"admin", "director", "deputy", "teacher", "student", "parent"},
    ("student.contact_guardians", "student"): {"admin", "director", "deputy", "teacher"},
}


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        people = {
            "admin": school1.person(school1.admin),
            "director": school1.person(school1.director),
            "deputy": school1.person(school1.deputy),
            "teacher": school1.person(school1.teacher),
            "student": school1.person(school1.student),
            "parent": school1.person(school1.parent),
        }
        school_class = SchoolClass.objects.get(enrollments__student=people["student"])
        assert school_class.class_teacher_id == people["teacher"].pk
        people["other_teacher"] = Person.objects.filter(roles__contains=["teacher"]).exclude(
            homeroom_classes=school_class).exclude(pk=people["teacher"].pk).first()
        people["classmate"] = Person.objects.filter(enrollments__school_class=school_class).exclude(
            pk=people["student"].pk).first()
        other_class = SchoolClass.objects.exclude(pk=school_class.pk).first()
        people["other_student"] = Person.objects.filter(enrollments__school_class=other_class).first()
        people["other_parent"] = Guardianship.objects.filter(child=people["other_student"]).first().parent
        people["inactive_admin"] = Person.objects.create(last_name="Уволенный", first_name="Админ",
                                                         roles=["admin"], is_active=False)
        assert not Enrollment.objects.filter(student__guardians__parent=people["other_parent"],
                                             school_class=school_class).exists()
        yield people, {"class": school_class, "student": people["student"], None: None}


def test_every_rule_is_in_the_matrix():
    assert {action for action, _obj in MATRIX} == set(school_rules.keys())


@pytest.mark.parametrize(("action", "obj_key"), list(MATRIX))
def test_role_action_matrix(world, action, obj_key):
    people, objects = world
    allowed = {role for role in ROLES if can(people[role], action, objects[obj_key])}
    assert allowed == MATRIX[(action, obj_key)]


def test_unknown_action_is_a_programming_error(world):
    people, _objects = world
    with pytest.raises(KeyError):
        can(people["admin"], "school.destroy")


def test_nobody_can_do_anything_without_a_person():
    assert can(None, "class.view") is False
