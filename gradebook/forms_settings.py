"""Forms of the journal settings page. Types only; the ranges and clashes are the
services' (`gradebook.services.settings`), whose messages land on these fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from gradebook.models import GradebookSettings


class RulesForm(forms.Form):
    rounding = forms.ChoiceField(label=_("Rounding of period marks"), choices=GradebookSettings.Rounding.choices)
    reason_after_days = forms.IntegerField(label=_("A reason is needed to change a mark older than, days"),
                                           min_value=0, max_value=365)
    rating_enabled = forms.BooleanField(label=_("Show students their place in the class"), required=False)
    warning_average_below = forms.DecimalField(label=_("Warn when a subject average falls below"),
                                               min_value=Decimal(0), max_value=Decimal(100), decimal_places=2,
                                               help_text=_("0 turns this warning off."))
    warning_falling_marks = forms.IntegerField(label=_("Warn when the average falls so many marks in a row"),
                                               min_value=0, max_value=20, help_text=_("0 turns this warning off."))
    warning_absences = forms.IntegerField(label=_("Warn when unexcused absences in a period reach"),
                                          min_value=0, max_value=500, help_text=_("0 turns this warning off."))
    assistant_enabled = forms.BooleanField(label=_("Remind teachers of unfinished lessons"), required=False)

    @classmethod
    def initial_from(cls, settings: GradebookSettings) -> dict[str, object]:
        return {name: getattr(settings, name) for name in cls.base_fields}


class ScaleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    values = forms.CharField(label=_("Values, best first"), max_length=600,
                             help_text=_("Separated by commas. A value that is not a number says what it counts as: "
                                         "«отл=5, хор=4, уд=3, неуд=2»."))
    pass_from = forms.DecimalField(label=_("Passing from"), decimal_places=2,
                                   help_text=_("Marks below this count as failing in the reports."))
    good_from = forms.DecimalField(label=_("Good from"), decimal_places=2,
                                   help_text=_("Marks from this up count as «good» (качество знаний)."))
    counts_in_average = forms.BooleanField(label=_("Counts in averages"), required=False, initial=True)


class WorkTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=12, required=False)
    weight = forms.DecimalField(label=_("Weight"), min_value=Decimal("0.1"), max_value=Decimal(10), decimal_places=2,
                                initial=Decimal(1))
    is_default = forms.BooleanField(label=_("Default for a lesson"), required=False)


class AttendanceCodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=4)
    name = forms.CharField(label=_("Meaning"), max_length=100)
    is_absence = forms.BooleanField(label=_("The student missed the lesson"), required=False, initial=True)
    is_excused = forms.BooleanField(label=_("Excused"), required=False)
