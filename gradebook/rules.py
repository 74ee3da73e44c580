"""Who may read and write the journal, the diary, homework and reports.

A rule set of its own beside `core.rules` and `timetable.rules`; ask it through
`can_journal(person, action, obj)`. Writing a lesson's marks and attendance is
`timetable.rules.can_lesson(person, "lesson.write_journal", lesson)` (the teacher of the
lesson, the substitute covering it, or the administration) — one rule, used here too.
"""

from __future__ import annotations

import rules

from core.models import Person, SchoolClass
from core.rules import is_class_teacher_of, is_guardian_of, is_management, is_self, is_staff
from timetable.models import Lesson, TeachingAssignment
from timetable.rules import can_lesson


@rules.predicate
def teaches_in_class(person: Person, school_class: SchoolClass | None) -> bool:
    """The person has teaching load in the class (any subject)."""
    if school_class is None:
        return False
    return TeachingAssignment.objects.filter(teacher=person, school_class=school_class).exists()


@rules.predicate
def writes_lesson(person: Person, lesson: Lesson | None) -> bool:
    return can_lesson(person, "lesson.write_journal", lesson)


@rules.predicate
def student_of_homeroom(person: Person, student: Person | None) -> bool:
    """The student is in a class the person leads (class teacher)."""
    if student is None:
        return False
    return bool(student.class_ids & person.homeroom_class_ids)


gradebook_rules = rules.RuleSet()
# A lesson's page: its teachers, its substitute, the administration.
gradebook_rules.add_rule("journal.write_lesson", writes_lesson)
# A class's journal (read): the administration, the class teacher, anyone teaching in the class.
gradebook_rules.add_rule("journal.view_class", is_management | is_class_teacher_of | teaches_in_class)
# Period, annual and exam marks of a class: the administration or a teacher of the class;
# the subject check (teaches this subject here) is done by the service.
gradebook_rules.add_rule("journal.write_period_marks", is_management | teaches_in_class)
# A student's absence for a whole day (every lesson of it): the class teacher or the administration.
gradebook_rules.add_rule("journal.mark_day_absence", is_management | is_class_teacher_of)
# A student's diary, marks and homework: the student, their parents, their class teacher,
# the administration. Other teachers see students through the class journal.
gradebook_rules.add_rule("diary.view_student", is_self | is_guardian_of | is_management | student_of_homeroom)
gradebook_rules.add_rule("reports.view", is_management)
gradebook_rules.add_rule("reports.view_class", is_management | is_class_teacher_of)
gradebook_rules.add_rule("gradebook.manage_settings", is_management)
gradebook_rules.add_rule("planning.edit", is_staff)
gradebook_rules.add_rule("homework.archive", is_management)


def can_journal(person: Person | None, action: str, obj: object | None = None) -> bool:
    """The gradebook's permission question, shaped like `core.rules.can`."""
    if person is None or not person.is_active:
        return False
    if not gradebook_rules.rule_exists(action):
        raise KeyError(f"unknown action {action!r}")
    return gradebook_rules.test_rule(action, person, obj)
