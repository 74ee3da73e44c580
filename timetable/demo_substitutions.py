"""A substitution in the demo schools this week: one teacher of 5А is ill on the first
school day from today, and the administration has applied the suggested substitutes, so
the demo student and parent see a highlighted change and a notification."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import Person, SchoolClass
from timetable.models import Lesson, TeacherAbsence
from timetable.selectors_substitutions import absence_lessons
from timetable.services.substitutions import absence_substitutions_apply, teacher_absence_record

DEMO_CLASS = (5, "А")


def demo_substitution_seed(school, number: int) -> None:
    """Does nothing when the school has no lessons from today on (the demo timetable comes
    first) or when the demo's absence is already there (idempotent)."""
    with schema_context(school.schema_name), transaction.atomic():
        today = timezone.localdate(timezone=ZoneInfo(school.timezone))
        school_class = SchoolClass.objects.filter(grade=DEMO_CLASS[0], letter=DEMO_CLASS[1]).first()
        if school_class is None:
            return
        lessons = Lesson.objects.filter(classes=school_class, date__gte=today, status=Lesson.Status.SCHEDULED,
                                        subgroup=None)
        day = lessons.order_by("date").values_list("date", flat=True).first()
        if day is None:
            return
        # Once: the demo's absence is the system's (no author) and covers that day.
        if TeacherAbsence.objects.filter(created_by=None, starts_on__lte=day, ends_on__gte=day).exists():
            return
        # Not a demo persona: their own pages stay as a visitor expects them.
        teacher = (Person.objects.filter(lessons__in=lessons.filter(date=day), account__isnull=True)
                   .exclude(pk=school_class.class_teacher_id).order_by("lessons__bell_number", "pk").first())
        if teacher is None:
            return
        absence = teacher_absence_record(actor=None, teacher=teacher, starts_on=day, ends_on=day, reason="Болезнь")
        choices = {}
        for row in absence_lessons(absence):
            best = row.suggestions or row.others
            choices[row.lesson.pk] = best[0].person if best else None
        if choices:
            absence_substitutions_apply(actor=None, absence=absence, choices=choices)
