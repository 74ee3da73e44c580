"""The journal settings page of the administration: rules, grading scales and the scale of
each class, work types with weights, attendance codes. Plain forms (one POST per section,
then back to the page), so it works without JavaScript; everyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import NotFoundForActor
from core.models import SchoolClass
from gradebook.errors import GradebookError
from gradebook.forms_settings import AttendanceCodeForm, RulesForm, ScaleForm, WorkTypeForm
from gradebook.models import AttendanceCode, ClassScale, GradingScale, WorkType
from gradebook.rules import can_journal
from gradebook.services import settings as services


def _admin(request: HttpRequest) -> None:
    person = getattr(request, "person", None)
    if person is None or not can_journal(person, "gradebook.manage_settings"):
        raise NotFoundForActor


def _form_error(form, exc: GradebookError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _back(anchor: str) -> HttpResponse:
    return redirect(reverse("gradebook:settings") + f"#{anchor}")


def index(request: HttpRequest) -> HttpResponse:
    _admin(request)
    action = request.POST.get("action") if request.method == "POST" else None
    current = services.gradebook_settings_current()
    rules_form = RulesForm(request.POST if action == "rules" else None, initial=RulesForm.initial_from(current))
    scale_form = ScaleForm(request.POST if action == "scale_add" else None)
    work_type_form = WorkTypeForm(request.POST if action == "work_type_add" else None)
    code_form = AttendanceCodeForm(request.POST if action == "code_add" else None)
    class_error = ""
    person = request.person
    try:
        if action == "rules" and rules_form.is_valid():
            services.gradebook_settings_update(person, **rules_form.cleaned_data)
            messages.success(request, _("The journal rules are saved."))
            return _back("rules")
        if action == "scale_add" and scale_form.is_valid():
            scale = services.grading_scale_create(person, **scale_form.cleaned_data)
            messages.success(request, _("The scale «%(name)s» is added.") % {"name": scale.name})
            return _back("scales")
        if action == "work_type_add" and work_type_form.is_valid():
            services.work_type_create(person, **work_type_form.cleaned_data)
            messages.success(request, _("The work type is added."))
            return _back("work-types")
        if action == "code_add" and code_form.is_valid():
            services.attendance_code_create(person, **code_form.cleaned_data)
            messages.success(request, _("The attendance code is added."))
            return _back("codes")
        if action == "class_scales":
            choices = _class_choices(request)
            changed = services.class_scales_set(person, choices=choices)
            messages.success(request, _("Scales of classes saved: %(n)d changed.") % {"n": changed})
            return _back("class-scales")
    except GradebookError as exc:
        form = {"rules": rules_form, "scale_add": scale_form, "work_type_add": work_type_form,
                "code_add": code_form}.get(action or "")
        if form is not None:
            _form_error(form, exc)
        else:
            class_error = exc.message
    if action is not None and action not in ("rules", "scale_add", "work_type_add", "code_add", "class_scales"):
        raise NotFoundForActor
    return render(request, "gradebook/settings/index.html", {
        **_page_data(), "rules_form": rules_form, "scale_form": scale_form, "work_type_form": work_type_form,
        "code_form": code_form, "class_error": class_error,
    }, status=422 if action else 200)


def _class_choices(request: HttpRequest) -> dict[int, int | None]:
    """{class id: scale id or None} from the fields «class-<id>» (value "" is the default)."""
    choices: dict[int, int | None] = {}
    for key, value in request.POST.items():
        if not key.startswith("class-"):
            continue
        class_id, scale_id = key.removeprefix("class-"), value.strip()
        if not class_id.isdigit() or (scale_id and not scale_id.isdigit()):
            raise GradebookError(services.BAD_VALUE, _("Choose a class and a scale from the lists."))
        choices[int(class_id)] = int(scale_id) if scale_id else None
    return choices


def _page_data() -> dict[str, object]:
    """Everything the page lists, in a fixed number of queries."""
    scales = list(GradingScale.objects.annotate(classes=Count("class_links")).order_by("-is_default", "name"))
    links = dict(ClassScale.objects.values_list("school_class_id", "scale_id"))
    classes = list(SchoolClass.objects.order_by("grade", "letter"))
    for school_class in classes:
        school_class.scale_id = links.get(school_class.pk)
    usage = services.usage_counts()
    work_types = list(WorkType.objects.order_by("position", "name"))
    for work_type in work_types:
        work_type.used = usage["work_types"].get(work_type.pk, 0)
    codes = list(AttendanceCode.objects.order_by("position", "code"))
    for code in codes:
        code.used = usage["codes"].get(code.pk, 0)
    return {"scales": scales, "default_scale": next((s for s in scales if s.is_default), None), "classes": classes,
            "work_types": work_types, "codes": codes}


def _move_or_delete(request: HttpRequest, *, move, delete, anchor: str) -> HttpResponse | None:
    action = request.POST.get("action")
    try:
        if action in ("up", "down"):
            move(-1 if action == "up" else 1)
            return _back(anchor)
        if action == "delete":
            delete()
            messages.success(request, _("Deleted."))
            return _back(anchor)
    except GradebookError as exc:
        messages.error(request, exc.message)
        return _back(anchor)
    return None


def work_type(request: HttpRequest, type_id: int) -> HttpResponse:
    _admin(request)
    item = WorkType.objects.filter(pk=type_id).first()
    if item is None:
        raise NotFoundForActor
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    person = request.person
    form = WorkTypeForm(request.POST if request.POST.get("action") == "save" else None, initial={
        "name": item.name, "short_name": item.short_name, "weight": item.weight, "is_default": item.is_default})
    if request.method == "POST":
        done = _move_or_delete(request, anchor="work-types",
                               move=lambda offset: services.work_type_move(person, work_type=item, offset=offset),
                               delete=lambda: services.work_type_delete(person, work_type=item))
        if done is not None:
            return done
        if form.is_valid():
            try:
                services.work_type_update(person, work_type=item, **form.cleaned_data)
            except GradebookError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The work type is saved."))
                return _back("work-types")
    return render(request, "gradebook/settings/edit.html", {
        "form": form, "title": _("Work type «%(name)s»") % {"name": item.name}, "anchor": "work-types",
    }, status=422 if form.errors else 200)


def attendance_code(request: HttpRequest, code_id: int) -> HttpResponse:
    _admin(request)
    item = AttendanceCode.objects.filter(pk=code_id).first()
    if item is None:
        raise NotFoundForActor
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    person = request.person
    form = AttendanceCodeForm(request.POST if request.POST.get("action") == "save" else None, initial={
        "code": item.code, "name": item.name, "is_absence": item.is_absence, "is_excused": item.is_excused})
    if request.method == "POST":
        done = _move_or_delete(
            request, anchor="codes",
            move=lambda offset: services.attendance_code_move(person, attendance_code=item, offset=offset),
            delete=lambda: services.attendance_code_delete(person, attendance_code=item))
        if done is not None:
            return done
        if form.is_valid():
            try:
                services.attendance_code_update(person, attendance_code=item, **form.cleaned_data)
            except GradebookError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The attendance code is saved."))
                return _back("codes")
    return render(request, "gradebook/settings/edit.html", {
        "form": form, "title": _("Attendance code «%(code)s»") % {"code": item.code}, "anchor": "codes",
    }, status=422 if form.errors else 200)


def scale(request: HttpRequest, scale_id: int) -> HttpResponse:
    """A scale's values (GET); POST `action` = default or delete."""
    _admin(request)
    item = GradingScale.objects.filter(pk=scale_id).first()
    if item is None:
        raise NotFoundForActor
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "default":
                services.grading_scale_set_default(request.person, scale=item)
                messages.success(request, _("«%(name)s» is now the school's default scale.") % {"name": item.name})
            elif action == "delete":
                services.grading_scale_delete(request.person, scale=item)
                messages.success(request, _("The scale «%(name)s» is deleted.") % {"name": item.name})
            else:
                raise NotFoundForActor
        except GradebookError as exc:
            messages.error(request, exc.message)
        return _back("scales")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "gradebook/settings/scale.html", {
        "scale": item, "in_use": services.scale_in_use(item),
        "classes": list(SchoolClass.objects.filter(grading_scale__scale=item).order_by("grade", "letter")),
    })
