"""Reads of planning (КТП), the methodological library and teachers' description templates.

Planning is staff-only: students and parents get the same 404 as for a missing id. Any
staff member may read a plan (teachers of parallel classes borrow each other's); writing it
is for the teachers of that class and subject, and the administration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from core.errors import NotFoundForActor
from core.models import Person, SchoolClass
from gradebook.models import LessonTemplate, Material, Plan, PlanTopic
from gradebook.rules import can_journal
from timetable.models import Lesson, Subgroup, Subject, TeachingAssignment
from timetable.selectors import current_year

# ---- who may do what ---------------------------------------------------------------------


def planning_visible_to(person: Person | None) -> bool:
    return person is not None and can_journal(person, "planning.edit")


def plan_can_edit(person: Person, *, school_class: SchoolClass, subject: Subject,
                  subgroup: Subgroup | None = None) -> bool:
    """The administration, or a teacher with load in this class and subject: for a group's
    plan, the group's teacher or a teacher of the whole class."""
    if not planning_visible_to(person):
        return False
    if person.is_management:
        return True
    load = TeachingAssignment.objects.filter(teacher=person, school_class=school_class, subject=subject)
    if subgroup is not None:
        load = load.filter(Q(subgroup=subgroup) | Q(subgroup__isnull=True))
    return load.exists()


# ---- the list of plans -------------------------------------------------------------------


@dataclass
class PlanRow:
    """One class × subject (× group) the person plans for, with its plan's state."""

    school_class: SchoolClass
    subject: Subject
    subgroup: Subgroup | None
    teachers: list[Person] = field(default_factory=list)
    hours_per_week: float = 0
    plan: Plan | None = None
    topics: int = 0
    hours_planned: int = 0
    lessons: int = 0
    lessons_with_topic: int = 0

    @property
    def key(self) -> tuple[int, int, int | None]:
        return (self.school_class.pk, self.subject.pk, self.subgroup.pk if self.subgroup else None)

    @property
    def status(self) -> str:
        """'none' (no topics), 'short' (fewer hours than lessons), 'over' (more) or 'ok'."""
        if not self.topics:
            return "none"
        if self.hours_planned < self.lessons:
            return "short"
        if self.hours_planned > self.lessons:
            return "over"
        return "ok"


def plan_rows_for(person: Person) -> list[PlanRow]:
    """The teacher's classes × subjects (every class for the administration) with topics,
    planned hours and the year's lessons. Four queries whatever the load."""
    if not planning_visible_to(person):
        raise NotFoundForActor
    load = TeachingAssignment.objects.select_related("school_class", "subject", "subgroup", "teacher")
    if not person.is_management:
        load = load.filter(teacher=person)
    rows: dict[tuple[int, int, int | None], PlanRow] = {}
    for assignment in load.order_by("school_class__grade", "school_class__letter", "subject__name",
                                    "subgroup__name"):
        key = (assignment.school_class_id, assignment.subject_id, assignment.subgroup_id)
        row = rows.setdefault(key, PlanRow(assignment.school_class, assignment.subject, assignment.subgroup))
        row.teachers.append(assignment.teacher)
        row.hours_per_week += float(assignment.hours_per_week)
    if not rows:
        return []
    class_ids = {key[0] for key in rows}
    subject_ids = {key[1] for key in rows}
    plans = (Plan.objects.filter(school_class_id__in=class_ids, subject_id__in=subject_ids)
             .annotate(topic_count=Count("topics"), hours=Sum("topics__hours")))
    for plan in plans:
        row = rows.get((plan.school_class_id, plan.subject_id, plan.subgroup_id))
        if row is not None:
            row.plan, row.topics, row.hours_planned = plan, plan.topic_count, plan.hours or 0
    year = current_year()
    if year is not None:
        counts = (Lesson.objects.filter(date__range=(year.starts_on, year.ends_on), status=Lesson.Status.SCHEDULED,
                                        classes__in=class_ids, subject_id__in=subject_ids)
                  .values("classes", "subject", "subgroup")
                  .annotate(total=Count("pk", distinct=True), with_topic=Count("pk", filter=~Q(topic=""),
                                                                               distinct=True)))
        for count in counts:
            row = rows.get((count["classes"], count["subject"], count["subgroup"]))
            if row is not None:
                row.lessons, row.lessons_with_topic = count["total"], count["with_topic"]
    return list(rows.values())


# ---- one plan ----------------------------------------------------------------------------


@dataclass
class PlanPage:
    """A class × subject (× group) as the plan page shows it; `plan` is None until the
    first topic is written."""

    school_class: SchoolClass
    subject: Subject
    subgroup: Subgroup | None
    plan: Plan | None
    can_edit: bool
    topics: list[PlanTopic] = field(default_factory=list)
    lessons: int = 0

    @property
    def hours_planned(self) -> int:
        return sum(topic.hours for topic in self.topics)

    @property
    def title(self) -> str:
        parts = [self.subject.name, self.school_class.name]
        if self.subgroup is not None:
            parts.append(self.subgroup.name)
        return " · ".join(parts)


def plan_page_for(person: Person, *, class_id: int, subject_id: int, group_id: int | None = None) -> PlanPage:
    """The plan of a class and subject that someone teaches, for staff; 404 otherwise."""
    if not planning_visible_to(person):
        raise NotFoundForActor
    school_class = SchoolClass.objects.filter(pk=class_id).first()
    subject = Subject.objects.filter(pk=subject_id).first()
    subgroup = None
    if group_id is not None and school_class is not None:
        subgroup = Subgroup.objects.filter(pk=group_id, school_class=school_class).first()
        if subgroup is None:
            raise NotFoundForActor
    if school_class is None or subject is None:
        raise NotFoundForActor
    plan = Plan.objects.filter(school_class=school_class, subject=subject, subgroup=subgroup).first()
    taught = TeachingAssignment.objects.filter(school_class=school_class, subject=subject, subgroup=subgroup)
    if plan is None and not taught.exists():
        raise NotFoundForActor  # nobody teaches it: there is nothing to plan
    page = PlanPage(school_class, subject, subgroup, plan,
                    can_edit=plan_can_edit(person, school_class=school_class, subject=subject, subgroup=subgroup))
    if plan is not None:
        page.topics = list(plan.topics.order_by("position"))
    page.lessons = plan_lessons(school_class=school_class, subject=subject, subgroup=subgroup).count()
    return page


def plan_lessons(*, school_class: SchoolClass, subject: Subject, subgroup: Subgroup | None) -> QuerySet[Lesson]:
    """The year's held-as-scheduled lessons a plan is spread over, in date order. A group's
    plan goes to the group's lessons; a class's plan to the whole-class lessons."""
    lessons = Lesson.objects.filter(classes=school_class, subject=subject, subgroup=subgroup,
                                    status=Lesson.Status.SCHEDULED)
    year = current_year()
    if year is not None:
        lessons = lessons.filter(date__range=(year.starts_on, year.ends_on))
    return lessons.order_by("date", "bell_number", "pk")


def topic_get_for_edit(person: Person, topic_id: int) -> PlanTopic:
    """A topic the person may change; 404 for missing and for not theirs alike."""
    topic = PlanTopic.objects.select_related("plan__school_class", "plan__subject", "plan__subgroup").filter(
        pk=topic_id).first()
    if topic is None or not plan_can_edit(person, school_class=topic.plan.school_class, subject=topic.plan.subject,
                                          subgroup=topic.plan.subgroup):
        raise NotFoundForActor
    return topic


def plan_get_for_edit(person: Person, plan_id: int) -> Plan:
    plan = Plan.objects.select_related("school_class", "subject", "subgroup").filter(pk=plan_id).first()
    if plan is None or not plan_can_edit(person, school_class=plan.school_class, subject=plan.subject,
                                         subgroup=plan.subgroup):
        raise NotFoundForActor
    return plan


# ---- the methodological library ----------------------------------------------------------


def materials_for(person: Person, *, subject_id: int | None = None, grade: int | None = None) -> list[Material]:
    """The school's library, shared by all staff; filtered by subject and grade (a
    material for no particular grade is shown for every grade)."""
    if not planning_visible_to(person):
        raise NotFoundForActor
    materials = Material.objects.select_related("subject", "created_by")
    if subject_id:
        materials = materials.filter(subject_id=subject_id)
    if grade:
        materials = materials.filter(Q(grades__contains=[grade]) | Q(grades=[]))
    return list(materials.order_by("subject__name", "-created_at", "-pk"))


def material_get_for(person: Person, material_id: int) -> Material:
    if not planning_visible_to(person):
        raise NotFoundForActor
    material = Material.objects.select_related("subject", "created_by").filter(pk=material_id).first()
    if material is None:
        raise NotFoundForActor
    return material


def material_can_delete(person: Person, material: Material) -> bool:
    return person.is_management or material.created_by_id == person.pk


# ---- description templates ---------------------------------------------------------------


def lesson_templates_for(person: Person) -> list[LessonTemplate]:
    """The teacher's own templates (the lesson page offers them)."""
    if not planning_visible_to(person):
        raise NotFoundForActor
    return list(LessonTemplate.objects.filter(owner=person).order_by("title", "pk"))


def lesson_template_get_for(person: Person, template_id: int) -> LessonTemplate:
    """Only the owner's: a colleague's template is as missing as a wrong id."""
    template = LessonTemplate.objects.filter(pk=template_id, owner=person).first()
    if template is None or not planning_visible_to(person):
        raise NotFoundForActor
    return template
