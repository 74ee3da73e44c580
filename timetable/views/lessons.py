"""The administrator's page that turns the weekly template into dated lessons (and brings
them in line after the template changed), with the report of what it did."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.errors import NotFoundForActor
from core.rules import can
from timetable.forms import DateInput
from timetable.models import ReportingPeriod, TimetableVersion
from timetable.services.lessons import lessons_generate


class GenerateForm(forms.Form):
    """Which timetable, and for which dates: a reporting period, two dates, or (neither)
    the whole time the timetable is valid."""

    version = forms.ModelChoiceField(label=_("Timetable"), queryset=TimetableVersion.objects.none())
    period = forms.ModelChoiceField(label=_("Reporting period"), required=False,
                                    queryset=ReportingPeriod.objects.none(),
                                    empty_label=_("— the dates below, or the whole timetable —"))
    starts_on = forms.DateField(label=_("From"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = TimetableVersion.objects.select_related("year")
        self.fields["period"].queryset = ReportingPeriod.objects.select_related("year").order_by(
            "-year__starts_on", "starts_on")
        self.fields["period"].label_from_instance = lambda p: f"{p.name} ({p.year.name})"

    def clean(self) -> dict:
        data = super().clean()
        version, period = data.get("version"), data.get("period")
        first, last = data.get("starts_on"), data.get("ends_on")
        if version is None:
            return data
        if period is not None:
            if period.year_id != version.year_id:
                self.add_error("period", _("This period belongs to another school year."))
            first, last = period.starts_on, period.ends_on
        elif first is None and last is None:
            first, last = version.valid_from, version.valid_to
        elif first is None or last is None:
            self.add_error("starts_on" if first is None else "ends_on", _("Give both dates, or neither."))
            return data
        if last < first:
            self.add_error("ends_on", _("The end must not be before the start."))
        data["first"], data["last"] = first, last
        return data


def generate(request: HttpRequest) -> HttpResponse:
    """GET: the form and the timetables with their lesson counts. POST: generate, show the report."""
    if not can(request.person, "school.manage"):
        raise NotFoundForActor
    versions = list(TimetableVersion.objects.select_related("year").annotate(
        entry_count=Count("entries", distinct=True), lesson_count=Count("entries__lessons", distinct=True)))
    initial = {"version": versions[0].pk} if versions else {}
    form = GenerateForm(request.POST or None, initial=initial)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        first: date = data["first"]
        last: date = data["last"]
        report = lessons_generate(actor=request.person, version=data["version"], starts_on=first, ends_on=last,
                                  school=request.tenant)
        if report.changed:  # the counts in the list are stale now
            versions = list(TimetableVersion.objects.select_related("year").annotate(
                entry_count=Count("entries", distinct=True),
                lesson_count=Count("entries__lessons", distinct=True)))
    return render(request, "timetable/lessons/generate.html",
                  {"form": form, "report": report, "versions": versions})
