"""Whole-day absences: the class teacher (or the administration) gives a student one
attendance code on every lesson of a day at once («болел весь день»), through
`day_absence_set`. One form for the class; each student's "whole day" button sends their
row. A student's day is saved all or nothing; a refusal (a closed period, an old entry
without a reason) is shown on the student's row and nothing of that day changes."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import NotFoundForActor
from gradebook.errors import INVALID_MARK, GradebookError
from gradebook.selectors import absences as sel
from gradebook.services.marks import day_absence_set


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def absences(request: HttpRequest) -> HttpResponse:
    """GET ?class=<id>&date=YYYY-MM-DD shows the class's day; POST marks one student's day."""
    actor = request.person
    classes = sel.day_absence_classes(actor)
    if not classes:
        raise NotFoundForActor
    data = request.POST if request.method == "POST" else request.GET
    class_id = _int(data.get("class"))
    if data.get("class") and class_id is None:
        raise NotFoundForActor
    if class_id is None and not actor.is_management:
        class_id = classes[0].pk  # a class teacher: their class
    school_class = sel.day_absence_class_get(actor, class_id) if class_id is not None else None
    date_error = ""
    day = _day(data.get("date"))
    if day is None:
        if data.get("date"):
            date_error = _("“%(value)s” is not a date: showing today.") % {"value": data.get("date")}
        day = timezone.localdate()
    if school_class is None:  # the administration, before choosing a class
        return render(request, "gradebook/journal/absences.html",
                      {"classes": classes, "school_class": None, "day": day, "date_error": date_error})

    sheet = sel.class_day(school_class, day)
    status = 200
    if request.method == "POST":
        row = next((r for r in sheet.rows if r.student.pk == _int(request.POST.get("student"))), None)
        if row is None or date_error:
            raise NotFoundForActor
        code = request.POST.get(f"code-{row.student.pk}", "").strip()
        row.chosen = code
        try:
            if code and code not in {c.code for c in sheet.codes}:
                raise GradebookError(INVALID_MARK, _("Choose an absence code."), field="code")
            count = day_absence_set(actor, student=row.student, day=day, code=code or None,
                                    reason=request.POST.get("reason", "").strip())
        except GradebookError as error:
            row.error = error.message
            status = 400
        else:
            messages.success(request, _day_message(row.student.short_name, code, count, day))
            return redirect(f"{reverse('gradebook:journal_absences')}?class={school_class.pk}&date={day.isoformat()}")
    return render(request, "gradebook/journal/absences.html", {
        "classes": classes, "school_class": school_class, "day": day, "sheet": sheet, "date_error": date_error,
        "has_error": status == 400,
    }, status=status)


def _day_message(name: str, code: str, count: int, day: date) -> str:
    when = formats.date_format(day, "DATE_FORMAT")
    if count == 0:
        return _("%(name)s has no lessons on %(day)s: nothing was marked.") % {"name": name, "day": when}
    if code:
        return ngettext("«%(code)s» is marked for %(name)s at %(count)d lesson on %(day)s.",
                        "«%(code)s» is marked for %(name)s at %(count)d lessons on %(day)s.", count) % {
            "code": code, "name": name, "count": count, "day": when}
    return ngettext("%(name)s is marked present at %(count)d lesson on %(day)s.",
                    "%(name)s is marked present at %(count)d lessons on %(day)s.", count) % {
        "name": name, "count": count, "day": when}
