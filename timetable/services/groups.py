"""Groups gathered from several classes (an elective, a profile group, a club): a Subgroup
without a class, whose members come from any class. The template editor offers them as an
audience; the conflict checks see their members as students in two places at once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Enrollment, Person
from core.rules import can
from timetable.models import Lesson, Subgroup, TemplateEntry, TimetableVersion
from timetable.services.template import template_check


def _require(actor: Person | None) -> None:
    if actor is not None and not can(actor, "school.manage"):
        raise PermissionDenied("school.manage")


@transaction.atomic
def elective_group_set(*, actor: Person | None, name: str, students: list[Person],
                       group: Subgroup | None = None) -> Subgroup:
    """Create or change a group across classes. Members must be students of the school.
    When the group already has lessons in a timetable, a member who would then be in two
    lessons at once makes the change refused (TemplateConflictError), nothing saved."""
    _require(actor)
    name = name.strip()
    if not name:
        raise ValidationError(_("Name the group."), code="group_name")
    if group is not None and group.school_class_id is not None:
        raise ValidationError(_("This group belongs to a class."), code="group_class")
    taken = Subgroup.objects.filter(school_class__isnull=True, name__iexact=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ValidationError(_("A group across classes is already called «%(name)s».") % {"name": name},
                              code="group_name_taken")
    ids = {s.pk for s in students}
    enrolled = set(Enrollment.objects.filter(student_id__in=ids).values_list("student_id", flat=True))
    if ids - enrolled:
        raise ValidationError(_("Only students of the school's classes can be members."), code="group_students")
    if group is None:
        group = Subgroup.objects.create(name=name, school_class=None)
    else:
        group.name = name
        group.save(update_fields=["name"])
    group.students.set(sorted(ids))
    # Its lessons in every timetable version must still be free of clashes for its members.
    entries = TemplateEntry.objects.filter(subgroup=group)
    for version in TimetableVersion.objects.filter(pk__in=entries.values("version_id")):
        template_check(version, set(entries.filter(version=version).values_list("pk", flat=True)))
    return group


@transaction.atomic
def elective_group_delete(*, actor: Person | None, group: Subgroup) -> None:
    """Remove a group that no timetable, lesson or teaching load refers to (removing it
    would silently remove those too)."""
    _require(actor)
    if group.school_class_id is not None:
        raise ValidationError(_("This group belongs to a class."), code="group_class")
    if TemplateEntry.objects.filter(subgroup=group).exists() or Lesson.objects.filter(subgroup=group).exists() \
            or group.teaching_assignments.exists():
        raise ValidationError(_("The group has lessons: remove them from the timetable first."),
                              code="group_in_use")
    group.delete()
