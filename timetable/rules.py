"""Who may change the timetable and who writes the journal of one dated lesson.

A rule set of its own, beside `core.rules.school_rules` (whose keys are pinned by the core
matrix test): ask it through `can_lesson(person, action, lesson)`. The predicates read
like AlekSIS's: the teacher of this lesson, the substitute covering it.
"""

from __future__ import annotations

import rules

from core.models import Person
from core.rules import is_management
from timetable.models import Lesson, Substitution


@rules.predicate
def teaches_lesson(person: Person, lesson: Lesson | None) -> bool:
    """The person is among the lesson's teachers now. After a replacement that is the
    substitute and no longer the absent teacher. Uses prefetched teachers when present."""
    if lesson is None:
        return False
    return any(teacher.pk == person.pk for teacher in lesson.teachers.all())


@rules.predicate
def covers_lesson(person: Person, lesson: Lesson | None) -> bool:
    """The person was put on this lesson as a substitute (a teacher replacement)."""
    if lesson is None:
        return False
    return Substitution.objects.filter(lesson=lesson, kind=Substitution.Kind.TEACHER, substitute=person).exists()


timetable_rules = rules.RuleSet()
# Substitutions are the deputy's (завуч's) daily work in real schools, not only the
# administrator's: the whole administration may change lessons and record absences.
timetable_rules.add_rule("timetable.substitute", is_management)
timetable_rules.add_rule("timetable.view_substitution_report", is_management)
# Access follows the lesson, not the class: a substitute writes the journal of exactly the
# lessons they are on (they are in `lesson.teachers` after the replacement), never of the
# class's other lessons.
timetable_rules.add_rule("lesson.write_journal", is_management | teaches_lesson)


def can_lesson(person: Person | None, action: str, lesson: Lesson | None = None) -> bool:
    """The timetable's permission question, shaped like `core.rules.can`."""
    if person is None or not person.is_active:
        return False
    if not timetable_rules.rule_exists(action):
        raise KeyError(f"unknown action {action!r}")
    return timetable_rules.test_rule(action, person, lesson)
