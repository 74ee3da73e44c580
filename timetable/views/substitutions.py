"""Substitution pages of the administration: changes, absences, the report (the inbox is
the notification centre's, accounts/views_notifications.py). Thin: forms check input,
services change, selectors read."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import NotFoundForActor
from core.models import Person, SchoolClass
from timetable import selectors, selectors_substitutions
from timetable.forms import DateInput
from timetable.models import Bell, Lesson, ReportingPeriod, Room, Subject
from timetable.rules import can_lesson
from timetable.services import substitutions as services

# ---- forms -------------------------------------------------------------------------------


class FindForm(forms.Form):
    school_class = forms.ModelChoiceField(label=gettext_lazy("Class"), queryset=SchoolClass.objects.all())
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)


class MoveForm(ReasonForm):
    date = forms.DateField(label=gettext_lazy("New date"), widget=DateInput())
    bell_number = forms.IntegerField(label=gettext_lazy("Lesson number"), min_value=1, max_value=20)
    room = forms.ModelChoiceField(label=gettext_lazy("Room"), queryset=Room.objects.all(), required=False)


class TeacherForm(ReasonForm):
    substitute = forms.ModelChoiceField(label=gettext_lazy("Substitute"), queryset=selectors.teachers())


class RoomForm(ReasonForm):
    room = forms.ModelChoiceField(label=gettext_lazy("Room"), queryset=Room.objects.all())


class ExtraForm(ReasonForm):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    bell_number = forms.IntegerField(label=gettext_lazy("Lesson number"), min_value=1, max_value=20)
    subject = forms.ModelChoiceField(label=gettext_lazy("Subject"), queryset=Subject.objects.all())
    teacher = forms.ModelChoiceField(label=gettext_lazy("Teacher"), queryset=selectors.teachers())
    classes = forms.ModelMultipleChoiceField(label=gettext_lazy("Classes"), queryset=SchoolClass.objects.all())
    room = forms.ModelChoiceField(label=gettext_lazy("Room"), queryset=Room.objects.all(), required=False)


class AbsenceForm(ReasonForm):
    teacher = forms.ModelChoiceField(label=gettext_lazy("Teacher"), queryset=selectors.teachers())
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("To"), widget=DateInput())
    field_order = ["teacher", "starts_on", "ends_on", "reason"]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The absence must end on or after its first day."))
        return data


class PeriodForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("To"), widget=DateInput())


# ---- helpers -----------------------------------------------------------------------------

def _manager_only(request: HttpRequest, action: str = "timetable.substitute") -> None:
    if not can_lesson(request.person, action):
        raise NotFoundForActor


def school_today(request: HttpRequest) -> date:
    return timezone.localdate(timezone=ZoneInfo(request.tenant.timezone))


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _form_errors(form: forms.Form) -> str:
    return " ".join(f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}".lstrip(": ")
                    for k, v in form.errors.items())


# ---- changes -----------------------------------------------------------------------------

def changes(request: HttpRequest) -> HttpResponse:
    """Today's and coming changes; find a class's lessons on a day and change one; add an
    extra lesson."""
    _manager_only(request)
    today = school_today(request)
    find = FindForm(request.GET if "school_class" in request.GET else None, initial={"date": today})
    back = request.get_full_path()
    if request.method == "POST":
        return _change_post(request, back)
    day_lessons: list[Lesson] | None = None
    if find.is_bound and find.is_valid():
        day_lessons = selectors_substitutions.class_day_lessons(find.cleaned_data["school_class"],
                                                                find.cleaned_data["date"])
    return render(request, "timetable/substitutions/changes.html", {
        "today": today,
        "changes": selectors_substitutions.changes_upcoming(today),
        "absences": selectors_substitutions.absences_recent(today),
        "find": find,
        "day_lessons": day_lessons,
        "teachers": list(selectors.teachers()),
        "rooms": list(Room.objects.all()),
        "bells": list(Bell.objects.filter(schedule__is_default=True).order_by("number")),
        "extra": ExtraForm(initial={"date": today}),
    })


def _change_post(request: HttpRequest, back: str) -> HttpResponse:
    action = request.POST.get("action")
    form_class = {"cancel": ReasonForm, "move": MoveForm, "teacher": TeacherForm, "room": RoomForm,
                  "extra": ExtraForm}.get(action or "")
    if form_class is None:
        raise NotFoundForActor
    form = form_class(request.POST)
    lesson = None
    if action != "extra":
        lesson_id = request.POST.get("lesson", "")
        lesson = Lesson.objects.filter(pk=int(lesson_id)).first() if lesson_id.isdigit() else None
        if lesson is None:
            raise NotFoundForActor
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)
    data, actor = form.cleaned_data, request.person
    try:
        if action == "cancel":
            services.lesson_cancel(actor=actor, lesson=lesson, reason=data["reason"])
        elif action == "move":
            services.lesson_move(actor=actor, lesson=lesson, date=data["date"], bell_number=data["bell_number"],
                                 room=data["room"], reason=data["reason"])
        elif action == "teacher":
            services.lesson_teacher_replace(actor=actor, lesson=lesson, substitute=data["substitute"],
                                            reason=data["reason"])
        elif action == "room":
            services.lesson_room_replace(actor=actor, lesson=lesson, room=data["room"], reason=data["reason"])
        else:
            services.lesson_extra_add(actor=actor, date=data["date"], bell_number=data["bell_number"],
                                      subject=data["subject"], teacher=data["teacher"], classes=data["classes"],
                                      room=data["room"], reason=data["reason"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The change is saved; the people it affects are notified."))
    return redirect(back)


# ---- absences ----------------------------------------------------------------------------

def absence_new(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    today = school_today(request)
    form = AbsenceForm(request.POST or None, initial={"starts_on": today, "ends_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence = services.teacher_absence_record(actor=request.person, teacher=data["teacher"],
                                                      starts_on=data["starts_on"], ends_on=data["ends_on"],
                                                      reason=data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("timetable:absence", absence_id=absence.pk)
    return render(request, "timetable/substitutions/absence_new.html", {"form": form})


def absence_detail(request: HttpRequest, absence_id: int) -> HttpResponse:
    """The absent teacher's lessons, each with its suggested substitutes; one button applies all."""
    _manager_only(request)
    absence = selectors_substitutions.absence_get(absence_id)
    if absence is None:
        raise NotFoundForActor
    rows = selectors_substitutions.absence_lessons(absence)
    if request.method == "POST":
        choices: dict[int, Person | None] = {}
        wanted: dict[int, int] = {}
        for row in rows:
            value = request.POST.get(f"lesson-{row.lesson.pk}", "")
            if value == "cancel":
                choices[row.lesson.pk] = None
            elif value.isdigit():
                wanted[row.lesson.pk] = int(value)
        people = selectors.teachers().in_bulk(set(wanted.values()))
        for lesson_id, person_id in wanted.items():
            if person_id in people:
                choices[lesson_id] = people[person_id]
        if not choices:
            messages.error(request, _("Choose a substitute or a cancellation for at least one lesson."))
            return redirect(request.path)
        try:
            services.absence_substitutions_apply(actor=request.person, absence=absence, choices=choices)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Substitutions applied: %(count)s.") % {"count": len(choices)})
        return redirect(request.path)
    return render(request, "timetable/substitutions/absence_detail.html", {
        "absence": absence, "rows": rows, "done": selectors_substitutions.absence_substitutions(absence),
    })


# ---- the report --------------------------------------------------------------------------

def _period_shortcuts(today: date) -> list[tuple[str, date, date]]:
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    shortcuts = [(_("This month"), first, next_month - timedelta(days=1)),
                 (_("Last month"), last_month_end.replace(day=1), last_month_end)]
    year = selectors.current_year()
    if year is not None:
        shortcuts += [(p.name, p.starts_on, p.ends_on) for p in
                      ReportingPeriod.objects.filter(year=year).order_by("starts_on", "number")]
    return shortcuts


def report(request: HttpRequest) -> HttpResponse:
    """Lessons covered per substitute (paid extra) and lessons cancelled, for a period."""
    _manager_only(request, "timetable.view_substitution_report")
    today = school_today(request)
    shortcuts = _period_shortcuts(today)
    form = PeriodForm(request.GET if "starts_on" in request.GET else None,
                      initial={"starts_on": shortcuts[0][1], "ends_on": shortcuts[0][2]})
    starts_on, ends_on = shortcuts[0][1], shortcuts[0][2]
    if form.is_bound and form.is_valid() and form.cleaned_data["ends_on"] >= form.cleaned_data["starts_on"]:
        starts_on, ends_on = form.cleaned_data["starts_on"], form.cleaned_data["ends_on"]
    data = selectors_substitutions.substitution_report(starts_on, ends_on)
    if request.GET.get("format") == "xlsx":
        return _report_xlsx(data)
    query = urlencode({"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(), "format": "xlsx"})
    return render(request, "timetable/substitutions/report.html", {
        "form": form, "report": data, "xlsx_url": f"{request.path}?{query}",
        "shortcuts": [{"label": label, "query": urlencode({"starts_on": s.isoformat(), "ends_on": e.isoformat()}),
                       "current": (s, e) == (starts_on, ends_on)} for label, s, e in shortcuts],
    })


def _report_xlsx(data: selectors_substitutions.SubstitutionReport) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    sheet.append([_("Substitutions and cancellations"), f"{data.starts_on:%d.%m.%Y} – {data.ends_on:%d.%m.%Y}"])
    sheet.append([])
    sheet.append([_("Teacher"), _("Lessons covered"), _("Lessons cancelled")])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in data.rows:
        sheet.append([row.teacher.full_name, row.covered, row.cancelled])
    sheet.append([_("Total"), data.covered_total, data.cancelled_total])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 18
    lines = book.create_sheet(_("Lessons")[:31])
    lines.append([_("Teacher"), _("Date"), _("Lesson number"), _("Subject"), _("Classes"), _("Change")])
    for cell in lines[1]:
        cell.font = Font(bold=True)
    for row in data.rows:
        for lesson, kind in row.lines:
            lines.append([row.teacher.full_name, lesson.date, lesson.bell_number, lesson.subject.name,
                          ", ".join(c.name for c in lesson.classes.all()),
                          _("covered") if kind == "teacher" else _("cancelled")])
    for column, width in zip("ABCDEF", (40, 12, 10, 30, 12, 14), strict=True):
        lines.column_dimensions[column].width = width
    for (cell,) in lines.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.number_format = "DD.MM.YYYY"
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="substitutions-{data.starts_on}-{data.ends_on}.xlsx"'
    return response
