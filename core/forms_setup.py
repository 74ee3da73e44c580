"""Forms of the setup wizard's own steps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Person, SchoolSettings
from provisioning.forms_activation import RUSSIAN_TIMEZONES


class SchoolStepForm(forms.ModelForm):
    name = forms.CharField(label=_("Full name of the school"), max_length=300)
    short_name = forms.CharField(label=_("Short name"), max_length=100)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=RUSSIAN_TIMEZONES)
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    modules = forms.MultipleChoiceField(label=_("Modules in use"), choices=SchoolSettings.Module.choices,
                                        widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = SchoolSettings
        fields = ["logo", "phone", "email", "website", "address", "grading", "week_days", "modules", "pilot_only"]
        widgets = {"logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "size") and logo.size > 1024 * 1024:
            raise forms.ValidationError(_("The logo must be under 1 MB."))
        if logo and hasattr(logo, "content_type") and logo.content_type not in {"image/png", "image/jpeg",
                                                                                "image/webp"}:
            raise forms.ValidationError(_("Upload a PNG, JPEG or WebP picture."))
        return logo


class ClassesAddForm(forms.Form):
    names = forms.CharField(label=_("Add classes"), max_length=500, required=False,
                            help_text=_("E.g. «1-4 АБ, 5А, 5Б, 6-11 А» — a grade range takes the letters after it."))


class ClassRowForm(forms.Form):
    class_teacher = forms.ModelChoiceField(label=_("Class teacher"), queryset=Person.objects.none(), required=False)
    in_pilot = forms.BooleanField(label=_("In the pilot"), required=False)

    def __init__(self, *args, teachers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teachers is not None:
            self.fields["class_teacher"].queryset = teachers
