"""The school's calendar and what the timetable is built from. Lives in each school's
schema. The weekly template, dated lessons and substitutions arrive with the timetable
issue and hang on these models."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Person, SchoolClass


class AcademicYear(models.Model):
    """A school year, «2026/2027»: the frame for periods, holidays and the timetable."""

    name = models.CharField(_("name"), max_length=20, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="year_dates_order")]

    def __str__(self) -> str:
        return self.name


class ReportingPeriod(models.Model):
    """A quarter, trimester, semester or custom period for some grades (all when empty)."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("quarter")
        TRIMESTER = "trimester", _("trimester")
        SEMESTER = "semester", _("semester")
        CUSTOM = "custom", _("custom period")

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=50)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Empty: the whole school. Otherwise the grades (parallels) that use this period, so
    # grades 2–9 can work in quarters while 10–11 work in semesters.
    grades = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["year", "starts_on", "kind", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="period_dates_order"),
        ]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """Holidays and vacations (каникулы), for the whole school or some grades."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    grades = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="holiday_dates_order")]

    def __str__(self) -> str:
        return self.name


class BellSchedule(models.Model):
    """A bell schedule (расписание звонков): per shift, weekday variant or shortened day."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("bell schedule")
        verbose_name_plural = _("bell schedules")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_bells"),
        ]

    def __str__(self) -> str:
        return self.name


class Bell(models.Model):
    """One numbered lesson slot of a bell schedule, in the school's local time."""

    schedule = models.ForeignKey(BellSchedule, on_delete=models.CASCADE, related_name="bells")
    number = models.PositiveSmallIntegerField(_("lesson number"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        verbose_name = _("bell")
        verbose_name_plural = _("bells")
        ordering = ["schedule", "number"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "number"], name="bell_unique_number"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="bell_times_order"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Building(models.Model):
    """A school building (корпус)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    """A room where lessons happen (кабинет), with its capacity and type."""

    class Kind(models.TextChoices):
        CLASSROOM = "classroom", _("classroom")
        LAB = "lab", _("laboratory")
        COMPUTER = "computer", _("computer room")
        GYM = "gym", _("gym")
        HALL = "hall", _("assembly hall")
        LIBRARY = "library", _("library")
        WORKSHOP = "workshop", _("workshop")
        OTHER = "other", _("other")

    building = models.ForeignKey(Building, null=True, blank=True, on_delete=models.SET_NULL, related_name="rooms")
    name = models.CharField(_("room"), max_length=50)
    capacity = models.PositiveSmallIntegerField(_("seats"), default=30)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.CLASSROOM)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["building__name", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="room_unique_name",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    """A subject taught at the school («Математика», «Английский язык»)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subgroup(models.Model):
    """Part of a class or a group across classes: English group 1, PE boys, an elective."""

    name = models.CharField(_("name"), max_length=100)
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="subgroups",
        help_text=_("Empty for a group gathered from several classes."),
    )
    students = models.ManyToManyField(Person, blank=True, related_name="subgroups")

    class Meta:
        verbose_name = _("subgroup")
        verbose_name_plural = _("subgroups")
        ordering = ["school_class", "name"]
        constraints = [models.UniqueConstraint(fields=["school_class", "name"], name="subgroup_unique_name",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return f"{self.school_class} {self.name}" if self.school_class_id else self.name


class TeachingAssignment(models.Model):
    """Teaching load: this teacher teaches this subject to this class (or subgroup),
    so many hours a week. The timetable schedules these; the journal opens from them."""

    teacher = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="teaching_assignments")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="assignments")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="teaching_assignments")
    subgroup = models.ForeignKey(
        Subgroup, null=True, blank=True, on_delete=models.CASCADE, related_name="teaching_assignments"
    )
    hours_per_week = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1, default=1)

    class Meta:
        verbose_name = _("teaching assignment")
        verbose_name_plural = _("teaching assignments")
        ordering = ["school_class", "subject__name"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "subject", "school_class", "subgroup"],
                                    name="assignment_unique", nulls_distinct=False),
            models.CheckConstraint(condition=Q(hours_per_week__gt=0), name="assignment_hours_positive"),
        ]
        indexes = [models.Index(fields=["teacher", "school_class"], name="assignment_teacher_class_idx")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.school_class} · {self.teacher.short_name}"
