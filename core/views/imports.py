"""Importing people from a file: upload, read the check report, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.choices import PeopleGroup
from core.errors import NotFoundForActor
from core.forms import PeopleImportForm
from core.importing.template import import_template_xlsx, template_title
from core.models import PeopleImport, SchoolClass
from core.services.imports import people_import_apply, people_import_check
from core.views.base import require

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require("people.import")
def import_start(request: HttpRequest) -> HttpResponse:
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = people_import_check(
            actor=request.person, kind=form.cleaned_data["group"], file_name=upload.name, content=upload.read()
        )
        return redirect("core:people_import_detail", import_id=job.pk)
    history = PeopleImport.objects.select_related("created_by").defer("content", "report")[:20]
    return render(request, "core/imports/start.html", {
        "form": form, "history": history, "groups": PeopleGroup.choices,
    })


@require("people.import")
def import_template(request: HttpRequest, group: str) -> HttpResponse:
    if group not in PeopleGroup.values:
        raise NotFoundForActor
    response = HttpResponse(import_template_xlsx(group), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"Parta — {template_title(group)}.xlsx"
    )
    return response


def _job(import_id: int) -> PeopleImport:
    job = PeopleImport.objects.select_related("created_by").defer("content").filter(pk=import_id).first()
    if job is None:
        raise NotFoundForActor
    return job


@require("people.import")
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    job = _job(import_id)
    class_ids = job.summary.get("class_ids", []) if job.summary else []
    classes = list(SchoolClass.objects.filter(pk__in=class_ids).order_by("grade", "letter")) if class_ids else []
    return render(request, "core/imports/detail.html", {
        "job": job, "report": job.report, "classes": classes,
    })


@require("people.import")
def import_apply(request: HttpRequest, import_id: int) -> HttpResponse:
    job = _job(import_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        job = people_import_apply(actor=request.person, people_import=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if job.status == PeopleImport.Status.APPLIED:
            messages.success(request, _("The file is written: %(created)d added, %(updated)d updated.")
                             % {"created": job.summary["created"], "updated": job.summary["updated"]})
        else:
            messages.error(request, _("The school has changed since the check, and the file now has problems. "
                                      "Nothing is written."))
    return redirect("core:people_import_detail", import_id=job.pk)
