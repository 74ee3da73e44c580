"""Forms of the activation wizard on the portal."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.phones import normalize_phone

# Russia spans eleven time zones; the list a school picks from, west to east.
RUSSIAN_TIMEZONES = [
    ("Europe/Kaliningrad", _("Kaliningrad (UTC+2)")),
    ("Europe/Moscow", _("Moscow (UTC+3)")),
    ("Europe/Samara", _("Samara (UTC+4)")),
    ("Asia/Yekaterinburg", _("Yekaterinburg (UTC+5)")),
    ("Asia/Omsk", _("Omsk (UTC+6)")),
    ("Asia/Novosibirsk", _("Novosibirsk (UTC+7)")),
    ("Asia/Krasnoyarsk", _("Krasnoyarsk (UTC+7)")),
    ("Asia/Irkutsk", _("Irkutsk (UTC+8)")),
    ("Asia/Yakutsk", _("Yakutsk (UTC+9)")),
    ("Asia/Vladivostok", _("Vladivostok (UTC+10)")),
    ("Asia/Magadan", _("Magadan (UTC+11)")),
    ("Asia/Kamchatka", _("Kamchatka (UTC+12)")),
]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Activation code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "placeholder": "XXXX-XXXX-XXXX-XXXX-XXXX", "autofocus": True}),
    )


class SchoolDetailsForm(forms.Form):
    name = forms.CharField(label=_("Full name of the school"), max_length=400,
                           help_text=_("As in the charter, e.g. «Муниципальное бюджетное общеобразовательное "
                                       "учреждение «Средняя общеобразовательная школа № 5»»."))
    short_name = forms.CharField(label=_("Short name"), max_length=150, help_text=_("E.g. «МБОУ СОШ № 5»."))
    slug = forms.CharField(
        label=_("Address on Parta"), max_length=63,
        help_text=_("Latin letters, digits and hyphens: school5-kaluga. It becomes the school's address."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=RUSSIAN_TIMEZONES, initial="Europe/Moscow")
    address = forms.CharField(label=_("Postal address"), max_length=400, required=False)

    def clean_slug(self) -> str:
        return self.cleaned_data["slug"].strip().lower()


class AdminAccountForm(forms.Form):
    """The first administrator's new account."""

    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    middle_name = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"),
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Account.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail exists. Sign in with it instead."))
        return email

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "")
        if not raw:
            return ""
        phone = normalize_phone(raw)
        if not phone:
            raise forms.ValidationError(_("Enter a phone number like +7 912 345-67-89."))
        if Account.objects.filter(phone=phone).exists():
            raise forms.ValidationError(_("An account with this phone exists. Sign in with it instead."))
        return phone

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The passwords differ."))
        elif data.get("password1"):
            candidate = Account(email=data.get("email"), last_name=data.get("last_name", ""),
                                first_name=data.get("first_name", ""))
            try:
                validate_password(data["password1"], candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
