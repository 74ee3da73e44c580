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


# ----- bell schedules, their uses, short days, class weeks (the bells page) -----

WEEKDAY_CHOICES = [(1, _("Mon")), (2, _("Tue")), (3, _("Wed")), (4, _("Thu")), (5, _("Fri")), (6, _("Sat"))]


def grades_parse(text: str) -> list[int]:
    """«1-4, 9» → [1, 2, 3, 4, 9]; raises ValidationError with a message people understand."""
    grades: set[int] = set()
    for part in text.replace(";", ",").replace("–", "-").split(","):
        part = part.strip()
        if not part:
            continue
        first, sep, last = part.partition("-")
        try:
            low, high = (int(first), int(last)) if sep else (int(part), int(part))
        except ValueError:
            raise forms.ValidationError(_("Write grades as numbers and ranges, e.g. 1-4, 9."),
                                        code="grades") from None
        if low > high or low < 0 or high > 12:
            raise forms.ValidationError(_("Grades run from 0 to 12."), code="grades")
        grades.update(range(low, high + 1))
    return sorted(grades)


class GradesField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            from timetable.services.bells import grades_label

            return grades_label(value) if value else ""
        return value

    def clean(self, value):
        return grades_parse(super().clean(value) or "")


class ScheduleForm(forms.Form):
    """A bell schedule's name and whether it is the default (the slots are a formset)."""

    name = forms.CharField(label=_("Schedule name"), max_length=100,
                           help_text=_("E.g. «Основное», «Понедельник», «Вторая смена», «Сокращённый день»."))
    is_default = forms.BooleanField(label=_("Default schedule for new timetables"), required=False)


class BellUseForm(forms.Form):
    bell_schedule = forms.ModelChoiceField(label=_("Bell schedule"), queryset=None, empty_label=None)
    weekdays = forms.TypedMultipleChoiceField(label=_("On these days"), choices=WEEKDAY_CHOICES, coerce=int,
                                              required=False, widget=forms.CheckboxSelectMultiple,
                                              help_text=_("None: every day."))
    grades = GradesField(label=_("For these grades"), help_text=_("E.g. 2-4 for the second shift; empty: all."))

    def __init__(self, *args, **kwargs):
        from timetable.models import BellSchedule

        super().__init__(*args, **kwargs)
        self.fields["bell_schedule"].queryset = BellSchedule.objects.all()

    def clean(self):
        data = super().clean()
        if not data.get("weekdays") and not data.get("grades") and not self.errors:
            raise forms.ValidationError(_("Choose the days, the grades or both."), code="use_everything")
        return data


class ShortDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    bell_schedule = forms.ModelChoiceField(label=_("Bell schedule of the day"), queryset=None, empty_label=None)
    grades = GradesField(label=_("Grades"), help_text=_("Empty: the whole school."))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("E.g. «предпраздничный день», «мороз»."))

    def __init__(self, *args, **kwargs):
        from timetable.models import BellSchedule

        super().__init__(*args, **kwargs)
        self.fields["bell_schedule"].queryset = BellSchedule.objects.all()


class ClassWeeksForm(forms.Form):
    """One select per class: the school's week, five days or six."""

    def __init__(self, *args, classes, school_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.classes = list(classes)
        choices = [("", _("as the school (%(n)s days)") % {"n": school_days}), ("5", _("5 days")),
                   ("6", _("6 days"))]
        for school_class in self.classes:
            self.fields[f"class_{school_class.pk}"] = forms.TypedChoiceField(
                label=school_class.name, choices=choices, required=False, coerce=int, empty_value=None,
                initial=school_class.week_days or "")

    def rows(self):
        return [(c, self[f"class_{c.pk}"]) for c in self.classes]

    def changes(self) -> dict:
        return {c: self.cleaned_data.get(f"class_{c.pk}") for c in self.classes}
