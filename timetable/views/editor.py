"""The weekly-template editor: versions, a week grid per class or teacher with an inline
slot form (htmx, with a plain-link fallback), conflicts, copy of a day or a week, CSV
import and undo of the last change. Administrators only; everyone else gets 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import NotFoundForActor
from core.models import Person, SchoolClass
from core.setup import school_settings
from core.views.base import require
from timetable import conflicts as checks
from timetable import selectors
from timetable.bell_times import bell_times_for
from timetable.forms import DateInput
from timetable.models import (
    BellSchedule,
    Room,
    Subgroup,
    Subject,
    TeachingAssignment,
    TemplateEntry,
    TimetableVersion,
    WeekType,
)
from timetable.services import template as services

UNDO_KEY = "timetable_editor_undo"
DAY_SHORT = [gettext_lazy("Mon"), gettext_lazy("Tue"), gettext_lazy("Wed"), gettext_lazy("Thu"),
             gettext_lazy("Fri"), gettext_lazy("Sat"), gettext_lazy("Sun")]


# ----- forms -----

class VersionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=gettext_lazy("Valid to"), widget=DateInput())
    bell_schedule = forms.ModelChoiceField(label=gettext_lazy("Bell schedule"), queryset=BellSchedule.objects.all(),
                                           empty_label=None)
    week_a_monday = forms.DateField(label=gettext_lazy("A Monday of week A"), required=False, widget=DateInput(),
                                    help_text=gettext_lazy("Only for A/B weeks; leave empty otherwise."))
    copy_from = forms.ModelChoiceField(label=gettext_lazy("Copy the lessons of"), required=False,
                                       queryset=TimetableVersion.objects.all(),
                                       empty_label=gettext_lazy("— start empty —"))


class EntryForm(forms.Form):
    assignment = forms.ModelChoiceField(label=gettext_lazy("From the teaching load"), required=False,
                                        queryset=TeachingAssignment.objects.none(),
                                        empty_label=gettext_lazy("— choose below —"))
    subject = forms.ModelChoiceField(label=gettext_lazy("Subject"), required=False, queryset=Subject.objects.all())
    teacher = forms.ModelChoiceField(label=gettext_lazy("Teacher"), required=False, queryset=Person.objects.none())
    teacher2 = forms.ModelChoiceField(label=gettext_lazy("Second teacher"), required=False,
                                      queryset=Person.objects.none())
    room = forms.ModelChoiceField(label=gettext_lazy("Room"), required=False, queryset=Room.objects.all())
    classes = forms.ModelMultipleChoiceField(label=gettext_lazy("Classes"), queryset=SchoolClass.objects.all(),
                                             help_text=gettext_lazy("Several classes: a lesson for a stream."))
    subgroup = forms.ModelChoiceField(label=gettext_lazy("Group"), required=False, queryset=Subgroup.objects.none(),
                                      empty_label=gettext_lazy("— the whole class —"))
    week_type = forms.ChoiceField(label=gettext_lazy("Weeks"), choices=WeekType.choices)
    weekday = forms.TypedChoiceField(label=gettext_lazy("Day"), coerce=int)
    bell_number = forms.TypedChoiceField(label=gettext_lazy("Lesson"), coerce=int)
    duration = forms.TypedChoiceField(label=gettext_lazy("Lessons in a row"), coerce=int,
                                      choices=[(1, "1"), (2, "2"), (3, "3")])

    def __init__(self, *args, version: TimetableVersion, week_days: int, bells: list[int],
                 school_class: SchoolClass | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weekday"].choices = [(d, str(DAY_SHORT[d - 1])) for d in range(1, week_days + 1)]
        self.fields["bell_number"].choices = [(n, str(n)) for n in bells]
        teachers = selectors.teachers()
        self.fields["teacher"].queryset = teachers
        self.fields["teacher2"].queryset = teachers
        for name in ("teacher", "teacher2"):
            self.fields[name].label_from_instance = lambda p: p.short_name
        self.fields["classes"].widget.attrs["size"] = 4
        groups = Subgroup.objects.select_related("school_class")
        if school_class is not None:
            groups = groups.filter(Q(school_class=school_class) | Q(school_class__isnull=True))
            self.fields["assignment"].queryset = (TeachingAssignment.objects.filter(school_class=school_class)
                                                  .select_related("subject", "teacher", "subgroup"))
            self.fields["assignment"].label_from_instance = lambda a: " · ".join(filter(None, [
                a.subject.name, a.subgroup.name if a.subgroup_id else "", a.teacher.short_name,
                _("%(n)s h") % {"n": a.hours_per_week.normalize()}]))
        self.fields["subgroup"].queryset = groups
        # The panel opens on a click or Enter in the grid: put the cursor where work starts.
        self.fields["assignment" if school_class is not None else "subject"].widget.attrs["autofocus"] = True
        if version.week_a_monday is None:
            self.fields["week_type"].choices = [(WeekType.EVERY, WeekType.EVERY.label)]

    def clean(self):
        data = super().clean()
        assignment = data.get("assignment")
        if assignment is not None:
            data["subject"] = data.get("subject") or assignment.subject
            data["teacher"] = data.get("teacher") or assignment.teacher
            data["subgroup"] = data.get("subgroup") or assignment.subgroup
        if data.get("subject") is None:
            self.add_error("subject", _("Choose a subject or a line of the teaching load."))
        return data


class CsvForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or Excel file"))
    replace = forms.BooleanField(label=gettext_lazy("Replace all lessons of this version"), required=False)


# ----- helpers -----

def _version(version_id: int) -> TimetableVersion:
    version = TimetableVersion.objects.select_related("bell_schedule", "year").filter(pk=version_id).first()
    if version is None:
        raise NotFoundForActor
    return version


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _remember(request: HttpRequest, snapshot: services.Snapshot | None) -> None:
    if snapshot is None:
        return
    undo = request.session.get(UNDO_KEY, {})
    undo[str(snapshot["version"])] = snapshot
    request.session[UNDO_KEY] = undo


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/timetable/editor/") and "//" not in target else fallback


def _warn(request: HttpRequest, warnings: list[checks.Conflict]) -> None:
    for warning in warnings:
        messages.warning(request, warning.message)


def _grid(version: TimetableVersion, entries: list[TemplateEntry], week_days: int, bells: list,
          by_entry: dict[int, list[checks.Conflict]]) -> list[dict]:
    """Rows of bells, cells of days; an entry of two lessons shows in both rows."""
    cells: dict[tuple[int, int], list[dict]] = {}
    for entry in entries:
        for number in range(entry.bell_number, entry.bell_number + entry.duration):
            cells.setdefault((entry.weekday, number), []).append({
                "entry": entry, "continued": number != entry.bell_number,
                "conflicts": by_entry.get(entry.pk, [])})
    return [{"bell": bell, "cells": [{"weekday": d, "items": cells.get((d, bell.number), [])}
                                     for d in range(1, week_days + 1)]} for bell in bells]


@dataclass(frozen=True)
class GridBell:
    """A row of the grid: a lesson number and its usual start (None: not in that schedule)."""

    number: int
    starts_at: time | None


def _editor_week_days(classes: list[SchoolClass]) -> int:
    """The longest week of any class: the slot form offers Saturday when someone works it
    (a five-day class gets a warning if a lesson is put there)."""
    school_days = school_settings().week_days
    return max([c.week_days or school_days for c in classes], default=school_days)


def _editor_page(request: HttpRequest, version: TimetableVersion, *, school_class: SchoolClass | None = None,
                 teacher: Person | None = None) -> HttpResponse:
    classes = list(SchoolClass.objects.order_by("grade", "letter"))
    times = bell_times_for(version, zone=ZoneInfo(request.tenant.timezone), first=date.max, last=date.max)
    usual = times.bells(times.usual_schedule(school_class.grade if school_class else None))
    bells = [GridBell(n, usual[n][0] if n in usual else None) for n in times.numbers()]
    entries = checks.version_entries(version)
    slots = [checks.slot_of(e) for e in entries]
    facts = checks.version_facts(entries)
    found = checks.find_conflicts(slots, facts, hours=False)
    by_entry = checks.conflicts_by_entry(found)
    if school_class is not None:
        mine = [e for e in entries if any(c.pk == school_class.pk for c in e.classes.all())]
        hours = [r for r in checks.hours_table(slots, facts) if r.assignment.class_id == school_class.pk]
        week_days = school_class.week_days or school_settings().week_days
    else:
        mine = [e for e in entries if any(t.pk == teacher.pk for t in e.teachers.all())]
        hours = [r for r in checks.hours_table(slots, facts) if r.assignment.teacher_id == teacher.pk]
        week_days = _editor_week_days(classes)
    # A lesson already put on a day the class does not work still shows (with its warning).
    week_days = max([week_days, *(e.weekday for e in mine)])
    hours_rows = [{"row": r, "subject": facts.subjects.get(r.assignment.subject_id, ""),
                   "class_name": facts.classes.get(r.assignment.class_id, ""),
                   "group": facts.groups[r.assignment.subgroup_id].name if r.assignment.subgroup_id else "",
                   "teacher": facts.people.get(r.assignment.teacher_id, "")} for r in hours]
    snapshot = request.session.get(UNDO_KEY, {}).get(str(version.pk))
    return render(request, "timetable/editor/grid.html", {
        "version": version, "school_class": school_class, "teacher": teacher, "classes": classes,
        "teachers": list(selectors.teachers()), "rows": _grid(version, mine, week_days, bells, by_entry),
        "days": [(d, DAY_SHORT[d - 1], checks.day_name(d)) for d in range(1, week_days + 1)],
        "conflicts": found, "hard_count": sum(c.is_hard for c in found), "hours_rows": hours_rows,
        "undo": snapshot, "path": request.path, "week_days": week_days,
    })


# ----- pages -----

@require("school.manage")
def editor_index(request: HttpRequest) -> HttpResponse:
    """Pick a version to edit, or create one (optionally as a copy of another)."""
    year = selectors.current_year()
    initial = {"valid_from": year.starts_on, "valid_to": year.ends_on} if year else {}
    default_bells = BellSchedule.objects.filter(is_default=True).first()
    if default_bells:
        initial["bell_schedule"] = default_bells.pk
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and year is None:
        form.add_error(None, _("Set up the school year first."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.timetable_version_create(
                actor=request.person, year=year, name=data["name"], valid_from=data["valid_from"],
                valid_to=data["valid_to"], bell_schedule=data["bell_schedule"], week_a_monday=data["week_a_monday"])
            if data["copy_from"] is not None:
                services.template_week_copy(actor=request.person, from_version=data["copy_from"], to_version=version)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The version «%(name)s» is created.") % {"name": version.name})
            return redirect("timetable:editor_version", version_id=version.pk)
    versions = TimetableVersion.objects.select_related("year", "bell_schedule").order_by("-valid_from")
    return render(request, "timetable/editor/index.html", {"form": form, "versions": versions, "year": year})


@require("school.manage")
def editor_version(request: HttpRequest, version_id: int) -> HttpResponse:
    """A version's overview: classes and teachers to open, all its conflicts, copy, import."""
    version = _version(version_id)
    entries = checks.version_entries(version)
    slots = [checks.slot_of(e) for e in entries]
    found = checks.find_conflicts(slots, checks.version_facts(entries))
    return render(request, "timetable/editor/version.html", {
        "version": version, "classes": SchoolClass.objects.order_by("grade", "letter"),
        "teachers": selectors.teachers(), "entry_count": len(entries),
        "conflicts": [c for c in found if c.code not in (checks.HOURS_UNDER, checks.HOURS_OVER)],
        "hours_under": sum(c.code == checks.HOURS_UNDER for c in found),
        "hours_over": sum(c.code == checks.HOURS_OVER for c in found),
        "others": TimetableVersion.objects.exclude(pk=version.pk),
        "undo": request.session.get(UNDO_KEY, {}).get(str(version.pk)),
    })


@require("school.manage")
def editor_class(request: HttpRequest, version_id: int, class_id: int) -> HttpResponse:
    version = _version(version_id)
    school_class = SchoolClass.objects.filter(pk=class_id).first()
    if school_class is None:
        raise NotFoundForActor
    return _editor_page(request, version, school_class=school_class)


@require("school.manage")
def editor_teacher(request: HttpRequest, version_id: int, person_id: int) -> HttpResponse:
    version = _version(version_id)
    teacher = Person.objects.filter(pk=person_id, roles__contains=["teacher"]).first()
    if teacher is None:
        raise NotFoundForActor
    return _editor_page(request, version, teacher=teacher)


@require("school.manage")
def entry_form(request: HttpRequest, version_id: int, entry_id: int | None = None) -> HttpResponse:
    """The slot form: GET shows it (a fragment for htmx, a page otherwise), POST saves."""
    version = _version(version_id)
    entry = None
    if entry_id is not None:
        entry = (TemplateEntry.objects.filter(pk=entry_id, version=version)
                 .prefetch_related("teachers", "classes").first())
        if entry is None:
            raise NotFoundForActor
    params = request.POST if request.method == "POST" else request.GET
    school_class = SchoolClass.objects.filter(pk=params.get("class") or 0).first() if \
        str(params.get("class", "")).isdigit() else None
    if school_class is None and entry is not None:
        school_class = next(iter(entry.classes.all()), None)
    bells = services.version_bell_numbers(version)
    if entry is not None:
        teachers = list(entry.teachers.all())
        initial = {"subject": entry.subject_id, "room": entry.room_id, "subgroup": entry.subgroup_id,
                   "week_type": entry.week_type, "weekday": entry.weekday, "bell_number": entry.bell_number,
                   "duration": entry.duration, "classes": [c.pk for c in entry.classes.all()],
                   "teacher": teachers[0].pk if teachers else None,
                   "teacher2": teachers[1].pk if len(teachers) > 1 else None}
    else:
        initial = {"weekday": params.get("weekday"), "bell_number": params.get("bell"),
                   "classes": [school_class.pk] if school_class else [], "teacher": params.get("teacher"),
                   "week_type": WeekType.EVERY, "duration": 1}
    form = EntryForm(request.POST if request.method == "POST" else None, initial=initial, version=version,
                     week_days=_editor_week_days(list(SchoolClass.objects.all())), bells=bells,
                     school_class=school_class)
    fallback = (reverse("timetable:editor_class", args=[version.pk, school_class.pk]) if school_class
                else reverse("timetable:editor_version", args=[version.pk]))
    back = _safe_next(request, fallback)
    refused: list[checks.Conflict] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        teachers = [t for t in (data["teacher"], data["teacher2"]) if t is not None]
        try:
            _entry, warnings, snapshot = services.template_entry_set(
                actor=request.person, version=version, weekday=data["weekday"], bell_number=data["bell_number"],
                week_type=data["week_type"], subject=data["subject"], teachers=list(dict.fromkeys(teachers)),
                room=data["room"], classes=list(data["classes"]), subgroup=data["subgroup"],
                duration=data["duration"], entry=entry)
        except services.TemplateConflictError as exc:
            refused = exc.conflicts
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _remember(request, snapshot)
            messages.success(request, _("The lesson is saved."))
            _warn(request, warnings)
            if _is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = back
                return response
            return redirect(back)
    involved = []
    if refused:
        ids = {i for c in refused for i in c.entry_ids} - ({entry.pk} if entry else set())
        involved = list(TemplateEntry.objects.filter(pk__in=ids, version=version)
                        .select_related("subject", "room").prefetch_related("teachers", "classes"))
    context = {"form": form, "version": version, "entry": entry, "school_class": school_class, "next": back,
               "refused": refused, "involved": involved, "days": DAY_SHORT}
    template = "timetable/editor/_entry_form.html" if _is_htmx(request) else "timetable/editor/entry.html"
    return render(request, template, context)


def _post_only(request: HttpRequest) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


@require("school.manage")
def entry_delete(request: HttpRequest, version_id: int, entry_id: int) -> HttpResponse:
    version = _version(version_id)
    entry = TemplateEntry.objects.filter(pk=entry_id, version=version).prefetch_related("teachers", "classes").first()
    if entry is None:
        raise NotFoundForActor
    if (refusal := _post_only(request)) is not None:
        return refusal
    _remember(request, services.template_entry_delete(actor=request.person, entry=entry))
    messages.success(request, _("The lesson is removed."))
    back = _safe_next(request, reverse("timetable:editor_version", args=[version.pk]))
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = back
        return response
    return redirect(back)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require("school.manage")
def entry_move(request: HttpRequest, version_id: int, entry_id: int) -> HttpResponse:
    """Move a lesson to another cell (the grid's drag and drop; a plain form works too):
    POST weekday and bell_number. Refused with the same conflict messages as the slot form.
    Answers JSON to a script (200 moved, 409 conflict, 400 bad cell), else redirects."""
    version = _version(version_id)
    entry = TemplateEntry.objects.filter(pk=entry_id, version=version).first()
    if entry is None:
        raise NotFoundForActor
    if (refusal := _post_only(request)) is not None:
        return refusal
    back = _safe_next(request, reverse("timetable:editor_version", args=[version.pk]))
    errors: list[str] = []
    conflict_ids: list[int] = []
    status = 200
    try:
        weekday, bell_number = int(request.POST.get("weekday", "")), int(request.POST.get("bell_number", ""))
        _entry, warnings, snapshot = services.template_entry_move(actor=request.person, entry=entry,
                                                                  weekday=weekday, bell_number=bell_number)
    except services.TemplateConflictError as exc:
        status = 409
        errors = [_("Not moved: the lesson would clash with other lessons."), *(c.message for c in exc.conflicts)]
        conflict_ids = sorted({i for c in exc.conflicts for i in c.entry_ids} - {entry.pk})
    except ValidationError as exc:
        status, errors = 400, [_("Not moved:"), *exc.messages]
    except ValueError:
        status, errors = 400, [_("Not moved: choose a day and a lesson number.")]
    else:
        _remember(request, snapshot)
        messages.success(request, _("The lesson is moved."))
        _warn(request, warnings)
    if _wants_json(request):
        return JsonResponse({"ok": status == 200, "errors": errors, "conflict_entry_ids": conflict_ids},
                            status=status)
    for error in errors:
        messages.error(request, error)
    return redirect(back)


@require("school.manage")
def day_copy(request: HttpRequest, version_id: int, class_id: int) -> HttpResponse:
    version = _version(version_id)
    school_class = SchoolClass.objects.filter(pk=class_id).first()
    if school_class is None:
        raise NotFoundForActor
    if (refusal := _post_only(request)) is not None:
        return refusal
    try:
        created, warnings, snapshot = services.template_day_copy(
            actor=request.person, version=version, school_class=school_class,
            from_weekday=int(request.POST.get("from_weekday", 0)), to_weekday=int(request.POST.get("to_weekday", 0)))
    except services.TemplateConflictError as exc:
        messages.error(request, _("Not copied: the copy would clash with other lessons."))
        for conflict in exc.conflicts:
            messages.error(request, conflict.message)
    except (ValidationError, ValueError):
        messages.error(request, _("Choose two different days."))
    else:
        _remember(request, snapshot)
        messages.success(request, _("Lessons copied: %(n)s.") % {"n": len(created)})
        _warn(request, warnings)
    return redirect("timetable:editor_class", version_id=version.pk, class_id=school_class.pk)


@require("school.manage")
def week_copy(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(version_id)
    if (refusal := _post_only(request)) is not None:
        return refusal
    source = TimetableVersion.objects.filter(pk=request.POST.get("from_version") or 0).first() if \
        str(request.POST.get("from_version", "")).isdigit() else None
    if source is None:
        messages.error(request, _("Choose a version to copy from."))
    else:
        try:
            count, snapshot = services.template_week_copy(actor=request.person, from_version=source,
                                                          to_version=version)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _remember(request, snapshot)
            messages.success(request, _("Lessons copied: %(n)s.") % {"n": count})
    return redirect("timetable:editor_version", version_id=version.pk)


@require("school.manage")
def undo(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(version_id)
    if (refusal := _post_only(request)) is not None:
        return refusal
    stored = request.session.get(UNDO_KEY, {})
    snapshot = stored.pop(str(version.pk), None)
    try:
        services.template_undo(actor=request.person, version=version, snapshot=snapshot)
    except ValidationError:
        messages.error(request, _("There is nothing to undo."))
    else:
        request.session[UNDO_KEY] = stored
        messages.success(request, _("Undone: %(what)s.") % {"what": snapshot.get("label", "")})
    return redirect(_safe_next(request, reverse("timetable:editor_version", args=[version.pk])))


@require("school.manage")
def csv_import(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(version_id)
    form = CsvForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.template_csv_import(actor=request.person, version=version,
                                              file=form.cleaned_data["file"], replace=form.cleaned_data["replace"])
        if report.ok:
            _remember(request, report.snapshot)
            messages.success(request, _("Lessons imported: %(n)s.") % {"n": report.created})
            _warn(request, report.warnings)
            return redirect("timetable:editor_version", version_id=version.pk)
    return render(request, "timetable/editor/import.html", {
        "version": version, "form": form, "report": report, "columns": services.COLUMNS.values()})
