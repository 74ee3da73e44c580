"""Planning pages (staff only): the list of plans, one plan with its topics (inline edits
through htmx, plain forms without it), the plan file import, «fill lesson topics», the
methodological library and the teacher's description templates. Thin: selectors read,
services write; everyone else gets the 404 of a missing page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import NotFoundForActor
from gradebook import importing_plan
from gradebook.errors import GradebookError
from gradebook.files import download_response
from gradebook.forms_planning import (
    LessonTemplateForm,
    MaterialFilterForm,
    MaterialForm,
    PlanApplyForm,
    PlanImportForm,
    TopicForm,
)
from gradebook.importing_plan import PlanFileError
from gradebook.selectors import planning as selectors
from gradebook.services import planning as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff(request: HttpRequest) -> None:
    if not selectors.planning_visible_to(getattr(request, "person", None)):
        raise NotFoundForActor


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _group_id(request: HttpRequest) -> int | None:
    value = request.GET.get("group", "")
    if not value:
        return None
    if not value.isdigit():
        raise NotFoundForActor
    return int(value)


def plan_url(class_id: int, subject_id: int, group_id: int | None = None) -> str:
    url = reverse("gradebook:plan", args=[class_id, subject_id])
    return f"{url}?{urlencode({'group': group_id})}" if group_id else url


def _form_error(form, exc: GradebookError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# ---- the list of plans -------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    _staff(request)
    rows = selectors.plan_rows_for(request.person)
    for row in rows:
        row.url = plan_url(*row.key)
    return render(request, "gradebook/planning/index.html", {"rows": rows})


# ---- one plan ----------------------------------------------------------------------------


def _page(request: HttpRequest, class_id: int, subject_id: int) -> selectors.PlanPage:
    return selectors.plan_page_for(request.person, class_id=class_id, subject_id=subject_id,
                                   group_id=_group_id(request))


def _render_plan(request: HttpRequest, page: selectors.PlanPage, *, topic_form: TopicForm | None = None,
                 import_form: PlanImportForm | None = None, apply_form: PlanApplyForm | None = None,
                 problems: list | None = None, status: int = 200) -> HttpResponse:
    context = {
        "page": page, "url": plan_url(page.school_class.pk, page.subject.pk,
                                      page.subgroup.pk if page.subgroup else None),
        "topic_form": topic_form or TopicForm(), "import_form": import_form or PlanImportForm(),
        "apply_form": apply_form or PlanApplyForm(), "problems": problems or [],
    }
    template = "gradebook/planning/_topics.html" if _is_htmx(request) else "gradebook/planning/plan.html"
    return render(request, template, context, status=status)


def plan(request: HttpRequest, class_id: int, subject_id: int) -> HttpResponse:
    """The plan page; POST `action` = add (a topic), import (a file) or apply (fill topics)."""
    _staff(request)
    page = _page(request, class_id, subject_id)
    if request.method == "GET":
        return _render_plan(request, page)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if not page.can_edit:
        raise NotFoundForActor
    action = request.POST.get("action")
    here = plan_url(class_id, subject_id, page.subgroup.pk if page.subgroup else None)
    if action == "add":
        form = TopicForm(request.POST)
        if form.is_valid():
            try:
                plan_row = services.plan_ensure(request.person, school_class=page.school_class,
                                                subject=page.subject, subgroup=page.subgroup)
                services.plan_topic_add(request.person, plan=plan_row, **form.cleaned_data)
            except GradebookError as exc:
                _form_error(form, exc)
            else:
                if not _is_htmx(request):
                    return redirect(here)
                page = _page(request, class_id, subject_id)
                return _render_plan(request, page, topic_form=TopicForm(initial={"section": form.cleaned_data[
                    "section"]}))
        return _render_plan(request, page, topic_form=form, status=422 if not _is_htmx(request) else 200)
    if action == "import":
        form = PlanImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                plan_row = services.plan_ensure(request.person, school_class=page.school_class,
                                                subject=page.subject, subgroup=page.subgroup)
                result = services.plan_import(request.person, plan=plan_row, file_name=upload.name,
                                              content=upload.read(), replace=form.cleaned_data["mode"] == "replace")
            except PlanFileError as exc:
                form.add_error("file", exc.message)
                return _render_plan(request, page, import_form=form, problems=exc.problems, status=422)
            except GradebookError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, ngettext(
                    "Imported %(count)d topic, %(hours)d hours.", "Imported %(count)d topics, %(hours)d hours.",
                    result.topics) % {"count": result.topics, "hours": result.hours})
                return redirect(here)
        return _render_plan(request, page, import_form=form, status=422)
    if action == "apply":
        form = PlanApplyForm(request.POST)
        if form.is_valid() and page.plan is not None:
            try:
                result = services.plan_apply(request.person, plan=page.plan, **form.cleaned_data)
            except GradebookError as exc:
                _form_error(form, exc)
            else:
                text = _("Topics written in %(filled)d lessons.") % {"filled": result.lessons_filled}
                if result.lessons_kept:
                    text += " " + _("%(kept)d lessons already had a topic and were left as they were.") % {
                        "kept": result.lessons_kept}
                if result.lessons_locked:
                    text += " " + _("%(locked)d lessons of closed periods were not changed.") % {
                        "locked": result.lessons_locked}
                if result.topics_not_fitted:
                    messages.warning(request, _("%(topics)d topics (%(hours)d hours) did not fit: the year has "
                                                "fewer lessons than the plan has hours.")
                                     % {"topics": result.topics_not_fitted, "hours": result.hours_not_fitted})
                messages.success(request, text)
                return redirect(here)
        elif page.plan is None:
            form.add_error(None, _("The plan has no topics yet."))
        return _render_plan(request, page, apply_form=form, status=422)
    raise NotFoundForActor


def _template_response(request: HttpRequest, fmt: str) -> HttpResponse:
    _staff(request)
    if fmt == "xlsx":
        response = HttpResponse(importing_plan.plan_template_xlsx(), content_type=XLSX)
    else:
        response = HttpResponse(importing_plan.plan_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True,
                                                                 filename=f"Parta — КТП.{fmt}")
    return response


def plan_template_xlsx(request: HttpRequest) -> HttpResponse:
    """The plan file template to fill in Excel."""
    return _template_response(request, "xlsx")


def plan_template_csv(request: HttpRequest) -> HttpResponse:
    return _template_response(request, "csv")


def topic(request: HttpRequest, topic_id: int) -> HttpResponse:
    """One topic: GET the edit row (htmx) or page; POST `action` = save, delete, up, down."""
    _staff(request)
    item = selectors.topic_get_for_edit(request.person, topic_id)
    plan_row = item.plan
    here = plan_url(plan_row.school_class_id, plan_row.subject_id, plan_row.subgroup_id)
    form = TopicForm(request.POST or None, initial={
        "section": item.section, "title": item.title, "hours": item.hours, "homework": item.homework})
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "delete":
                services.plan_topic_delete(request.person, topic=item)
            elif action in ("up", "down"):
                services.plan_topic_move(request.person, topic=item, offset=-1 if action == "up" else 1)
            elif form.is_valid():
                services.plan_topic_update(request.person, topic=item, **form.cleaned_data)
            else:
                raise _Invalid
        except GradebookError as exc:
            _form_error(form, exc)
        except _Invalid:
            pass
        else:
            if not _is_htmx(request):
                return redirect(here)
            page = selectors.plan_page_for(request.person, class_id=plan_row.school_class_id,
                                           subject_id=plan_row.subject_id, group_id=plan_row.subgroup_id)
            response = _render_plan(request, page)
            if action in ("up", "down"):
                # Keep the keyboard where it was: on the same button of the moved row.
                response["HX-Trigger-After-Settle"] = f'{{"partaFocus": "#topic-{item.pk}-{action}"}}'
            return response
    template = "gradebook/planning/_topic_edit.html" if _is_htmx(request) else "gradebook/planning/topic.html"
    # htmx swaps only 2xx answers: the row with its errors comes back as 200 there.
    return render(request, template, {"topic": item, "form": form, "plan_url": here},
                  status=422 if form.errors and not _is_htmx(request) else 200)


class _Invalid(Exception):
    """The topic form did not validate (its errors are already on the form)."""


# ---- the methodological library ----------------------------------------------------------


def materials(request: HttpRequest) -> HttpResponse:
    _staff(request)
    filters = MaterialFilterForm(request.GET or None)
    subject_id = grade = None
    if filters.is_valid():
        subject = filters.cleaned_data.get("subject")
        subject_id, grade = (subject.pk if subject else None), filters.cleaned_data.get("grade")
    form = MaterialForm(request.POST or None, request.FILES or None, initial={"subject": subject_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.material_create(request.person, subject=data["subject"], title=data["title"],
                                     grades=data["grades"], description=data["description"], upload=data["file"],
                                     url=data["url"])
        except GradebookError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The material is added to the library."))
            return redirect(request.get_full_path())
    items = selectors.materials_for(request.person, subject_id=subject_id, grade=grade)
    for item in items:
        item.can_delete = selectors.material_can_delete(request.person, item)
    return render(request, "gradebook/planning/materials.html", {
        "items": items, "form": form, "filters": filters,
    }, status=422 if form.errors else 200)


def material_download(request: HttpRequest, material_id: int) -> HttpResponse:
    _staff(request)
    item = selectors.material_get_for(request.person, material_id)
    if not item.file:
        raise NotFoundForActor
    return download_response(item.file, name=item.file_name or "material")


def material_delete(request: HttpRequest, material_id: int) -> HttpResponse:
    _staff(request)
    item = selectors.material_get_for(request.person, material_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.material_delete(request.person, material=item)
    except GradebookError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("«%(title)s» is deleted.") % {"title": item.title})
    return redirect("gradebook:materials")


# ---- description templates ---------------------------------------------------------------


def templates(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = LessonTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_template_create(request.person, **form.cleaned_data)
        except GradebookError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("gradebook:lesson_templates")
    return render(request, "gradebook/planning/templates.html", {
        "items": selectors.lesson_templates_for(request.person), "form": form,
    }, status=422 if form.errors else 200)


def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    _staff(request)
    item = selectors.lesson_template_get_for(request.person, template_id)
    form = LessonTemplateForm(request.POST or None, initial={"title": item.title, "text": item.text})
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.lesson_template_delete(request.person, template=item)
            messages.success(request, _("The template is deleted."))
            return redirect("gradebook:lesson_templates")
        if form.is_valid():
            try:
                services.lesson_template_update(request.person, template=item, **form.cleaned_data)
            except GradebookError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The template is saved."))
                return redirect("gradebook:lesson_templates")
    return render(request, "gradebook/planning/template_edit.html", {"item": item, "form": form},
                  status=422 if form.errors else 200)
