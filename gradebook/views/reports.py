"""The administration's report pages, each also a download: `?format=xlsx` or `?format=pdf`.
Thin: `gradebook.reports.access` checks who may see what and builds the report."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.errors import NotFoundForActor
from gradebook import exports
from gradebook.errors import GradebookError
from gradebook.reports import access
from gradebook.reports.common import Sheet, reports_visible, school_today
from gradebook.rules import can_journal

FORMATS = ("xlsx", "pdf")


def _file_name(*parts: str, extension: str) -> str:
    name = " ".join(p for p in parts if p).replace("/", "-")
    return f"{name}.{extension}"


def _download(request: HttpRequest, *, sheets: list[Sheet], title: str, name_parts: list[str],
              signatures: list[str] | None = None) -> HttpResponse:
    school_name = request.tenant.name
    if request.GET.get("format") == "xlsx":
        body, content_type, extension = exports.sheets_xlsx(sheets, school_name=school_name), exports.XLSX, "xlsx"
    else:
        body = exports.sheets_pdf(sheets, title=title, school_name=school_name, signatures=signatures)
        content_type, extension = exports.PDF, "pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_file_name(title, *name_parts, extension=extension))
    return response


def _links(request: HttpRequest) -> dict[str, str]:
    """The download links keep the page's own choices."""
    query = {k: v for k, v in request.GET.items() if k != "format"}
    return {f: f"{request.path}?{urlencode({**query, 'format': f})}" for f in FORMATS}


def _page(request: HttpRequest, build: Callable, template: str, title: str,
          file_parts: Callable[[object], list[str]], signatures: Callable[[object], list[str]] | None = None
          ) -> HttpResponse:
    """Build the report for the person; answer with the page or the file asked for. A report
    that cannot be built (no school year, a mistyped date) shows why, with nothing else."""
    try:
        report, choices = build(request.person, params=request.GET, today=school_today(request.tenant))
    except GradebookError as error:
        return render(request, "gradebook/reports/problem.html", {"title": title, "error": error}, status=400)
    if report is not None and request.GET.get("format") in FORMATS:
        return _download(request, sheets=report.sheets(), title=title, name_parts=file_parts(report),
                         signatures=signatures(report) if signatures else None)
    return render(request, template, {
        "title": title, "report": report, "choices": choices, "downloads": _links(request),
        "query": request.GET,
    })


def _span_name(report) -> str:
    return report.span.label


def index(request: HttpRequest) -> HttpResponse:
    """The list of reports the person may open, in the administration's words."""
    person = request.person
    if not reports_visible(person):
        raise NotFoundForActor
    return render(request, "gradebook/reports/index.html", {
        "school_reports": can_journal(person, "reports.view"),
    })


def summary(request: HttpRequest) -> HttpResponse:
    return _page(request, access.summary_for, "gradebook/reports/summary.html", _("Class summary"),
                 lambda r: [r.school_class.name, _span_name(r)])


def progress(request: HttpRequest) -> HttpResponse:
    return _page(request, access.progress_for, "gradebook/reports/progress.html", _("Pass rate and quality"),
                 lambda r: [_span_name(r)])


def attendance(request: HttpRequest) -> HttpResponse:
    return _page(request, access.attendance_for, "gradebook/reports/attendance.html", _("Attendance"),
                 lambda r: [r.school_class.name if r.school_class else "", _span_name(r)])


def journal_keeping(request: HttpRequest) -> HttpResponse:
    return _page(request, access.journal_keeping_for, "gradebook/reports/journal_keeping.html",
                 _("Journal keeping"),
                 lambda r: [r.teacher.short_name if r.teacher else "", _span_name(r)])


def report_card(request: HttpRequest) -> HttpResponse:
    return _page(request, access.report_card_for, "gradebook/reports/report_card.html", _("Report card"),
                 lambda r: [r.student.full_name, r.school_class.name, r.year.name],
                 lambda r: [_("Class teacher"), _("Director")])
