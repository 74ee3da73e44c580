"""Forms of the public request form and of the coordinator's pages. They check what a
person typed and say what is wrong in plain words; the services enforce the rules again."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalize_phone
from provisioning.models import ConnectionRequest
from provisioning.selectors import (
    CodeFilters,
    CodeState,
    Scope,
    approved_requests_without_code,
    code_batches_for,
    municipalities_for,
    municipalities_of,
    regions_open_for_requests,
)
from provisioning.services.codes import BATCH_MAX, DEFAULT_VALID_DAYS

MAX_VALID_DAYS = 366

_INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_is_valid(inn: str) -> bool:
    """The ИНН of a legal entity: 10 digits, the last a checksum (ФНС's weights)."""
    if not re.fullmatch(r"\d{10}", inn or ""):
        return False
    total = sum(int(d) * w for d, w in zip(inn[:9], _INN_WEIGHTS, strict=True))
    return total % 11 % 10 == int(inn[9])


def ogrn_is_valid(ogrn: str) -> bool:
    """The ОГРН of a legal entity: 13 digits, the last = (first 12 mod 11) mod 10."""
    if not re.fullmatch(r"\d{13}", ogrn or ""):
        return False
    return int(ogrn[:12]) % 11 % 10 == int(ogrn[12])


def _digits(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "")


def end_of_day(day: date) -> datetime:
    """A code «valid until 31.03» works all of that day (in the site's time zone)."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# ---- the public form --------------------------------------------------------------------


class ConnectionRequestForm(forms.ModelForm):
    """«Заявка на подключение»: the school, its legal details and whom to answer."""

    consent = forms.BooleanField(
        label=_("I agree to the processing of the personal data given in this request "
                "in order to connect the school"),
        error_messages={"required": _("Without this consent we cannot process the request.")},
    )
    inn = forms.CharField(label=_("INN"), max_length=20, help_text=_("10 digits."),
                          widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    ogrn = forms.CharField(label=_("OGRN"), max_length=20, help_text=_("13 digits."),
                           widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    # A honeypot: people never see this field (it is hidden and skipped by keyboard and
    # screen readers); bots that fill every input give themselves away.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = ConnectionRequest
        fields = [
            "full_name", "short_name", "region", "municipality", "address", "inn", "ogrn",
            "contact_name", "email", "phone",
        ]
        labels = {
            "full_name": _("Full name of the school"),
            "short_name": _("Short name"),
            "region": _("Region"),
            "municipality": _("Municipality"),
            "address": _("Address"),
            "contact_name": _("Contact person"),
            "email": _("E-mail"),
            "phone": _("Phone"),
        }
        help_texts = {
            "full_name": _("As in the charter, for example «Муниципальное бюджетное общеобразовательное "
                           "учреждение «Средняя общеобразовательная школа № 3»»."),
            "short_name": _("For example «МБОУ СОШ № 3»."),
            "contact_name": _("Full name and position, for example the deputy director for IT."),
            "email": _("The answer and the activation code will be sent here."),
            "phone": _("For example +7 912 345-67-89."),
        }
        error_messages = {
            "municipality": {"invalid_choice": _("Choose a municipality from the list.")},
            "region": {"invalid_choice": _("Choose a region from the list.")},
            "email": {"invalid": _("Enter a valid e-mail address, for example school3@example.ru.")},
        }
        widgets = {
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.queryset = regions_open_for_requests().order_by("name")
        region.empty_label = _("— choose a region —")
        region.help_text = _("If your region is not in the list, it has not joined Parta yet.")
        # The municipality list follows the region (htmx swaps the options in; without
        # JavaScript the bound region narrows it on the next round trip).
        region.widget.attrs.update({
            "hx-get": reverse_lazy("coordinator:connect_municipalities"),
            "hx-target": "#id_municipality",
            "hx-trigger": "change",
        })
        municipality = self.fields["municipality"]
        municipality.empty_label = _("— choose a municipality —")
        region_id = self.data.get("region") if self.is_bound else self.initial.get("region")
        try:
            region_id = int(region_id) if region_id else None
        except (TypeError, ValueError):
            region_id = None
        municipality.widget.choices = [("", municipality.empty_label)] + [
            (m.pk, m.name) for m in municipalities_of(region_id)
        ]
        website = self.fields["website"]
        website.widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_inn(self) -> str:
        inn = _digits(self.cleaned_data["inn"])
        if not re.fullmatch(r"\d{10}", inn):
            raise forms.ValidationError(_("The INN of an organisation is 10 digits."), code="inn_format")
        if not inn_is_valid(inn):
            raise forms.ValidationError(
                _("The INN has a mistake: its check digit does not match. Check it against the "
                  "extract from the register (ЕГРЮЛ)."),
                code="inn_checksum",
            )
        return inn

    def clean_ogrn(self) -> str:
        ogrn = _digits(self.cleaned_data["ogrn"])
        if not re.fullmatch(r"\d{13}", ogrn):
            raise forms.ValidationError(_("The OGRN is 13 digits."), code="ogrn_format")
        if not ogrn_is_valid(ogrn):
            raise forms.ValidationError(
                _("The OGRN has a mistake: its check digit does not match."), code="ogrn_checksum"
            )
        return ogrn

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["phone"])
        if not phone:
            raise forms.ValidationError(
                _("Enter a phone number, for example +7 912 345-67-89."), code="phone_invalid"
            )
        return phone

    def clean(self) -> dict:
        cleaned = super().clean()
        region, municipality = cleaned.get("region"), cleaned.get("municipality")
        if region and municipality and municipality.region_id != region.pk:
            self.add_error(
                "municipality",
                forms.ValidationError(
                    _("This municipality is not in the chosen region."), code="municipality_other_region"
                ),
            )
        return cleaned

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


# ---- requests ----------------------------------------------------------------------------


def _expiry_field() -> forms.DateField:
    return forms.DateField(
        label=_("Valid until"),
        widget=DateInput(),
        initial=lambda: timezone.localdate() + timedelta(days=DEFAULT_VALID_DAYS),
        help_text=_("Including this day. 60 days by default."),
    )


def _clean_expiry(day: date | None) -> date | None:
    if day is None:
        return None
    today = timezone.localdate()
    if day < today:
        raise forms.ValidationError(_("The date has passed. Choose a later one."), code="expiry_in_past")
    if day > today + timedelta(days=MAX_VALID_DAYS):
        raise forms.ValidationError(_("A code may be valid for a year at most."), code="expiry_too_far")
    return day


class RequestApproveForm(forms.Form):
    issue_code = forms.BooleanField(label=_("Issue an activation code now and send it"), required=False,
                                    initial=True)
    expires_on = _expiry_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].required = False

    def clean_expires_on(self) -> date | None:
        return _clean_expiry(self.cleaned_data.get("expires_on"))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("issue_code") and not cleaned.get("expires_on") and "expires_on" not in self.errors:
            self.add_error("expires_on", _("Choose until when the code is valid."))
        return cleaned


class RequestCodeForm(forms.Form):
    expires_on = _expiry_field()

    def clean_expires_on(self) -> date | None:
        return _clean_expiry(self.cleaned_data.get("expires_on"))


class RequestRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant will read it in the e-mail."),
        error_messages={"required": _("Give the reason: the applicant will read it.")},
        max_length=2000,
    )


# ---- codes ------------------------------------------------------------------------------


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def _municipality_choices(field: forms.ModelChoiceField, scope: Scope, *, empty_label: str) -> None:
    """Group municipalities by region when the coordinator has several."""
    municipalities = list(field.queryset)
    if len(scope.regions) > 1:
        groups: dict[str, list] = {}
        for m in municipalities:
            groups.setdefault(m.region.name, []).append((m.pk, m.name))
        field.choices = [("", empty_label), *groups.items()]
    else:
        field.choices = [("", empty_label)] + [(m.pk, m.name) for m in municipalities]


class CodeIssueForm(forms.Form):
    municipality = MunicipalityChoiceField(
        label=_("Municipality"), queryset=None,
        error_messages={"invalid_choice": _("Choose a municipality from the list.")},
    )
    count = forms.IntegerField(
        label=_("How many codes"), min_value=1, max_value=BATCH_MAX, initial=1,
        help_text=_("One code connects one school. Up to 500 at a time."),
        error_messages={
            "min_value": _("At least one code."),
            "max_value": _("At most 500 codes at a time."),
        },
    )
    expires_on = _expiry_field()
    request = forms.ModelChoiceField(
        label=_("For the request"), queryset=None, required=False,
        help_text=_("Optional: tie a single code to an approved request."),
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_for(scope)
        _municipality_choices(self.fields["municipality"], scope, empty_label=_("— choose —"))
        self.fields["request"].queryset = approved_requests_without_code(scope)
        self.fields["request"].empty_label = _("— not tied to a request —")
        self.fields["count"].widget.attrs.update({"inputmode": "numeric"})

    def clean_expires_on(self) -> date | None:
        return _clean_expiry(self.cleaned_data.get("expires_on"))

    def clean(self) -> dict:
        cleaned = super().clean()
        request, municipality = cleaned.get("request"), cleaned.get("municipality")
        if request is not None:
            if municipality is not None and request.municipality_id != municipality.pk:
                self.add_error("request", _("The request is from another municipality."))
            if cleaned.get("count") not in (None, 1):
                self.add_error("count", _("A request gets one code."))
        return cleaned

    @property
    def expires_at(self) -> datetime:
        return end_of_day(self.cleaned_data["expires_on"])


class CodeFilterForm(forms.Form):
    """The code list's filters (GET); invalid values are ignored, not shouted about."""

    municipality = MunicipalityChoiceField(label=_("Municipality"), queryset=None, required=False)
    state = forms.ChoiceField(label=_("Status"), required=False)
    batch = forms.ChoiceField(label=_("Batch"), required=False)
    issued_from = forms.DateField(label=_("Issued from"), required=False, widget=DateInput())
    issued_to = forms.DateField(label=_("Issued until"), required=False, widget=DateInput())
    q = forms.CharField(label=_("Code"), required=False, max_length=40)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_for(scope)
        _municipality_choices(self.fields["municipality"], scope, empty_label=_("all"))
        self.fields["state"].choices = [("", _("all")), *CodeState.choices]
        batches = code_batches_for(scope)
        self.fields["batch"].choices = [("", _("all"))] + [
            (str(b["batch"]), f"{timezone.localtime(b['issued']):%d.%m.%Y %H:%M} · {b['municipality']} · {b['size']}")
            for b in batches
        ]
        # A batch older than the latest 50 still filters when its id comes in the URL.
        wanted = self.data.get("batch")
        if wanted and wanted not in {str(b["batch"]) for b in batches}:
            self.fields["batch"].choices.append((wanted, wanted[:8]))

    def filters(self) -> CodeFilters:
        self.is_valid()  # whatever did not validate is simply left out of cleaned_data
        data = self.cleaned_data
        batch = None
        if data.get("batch"):
            try:
                batch = uuid.UUID(data["batch"])
            except ValueError:
                batch = None
        return CodeFilters(
            municipality=data.get("municipality"),
            state=data.get("state") or "",
            batch=batch,
            issued_from=data.get("issued_from"),
            issued_to=data.get("issued_to"),
            query=(data.get("q") or "").strip(),
        )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, action_labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("all")), *action_labels.items()]

