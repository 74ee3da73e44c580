from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A person's roles inside one school. A class teacher is a teacher linked to a class."""

    ADMIN = "admin", _("administrator")
    DIRECTOR = "director", _("director")
    DEPUTY = "deputy", _("deputy director")
    TEACHER = "teacher", _("teacher")
    STUDENT = "student", _("student")
    PARENT = "parent", _("parent")


STAFF_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.TEACHER})
MANAGEMENT_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR, Role.DEPUTY})
