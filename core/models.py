from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.choices import MANAGEMENT_ROLES, STAFF_ROLES, Role


class Person(models.Model):
    """Someone in this school — staff, student or parent — linked to their account."""

    # No database-level foreign key: the account lives in the public schema and schools
    # may be spread over several clusters later (DESIGN.md).
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    roles = ArrayField(models.CharField(max_length=20, choices=Role.choices), default=list)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "middle_name"]
        indexes = [
            models.Index(fields=["account"], name="person_account_idx"),
            GinIndex(fields=["roles"], name="person_roles_gin"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(account__isnull=False), name="person_one_per_account"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        initials = "".join(f"{p[0]}. " for p in (self.first_name, self.middle_name) if p).strip()
        return f"{self.last_name} {initials}".strip()

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_management(self) -> bool:
        return any(r in MANAGEMENT_ROLES for r in self.roles)

    @property
    def is_staff_member(self) -> bool:
        return any(r in STAFF_ROLES for r in self.roles)

    @cached_property
    def children_ids(self) -> frozenset[int]:
        return frozenset(Guardianship.objects.filter(parent=self).values_list("child_id", flat=True))

    @cached_property
    def class_ids(self) -> frozenset[int]:
        """Classes this person studies in."""
        return frozenset(Enrollment.objects.filter(student=self).values_list("school_class_id", flat=True))

    @cached_property
    def homeroom_class_ids(self) -> frozenset[int]:
        """Classes this person leads as class teacher (классный руководитель)."""
        return frozenset(SchoolClass.objects.filter(class_teacher=self).values_list("id", flat=True))


class SchoolClass(models.Model):
    """A class of students, «5А»: grade number and letter, with its class teacher."""

    grade = models.PositiveSmallIntegerField(_("grade"))
    letter = models.CharField(_("letter"), max_length=4, blank=True)
    class_teacher = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="homeroom_classes",
        verbose_name=_("class teacher"),
    )
    students = models.ManyToManyField(Person, through="Enrollment", related_name="classes")

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["grade", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "letter"], name="schoolclass_unique_name"),
            models.CheckConstraint(condition=Q(grade__gte=0, grade__lte=12), name="schoolclass_grade_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


class Enrollment(models.Model):
    """A student in a class. One current class per student."""

    student = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrollments")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="enrollments")
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [models.UniqueConstraint(fields=["student"], name="enrollment_one_class_per_student")]

    def __str__(self) -> str:
        return f"{self.student_id} → {self.school_class_id}"


class Guardianship(models.Model):
    """A parent (or legal guardian) of a student in this school."""

    class Kind(models.TextChoices):
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        GUARDIAN = "guardian", _("guardian")

    parent = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardianships")
    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardians")
    kind = models.CharField(_("relation"), max_length=10, choices=Kind.choices, default=Kind.GUARDIAN)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="guardianship_unique"),
            models.CheckConstraint(condition=~Q(parent=models.F("child")), name="guardianship_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} → {self.child_id}"
