"""Timetable pages. The calendar, rooms and subjects pages are the administrator's (and
steps 2, 6 and 7 of the setup wizard); the timetable itself arrives with its own release."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import SchoolClass
from core.setup import setup_context, setup_next_url, setup_step_complete
from core.views import placeholder
from core.views.base import require
from timetable import selectors, services
from timetable.forms import (
    BellFormSet,
    BellScheduleForm,
    GroupLoadForm,
    LoadRowForm,
    PeriodFormSet,
    RoomsForm,
    SubjectsForm,
    YearForm,
)
from timetable.models import Building, ReportingPeriod, Room, Subject, TeachingAssignment


def home(request: HttpRequest) -> HttpResponse:
    return placeholder(
        request,
        title=_("Timetable"),
        text=_("Personal and class timetables with substitutions arrive in a coming release."),
    )


def _done(request: HttpRequest, key: str, message: str) -> HttpResponse:
    setup_step_complete(actor=request.person, key=key)
    messages.success(request, message)
    return redirect(setup_next_url(key) if request.POST.get("continue") else request.path)


@require("school.manage")
def calendar(request: HttpRequest) -> HttpResponse:
    """The school year, its reporting periods and the bell schedule."""
    year = selectors.current_year()
    starts_on, ends_on = services.school_year_bounds(timezone.localdate())
    year_initial = {"name": f"{starts_on.year}/{ends_on.year}", "starts_on": starts_on, "ends_on": ends_on,
                    "period_kind": ReportingPeriod.Kind.QUARTER}
    if year is not None:
        kinds = list(year.periods.values_list("kind", flat=True)[:1])
        year_initial = {"name": year.name, "starts_on": year.starts_on, "ends_on": year.ends_on,
                        "period_kind": kinds[0] if kinds else ReportingPeriod.Kind.QUARTER}
    action = request.POST.get("action")
    year_form = YearForm(request.POST if action in ("year", "preview") else None, initial=year_initial)
    periods_initial = ([{"name": p.name, "starts_on": p.starts_on, "ends_on": p.ends_on}
                        for p in year.periods.order_by("number")] if year else [])
    if not periods_initial:
        periods_initial = [{"name": n, "starts_on": s, "ends_on": e} for n, s, e in
                           services.standard_periods(year_initial["period_kind"], starts_on, ends_on)]
    period_formset = PeriodFormSet(request.POST if action == "year" else None, initial=periods_initial,
                                   prefix="periods")
    schedules = selectors.bell_schedules()
    default = next((s for s in schedules if s.is_default), None)
    bells_initial = ([{"starts_at": b.starts_at, "ends_at": b.ends_at} for b in default.bells.all()] if default
                     else [{"starts_at": s, "ends_at": e} for s, e in services.standard_bells()])
    bell_form = BellScheduleForm(request.POST if action == "bells" else None,
                                 initial={"name": default.name if default else _("Main")})
    bell_formset = BellFormSet(request.POST if action == "bells" else None, initial=bells_initial, prefix="bells")

    if action == "preview" and year_form.is_valid():
        data = year_form.cleaned_data
        period_formset = PeriodFormSet(initial=[
            {"name": n, "starts_on": s, "ends_on": e}
            for n, s, e in services.standard_periods(data["period_kind"], data["starts_on"], data["ends_on"])
        ], prefix="periods")
    elif action == "year" and year_form.is_valid() and period_formset.is_valid():
        data = year_form.cleaned_data
        try:
            services.academic_year_set_up(
                actor=request.person, name=data["name"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                period_kind=data["period_kind"],
                periods=[(f["name"], f["starts_on"], f["ends_on"]) for f in period_formset.cleaned_data if f],
            )
        except ValidationError as exc:
            year_form.add_error(None, exc)
        else:
            return _done(request, "calendar", _("The school year and its periods are saved."))
    elif action == "bells" and bell_form.is_valid() and bell_formset.is_valid():
        rows = [f for f in bell_formset.cleaned_data if f and not f.get("DELETE")]
        try:
            services.bell_schedule_set(actor=request.person, name=bell_form.cleaned_data["name"],
                                       bells=[(r["starts_at"], r["ends_at"]) for r in rows])
        except ValidationError as exc:
            bell_form.add_error(None, exc)
        else:
            return _done(request, "calendar", _("The bell schedule is saved."))
    return render(request, "timetable/calendar.html", {**setup_context(request),
        "year": year, "year_form": year_form, "period_formset": period_formset, "bell_form": bell_form,
        "bell_formset": bell_formset, "schedules": schedules, "setup_key": "calendar",
    })


@require("school.manage")
def rooms(request: HttpRequest) -> HttpResponse:
    """Buildings and rooms."""
    form = RoomsForm(request.POST or None)
    if request.method == "POST" and request.POST.get("delete"):
        Room.objects.filter(pk=request.POST["delete"]).delete()
        return redirect(request.path)
    if request.method == "POST" and request.POST.get("continue") and not request.POST.get("names"):
        return _done(request, "rooms", _("Rooms are saved."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                building = data["building"]
                if data["new_building"]:
                    building, _created = Building.objects.get_or_create(name=data["new_building"].strip())
                added = services.rooms_add(actor=request.person, building=building,
                                           names=services.room_names_expand(data["names"]),
                                           capacity=data["capacity"], kind=data["kind"])
        except ValidationError as exc:
            form.add_error("names", exc)
        else:
            return _done(request, "rooms", _("Rooms added: %(n)s.") % {"n": len(added)})
    return render(request, "timetable/rooms.html", {
        **setup_context(request), "form": form, "groups": selectors.rooms_by_building(), "setup_key": "rooms",
    })


@require("school.manage")
def subjects(request: HttpRequest) -> HttpResponse:
    """Subjects, and who teaches which subject to which class, how many hours a week."""
    existing = selectors.subjects()
    subjects_form = SubjectsForm(request.POST if request.POST.get("action") == "subjects" else None,
                                 initial={"standard": [s.name for s in existing]})
    classes = list(SchoolClass.objects.order_by("grade", "letter"))
    chosen = next((c for c in classes if str(c.pk) == request.GET.get("class", "")), classes[0] if classes else None)
    teachers = selectors.teachers()
    load = selectors.class_load(chosen) if chosen else {}
    rows = []
    if chosen:
        for subject in existing:
            assignment = load.get(subject.pk)
            initial = {"subject": subject.pk, "teacher": assignment.teacher_id if assignment else None,
                       "hours": assignment.hours_per_week if assignment else None}
            data = request.POST if request.POST.get("action") == "load" else None
            rows.append((subject, LoadRowForm(data, initial=initial, prefix=f"s{subject.pk}", teachers=teachers)))

    action = request.POST.get("action")
    group_form = GroupLoadForm(request.POST if action == "group" else None, teachers=teachers)
    if action == "group_remove" and chosen:
        assignment = TeachingAssignment.objects.filter(pk=request.POST.get("assignment"), school_class=chosen,
                                                       subgroup__isnull=False).first()
        if assignment is not None:
            services.group_assignment_remove(actor=request.person, assignment=assignment)
        return redirect(f"{request.path}?class={chosen.pk}")
    if action == "group" and chosen and group_form.is_valid():
        data = group_form.cleaned_data
        try:
            services.group_assignment_set(actor=request.person, school_class=chosen, subject=data["subject"],
                                          group_name=data["group_name"], teacher=data["teacher"],
                                          hours_per_week=data["hours"])
        except ValidationError as exc:
            group_form.add_error(None, exc)
        else:
            messages.success(request, _("Class %(name)s: the group is saved.") % {"name": chosen.name})
            return redirect(f"{request.path}?class={chosen.pk}")
    if action == "subjects" and subjects_form.is_valid():
        names = [(n, next(short for name, short in services.STANDARD_SUBJECTS if name == n))
                 for n in subjects_form.cleaned_data["standard"]]
        names += [(line.strip(), "") for line in subjects_form.cleaned_data["other"].splitlines() if line.strip()]
        added = services.subjects_add(actor=request.person, names=names)
        return _done(request, "subjects", _("Subjects added: %(n)s.") % {"n": len(added)})
    if action == "load" and chosen and all(form.is_valid() for _subject, form in rows):
        count = services.class_subjects_assign(actor=request.person, school_class=chosen, rows=[
            (subject, form.cleaned_data["teacher"], form.cleaned_data["hours"] or Decimal(0))
            for subject, form in rows
        ])
        setup_step_complete(actor=request.person, key="subjects")
        messages.success(request, _("Class %(name)s: %(n)s subjects with teachers.") % {"name": chosen.name,
                                                                                       "n": count})
        return redirect(f"{request.path}?class={chosen.pk}")
    return render(request, "timetable/subjects.html", {**setup_context(request),
        "subjects_form": subjects_form, "subjects": existing, "classes": classes, "chosen": chosen,
        "rows": rows, "setup_key": "subjects", "subject_count": Subject.objects.count(),
        "group_form": group_form, "group_load": selectors.class_group_load(chosen) if chosen else [],
    })
