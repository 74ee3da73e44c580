"""The setup wizard's overview and its own steps (1, 3, 4, 5 and 8; steps 2, 6 and 7
are the timetable app's calendar, rooms and subjects pages)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import setup
from core.forms_setup import ClassesAddForm, ClassRowForm, SchoolStepForm
from core.models import Person, SchoolClass
from core.selectors import classes_with_counts, school_counts
from core.services import setup as services
from core.views.base import require
from tenants.choices import Role

SKIP_SESSION_KEY = "setup_skipped"


def _render(request: HttpRequest, template: str, key: str, context: dict) -> HttpResponse:
    return render(request, template, {**setup.setup_context(request), "setup_key": key, **context})


def _completed(request: HttpRequest, key: str, message: str) -> HttpResponse:
    setup.setup_step_complete(actor=request.person, key=key)
    messages.success(request, message)
    return redirect(setup.setup_next_url(key) if request.POST.get("continue") else request.path)


@require("school.manage")
def overview(request: HttpRequest) -> HttpResponse:
    progress = setup.setup_progress()
    return render(request, "core/setup/overview.html", {
        "progress": progress, "done_count": sum(1 for p in progress if p["done"]),
        "complete": setup.setup_is_complete(), "resume_url": setup.setup_first_open_url(),
    })


@require_POST
@require("school.manage")
def skip(request: HttpRequest) -> HttpResponse:
    """«Later»: stop opening the wizard at sign-in for this session; it stays in the menu."""
    request.session[SKIP_SESSION_KEY] = True
    return redirect("core:home")


@require("school.manage")
def school_step(request: HttpRequest) -> HttpResponse:
    school = request.tenant
    settings = setup.school_settings()
    initial = {"name": school.name, "short_name": school.short_name, "timezone": school.timezone,
               "modules": settings.modules_on}
    form = SchoolStepForm(request.POST or None, request.FILES or None, instance=settings, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        logo = data.get("logo")
        try:
            services.school_settings_update(
                actor=request.person, school=school, name=data["name"], short_name=data["short_name"],
                timezone=data["timezone"], logo=logo if logo and hasattr(logo, "content_type") else None,
                clear_logo=logo is False, phone=data["phone"], email=data["email"], website=data["website"],
                address=data["address"], grading=data["grading"], week_days=data["week_days"],
                modules=data["modules"], pilot_only=data["pilot_only"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _completed(request, "school", _("The school's data is saved."))
    return _render(request, "core/setup/school.html", "school", {"form": form, "settings": settings})


def logo(request: HttpRequest) -> HttpResponse:
    """The school's logo, for any member. Served as an image, never as HTML."""
    settings = setup.school_settings()
    if not settings.logo:
        raise Http404
    response = FileResponse(settings.logo.open("rb"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _people_step(request: HttpRequest, key: str, template: str, context: dict, *, ready: bool,
                 not_ready: str) -> HttpResponse:
    if request.method == "POST":
        if not ready:
            messages.error(request, not_ready)
            return redirect(request.path)
        return _completed(request, key, _("Step done."))
    return _render(request, template, key, {"counts": school_counts(), **context})


@require("school.manage")
def staff_step(request: HttpRequest) -> HttpResponse:
    teachers = Person.objects.filter(is_active=True, roles__contains=[Role.TEACHER]).count()
    return _people_step(request, "staff", "core/setup/staff.html", {"teachers": teachers}, ready=teachers > 0,
                        not_ready=_("Add at least one teacher first."))


@require("school.manage")
def students_step(request: HttpRequest) -> HttpResponse:
    classes = list(classes_with_counts())
    students = sum(c.student_count for c in classes)
    return _people_step(request, "students", "core/setup/students.html", {"classes": classes},
                        ready=students > 0, not_ready=_("Add students to at least one class first."))


@require("school.manage")
def classes_step(request: HttpRequest) -> HttpResponse:
    classes = list(SchoolClass.objects.select_related("class_teacher").order_by("grade", "letter"))
    teachers = Person.objects.filter(is_active=True, roles__contains=[Role.TEACHER]).order_by("last_name")
    add_form = ClassesAddForm(request.POST if request.POST.get("action") == "add" else None)
    data = request.POST if request.POST.get("action") == "save" else None
    rows = [(c, ClassRowForm(data, prefix=f"c{c.pk}", teachers=teachers,
                             initial={"class_teacher": c.class_teacher_id, "in_pilot": c.in_pilot}))
            for c in classes]
    if request.POST.get("action") == "add" and add_form.is_valid():
        try:
            added = services.classes_add(actor=request.person,
                                         names=services.class_names_parse(add_form.cleaned_data["names"]))
        except ValidationError as exc:
            add_form.add_error("names", exc)
        else:
            messages.success(request, _("Classes added: %(n)s.") % {"n": len(added)})
            return redirect(request.path)
    if request.POST.get("action") == "save" and all(form.is_valid() for _c, form in rows):
        try:
            services.classes_update(actor=request.person, rows=[
                (c, form.cleaned_data["class_teacher"], form.cleaned_data["in_pilot"]) for c, form in rows])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            if not classes:
                messages.error(request, _("Add at least one class first."))
                return redirect(request.path)
            return _completed(request, "classes", _("Classes are saved."))
    return _render(request, "core/setup/classes.html", "classes", {
        "add_form": add_form, "rows": rows, "pilot_only": setup.school_settings().pilot_only})


@require("school.manage")
def timetable_step(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _completed(request, "timetable", _("Step done."))
    return _render(request, "core/setup/timetable.html", "timetable", {})
