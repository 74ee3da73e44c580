"""Pass rate («успеваемость») and quality («качество знаний») for a period or the year: by
class, by subject, by teacher (through the teaching load) and for the school, with the lists
the deputy head works with — students with one «3», with one «2», and those failing.

A student's result in a subject is the period (annual) mark, or the rounded weighted average
while it is not set. A student passes when no result is below the scale's `pass_from`; is
«good» when every result is at least `good_from` (only 4s and 5s on the five-point scale);
excellent when every result is the scale's top. Students without any result are counted as
not assessed and left out of the shares.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.models import Person, SchoolClass
from gradebook.models import GradingScale
from gradebook.reports.common import Result, Sheet, Span, mean, percent, results_collect, scales_of, students_of
from gradebook.reports.summary import span_data
from timetable.models import Subgroup, Subject, TeachingAssignment


@dataclass
class Tally:
    """How many results (or students) were assessed, passed, were good, were excellent."""

    assessed: int = 0
    passing: int = 0
    good: int = 0
    excellent: int = 0

    @property
    def pass_rate(self) -> Decimal | None:
        return percent(self.passing, self.assessed)

    @property
    def quality(self) -> Decimal | None:
        return percent(self.good, self.assessed)

    def add(self, passing: bool, good: bool, excellent: bool) -> None:
        self.assessed += 1
        self.passing += passing
        self.good += good
        self.excellent += excellent

    def as_data(self) -> dict:
        return {"assessed": self.assessed, "passing": self.passing, "good": self.good,
                "excellent": self.excellent, "pass_rate": _str(self.pass_rate), "quality": _str(self.quality)}


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _person(person: Person) -> dict:
    return {"id": person.pk, "name": person.full_name}


@dataclass
class Group:
    """Students of a class (or of the whole school) with their tally and the lists."""

    students: int = 0
    tally: Tally = field(default_factory=Tally)
    one_three: list[Person] = field(default_factory=list)
    one_two: list[Person] = field(default_factory=list)
    failing: list[Person] = field(default_factory=list)

    def as_data(self) -> dict:
        return {"students": self.students, **self.tally.as_data(),
                "with_one_three": [_person(p) for p in self.one_three],
                "with_one_two": [_person(p) for p in self.one_two],
                "failing": [_person(p) for p in self.failing]}


@dataclass
class ClassRow:
    school_class: SchoolClass
    group: Group


@dataclass
class SubjectRow:
    subject: Subject
    tally: Tally
    average: Decimal | None


@dataclass
class TeacherRow:
    teacher: Person
    subjects: list[str]
    tally: Tally
    average: Decimal | None


@dataclass
class Progress:
    span: Span
    classes: list[ClassRow]
    subjects: list[SubjectRow]
    teachers: list[TeacherRow]
    school: Group

    def as_data(self) -> dict:
        return {
            "period": span_data(self.span),
            "school": self.school.as_data(),
            "classes": [{"class": {"id": r.school_class.pk, "name": r.school_class.name},
                         **r.group.as_data()} for r in self.classes],
            "subjects": [{"subject": {"id": r.subject.pk, "name": r.subject.name}, **r.tally.as_data(),
                          "average": _str(r.average)} for r in self.subjects],
            "teachers": [{"teacher": _person(r.teacher), "subjects": r.subjects, **r.tally.as_data(),
                          "average": _str(r.average)} for r in self.teachers],
        }

    def sheets(self) -> list[Sheet]:
        names = (lambda people: ", ".join(p.short_name for p in people))  # noqa: E731 — a one-line helper
        rate = [_("Assessed"), _("Passing"), _("Pass rate, %"), _("Good and excellent"), _("Quality, %")]
        subtitle = [self.span.label]
        school = self.school
        classes = Sheet(
            title=_("Pass rate and quality by class"), subtitle=subtitle, first_column_width=10,
            header=[_("Class"), _("Students"), *rate, _("Excellent"), _("With one «3»"), _("With one «2»"),
                    _("Failing")],
            rows=[[r.school_class.name, r.group.students, *_rate(r.group.tally), r.group.tally.excellent,
                   names(r.group.one_three), names(r.group.one_two), names(r.group.failing)] for r in self.classes],
            totals=[[_("School"), school.students, *_rate(school.tally), school.tally.excellent,
                     len(school.one_three), len(school.one_two), len(school.failing)]],
        )
        subjects = Sheet(
            title=_("Pass rate and quality by subject"), subtitle=subtitle,
            header=[_("Subject"), _("Results"), *rate[1:], _("Average")],
            rows=[[r.subject.name, *_rate(r.tally), r.average] for r in self.subjects],
        )
        teachers = Sheet(
            title=_("Pass rate and quality by teacher"), subtitle=subtitle,
            header=[_("Teacher"), _("Subjects"), _("Results"), *rate[1:], _("Average")],
            rows=[[r.teacher.full_name, ", ".join(r.subjects), *_rate(r.tally), r.average] for r in self.teachers],
        )
        return [classes, subjects, teachers]


def _rate(tally: Tally) -> list:
    return [tally.assessed, tally.passing, tally.pass_rate, tally.good, tally.quality]


def _judge(result: Result, scale: GradingScale) -> tuple[bool, bool, bool]:
    """(passing, good, excellent) of one result on its class's scale."""
    value = result.numeric
    return value >= scale.pass_from, value >= scale.good_from, value >= scale.max_value


def progress_report(*, classes: Iterable[SchoolClass], span: Span) -> Progress:
    """The report over `classes` (those whose grade the period applies to), in a constant number
    of queries: students, scales, results (2), teaching load, subgroup members, subjects."""
    classes = [c for c in classes if span.period is None or not span.period.grades or c.grade in span.period.grades]
    by_class = students_of(classes)
    student_class = {s.pk: class_id for class_id, students in by_class.items() for s in students}
    scales = scales_of([c.pk for c in classes])
    results = {key: r for key, r in results_collect(student_class=student_class, span=span, scales=scales).items()
               if r.numeric is not None}
    per_student: dict[int, list[tuple[int, Result]]] = defaultdict(list)
    for (student_id, subject_id), result in results.items():
        per_student[student_id].append((subject_id, result))

    school = Group()
    class_rows = []
    for school_class in classes:
        scale = scales[school_class.pk]
        group = Group(students=len(by_class[school_class.pk]))
        for student in by_class[school_class.pk]:
            marks = [_judge(r, scale) for _subject, r in per_student.get(student.pk, [])]
            if not marks:
                continue
            failing = sum(1 for passing, _good, _top in marks if not passing)
            middling = sum(1 for passing, good, _top in marks if passing and not good)
            group.tally.add(failing == 0, failing == 0 and middling == 0, all(top for *_x, top in marks))
            if failing == 1:
                group.one_two.append(student)
            if failing == 0 and middling == 1:
                group.one_three.append(student)
            if failing:
                group.failing.append(student)
        class_rows.append(ClassRow(school_class=school_class, group=group))
        school.students += group.students
        for name in ("assessed", "passing", "good", "excellent"):
            setattr(school.tally, name, getattr(school.tally, name) + getattr(group.tally, name))
        school.one_three += group.one_three
        school.one_two += group.one_two
        school.failing += group.failing

    def tally_of(keys: Iterable[tuple[int, int]]) -> tuple[Tally, Decimal | None]:
        tally, values = Tally(), []
        for key in keys:
            result = results.get(key)
            if result is None:
                continue
            tally.add(*_judge(result, scales[student_class[key[0]]]))
            values.append(result.value)
        return tally, mean(values)

    subject_keys: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for key in sorted(results):
        subject_keys[key[1]].append(key)
    subject_names = {s.pk: s for s in Subject.objects.filter(pk__in=list(subject_keys))}
    subject_rows = []
    for subject_id, keys in subject_keys.items():
        tally, average = tally_of(keys)
        subject_rows.append(SubjectRow(subject=subject_names[subject_id], tally=tally, average=average))
    subject_rows.sort(key=lambda r: r.subject.name)

    teacher_rows = _teacher_rows(classes, by_class, tally_of)
    return Progress(span=span, classes=class_rows, subjects=subject_rows, teachers=teacher_rows, school=school)


def _teacher_rows(classes: list[SchoolClass], by_class: dict[int, list[Person]], tally_of) -> list[TeacherRow]:
    """Each teacher's (student, subject) pairs from the teaching load: the whole class, or
    the members of the subgroup they teach."""
    load = list(TeachingAssignment.objects.filter(school_class__in=classes)
                .select_related("teacher", "subject").order_by("teacher__last_name", "teacher__first_name"))
    subgroup_ids = {a.subgroup_id for a in load if a.subgroup_id}
    members: dict[int, set[int]] = defaultdict(set)
    for row in Subgroup.students.through.objects.filter(subgroup_id__in=subgroup_ids).values(
            "subgroup_id", "person_id"):
        members[row["subgroup_id"]].add(row["person_id"])
    pairs: dict[int, set[tuple[int, int]]] = defaultdict(set)
    teachers: dict[int, Person] = {}
    subjects: dict[int, set[str]] = defaultdict(set)
    for assignment in load:
        teachers[assignment.teacher_id] = assignment.teacher
        subjects[assignment.teacher_id].add(assignment.subject.name)
        students = [s.pk for s in by_class.get(assignment.school_class_id, [])]
        if assignment.subgroup_id:
            students = [s for s in students if s in members[assignment.subgroup_id]]
        pairs[assignment.teacher_id].update((s, assignment.subject_id) for s in students)
    rows = []
    for teacher_id, teacher in teachers.items():
        tally, average = tally_of(sorted(pairs[teacher_id]))
        rows.append(TeacherRow(teacher=teacher, subjects=sorted(subjects[teacher_id]), tally=tally, average=average))
    return rows
