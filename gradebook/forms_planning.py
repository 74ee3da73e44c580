"""Forms of the planning pages: plan topics, the plan file, «fill lesson topics», the
methodological library and description templates. They check types; the services check
the rules (and their messages land on the same fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.importing.reader import MAX_BYTES
from gradebook.importing_plan import MAX_HOURS
from timetable.forms import DateInput
from timetable.models import Subject

GRADES = [(grade, str(grade)) for grade in range(1, 12)]


class TopicForm(forms.Form):
    section = forms.CharField(label=_("Section"), max_length=300, required=False)
    title = forms.CharField(label=_("Topic"), max_length=500)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=MAX_HOURS, initial=1)
    homework = forms.CharField(label=_("Homework"), max_length=500, required=False)


class PlanImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    mode = forms.ChoiceField(label=_("The plan's current topics"), widget=forms.RadioSelect, initial="replace",
                             choices=[("replace", _("replace them with the file's topics")),
                                      ("append", _("keep them and add the file's topics after them"))])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."))
        return upload


class PlanApplyForm(forms.Form):
    from_date = forms.DateField(label=_("Starting from"), required=False, widget=DateInput(),
                                help_text=_("Empty: from the first lesson of the year."))
    overwrite = forms.BooleanField(label=_("Replace topics already written"), required=False,
                                   help_text=_("Lessons of a closed period are never changed."))


class MaterialForm(forms.Form):
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.none())
    grades = forms.TypedMultipleChoiceField(label=_("Grades"), choices=GRADES, coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text=_("None chosen: for every grade."))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("File"), required=False)
    url = forms.CharField(label=_("or a link"), max_length=500, required=False,
                          widget=forms.URLInput(attrs={"placeholder": "https://"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.order_by("name")


class MaterialFilterForm(forms.Form):
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.none(), required=False,
                                     empty_label=_("All subjects"))
    grade = forms.TypedChoiceField(label=_("Grade"), choices=[("", _("All grades")), *GRADES], coerce=int,
                                   required=False, empty_value=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.order_by("name")


class LessonTemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
