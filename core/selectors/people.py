"""Reads of a school's people and classes, scoped to what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from core.choices import PeopleGroup
from core.errors import NotFoundForActor
from core.models import Enrollment, Guardianship, Person, SchoolClass
from core.rules import can
from tenants.choices import Role


def person_for_account(account_id: int) -> Person | None:
    return Person.objects.filter(account_id=account_id, is_active=True).first()


def classes_with_counts() -> QuerySet[SchoolClass]:
    # Ordered explicitly: Django drops Meta.ordering from a query with GROUP BY (the count).
    return (SchoolClass.objects.select_related("class_teacher").annotate(student_count=Count("enrollments"))
            .order_by("grade", "letter"))


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



# ---------------------------------------------------------------- people management


@dataclass(frozen=True)
class PeopleFilter:
    """What the people list shows: a group, a class, a search, current people or leavers."""

    group: str = ""
    class_id: int | None = None
    q: str = ""
    archived: bool = False


_STAFF = [Role.ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.TEACHER]


def people_filtered(f: PeopleFilter) -> QuerySet[Person]:
    """The people matching a filter, ordered as a school lists them; no prefetching."""
    qs = Person.objects.filter(is_active=not f.archived)
    if f.group == PeopleGroup.STAFF:
        qs = qs.filter(roles__overlap=_STAFF)
    elif f.group == PeopleGroup.STUDENTS:
        qs = qs.filter(roles__contains=[Role.STUDENT])
    elif f.group == PeopleGroup.PARENTS:
        qs = qs.filter(roles__contains=[Role.PARENT])
    if f.class_id:
        in_class = Q(enrollments__school_class_id=f.class_id)
        parent_of_class = Q(
            pk__in=Guardianship.objects.filter(child__enrollments__school_class_id=f.class_id).values("parent_id")
        )
        if f.group == PeopleGroup.STUDENTS:
            qs = qs.filter(in_class)
        elif f.group == PeopleGroup.PARENTS:
            qs = qs.filter(parent_of_class)
        else:
            qs = qs.filter(in_class | parent_of_class | Q(homeroom_classes__pk=f.class_id))
    for word in f.q.split()[:5]:
        qs = qs.filter(
            Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(middle_name__icontains=word)
            | Q(email__icontains=word) | Q(phone__icontains=word) | Q(external_id__iexact=word)
        )
    return qs.distinct().order_by("last_name", "first_name", "middle_name", "pk")


def people_prefetched(qs: QuerySet[Person]) -> QuerySet[Person]:
    """What a row of the people list shows: the class, the children with their classes, the
    parents — in a fixed number of queries however long the page."""
    enrollments = Enrollment.objects.select_related("school_class")
    return qs.prefetch_related(
        Prefetch("enrollments", queryset=enrollments),
        Prefetch(
            "guardianships",
            queryset=Guardianship.objects.select_related("child").prefetch_related(
                Prefetch("child__enrollments", queryset=enrollments)
            ).order_by("child__last_name", "child__first_name"),
        ),
        Prefetch("guardians", queryset=Guardianship.objects.select_related("parent").order_by("parent__last_name")),
    )


def person_get_for(actor: Person, person_id: int) -> Person:
    """A person of this school for someone who manages people; the same 404 otherwise."""
    if not can(actor, "people.manage"):
        raise NotFoundForActor
    person = people_prefetched(Person.objects.filter(pk=person_id)).first()
    if person is None:
        raise NotFoundForActor
    return person


def class_choices() -> list[tuple[int, str]]:
    return [(c.pk, c.name) for c in SchoolClass.objects.order_by("grade", "letter")]


def student_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Current students grouped by class for a select, in one query."""
    rows = (
        Person.objects.filter(roles__contains=[Role.STUDENT], is_active=True)
        .annotate(
            class_grade=F("enrollments__school_class__grade"), class_letter=F("enrollments__school_class__letter")
        )
        .order_by("class_grade", "class_letter", "last_name", "first_name")
        .values_list("pk", "last_name", "first_name", "middle_name", "birth_date", "class_grade", "class_letter")
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, last, first, middle, born, grade, letter in rows:
        group = f"{grade}{letter}" if grade is not None else "—"
        label = " ".join(p for p in (last, first, middle) if p)
        if born:
            label += f", {born:%d.%m.%Y}"
        groups.setdefault(group, []).append((pk, label))
    return list(groups.items())


def class_get_for_admin(actor: Person, class_id: int, action: str = "invitation.issue") -> SchoolClass:
    if not can(actor, action):
        raise NotFoundForActor
    school_class = classes_with_counts().filter(pk=class_id).first()
    if school_class is None:
        raise NotFoundForActor
    return school_class


def class_invitation_people(school_class: SchoolClass, *, students: bool, parents: bool) -> list[Person]:
    """A class's people still without an account, family by family: each student, then their
    parents (a parent with two children here comes once) — the order cards are handed out in."""
    kids = list(
        Person.objects.filter(enrollments__school_class=school_class, is_active=True)
        .prefetch_related(
            Prefetch(
                "guardians",
                queryset=Guardianship.objects.select_related("parent").filter(parent__is_active=True).order_by(
                    "parent__last_name", "parent__first_name"
                ),
            )
        )
        .order_by("last_name", "first_name", "middle_name")
    )
    result: list[Person] = []
    seen: set[int] = set()
    for kid in kids:
        family = [kid] if students else []
        if parents:
            family += [g.parent for g in kid.guardians.all()]
        for person in family:
            if person.pk not in seen and person.account_id is None:
                seen.add(person.pk)
                result.append(person)
    return result


def staff_without_account() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True, account__isnull=True, roles__overlap=_STAFF).order_by(
        "last_name", "first_name"
    )


def invitation_overview() -> list[SchoolClass]:
    """Every class with how many of its students and parents are connected, in one query."""
    parent_links = Guardianship.objects.filter(child__enrollments__school_class=OuterRef("pk"))
    return list(
        SchoolClass.objects.select_related("class_teacher")
        .annotate(
            student_count=Count("enrollments", filter=Q(enrollments__student__is_active=True), distinct=True),
            students_connected=Count(
                "enrollments",
                filter=Q(enrollments__student__is_active=True, enrollments__student__account__isnull=False),
                distinct=True,
            ),
            parent_count=Subquery(
                parent_links.filter(parent__is_active=True).values("child__enrollments__school_class")
                .annotate(n=Count("parent", distinct=True)).values("n")[:1]
            ),
            parents_connected=Subquery(
                parent_links.filter(parent__is_active=True, parent__account__isnull=False)
                .values("child__enrollments__school_class").annotate(n=Count("parent", distinct=True)).values("n")[:1]
            ),
        )
        .order_by("grade", "letter")
    )
