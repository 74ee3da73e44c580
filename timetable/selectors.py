"""Reads of the calendar and the timetable's building blocks."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.models import Person, SchoolClass
from tenants.choices import Role
from timetable.models import AcademicYear, Bell, BellSchedule, Building, Room, Subject, TeachingAssignment


def current_year() -> AcademicYear | None:
    """The year containing today in the school's own time zone (the request's tenant is
    activated by the caller), else the latest one."""
    today = timezone.localdate()
    return (AcademicYear.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
            or AcademicYear.objects.order_by("-starts_on").first())


def bell_schedules() -> list[BellSchedule]:
    return list(BellSchedule.objects.prefetch_related(Prefetch("bells", queryset=Bell.objects.order_by("number"))))


def rooms_by_building() -> list[tuple[Building | None, list[Room]]]:
    groups: dict[int | None, tuple[Building | None, list[Room]]] = {}
    for room in Room.objects.select_related("building").order_by("building__name", "name"):
        groups.setdefault(room.building_id, (room.building, []))[1].append(room)
    return list(groups.values())


def teachers() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True, roles__contains=[Role.TEACHER]).order_by("last_name", "first_name")


def class_load(school_class: SchoolClass) -> dict[int, TeachingAssignment]:
    """The class's whole-class assignments keyed by subject id (one query)."""
    return {a.subject_id: a for a in TeachingAssignment.objects.filter(school_class=school_class, subgroup=None)
            .select_related("teacher")}


def class_group_load(school_class: SchoolClass) -> list[TeachingAssignment]:
    """The class's assignments to its groups (one query)."""
    return list(TeachingAssignment.objects.filter(school_class=school_class, subgroup__isnull=False)
                .select_related("teacher", "subject", "subgroup").order_by("subject__name", "subgroup__name"))


def subjects() -> list[Subject]:
    return list(Subject.objects.all())
