"""The bells page of the school calendar: several bell schedules, which of them a
timetable version uses on which weekdays or for which grades, short days, and each class's
five- or six-day week. Administrators only; every form saves all or nothing."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import NotFoundForActor
from core.models import SchoolClass
from core.setup import school_settings
from core.views.base import require
from timetable import selectors, services
from timetable.conflicts import day_name
from timetable.forms import BellFormSet, BellUseForm, ClassWeeksForm, ScheduleForm, ShortDayForm
from timetable.models import Bell, BellSchedule, BellScheduleUse, ShortDay, TimetableVersion
from timetable.services import bells as bell_services
from timetable.services.bells import grades_label


def _current_version(request: HttpRequest, versions: list[TimetableVersion]) -> TimetableVersion | None:
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        chosen = next((v for v in versions if v.pk == int(wanted)), None)
        if chosen is None:
            raise NotFoundForActor
        return chosen
    today = timezone.localdate()
    return next((v for v in versions if v.valid_from <= today <= v.valid_to), versions[0] if versions else None)


def _moved(request: HttpRequest, count: int) -> None:
    if count:
        messages.info(request, ngettext("%(n)s dated lesson got new times.", "%(n)s dated lessons got new times.",
                                        count) % {"n": count})


def _weekdays_label(days: list[int]) -> str:
    return ", ".join(day_name(d) for d in sorted(days)) if days else _("every day")


@require("school.manage")
def bells(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "") if request.method == "POST" else ""
    versions = list(TimetableVersion.objects.select_related("bell_schedule").order_by("-valid_from"))
    version = _current_version(request, versions)
    here = f"{request.path}?{urlencode({'version': version.pk})}" if version else request.path
    schedules = list(BellSchedule.objects.prefetch_related(Prefetch("bells", queryset=Bell.objects.order_by("number"))))

    # -- one bell schedule: edit (?schedule=id) or new --
    editing = None
    wanted = request.GET.get("schedule", "")
    if wanted.isdigit():
        editing = next((s for s in schedules if s.pk == int(wanted)), None)
        if editing is None:
            raise NotFoundForActor
    initial_bells = ([{"starts_at": b.starts_at, "ends_at": b.ends_at} for b in editing.bells.all()] if editing
                     else [{"starts_at": s, "ends_at": e} for s, e in services.standard_bells(lessons=6, length=40)])
    schedule_form = ScheduleForm(request.POST if action == "schedule" else None,
                                 initial={"name": editing.name, "is_default": editing.is_default} if editing else {})
    # On POST without `initial`: a row left empty is then simply not a lesson.
    bell_formset = (BellFormSet(request.POST, prefix="bells") if action == "schedule"
                    else BellFormSet(initial=initial_bells, prefix="bells"))
    use_form = BellUseForm(request.POST if action == "use_add" else None, prefix="use")
    short_form = ShortDayForm(request.POST if action == "short_day" else None, prefix="short")
    classes = list(SchoolClass.objects.order_by("grade", "letter"))
    school_days = school_settings().week_days
    weeks_form = ClassWeeksForm(request.POST if action == "weeks" else None, classes=classes,
                                school_days=school_days, prefix="weeks")

    try:
        if action == "schedule" and schedule_form.is_valid() and bell_formset.is_valid():
            rows = [f for f in bell_formset.cleaned_data if f and not f.get("DELETE")]
            try:
                saved = services.bell_schedule_set(
                    actor=request.person, name=schedule_form.cleaned_data["name"],
                    bells=[(r["starts_at"], r["ends_at"]) for r in rows],
                    is_default=schedule_form.cleaned_data["is_default"], schedule=editing)
            except ValidationError as exc:
                schedule_form.add_error(None, exc)
            else:
                messages.success(request, _("The bell schedule «%(name)s» is saved.") % {"name": saved.name})
                return redirect(here)
        elif action == "schedule_delete":
            schedule = next((s for s in schedules if str(s.pk) == request.POST.get("schedule")), None)
            if schedule is None:
                raise NotFoundForActor
            bell_services.bell_schedule_delete(actor=request.person, schedule=schedule)
            messages.success(request, _("The bell schedule «%(name)s» is removed.") % {"name": schedule.name})
            return redirect(here)
        elif action == "use_add" and version is not None and use_form.is_valid():
            data = use_form.cleaned_data
            try:
                _use, moved = bell_services.bell_schedule_use_add(
                    actor=request.person, version=version, bell_schedule=data["bell_schedule"],
                    weekdays=data["weekdays"], grades=data["grades"])
            except ValidationError as exc:
                use_form.add_error(None, exc)
            else:
                messages.success(request, _("The version «%(name)s» now uses «%(bells)s» there.")
                                 % {"name": version.name, "bells": data["bell_schedule"].name})
                _moved(request, moved)
                return redirect(here)
        elif action == "use_delete" and version is not None:
            use = BellScheduleUse.objects.filter(version=version, pk=request.POST.get("use") or 0).first() \
                if str(request.POST.get("use", "")).isdigit() else None
            if use is None:
                raise NotFoundForActor
            _moved(request, bell_services.bell_schedule_use_delete(actor=request.person, use=use))
            messages.success(request, _("The bell schedule is no longer used there."))
            return redirect(here)
        elif action == "short_day" and short_form.is_valid():
            data = short_form.cleaned_data
            try:
                _day, moved = bell_services.short_day_set(
                    actor=request.person, date=data["date"], bell_schedule=data["bell_schedule"],
                    grades=data["grades"], reason=data["reason"])
            except ValidationError as exc:
                short_form.add_error(None, exc)
            else:
                messages.success(request, _("The short day is saved."))
                _moved(request, moved)
                return redirect(here)
        elif action == "short_day_delete":
            day = ShortDay.objects.filter(pk=request.POST.get("short_day") or 0).first() \
                if str(request.POST.get("short_day", "")).isdigit() else None
            if day is None:
                raise NotFoundForActor
            _moved(request, bell_services.short_day_delete(actor=request.person, short_day=day))
            messages.success(request, _("The short day is removed: its lessons keep their usual times."))
            return redirect(here)
        elif action == "weeks" and weeks_form.is_valid():
            changed = bell_services.class_week_days_set(actor=request.person, changes=weeks_form.changes())
            messages.success(request, ngettext("%(n)s class changed its week.", "%(n)s classes changed their week.",
                                               changed) % {"n": changed})
            if changed:
                messages.info(request, _("Generate the lessons again to apply it to the dated timetable."))
            return redirect(here)
    except ValidationError as exc:  # refusals of the remove buttons
        for message in exc.messages:
            messages.error(request, message)
        return redirect(here)

    year = selectors.current_year()
    shown_from = year.starts_on if year else timezone.localdate() - timedelta(days=30)
    short_days = list(ShortDay.objects.filter(date__gte=shown_from).select_related("bell_schedule"))
    uses = list(BellScheduleUse.objects.filter(version=version).select_related("bell_schedule")) if version else []
    return render(request, "timetable/bells.html", {
        "schedules": schedules, "editing": editing, "schedule_form": schedule_form, "bell_formset": bell_formset,
        "versions": versions, "version": version, "uses": [
            {"use": u, "weekdays": _weekdays_label(u.weekdays),
             "grades": grades_label(u.grades) if u.grades else _("all grades")} for u in uses],
        "use_form": use_form, "short_form": short_form,
        "short_days": [{"day": d, "grades": grades_label(d.grades)} for d in short_days],
        "weeks_form": weeks_form, "school_days": school_days,
        "calendar_url": reverse("timetable:calendar"),
    })
