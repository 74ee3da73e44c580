"""The class journal and the diary: scales, works, marks, attendance, period marks, their
history, homework with submissions, planning (КТП) and the methodological library.

Lives in each school's schema. The journal hangs on the dated `timetable.Lesson`; marks
belong to a `Work` (a column) that is tied to a lesson or free-standing (DESIGN.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Person, SchoolClass
from timetable.models import AcademicYear, Lesson, ReportingPeriod, Subgroup, Subject


class GradingScale(models.Model):
    """A grading scale: the values a mark may take, each with the number it counts as in
    averages. `pass_from` and `good_from` are what the reports call «успеваемость» (no
    mark below `pass_from`) and «качество» (no mark below `good_from`)."""

    class Kind(models.TextChoices):
        FIVE = "five", _("five-point (2–5)")
        FIVE_SIGNS = "five_signs", _("five-point with + and −")
        TEN = "ten", _("ten-point")
        TWELVE = "twelve", _("twelve-point")
        HUNDRED = "hundred", _("hundred-point")
        PASS_FAIL = "pass_fail", _("pass / fail")
        LETTERS = "letters", _("letters (A–F)")
        CUSTOM = "custom", _("custom")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Enumerated scales: [{"raw": "5-", "numeric": "4.75"}, ...] in display order, best first.
    # The hundred-point scale is a range (min_value..max_value, integers) and lists none.
    values = models.JSONField(_("values"), default=list, blank=True)
    min_value = models.DecimalField(_("lowest value"), max_digits=6, decimal_places=2, default=Decimal(2))
    max_value = models.DecimalField(_("highest value"), max_digits=6, decimal_places=2, default=Decimal(5))
    pass_from = models.DecimalField(_("passing from"), max_digits=6, decimal_places=2, default=Decimal(3))
    good_from = models.DecimalField(_("good from"), max_digits=6, decimal_places=2, default=Decimal(4))
    # Pass/fail marks count for attendance of the requirement, not for averages.
    counts_in_average = models.BooleanField(_("counts in averages"), default=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("grading scale")
        verbose_name_plural = _("grading scales")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_scale"),
            models.CheckConstraint(condition=Q(max_value__gt=F("min_value")), name="scale_bounds_order"),
        ]

    def __str__(self) -> str:
        return self.name


class ClassScale(models.Model):
    """The scale a class is graded on, when it is not the school's default (the school
    chooses per class: a ten-point scale in the upper grades, pass/fail in the first)."""

    school_class = models.OneToOneField(SchoolClass, on_delete=models.CASCADE, related_name="grading_scale")
    scale = models.ForeignKey(GradingScale, on_delete=models.PROTECT, related_name="class_links")

    class Meta:
        verbose_name = _("class grading scale")
        verbose_name_plural = _("class grading scales")

    def __str__(self) -> str:
        return f"{self.school_class_id} → {self.scale_id}"


class WorkType(models.Model):
    """A kind of work with its weight in the weighted average (answer in class 1, test 2)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=12, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=Decimal(1))
    is_default = models.BooleanField(_("default for a lesson"), default=False)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)

    class Meta:
        verbose_name = _("work type")
        verbose_name_plural = _("work types")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="work_type_weight_positive"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_work_type"),
        ]

    def __str__(self) -> str:
        return self.name


class AttendanceCode(models.Model):
    """A school-defined attendance code: «н» absent, «б» ill, «у» excused, «оп» late."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_absence = models.BooleanField(_("the student missed the lesson"), default=True)
    is_excused = models.BooleanField(_("excused"), default=False)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)

    class Meta:
        verbose_name = _("attendance code")
        verbose_name_plural = _("attendance codes")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class GradebookSettings(models.Model):
    """The school's journal rules (one row per schema): rounding, the reason window,
    the rating, early-warning thresholds and the assistant."""

    class Rounding(models.TextChoices):
        HALF_UP = "half_up", _("from .5 up (3.5 → 4)")
        SIX_TENTHS = "six_tenths", _("from .6 up (3.5 → 3, 3.6 → 4)")
        DOWN = "down", _("down (3.9 → 3)")

    rounding = models.CharField(_("rounding of period marks"), max_length=12, choices=Rounding.choices,
                                default=Rounding.HALF_UP)
    reason_after_days = models.PositiveSmallIntegerField(
        _("a reason is needed to change a mark older than, days"), default=7)
    rating_enabled = models.BooleanField(_("show students their place in the class"), default=False)
    warning_average_below = models.DecimalField(_("warn when a subject average falls below"), max_digits=4,
                                                decimal_places=2, default=Decimal("3.00"))
    warning_falling_marks = models.PositiveSmallIntegerField(
        _("warn when the average falls so many marks in a row"), default=3)
    warning_absences = models.PositiveSmallIntegerField(
        _("warn when unexcused absences in a period reach"), default=10)
    assistant_enabled = models.BooleanField(_("remind teachers of unfinished lessons"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("journal settings")
        verbose_name_plural = _("journal settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="gradebook_settings_single_row")]

    def __str__(self) -> str:
        return "journal settings"


class Work(models.Model):
    """A column of the journal: an answer in class tied to a lesson, or a free-standing
    work (a test) of a class in a subject on a date. Marks belong to works."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="works")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="works")
    subgroup = models.ForeignKey(Subgroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="works")
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.CASCADE, related_name="works")
    work_type = models.ForeignKey(WorkType, on_delete=models.PROTECT, related_name="works")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    is_important = models.BooleanField(_("important"), default=False)
    allows_several = models.BooleanField(_("several marks per student"), default=False)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work")
        verbose_name_plural = _("works")
        ordering = ["date", "lesson__bell_number", "pk"]
        indexes = [
            models.Index(fields=["school_class", "subject", "date"], name="work_journal_idx"),
            models.Index(fields=["lesson"], name="work_lesson_idx"),
        ]

    def __str__(self) -> str:
        return self.title or str(self.work_type)


class Mark(models.Model):
    """A student's mark for a work: its scale, raw value («5-», «зач», «87») and the number
    it counts as. `version` grows with every change, so two people editing one cell never
    silently overwrite each other (the second write names the version it saw)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="marks")
    student = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="marks")
    position = models.PositiveSmallIntegerField(default=0)  # the n-th mark of a work that allows several
    scale = models.ForeignKey(GradingScale, on_delete=models.PROTECT, related_name="marks")
    raw = models.CharField(_("mark"), max_length=10)
    numeric = models.DecimalField(_("value"), max_digits=6, decimal_places=2, null=True, blank=True)
    excluded = models.BooleanField(_("not counted in the average"), default=False)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        ordering = ["work", "student", "position"]
        constraints = [
            models.UniqueConstraint(fields=["work", "student", "position"], name="mark_one_per_cell"),
        ]
        indexes = [
            models.Index(fields=["student", "created_at"], name="mark_student_created_idx"),
        ]

    def __str__(self) -> str:
        return self.raw


class Attendance(models.Model):
    """A student's attendance at one dated lesson (no row: present)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attendance")
    student = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attendance")
    code = models.ForeignKey(AttendanceCode, on_delete=models.PROTECT, related_name="+")
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["lesson", "student"], name="attendance_one_per_lesson")]
        indexes = [models.Index(fields=["student", "lesson"], name="attendance_student_idx")]

    def __str__(self) -> str:
        return f"{self.student_id}@{self.lesson_id}: {self.code_id}"


class PeriodMark(models.Model):
    """A student's result in a subject for a period, the year or an exam. The average and
    the proposal are a cache kept in step with the marks (same transaction); `raw` is what
    the teacher confirmed or chose, blank until then."""

    class Kind(models.TextChoices):
        PERIOD = "period", pgettext_lazy("mark kind", "period")
        ANNUAL = "annual", pgettext_lazy("mark kind", "annual")
        EXAM = "exam", pgettext_lazy("mark kind", "exam")
        FINAL = "final", pgettext_lazy("mark kind", "final")

    student = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="period_marks")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="period_marks")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="period_marks")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PERIOD)
    period = models.ForeignKey(ReportingPeriod, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="period_marks")
    # The school year of an annual, exam or final mark (a period mark's is its period's), so
    # a student has one annual mark per subject per year, not one for ever.
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="+")
    # The cache: weighted sum and total weight of the counted marks, the average, the proposal.
    weighted_sum = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))
    weight_total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))
    average = models.DecimalField(_("average"), max_digits=6, decimal_places=2, null=True, blank=True)
    proposed = models.CharField(_("proposed"), max_length=10, blank=True)
    # What the teacher set.
    scale = models.ForeignKey(GradingScale, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    raw = models.CharField(_("mark"), max_length=10, blank=True)
    numeric = models.DecimalField(_("value"), max_digits=6, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("period mark")
        verbose_name_plural = _("period marks")
        constraints = [
            models.UniqueConstraint(fields=["student", "subject", "kind", "period", "year"],
                                    name="period_mark_unique", nulls_distinct=False),
            models.CheckConstraint(condition=Q(kind="period", period__isnull=False) | ~Q(kind="period"),
                                   name="period_mark_has_period"),
        ]
        indexes = [models.Index(fields=["school_class", "subject", "period"], name="period_mark_journal_idx")]

    def __str__(self) -> str:
        return self.raw or self.proposed


class JournalChange(models.Model):
    """One change of a mark, attendance entry or period mark: who, when, before, after,
    why. Rows are only ever inserted: a database trigger refuses UPDATE and DELETE, so
    nobody — not the administration, not a bug — can rewrite the history."""

    class Kind(models.TextChoices):
        MARK = "mark", _("mark")
        ATTENDANCE = "attendance", _("attendance")
        PERIOD_MARK = "period_mark", _("period mark")

    class Action(models.TextChoices):
        CREATE = "create", _("set")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("removed")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    action = models.CharField(max_length=8, choices=Action.choices)
    object_id = models.PositiveBigIntegerField()
    # Plain ids, no database constraint: history outlives what it describes (a deleted mark).
    student = models.ForeignKey(Person, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+")
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(Person, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journal change")
        verbose_name_plural = _("journal changes")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "object_id"], name="change_object_idx"),
            models.Index(fields=["student", "at"], name="change_student_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.action}"


class LessonTemplate(models.Model):
    """A teacher's reusable lesson description («Работа над ошибками…»)."""

    owner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="lesson_templates")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("description template")
        verbose_name_plural = _("description templates")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


def _school_file_path(folder: str, filename: str) -> str:
    """Each school's files in its own folder; the stored name is ours, not the uploader's."""
    from uuid import uuid4

    from django.db import connection

    extension = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"{connection.schema_name}/{folder}/{uuid4().hex}.{extension}"


def homework_file_path(instance: models.Model, filename: str) -> str:
    return _school_file_path("homework", filename)


def submission_file_path(instance: models.Model, filename: str) -> str:
    return _school_file_path("submissions", filename)


def material_file_path(instance: models.Model, filename: str) -> str:
    return _school_file_path("materials", filename)


class Homework(models.Model):
    """Homework given at a lesson (or on its own) to a class, a subgroup or chosen students,
    due by a lesson or a date. Each student's progress is a `HomeworkStudent` row."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="homework")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="homework")
    subgroup = models.ForeignKey(Subgroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="homework")
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="homework",
                               help_text=_("The lesson it was given at."))
    due_lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="homework_due")
    due_date = models.DateField(_("due"))
    text = models.TextField(_("task"))
    links = ArrayField(models.URLField(max_length=500), default=list, blank=True)
    video_url = models.URLField(_("video lesson"), max_length=500, blank=True)
    online_url = models.URLField(_("online lesson"), max_length=500, blank=True)
    needs_submission = models.BooleanField(_("students hand in their work"), default=False)
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="homework",
                             help_text=_("The journal column its marks go to."))
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("homework")
        verbose_name_plural = _("homework")
        ordering = ["-due_date", "-pk"]
        indexes = [
            models.Index(fields=["school_class", "due_date"], name="homework_class_due_idx"),
            models.Index(fields=["lesson"], name="homework_lesson_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class HomeworkFile(models.Model):
    """A file the teacher attached to homework."""

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=homework_file_path)
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name


class HomeworkStudent(models.Model):
    """One student's homework and where it stands."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", pgettext_lazy("homework", "assigned")
        SEEN = "seen", pgettext_lazy("homework", "seen")
        SUBMITTED = "submitted", pgettext_lazy("homework", "submitted")
        RETURNED = "returned", pgettext_lazy("homework", "returned for rework")
        ACCEPTED = "accepted", pgettext_lazy("homework", "accepted")

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="students")
    student = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="homework_items")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    mark = models.ForeignKey(Mark, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    seen_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("student's homework")
        verbose_name_plural = _("students' homework")
        constraints = [models.UniqueConstraint(fields=["homework", "student"], name="homework_student_unique")]
        indexes = [models.Index(fields=["student", "status"], name="homework_student_status_idx")]

    def __str__(self) -> str:
        return f"{self.homework_id}/{self.student_id}: {self.status}"


class Submission(models.Model):
    """What a student handed in for homework: text and files. Every hand-in is kept."""

    item = models.ForeignKey(HomeworkStudent, on_delete=models.CASCADE, related_name="submissions")
    text = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"submission {self.pk}"


class SubmissionFile(models.Model):
    """A file a student handed in."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=submission_file_path)
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name


class HomeworkEvent(models.Model):
    """The action log of one student's homework: assigned, seen, submitted, returned, accepted."""

    item = models.ForeignKey(HomeworkStudent, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=HomeworkStudent.Status.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("homework event")
        verbose_name_plural = _("homework events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.status}"


class Plan(models.Model):
    """A thematic plan (КТП) of a subject for a class: topics in order with their hours."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="plans")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="plans")
    subgroup = models.ForeignKey(Subgroup, null=True, blank=True, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thematic plan")
        verbose_name_plural = _("thematic plans")
        ordering = ["school_class", "subject__name"]
        constraints = [models.UniqueConstraint(fields=["subject", "school_class", "subgroup"], name="plan_unique",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return self.name


class PlanTopic(models.Model):
    """One topic of a plan, taking `hours` lessons."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveSmallIntegerField(_("number"))
    section = models.CharField(_("section"), max_length=300, blank=True)
    title = models.CharField(_("topic"), max_length=500)
    hours = models.PositiveSmallIntegerField(_("hours"), default=1)
    homework = models.CharField(_("homework"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("plan topic")
        verbose_name_plural = _("plan topics")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_topic_unique_position"),
            models.CheckConstraint(condition=Q(hours__gte=1), name="plan_topic_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Material(models.Model):
    """The school's methodological library: a file or a link for a subject, shared between teachers."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="materials")
    grades = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(upload_to=material_file_path, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["subject__name", "-created_at"]

    def __str__(self) -> str:
        return self.title


class DiaryVisit(models.Model):
    """When a parent (or student) last opened a child's diary: the school sees who has
    seen the new marks (read tracking)."""

    viewer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="diary_visits")
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("diary visit")
        verbose_name_plural = _("diary visits")
        constraints = [models.UniqueConstraint(fields=["viewer", "student"], name="diary_visit_unique")]

    def __str__(self) -> str:
        return f"{self.viewer_id} saw {self.student_id}"


class EarlyWarning(models.Model):
    """An alert raised once about a student: a low or falling average in a subject, or too
    many unexcused absences in a period. The class teacher and the parents are told."""

    class Kind(models.TextChoices):
        LOW_AVERAGE = "low_average", _("low average")
        FALLING = "falling", _("falling average")
        ABSENCES = "absences", _("absences")

    student = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="early_warnings")
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.DecimalField(max_digits=8, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["student", "subject", "period", "kind"],
                                               name="early_warning_once", nulls_distinct=False)]

    def __str__(self) -> str:
        return f"{self.kind} {self.student_id}"
