from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import PeopleGroup
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
            # The id in the school's own register; imports match on it, so it must point at one person.
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="person_external_id_unique"
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
    # Null: the school's week (SchoolSettings.week_days); 5 or 6 for a class that differs.
    week_days = models.PositiveSmallIntegerField(_("school week"), null=True, blank=True,
                                                 choices=[(5, _("5 days")), (6, _("6 days"))])
    in_pilot = models.BooleanField(_("in the pilot"), default=True,
                                   help_text=_("Used only when the school rolls Parta out to some classes first."))

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


class PeopleImport(models.Model):
    """A file of staff, students or parents: checked and reported first, written only on confirmation."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("checked, waiting for confirmation")
        REJECTED = "rejected", _("has errors, nothing written")
        APPLIED = "applied", _("written")

    kind = models.CharField(_("what is imported"), max_length=10, choices=PeopleGroup.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    file_name = models.CharField(_("file"), max_length=255)
    # The uploaded bytes are kept only until the import is written (personal data: keep no more
    # than needed), so the confirmation re-reads exactly the file the administrator checked.
    content = models.BinaryField(editable=False, default=bytes)
    content_sha256 = models.CharField(max_length=64)
    report = models.JSONField(default=dict, editable=False)
    summary = models.JSONField(default=dict, editable=False)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("people import")
        verbose_name_plural = _("people imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"


def _logo_path(instance: SchoolSettings, filename: str) -> str:
    """Each school's files in its own folder; the name is ours, not the uploader's."""
    from uuid import uuid4

    from django.db import connection

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"{connection.schema_name}/logo/{uuid4().hex}.{extension}"


class SchoolSettings(models.Model):
    """The school's own settings and the setup wizard's progress (one row per schema)."""

    class Grading(models.TextChoices):
        FIVE = "five", _("five-point (2–5)")
        FIVE_SIGNS = "five_signs", _("five-point with + and −")
        TEN = "ten", _("ten-point")
        TWELVE = "twelve", _("twelve-point")
        HUNDRED = "hundred", _("hundred-point")
        PASS_FAIL = "pass_fail", _("pass / fail")

    class Module(models.TextChoices):
        JOURNAL = "journal", _("journal and diary")
        HOMEWORK = "homework", _("homework")
        TIMETABLE = "timetable", _("timetable")
        REPORTS = "reports", _("reports")
        COMMUNITY = "community", _("school community")

    logo = models.ImageField(_("logo"), upload_to=_logo_path, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=400, blank=True)
    grading = models.CharField(_("grading system"), max_length=12, choices=Grading.choices, default=Grading.FIVE)
    week_days = models.PositiveSmallIntegerField(_("school week"), choices=[(5, _("5 days")), (6, _("6 days"))],
                                                 default=5)
    modules = ArrayField(models.CharField(max_length=12, choices=Module.choices), default=list, blank=True)
    # A pilot roll-out: only the classes marked `in_pilot` use Parta at first.
    pilot_only = models.BooleanField(_("pilot: only some classes"), default=False)
    setup_done = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    setup_completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("school settings")
        verbose_name_plural = _("school settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="school_settings_single_row")]

    def __str__(self) -> str:
        return "school settings"

    @property
    def modules_on(self) -> list[str]:
        return self.modules or list(self.Module.values)
