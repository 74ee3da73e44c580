"""Groups gathered from several classes (electives): a list, and a page to create or
change one and pick its students class by class, with a name filter. Administrators only."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import NotFoundForActor
from core.models import Enrollment, Person
from core.views.base import require
from timetable.models import Subgroup
from timetable.services import groups as services
from timetable.services.template import TemplateConflictError


class ElectiveForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Group name"), max_length=100,
                           help_text=gettext_lazy("E.g. «Робототехника», «Профильная химия»."))
    students = forms.ModelMultipleChoiceField(label=gettext_lazy("Students"), required=False,
                                              queryset=Person.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = Person.objects.filter(enrollments__isnull=False)


def _group(group_id: int) -> Subgroup:
    group = Subgroup.objects.filter(pk=group_id, school_class__isnull=True).first()
    if group is None:
        raise NotFoundForActor
    return group


def _students_by_class(chosen: set[int]) -> list[dict]:
    """Every student of the school under their class, two queries."""
    by_class: dict[int, dict] = {}
    rows = (Enrollment.objects.select_related("school_class", "student")
            .order_by("school_class__grade", "school_class__letter", "student__last_name", "student__first_name"))
    members: dict[int, list] = defaultdict(list)
    for enrollment in rows:
        by_class.setdefault(enrollment.school_class_id, {"school_class": enrollment.school_class, "students": []})
        members[enrollment.school_class_id].append(
            {"person": enrollment.student, "checked": enrollment.student_id in chosen})
    for class_id, block in by_class.items():
        block["students"] = members[class_id]
        block["chosen"] = sum(s["checked"] for s in members[class_id])
    return list(by_class.values())


@require("school.manage")
def groups(request: HttpRequest) -> HttpResponse:
    found = (Subgroup.objects.filter(school_class__isnull=True).annotate(members=Count("students", distinct=True),
                                                                          entries=Count("template_entries",
                                                                                        distinct=True))
             .order_by("name"))
    return render(request, "timetable/groups/list.html", {"groups": found})


@require("school.manage")
def group_form(request: HttpRequest, group_id: int | None = None) -> HttpResponse:
    group = _group(group_id) if group_id is not None else None
    if request.method == "POST" and request.POST.get("action") == "delete" and group is not None:
        try:
            services.elective_group_delete(actor=request.person, group=group)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("timetable:group", group_id=group.pk)
        messages.success(request, _("The group «%(name)s» is removed.") % {"name": group.name})
        return redirect("timetable:groups")
    initial = {"name": group.name, "students": list(group.students.values_list("pk", flat=True))} if group else {}
    form = ElectiveForm(request.POST if request.method == "POST" else None, initial=initial)
    refused = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.elective_group_set(actor=request.person, name=form.cleaned_data["name"],
                                                students=list(form.cleaned_data["students"]), group=group)
        except TemplateConflictError as exc:
            refused = exc.conflicts
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The group «%(name)s» is saved: %(n)s students.")
                             % {"name": saved.name, "n": len(form.cleaned_data["students"])})
            return redirect("timetable:group", group_id=saved.pk)
    if form.is_bound:
        chosen = {int(v) for v in request.POST.getlist("students") if v.isdigit()}
    else:
        chosen = set(initial.get("students", []))
    return render(request, "timetable/groups/form.html", {
        "group": group, "form": form, "classes": _students_by_class(chosen), "chosen_count": len(chosen),
        "refused": refused,
    })
