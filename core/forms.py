"""Forms of the people pages and of redeeming an invitation. They check what a person typed
and say what is wrong in plain words; the services keep the invariants."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.phones import normalize_phone
from core import errors
from core.choices import STAFF_ROLE_ORDER, PeopleGroup
from core.importing.plan import name_key
from core.importing.reader import MAX_BYTES
from core.models import Guardianship, Person, SchoolClass
from core.selectors.people import class_choices, student_choices
from tenants.choices import Role

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class PersonForm(forms.Form):
    """Create or edit a person. `group` (on creation) fixes the roles and hides what does not
    apply; editing shows everything, because a teacher can also be a parent."""

    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    middle_name = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=_DATE_WIDGET,
                                 input_formats=_DATE_FORMATS)
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    position = forms.CharField(label=_("Position"), max_length=200, required=False,
                               help_text=_("For example, «mathematics teacher»."))
    school_class = forms.TypedChoiceField(label=_("Class"), coerce=int, required=False, empty_value=None)
    children = forms.TypedMultipleChoiceField(
        label=_("Children"), coerce=int, required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several children."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    guardian_kind = forms.ChoiceField(label=_("Relation to the children"), choices=Guardianship.Kind.choices,
                                      initial=Guardianship.Kind.GUARDIAN)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    external_id = forms.CharField(label=_("External id"), max_length=64, required=False,
                                  help_text=_("The person's number in the school's register, if there is one."))
    is_active = forms.BooleanField(label=_("In the school (uncheck when the person leaves)"), required=False,
                                   initial=True)

    def __init__(self, *args, group: str | None = None, person: Person | None = None, **kwargs) -> None:
        self.group = group
        self.person = person
        if person is not None:
            enrollment = next(iter(person.enrollments.all()), None)
            kwargs.setdefault("initial", {}).update(
                {name: getattr(person, name) for name in (
                    "last_name", "first_name", "middle_name", "birth_date", "position", "email", "phone",
                    "external_id", "roles", "is_active",
                )}
                | {
                    "school_class": enrollment.school_class_id if enrollment else None,
                    "children": [g.child_id for g in person.guardianships.all()],
                    "guardian_kind": next((g.kind for g in person.guardianships.all()), Guardianship.Kind.GUARDIAN),
                }
            )
        super().__init__(*args, **kwargs)
        self.fields["school_class"].choices = [("", "—"), *class_choices()]
        children = student_choices()
        if person is not None:
            children = [(group_name, [(pk, label) for pk, label in options if pk != person.pk])
                        for group_name, options in children]
        self.fields["children"].choices = children
        if group == PeopleGroup.STAFF:
            self.fields["roles"].choices = [(r, label) for r, label in Role.choices if r in STAFF_ROLE_ORDER]
            self.fields["roles"].initial = [Role.TEACHER]
            for name in ("school_class", "children", "guardian_kind", "is_active"):
                del self.fields[name]
        elif group == PeopleGroup.STUDENTS:
            self.fields["birth_date"].required = True
            self.fields["school_class"].required = True
            for name in ("roles", "position", "children", "guardian_kind", "is_active"):
                del self.fields[name]
        elif group == PeopleGroup.PARENTS:
            self.fields["children"].required = True
            for name in ("roles", "position", "school_class", "is_active"):
                del self.fields[name]
        self.fields["birth_date"].error_messages["invalid"] = _("Enter the date as DD.MM.YYYY.")
        self.fields["birth_date"].error_messages["required"] = _("A student's birth date is required.")
        if "school_class" in self.fields:
            self.fields["school_class"].error_messages["required"] = _("Choose the student's class.")
        if "children" in self.fields:
            self.fields["children"].error_messages["required"] = _("Choose at least one child.")

    # -- fields

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_middle_name(self) -> str:
        return " ".join(self.cleaned_data["middle_name"].split())

    def clean_birth_date(self) -> date | None:
        born = self.cleaned_data["birth_date"]
        if born and born > timezone.localdate():
            raise ValidationError(_("The birth date is in the future."), code=errors.BAD_BIRTH_DATE)
        if born and born.year < 1900:
            raise ValidationError(_("Check the year of birth."), code=errors.BAD_BIRTH_DATE)
        return born

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        phone = normalize_phone(raw)
        if not phone:
            raise ValidationError(_("Enter the phone as +7 912 345-67-89."), code=errors.BAD_PHONE)
        return phone

    def clean_external_id(self) -> str:
        value = self.cleaned_data["external_id"].strip()
        if value:
            taken = Person.objects.filter(external_id=value)
            if self.person is not None:
                taken = taken.exclude(pk=self.person.pk)
            other = taken.first()
            if other is not None:
                raise ValidationError(
                    _("This external id already belongs to %(name)s.") % {"name": other.full_name},
                    code=errors.EXTERNAL_ID_TAKEN,
                )
        return value

    def clean_school_class(self) -> SchoolClass | None:
        class_id = self.cleaned_data.get("school_class")
        if not class_id:
            return None
        school_class = SchoolClass.objects.filter(pk=class_id).first()
        if school_class is None:
            raise ValidationError(_("Choose a class from the list."))
        return school_class

    def clean_children(self) -> list[Person]:
        ids = self.cleaned_data.get("children") or []
        children = list(Person.objects.filter(pk__in=ids, roles__contains=[Role.STUDENT]))
        if len(children) != len(set(ids)):
            raise ValidationError(_("Choose children from the list."))
        return children

    # -- the whole form

    def roles_chosen(self) -> list[str]:
        if self.group == PeopleGroup.STUDENTS:
            return [Role.STUDENT]
        if self.group == PeopleGroup.PARENTS:
            return [Role.PARENT]
        return list(self.cleaned_data.get("roles") or [])

    def clean(self) -> dict:
        data = super().clean()
        roles = self.roles_chosen()
        active = data.get("is_active", True) if "is_active" in self.fields else True
        if "roles" in self.fields:
            if not roles:
                self.add_error("roles", ValidationError(_("Choose at least one role."), code=errors.NO_ROLES))
            elif Role.STUDENT in roles and len(roles) > 1:
                self.add_error("roles", ValidationError(
                    _("A student cannot also be staff or a parent in the same school."),
                    code=errors.STUDENT_ROLES_MIXED))
        if Role.STUDENT in roles and active:
            if "school_class" in self.fields and not data.get("school_class") and "school_class" not in self.errors:
                self.add_error("school_class", ValidationError(_("Choose the student's class."),
                                                               code=errors.STUDENT_NEEDS_CLASS))
            if not data.get("birth_date") and "birth_date" not in self.errors:
                self.add_error("birth_date", ValidationError(_("A student's birth date is required."),
                                                             code=errors.STUDENT_NEEDS_BIRTH_DATE))
        if Role.PARENT in roles and "children" in self.fields and not data.get("children") \
                and "children" not in self.errors:
            self.add_error("children", ValidationError(_("Choose at least one child."),
                                                       code=errors.PARENT_NEEDS_CHILD))
        self._check_duplicate(data)
        return data

    def _check_duplicate(self, data: dict) -> None:
        if not data.get("last_name") or not data.get("first_name"):
            return
        key = name_key(data["last_name"], data["first_name"], data.get("middle_name", ""))
        same = Person.objects.filter(last_name__iexact=data["last_name"], first_name__iexact=data["first_name"],
                                     birth_date=data.get("birth_date"))
        if self.person is not None:
            same = same.exclude(pk=self.person.pk)
        for other in same:
            if name_key(other.last_name, other.first_name, other.middle_name) == key:
                self.add_error(None, ValidationError(
                    _("%(name)s with this birth date is already in the school. Open their card instead of "
                      "creating a second one, or give the birth date to tell them apart.") % {"name": other.full_name},
                    code=errors.DUPLICATE_PERSON))
                return

    def service_kwargs(self) -> dict[str, object]:
        data = self.cleaned_data
        kwargs: dict[str, object] = {
            name: data.get(name) or ("" if name != "birth_date" else None)
            for name in ("last_name", "first_name", "middle_name", "birth_date", "position", "email", "phone",
                         "external_id")
        }
        kwargs["roles"] = self.roles_chosen()
        kwargs["school_class"] = data.get("school_class")
        kwargs["children"] = data.get("children") if "children" in self.fields else None
        kwargs["guardian_kind"] = data.get("guardian_kind") or Guardianship.Kind.GUARDIAN
        if "is_active" in self.fields:
            kwargs["is_active"] = data.get("is_active", False)
        return kwargs


class PeopleImportForm(forms.Form):
    group = forms.ChoiceField(label=_("What the file lists"), choices=PeopleGroup.choices,
                              widget=forms.RadioSelect, initial=PeopleGroup.STUDENTS)
    file = forms.FileField(label=_("File (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."), code=errors.FILE_TOO_BIG)
        if not upload.name.lower().endswith((".xlsx", ".csv", ".txt")):
            raise ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."), code=errors.FILE_UNREADABLE)
        return upload


class ClassInvitationsForm(forms.Form):
    SCOPES = [
        ("both", _("students and parents")),
        ("students", _("students only")),
        ("parents", _("parents only")),
    ]
    scope = forms.ChoiceField(label=_("Whose codes"), choices=SCOPES, widget=forms.RadioSelect, initial="both")
    only_new = forms.BooleanField(
        label=_("Only people who have no valid code yet (the codes printed earlier keep working)"), required=False
    )


# ---------------------------------------------------------------- the portal


class InvitationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=64,
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
            "placeholder": "XXXX-XXXX-XXXX-XXXX-XXXX", "autofocus": True, "class": "code-input",
        }),
    )


def _consent_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("I have read the text above and consent to the processing of personal data."),
        required=True,
        error_messages={"required": _("Without this consent the school cannot connect you to Parta.")},
    )


class InvitationJoinForm(forms.Form):
    """A signed-in account takes the code: only the consent, when one is needed."""

    def __init__(self, *args, needs_consent: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if needs_consent:
            self.fields["consent"] = _consent_field()


class InvitationSignUpForm(forms.Form):
    """A new account for the person the code is for, names prefilled from the school's record."""

    login = forms.CharField(
        label=_("E-mail or phone"), max_length=254,
        help_text=_("You will sign in with it. A student without e-mail can use a phone number."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    middle_name = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, needs_consent: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if needs_consent:
            self.fields["consent"] = _consent_field()

    def clean_login(self) -> dict[str, str]:
        login = self.cleaned_data["login"].strip()
        if "@" in login:
            try:
                validate_email(login)
            except ValidationError:
                raise ValidationError(_("This is not an e-mail address.")) from None
            local, _at, domain = login.rpartition("@")
            email = f"{local}@{domain.lower()}"
            if Account.objects.filter(email__iexact=email).exists():
                raise ValidationError(
                    _("An account with this e-mail already exists. Sign in to it instead: the code will be "
                      "added to that account."), code="login_taken")
            return {"email": email, "phone": ""}
        phone = normalize_phone(login)
        if not phone:
            raise ValidationError(_("Enter an e-mail address or a phone number such as +7 912 345-67-89."))
        if Account.objects.filter(phone=phone).exists():
            raise ValidationError(
                _("An account with this phone already exists. Sign in to it instead: the code will be added to "
                  "that account."), code="login_taken")
        return {"email": "", "phone": phone}

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The passwords do not match."))
        elif first and isinstance(data.get("login"), dict):
            probe = Account(email=data["login"]["email"] or None, phone=data["login"]["phone"] or None,
                            last_name=data.get("last_name", ""), first_name=data.get("first_name", ""))
            try:
                validate_password(first, user=probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data
