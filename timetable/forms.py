"""Forms of the calendar, bells, rooms and subjects pages (also the setup wizard's steps)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Person
from timetable.models import Building, ReportingPeriod, Room, Subject
from timetable.services import STANDARD_SUBJECTS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class YearForm(forms.Form):
    name = forms.CharField(label=_("School year"), max_length=20, help_text=_("E.g. 2026/2027."))
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    period_kind = forms.ChoiceField(
        label=_("The year is divided into"),
        choices=[(k, label) for k, label in ReportingPeriod.Kind.choices if k != ReportingPeriod.Kind.CUSTOM],
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("The year must end after it starts."))
        return data


class PeriodForm(forms.Form):
    name = forms.CharField(label=_("Period"), max_length=50)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("To"), widget=DateInput())


PeriodFormSet = forms.formset_factory(PeriodForm, extra=0, min_num=1, validate_min=True)


class BellForm(forms.Form):
    starts_at = forms.TimeField(label=_("Start"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("End"), widget=TimeInput())


BellFormSet = forms.formset_factory(BellForm, extra=1, can_delete=True)


class BellScheduleForm(forms.Form):
    name = forms.CharField(label=_("Schedule name"), max_length=100, initial=_("Main"))


class RoomsForm(forms.Form):
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.all(), required=False,
                                      empty_label=_("— main building —"))
    new_building = forms.CharField(label=_("…or a new building"), max_length=100, required=False)
    names = forms.CharField(label=_("Rooms"), max_length=2000,
                            help_text=_("Numbers or names separated by commas; ranges like 101-115 work."))
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=1000, initial=30)
    kind = forms.ChoiceField(label=_("Type"), choices=Room.Kind.choices)


class SubjectsForm(forms.Form):
    standard = forms.MultipleChoiceField(
        label=_("Subjects of the curriculum"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(name, name) for name, _short in STANDARD_SUBJECTS],
    )
    other = forms.CharField(label=_("Other subjects"), required=False, max_length=1000,
                            help_text=_("One per line: electives, clubs, extra courses."),
                            widget=forms.Textarea(attrs={"rows": 3}))


class LoadRowForm(forms.Form):
    """One subject of one class in the teaching-load grid."""

    subject = forms.ModelChoiceField(queryset=Subject.objects.all(), widget=forms.HiddenInput)
    teacher = forms.ModelChoiceField(label=_("Teacher"), queryset=Person.objects.none(), required=False)
    hours = forms.DecimalField(label=_("Hours a week"), min_value=0, max_value=40, decimal_places=1,
                               required=False)

    def __init__(self, *args, teachers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teachers is not None:
            self.fields["teacher"].queryset = teachers

    def clean(self):
        data = super().clean()
        if data.get("teacher") and not data.get("hours"):
            self.add_error("hours", _("How many hours a week?"))
        return data


class GroupLoadForm(forms.Form):
    """A subject taught to a group of the class by its own teacher."""

    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.all())
    group_name = forms.CharField(label=_("Group"), max_length=100, help_text=_("E.g. «группа 1», «мальчики»."))
    teacher = forms.ModelChoiceField(label=_("Teacher"), queryset=Person.objects.none())
    hours = forms.DecimalField(label=_("Hours a week"), min_value=0.5, max_value=40, decimal_places=1)

    def __init__(self, *args, teachers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teachers is not None:
            self.fields["teacher"].queryset = teachers
