"""Who may do what inside a school, as composable predicates (django-rules).

Every predicate takes the acting `Person` (in the current school) and the object.
Later apps add their own rule sets beside this one and reuse these predicates
(`teaches_class` arrives with the timetable).
"""

from __future__ import annotations

import rules

from core.models import Person, SchoolClass
from tenants.choices import Role


@rules.predicate
def is_admin(person: Person) -> bool:
    return Role.ADMIN in person.roles


@rules.predicate
def is_management(person: Person) -> bool:
    return person.is_management


@rules.predicate
def is_staff(person: Person) -> bool:
    return person.is_staff_member


@rules.predicate
def is_teacher(person: Person) -> bool:
    return Role.TEACHER in person.roles


@rules.predicate
def is_student(person: Person) -> bool:
    return Role.STUDENT in person.roles


@rules.predicate
def is_parent(person: Person) -> bool:
    return Role.PARENT in person.roles


@rules.predicate
def is_self(person: Person, other: Person | None) -> bool:
    return other is not None and person.pk == other.pk


@rules.predicate
def is_guardian_of(person: Person, student: Person | None) -> bool:
    return student is not None and student.pk in person.children_ids


@rules.predicate
def is_class_teacher_of(person: Person, school_class: SchoolClass | None) -> bool:
    return school_class is not None and school_class.class_teacher_id == person.pk


@rules.predicate
def studies_in(person: Person, school_class: SchoolClass | None) -> bool:
    return school_class is not None and school_class.pk in person.class_ids


@rules.predicate
def has_child_in(person: Person, school_class: SchoolClass | None) -> bool:
    if school_class is None or not person.children_ids:
        return False
    return school_class.enrollments.filter(student_id__in=person.children_ids).exists()


@rules.predicate
def is_class_teacher_of_student(person: Person, student: Person | None) -> bool:
    return student is not None and bool(person.homeroom_class_ids & student.class_ids)


school_rules = rules.RuleSet()
school_rules.add_rule("school.manage", is_admin)
school_rules.add_rule("school.view_reports", is_management)
school_rules.add_rule("people.view_directory", is_staff)
school_rules.add_rule("people.manage", is_admin)
# Finer than people.manage, so a school can later let a deputy import lists without letting
# them hand out codes that open accounts.
school_rules.add_rule("people.import", is_admin)
school_rules.add_rule("invitation.issue", is_admin)
school_rules.add_rule("class.view", is_staff | studies_in | has_child_in)
school_rules.add_rule("class.view_roster", is_staff | studies_in)
school_rules.add_rule("class.manage", is_management)
school_rules.add_rule("student.view_record", is_management | is_class_teacher_of_student | is_self | is_guardian_of)
school_rules.add_rule("student.contact_guardians", is_management | is_class_teacher_of_student)


def can(person: Person | None, action: str, obj: object | None = None) -> bool:
    """The one permission question every page and endpoint asks."""
    if person is None or not person.is_active:
        return False
    if not school_rules.rule_exists(action):
        raise KeyError(f"unknown action {action!r}")
    return school_rules.test_rule(action, person, obj)
