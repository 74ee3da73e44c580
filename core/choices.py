"""The school's vocabulary shared by models, forms, imports and pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.choices import STAFF_ROLES, Role


class PeopleGroup(models.TextChoices):
    """The three groups a school keeps lists of: staff, students and parents."""

    STAFF = "staff", _("staff")
    STUDENTS = "students", _("students")
    PARENTS = "parents", _("parents")


GROUP_ROLES: dict[str, frozenset[str]] = {
    PeopleGroup.STAFF: frozenset(STAFF_ROLES),
    PeopleGroup.STUDENTS: frozenset({Role.STUDENT}),
    PeopleGroup.PARENTS: frozenset({Role.PARENT}),
}

# Staff roles in the order a list shows them (and the one an invitation is issued for).
STAFF_ROLE_ORDER = [Role.ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.TEACHER]


def primary_role(roles: list[str]) -> str | None:
    """The role a person is invited as: student, else the highest staff role, else parent."""
    if Role.STUDENT in roles:
        return Role.STUDENT
    for role in STAFF_ROLE_ORDER:
        if role in roles:
            return role
    if Role.PARENT in roles:
        return Role.PARENT
    return None
