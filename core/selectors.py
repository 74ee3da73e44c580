"""Reads of a school's people and classes, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from core.errors import NotFoundForActor
from core.models import Enrollment, Person, SchoolClass
from core.rules import can
from tenants.choices import Role


def person_for_account(account_id: int) -> Person | None:
    return Person.objects.filter(account_id=account_id, is_active=True).first()


def classes_with_counts() -> QuerySet[SchoolClass]:
    return SchoolClass.objects.select_related("class_teacher").annotate(student_count=Count("enrollments"))


def classes_visible_to(person: Person) -> QuerySet[SchoolClass]:
    qs = classes_with_counts()
    if person.is_staff_member:
        return qs
    ids = set(person.class_ids)
    if person.children_ids:
        ids |= set(
            Enrollment.objects.filter(student_id__in=person.children_ids).values_list("school_class_id", flat=True)
        )
    return qs.filter(pk__in=ids)


def school_class_get_for(person: Person, class_id: int) -> SchoolClass:
    """One class, or the same 404 whether it is missing or not the actor's to see."""
    school_class = classes_with_counts().filter(pk=class_id).first()
    if school_class is None or not can(person, "class.view", school_class):
        raise NotFoundForActor
    return school_class


def class_roster(person: Person, school_class: SchoolClass) -> list[Person]:
    if not can(person, "class.view_roster", school_class):
        return []
    return list(Person.objects.filter(enrollments__school_class=school_class).order_by("last_name", "first_name"))


def children_of(parent: Person) -> list[Person]:
    return list(
        Person.objects.filter(guardians__parent=parent)
        .prefetch_related(Prefetch("enrollments", queryset=Enrollment.objects.select_related("school_class")))
        .order_by("last_name", "first_name")
    )


def guardians_of(student: Person) -> list[Person]:
    return list(Person.objects.filter(guardianships__child=student).order_by("last_name"))


def school_counts() -> dict[str, int]:
    """Headcounts for the administration's home page, in one query."""
    from django.db.models import Q

    return Person.objects.filter(is_active=True).aggregate(
        staff=Count("pk", filter=Q(roles__overlap=[Role.ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.TEACHER])),
        students=Count("pk", filter=Q(roles__contains=[Role.STUDENT])),
        parents=Count("pk", filter=Q(roles__contains=[Role.PARENT])),
        with_account=Count("pk", filter=Q(account__isnull=False)),
    )


def staff_directory() -> QuerySet[Person]:
    return Person.objects.filter(
        is_active=True, roles__overlap=[Role.ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.TEACHER]
    ).order_by("last_name", "first_name")

