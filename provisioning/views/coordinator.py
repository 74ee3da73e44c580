"""The regional coordinator's pages on the portal: the dashboard, connection requests,
activation codes (issue, revoke, CSV, print sheet, PDF) and the audit log.

Thin: selectors read, services write. Every page is for coordinators only — anonymous
visitors are sent to sign in, everyone else gets the same 404 as for a missing page,
and objects of another region are 404 too (the selectors are scoped to the region)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.throttle import client_ip
from core.errors import NotFoundForActor
from provisioning import exports, selectors
from provisioning.forms import (
    AuditFilterForm,
    CodeFilterForm,
    CodeIssueForm,
    RequestApproveForm,
    RequestCodeForm,
    RequestRejectForm,
    end_of_day,
)
from provisioning.models import ActivationCode, AuditEntry, ConnectionRequest
from provisioning.selectors import Stage
from provisioning.services import codes as code_services
from provisioning.services import requests as request_services
from provisioning.services.summary import dashboard_export_record, summaries_refresh_queue
from tenants.rules import can_in_region
from tenants.selectors import portal_url

PAGE_SIZE = 50
PRINT_MAX = 500  # one batch at most on paper at a time; the CSV has no such limit


def coordinator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in first; then coordinators only, with `request.scope` = their regions."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_in_region(request.user, "region.view_dashboard"):
            raise NotFoundForActor
        request.scope = selectors.coordinator_scope(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def _paginate(request: HttpRequest, items, per_page: int = PAGE_SIZE) -> tuple[Page, str]:
    """The requested page, and the query string of the other parameters (for the links)."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _base_context(request: HttpRequest, section: str) -> dict[str, object]:
    return {"scope": request.scope, "section": section}


# ---- dashboard ------------------------------------------------------------------------

# (query key, short heading, long description for the tooltip and Excel, is a figure)
DASHBOARD_COLUMNS = [
    ("school", gettext_lazy("School"), gettext_lazy("School"), False),
    ("municipality", gettext_lazy("Municipality"), gettext_lazy("Municipality"), False),
    ("stage", gettext_lazy("Stage"), gettext_lazy("Stage"), False),
    ("staff", gettext_lazy("Staff"), gettext_lazy("Staff signed in"), True),
    ("students", gettext_lazy("Students"), gettext_lazy("Students signed in"), True),
    ("parents", gettext_lazy("Parents"), gettext_lazy("Parents signed in"), True),
    ("teachers_marking", gettext_lazy("Marks, 7 days"), gettext_lazy("Teachers giving marks, 7 days"), True),
    ("parents_7d", gettext_lazy("Parents, 7 days"), gettext_lazy("Parents active, 7 days"), True),
    ("updated", gettext_lazy("Updated"), gettext_lazy("Updated"), True),
]
STAGE_COLOURS = {
    Stage.REQUESTED: "#9aa5b5",
    Stage.CODE_ISSUED: "#6c8fd1",
    Stage.ACTIVATED: "#1f5fbf",
    Stage.CONFIGURED: "#2f8f5b",
    Stage.IN_USE: "#1e7b34",
}


def _sort_params(request: HttpRequest) -> tuple[str, bool]:
    sort = request.GET.get("sort", "school")
    if sort not in selectors.DASHBOARD_SORTS:
        sort = "school"
    return sort, request.GET.get("dir") == "desc"


@coordinator_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    sort, descending = _sort_params(request)
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    data = selectors.dashboard_for(request.scope, sort=sort, descending=descending, stage=stage)
    extra = f"&stage={stage}" if stage else ""
    columns = []
    for key, label, title, numeric in DASHBOARD_COLUMNS:
        active = key == sort
        # A second click on the current column reverses it; figures start with the biggest.
        next_desc = not descending if active else numeric
        columns.append({
            "key": key, "label": label, "title": title, "numeric": numeric, "active": active,
            "aria_sort": ("descending" if descending else "ascending") if active else "none",
            "url": f"?sort={key}&dir={'desc' if next_desc else 'asc'}{extra}",
        })
    # Each stage is a label over its bar (readable on a phone): the SVG is 300 units wide,
    # bars take up to 250 of them and leave room for the count after the bar.
    bar_area = 250
    funnel = []
    for i, bar in enumerate(data.funnel):
        width = max(round(bar.width * bar_area / 100, 1), 2 if bar.count else 0)
        top = 4 + i * 56
        funnel.append({
            "stage": bar.stage, "label": bar.stage.label, "count": bar.count, "colour": STAGE_COLOURS[bar.stage],
            "selected": bar.stage == stage, "label_y": top + 14, "bar_y": top + 22, "count_y": top + 39,
            "width": width, "count_x": width + 6,
        })
    context = _base_context(request, "dashboard") | {
        "data": data, "columns": columns, "funnel": funnel, "funnel_height": 8 + 56 * len(funnel),
        "stage": stage, "stage_label": Stage(stage).label if stage else "", "sort": sort, "descending": descending,
        "query": request.GET.urlencode(),
        "new_requests": selectors.connection_request_counts(request.scope)[ConnectionRequest.Status.NEW],
    }
    return render(request, "provisioning/coordinator/dashboard.html", context)


@coordinator_required
@require_POST
def dashboard_refresh(request: HttpRequest) -> HttpResponse:
    if summaries_refresh_queue(actor=request.user, region_ids=request.scope.region_ids, ip=client_ip(request)):
        messages.success(request, _("The figures are being recalculated. They update in a minute or two."))
    else:
        messages.info(request, _("The figures were recalculated a moment ago. Try again in a minute."))
    return redirect("coordinator:dashboard")


@coordinator_required
@require_GET
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    sort, descending = _sort_params(request)
    data = selectors.dashboard_for(request.scope, sort=sort, descending=descending)
    content = exports.dashboard_xlsx(data)
    dashboard_export_record(
        actor=request.user, region_ids=request.scope.region_ids, rows=len(data.rows), ip=client_ip(request)
    )
    response = HttpResponse(content, content_type=exports.XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="parta-schools-{stamp}.xlsx"'
    return response


# ---- connection requests ----------------------------------------------------------------

REQUEST_TABS = [
    ("new", gettext_lazy("New")),
    ("approved", gettext_lazy("Approved")),
    ("rejected", gettext_lazy("Rejected")),
    ("all", gettext_lazy("All")),
]


@coordinator_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "new")
    if status not in {key for key, _label in REQUEST_TABS}:
        status = "new"
    requests = selectors.connection_requests_for(request.scope, status=None if status == "all" else status)
    page, query = _paginate(request, requests)
    counts = selectors.connection_request_counts(request.scope)
    tabs = [{"key": key, "label": label, "count": counts[key], "active": key == status} for key, label in REQUEST_TABS]
    context = _base_context(request, "requests") | {"page": page, "query": query, "tabs": tabs, "status": status}
    return render(request, "provisioning/coordinator/request_list.html", context)


def _request_page(request: HttpRequest, connection_request: ConnectionRequest, *, status: int = 200,
                  **bound_forms) -> HttpResponse:
    context = _base_context(request, "requests") | {
        "item": connection_request,
        "codes": selectors.request_codes(connection_request),
        "history": [_audit_row(e) for e in selectors.request_history(connection_request)],
        "approve_form": bound_forms.get("approve_form") or RequestApproveForm(),
        "reject_form": bound_forms.get("reject_form") or RequestRejectForm(),
        "code_form": bound_forms.get("code_form") or RequestCodeForm(),
    }
    return render(request, "provisioning/coordinator/request_detail.html", context, status=status)


@coordinator_required
@require_GET
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _request_page(request, selectors.connection_request_get_for(request.scope, request_id))


@coordinator_required
@require_POST
def request_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    connection_request = selectors.connection_request_get_for(request.scope, request_id)
    form = RequestApproveForm(request.POST)
    if not form.is_valid():
        return _request_page(request, connection_request, status=400, approve_form=form)
    issue_code = form.cleaned_data["issue_code"]
    try:
        _item, code = request_services.connection_request_approve(
            actor=request.user, connection_request=connection_request, issue_code=issue_code,
            expires_at=end_of_day(form.cleaned_data["expires_on"]) if issue_code else None,
            ip=client_ip(request), links_base=portal_url(request=request),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if code is not None:
            messages.success(request, _("The request is approved; the code %(code)s is sent to %(email)s.")
                             % {"code": code.code, "email": connection_request.email})
        else:
            messages.success(request, _("The request is approved; the applicant is notified by e-mail."))
    return redirect("coordinator:request_detail", request_id=connection_request.pk)


@coordinator_required
@require_POST
def request_reject(request: HttpRequest, request_id: int) -> HttpResponse:
    connection_request = selectors.connection_request_get_for(request.scope, request_id)
    form = RequestRejectForm(request.POST)
    if not form.is_valid():
        return _request_page(request, connection_request, status=400, reject_form=form)
    try:
        request_services.connection_request_reject(
            actor=request.user, connection_request=connection_request, reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The request is rejected; the applicant is notified by e-mail."))
    return redirect("coordinator:request_detail", request_id=connection_request.pk)


@coordinator_required
@require_POST
def request_code(request: HttpRequest, request_id: int) -> HttpResponse:
    connection_request = selectors.connection_request_get_for(request.scope, request_id)
    form = RequestCodeForm(request.POST)
    if not form.is_valid():
        return _request_page(request, connection_request, status=400, code_form=form)
    try:
        code = request_services.connection_request_code_issue(
            actor=request.user, connection_request=connection_request,
            expires_at=end_of_day(form.cleaned_data["expires_on"]), ip=client_ip(request),
            links_base=portal_url(request=request),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The code %(code)s is sent to %(email)s.")
                         % {"code": code.code, "email": connection_request.email})
    return redirect("coordinator:request_detail", request_id=connection_request.pk)


# ---- activation codes ---------------------------------------------------------------


def _code_filters(request: HttpRequest) -> tuple[CodeFilterForm, selectors.CodeFilters]:
    form = CodeFilterForm(request.GET, scope=request.scope)
    return form, form.filters()


@coordinator_required
@require_GET
def code_list(request: HttpRequest) -> HttpResponse:
    form, filters = _code_filters(request)
    page, query = _paginate(request, selectors.codes_for(request.scope, filters))
    context = _base_context(request, "codes") | {
        "form": form, "filters": filters, "page": page, "codes": selectors.code_state_labels(page),
        "query": query,
    }
    return render(request, "provisioning/coordinator/code_list.html", context)


@coordinator_required
def code_issue(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.method == "GET":
        for key in ("municipality", "request"):
            if request.GET.get(key, "").isdigit():
                initial[key] = int(request.GET[key])
    form = CodeIssueForm(request.POST or None, scope=request.scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            codes = code_services.code_issue_batch(
                actor=request.user, municipality=form.cleaned_data["municipality"],
                count=form.cleaned_data["count"], expires_at=form.expires_at,
                request=form.cleaned_data["request"], ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, ngettext(
                "%(n)d activation code issued.", "%(n)d activation codes issued.", len(codes)
            ) % {"n": len(codes)})
            return redirect(f"{reverse('coordinator:codes')}?batch={codes[0].batch}")
    status = 400 if form.errors else 200
    return render(request, "provisioning/coordinator/code_issue.html",
                  _base_context(request, "codes") | {"form": form}, status=status)


@coordinator_required
@require_POST
def code_revoke(request: HttpRequest, code_id: int) -> HttpResponse:
    code = selectors.code_get_for(request.scope, code_id)
    try:
        code_services.code_revoke(actor=request.user, code=code, ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The code %(code)s is revoked.") % {"code": code.code})
    return _back(request, reverse("coordinator:codes"))


@coordinator_required
@require_POST
def code_batch_revoke(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    try:
        revoked = code_services.code_batch_revoke(
            actor=request.user, batch=batch, region_ids=request.scope.region_ids, ip=client_ip(request)
        )
    except ValidationError as exc:
        if exc.code == "batch_not_found":
            raise NotFoundForActor from exc
        raise
    messages.success(request, ngettext(
        "%(n)d unused code of the batch is revoked.", "%(n)d unused codes of the batch are revoked.", revoked
    ) % {"n": revoked})
    return _back(request, f"{reverse('coordinator:codes')}?batch={batch}")


@coordinator_required
@require_GET
def codes_csv(request: HttpRequest) -> HttpResponse:
    _form, filters = _code_filters(request)
    codes = selectors.code_state_labels(selectors.codes_for(request.scope, filters))
    code_services.code_export_record(
        actor=request.user, kind="export_csv", codes=codes, filters=filters.as_audit(),
        region_ids=request.scope.region_ids, ip=client_ip(request),
    )
    response = HttpResponse(exports.codes_csv(codes), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="parta-codes-{stamp}.csv"'
    return response


def _printable(request: HttpRequest) -> tuple[selectors.CodeFilters, list[ActivationCode], bool]:
    _form, filters = _code_filters(request)
    codes = list(selectors.printable_codes(selectors.codes_for(request.scope, filters))[: PRINT_MAX + 1])
    return filters, codes[:PRINT_MAX], len(codes) > PRINT_MAX


@coordinator_required
@require_GET
def codes_print(request: HttpRequest) -> HttpResponse:
    filters, codes, truncated = _printable(request)
    code_services.code_export_record(
        actor=request.user, kind="print", codes=codes, filters=filters.as_audit(),
        region_ids=request.scope.region_ids, ip=client_ip(request),
    )
    context = _base_context(request, "codes") | {
        "codes": codes, "truncated": truncated, "print_max": PRINT_MAX,
        "activate_url": portal_url(request=request, path=reverse("activation:code")),
        "query": request.GET.urlencode(),
    }
    return render(request, "provisioning/coordinator/code_print.html", context)


@coordinator_required
@require_GET
def codes_pdf(request: HttpRequest) -> HttpResponse:
    filters, codes, _truncated = _printable(request)
    pdf = exports.codes_pdf(codes, activate_url=portal_url(request=request, path=reverse("activation:code")))
    code_services.code_export_record(
        actor=request.user, kind="export_pdf", codes=codes, filters=filters.as_audit(),
        region_ids=request.scope.region_ids, ip=client_ip(request),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="parta-codes-{stamp}.pdf"'
    return response


# ---- audit log ---------------------------------------------------------------------

AUDIT_ACTIONS = {
    "request.submit": gettext_lazy("Request received"),
    "request.approve": gettext_lazy("Request approved"),
    "request.reject": gettext_lazy("Request rejected"),
    "code.issue": gettext_lazy("Codes issued"),
    "code.revoke": gettext_lazy("Code revoked"),
    "code.batch_revoke": gettext_lazy("Batch revoked"),
    "code.export_csv": gettext_lazy("Codes exported to CSV"),
    "code.print": gettext_lazy("Codes printed"),
    "code.export_pdf": gettext_lazy("Codes exported to PDF"),
    "dashboard.refresh": gettext_lazy("Figures recalculated"),
    "dashboard.export": gettext_lazy("Dashboard exported to Excel"),
    # Written by the activation flow (provisioning.services.activation).
    "code.claimed": gettext_lazy("Code entered to activate a school"),
    "school.activated": gettext_lazy("School activated"),
}


def _audit_row(entry: AuditEntry) -> dict[str, object]:
    """An entry as a person reads it: who, what, on what, with the details that matter."""
    data = entry.data or {}
    details = ""
    if entry.action == "code.issue":
        try:
            expires = date_format(timezone.localtime(datetime.fromisoformat(data["expires_at"])), "SHORT_DATE_FORMAT")
        except (KeyError, TypeError, ValueError):
            expires = "—"
        details = _("%(count)s × %(municipality)s, valid until %(date)s") % {
            "count": data.get("count"), "municipality": data.get("municipality", ""), "date": expires,
        }
    elif entry.action == "code.revoke":
        details = f"{data.get('code_prefix', '')}-…"
    elif entry.action in ("code.batch_revoke", "code.export_csv", "code.print", "code.export_pdf"):
        details = ngettext("%(n)s code", "%(n)s codes", int(data.get("count") or 0)) % {"n": data.get("count", 0)}
    elif entry.action in ("code.claimed", "school.activated"):
        details = data.get("slug", "")
    elif entry.action.startswith("request."):
        details = data.get("short_name", "")
        if data.get("reason"):
            details += f" — {data['reason']}"
    link = ""
    if entry.target_type == "connectionrequest" and entry.target_id.isdigit():
        link = reverse("coordinator:request_detail", args=[int(entry.target_id)])
    elif data.get("batch"):
        link = f"{reverse('coordinator:codes')}?batch={data['batch']}"
    return {
        "entry": entry,
        "label": AUDIT_ACTIONS.get(entry.action, entry.action),
        "details": details,
        "link": link,
    }


@coordinator_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET, action_labels={k: str(v) for k, v in AUDIT_ACTIONS.items()})
    action = form.cleaned_data.get("action", "") if form.is_valid() else ""
    page, query = _paginate(request, selectors.audit_entries_for(request.scope, action=action))
    rows = [_audit_row(entry) for entry in page]
    context = _base_context(request, "audit") | {"form": form, "page": page, "rows": rows, "query": query}
    return render(request, "provisioning/coordinator/audit_log.html", context)
