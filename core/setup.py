"""The school setup wizard: eight steps in the recommended order, progress saved per
step in the school's settings. Each step is an ordinary administration page, so a step
can be revisited any time from the administration menu."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import Person, SchoolSettings


@dataclass(frozen=True)
class SetupStep:
    key: str
    title: str | Promise
    description: str | Promise
    url_name: str


STEPS = [
    SetupStep("school", _("School data and settings"),
              _("Logo, contacts, grading system, week length, modules, pilot classes."), "core:setup_school"),
    SetupStep("calendar", _("Bells and periods"),
              _("The school year, quarters or semesters, and the bell schedule."), "timetable:calendar"),
    SetupStep("staff", _("Staff"), _("Teachers and administration, by hand or from a spreadsheet."),
              "core:setup_staff"),
    SetupStep("classes", _("Classes"), _("Classes with their class teachers."), "core:setup_classes"),
    SetupStep("students", _("Students"), _("Students into classes, with their parents."), "core:setup_students"),
    SetupStep("rooms", _("Buildings and rooms"), _("Rooms with their seats and type."), "timetable:rooms"),
    SetupStep("subjects", _("Subjects and load"), _("Subjects, and who teaches them to which class."),
              "timetable:subjects"),
    SetupStep("timetable", _("Timetable"), _("The weekly timetable."), "core:setup_timetable"),
]
STEP_KEYS = [step.key for step in STEPS]


def school_settings() -> SchoolSettings:
    """The current school's settings row (one per schema), created on first use."""
    settings, _created = SchoolSettings.objects.get_or_create(pk=1)
    return settings


def class_in_rollout(school_class) -> bool:
    """Does this class use Parta now? All classes do, unless the school runs a pilot
    (SchoolSettings.pilot_only) and the class is not in it."""
    return school_class.in_pilot or not school_settings().pilot_only


def setup_progress() -> list[dict[str, object]]:
    done = set(school_settings().setup_done)
    return [{"step": step, "done": step.key in done, "url": reverse(step.url_name)} for step in STEPS]


def setup_is_complete() -> bool:
    return school_settings().setup_completed_at is not None


def setup_first_open_url() -> str:
    """Where to resume: the first step not done yet, else the wizard's overview."""
    done = set(school_settings().setup_done)
    for step in STEPS:
        if step.key not in done:
            return reverse(step.url_name)
    return reverse("core:setup")


def setup_next_url(key: str) -> str:
    index = STEP_KEYS.index(key)
    return reverse(STEPS[index + 1].url_name) if index + 1 < len(STEPS) else reverse("core:setup")


@transaction.atomic
def setup_step_complete(*, actor: Person, key: str) -> SchoolSettings:
    """Mark a step done (idempotent); the wizard is complete when all steps are."""
    if key not in STEP_KEYS:
        raise KeyError(key)
    settings = SchoolSettings.objects.select_for_update().get(pk=school_settings().pk)
    if key not in settings.setup_done:
        settings.setup_done = [k for k in STEP_KEYS if k in {*settings.setup_done, key}]
        if len(settings.setup_done) == len(STEPS) and settings.setup_completed_at is None:
            settings.setup_completed_at = timezone.now()
        settings.save(update_fields=["setup_done", "setup_completed_at"])
    return settings


def setup_context(request) -> dict[str, object]:
    """The wizard's chrome for a step page, while the setup is not finished."""
    if getattr(request, "person", None) is None or setup_is_complete():
        return {}
    progress = setup_progress()
    return {"setup_progress": progress, "setup_done_count": sum(1 for p in progress if p["done"])}
