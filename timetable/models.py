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


class BellScheduleUse(models.Model):
    """Which bell schedule a timetable version uses on some weekdays or for some grades:
    Monday's schedule with «Разговоры о важном», the second shift's schedule for grades 2–4.
    The most specific match wins; otherwise the version's own schedule."""

    version = models.ForeignKey("TimetableVersion", on_delete=models.CASCADE, related_name="bell_uses")
    bell_schedule = models.ForeignKey(BellSchedule, on_delete=models.PROTECT, related_name="uses")
    weekdays = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)  # ISO; empty: every day
    grades = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)  # empty: every grade

    class Meta:
        verbose_name = _("bell schedule use")
        verbose_name_plural = _("bell schedule uses")
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return f"{self.version_id}: {self.bell_schedule_id}"


class ShortDay(models.Model):
    """A shortened day (сокращённый день): on this date lessons follow another bell
    schedule — before a holiday, on a frosty day — for the whole school or some grades."""

    date = models.DateField(_("date"))
    bell_schedule = models.ForeignKey(BellSchedule, on_delete=models.PROTECT, related_name="short_days")
    grades = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("short day")
        verbose_name_plural = _("short days")
        ordering = ["date"]
        indexes = [models.Index(fields=["date"], name="short_day_date_idx")]

    def __str__(self) -> str:
        return f"{self.date}"


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


class WeekType(models.TextChoices):
    """Which weeks an entry runs in: every week, or alternating A/B weeks (дробное расписание)."""

    EVERY = "every", _("every week")
    A = "a", _("week A")
    B = "b", _("week B")


class TimetableVersion(models.Model):
    """A weekly timetable valid from one date to another; a mid-year change is a new version,
    so the lessons already held keep pointing at the one they came from."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="timetable_versions")
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    bell_schedule = models.ForeignKey(BellSchedule, on_delete=models.PROTECT, related_name="timetable_versions")
    # The Monday of any A week; weeks alternate from it. Null: no A/B weeks in this version.
    week_a_monday = models.DateField(_("a Monday of week A"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("timetable version")
        verbose_name_plural = _("timetable versions")
        ordering = ["-valid_from"]
        constraints = [models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="version_dates_order")]

    def __str__(self) -> str:
        return self.name

    def week_type_of(self, day) -> str:
        """WeekType.A or B for the week containing `day` (EVERY when there are no A/B weeks)."""
        if self.week_a_monday is None:
            return WeekType.EVERY
        weeks = (day - self.week_a_monday).days // 7
        return WeekType.A if weeks % 2 == 0 else WeekType.B


class TemplateEntry(models.Model):
    """One slot of the weekly template: on this weekday and lesson number, this subject, by
    these teachers, in this room, for this audience — a whole class, a subgroup, or several
    classes together (a stream). Shaped like a solver's activity (FET, aSc) for imports."""

    version = models.ForeignKey(TimetableVersion, on_delete=models.CASCADE, related_name="entries")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # ISO: 1 = Monday … 7 = Sunday
    bell_number = models.PositiveSmallIntegerField(_("lesson number"))
    duration = models.PositiveSmallIntegerField(_("lessons in a row"), default=1)
    week_type = models.CharField(_("weeks"), max_length=5, choices=WeekType.choices, default=WeekType.EVERY)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="template_entries")
    teachers = models.ManyToManyField(Person, related_name="template_entries", blank=True)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="template_entries")
    classes = models.ManyToManyField(SchoolClass, related_name="template_entries")
    subgroup = models.ForeignKey(Subgroup, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="template_entries")
    assignment = models.ForeignKey(TeachingAssignment, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="template_entries")

    class Meta:
        verbose_name = _("timetable entry")
        verbose_name_plural = _("timetable entries")
        ordering = ["version", "weekday", "bell_number"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="entry_weekday_range"),
            models.CheckConstraint(condition=Q(duration__gte=1), name="entry_duration_positive"),
        ]
        indexes = [models.Index(fields=["version", "weekday", "bell_number"], name="entry_slot_idx")]

    def __str__(self) -> str:
        return f"{self.weekday}/{self.bell_number} {self.subject}"


class Lesson(models.Model):
    """A concrete dated lesson — what the journal hangs on. Generated from the template,
    then owned by the school: template edits never delete a lesson that holds data."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    date = models.DateField(_("date"), db_index=True)
    bell_number = models.PositiveSmallIntegerField(_("lesson number"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="lessons")
    teachers = models.ManyToManyField(Person, related_name="lessons", blank=True)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons")
    classes = models.ManyToManyField(SchoolClass, related_name="lessons")
    subgroup = models.ForeignKey(Subgroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons")
    entry = models.ForeignKey(TemplateEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    is_extra = models.BooleanField(_("extra lesson"), default=False)
    # The journal's own fields arrive with the gradebook; the topic is the timetable's
    # first sign that a lesson holds data that regeneration must keep.
    topic = models.CharField(_("topic"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)  # last substitution: highlighted for a week

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["starts_at", "bell_number"]
        indexes = [
            models.Index(fields=["date", "bell_number"], name="lesson_slot_idx"),
            models.Index(fields=["entry", "date"], name="lesson_entry_date_idx"),
        ]
        constraints = [
            # Generation is idempotent: one lesson per template slot per date.
            models.UniqueConstraint(fields=["entry", "date", "bell_number"], condition=Q(entry__isnull=False),
                                    name="lesson_one_per_entry_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.bell_number} {self.subject}"


class Substitution(models.Model):
    """A change to one dated lesson (замена), with its reason and what it replaced; the
    lesson itself carries the new state, this row the history."""

    class Kind(models.TextChoices):
        CANCEL = "cancel", _("cancelled")
        MOVE = "move", _("moved")
        TEACHER = "teacher", _("teacher replaced")
        ROOM = "room", _("room replaced")
        EXTRA = "extra", _("extra lesson")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="substitutions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    absence = models.ForeignKey("TeacherAbsence", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="substitutions")
    substitute = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="covers")
    before = models.JSONField(default=dict)  # {"date", "bell_number", "room", "teachers"} as they were
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["substitute", "created_at"], name="substitution_substitute_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.lesson_id}"


class TeacherAbsence(models.Model):
    """A teacher away for a day or a range (illness, course, trip)."""

    teacher = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("teacher absence")
        verbose_name_plural = _("teacher absences")
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="absence_dates_order")]

    def __str__(self) -> str:
        return f"{self.teacher_id} {self.starts_on}–{self.ends_on}"


class CalendarFeed(models.Model):
    """A person's iCalendar feed at a secret, revocable URL. A student's feed stays off
    until a parent turns it on."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    is_enabled = models.BooleanField(default=False)
    enabled_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"feed of {self.person_id}"
