"""The activation wizard on the portal: code → school details → first administrator →
the provisioning job's progress → the new school's subdomain."""

from __future__ import annotations

from django.contrib.auth import login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import Account
from accounts.throttle import client_ip
from provisioning.errors import ActivationError
from provisioning.forms_activation import AdminAccountForm, CodeForm, SchoolDetailsForm
from provisioning.models import ActivationCode, ProvisioningJob
from provisioning.services import activation
from tenants.selectors import school_url

SESSION_KEY = "activation"


def _state(request: HttpRequest) -> dict:
    return request.session.get(SESSION_KEY, {})


def _code_in_session(request: HttpRequest) -> ActivationCode | None:
    code_id = _state(request).get("code_id")
    if not code_id:
        return None
    code = ActivationCode.objects.select_related("request", "municipality", "region").filter(pk=code_id).first()
    return code if code is not None and code.is_usable else None


def code_step(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            code = activation.code_check(code_text=form.cleaned_data["code"], ip=client_ip(request))
        except ActivationError as exc:
            form.add_error("code", exc.message)
        else:
            request.session[SESSION_KEY] = {"code_id": code.pk}
            return redirect("activation:school")
    return render(request, "provisioning/activation/code.html", {"form": form, "step": 1})


def school_step(request: HttpRequest) -> HttpResponse:
    code = _code_in_session(request)
    if code is None:
        return redirect("activation:code")
    state = _state(request)
    initial = state.get("details") or {}
    if not initial and code.request is not None:
        initial = {"name": code.request.full_name, "short_name": code.request.short_name,
                   "address": code.request.address}
    form = SchoolDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activation.school_details_validate(slug=data["slug"], tz=data["timezone"])
        except ActivationError as exc:
            field = "timezone" if exc.code == "timezone_invalid" else "slug"
            form.add_error(field, exc.message)
        else:
            request.session[SESSION_KEY] = {**state, "details": data}
            return redirect("activation:admin")
    return render(request, "provisioning/activation/school.html",
                  {"form": form, "code": code, "step": 2, "base_host": request.get_host()})


@require_GET
def slug_check(request: HttpRequest) -> HttpResponse:
    """htmx: tell whether an address is free while it is typed."""
    slug = request.GET.get("slug", "").strip().lower()
    error = None
    try:
        activation.school_details_validate(slug=slug, tz="Europe/Moscow")
    except ActivationError as exc:
        error = exc.message
    return render(request, "provisioning/activation/_slug_check.html", {"slug": slug, "error": error})


def admin_step(request: HttpRequest) -> HttpResponse:
    code = _code_in_session(request)
    details = _state(request).get("details")
    if code is None:
        return redirect("activation:code")
    if not details:
        return redirect("activation:school")
    form = AdminAccountForm(request.POST or None) if not request.user.is_authenticated else None
    error = None
    if request.method == "POST":
        if request.user.is_authenticated:
            admin = request.user
        elif form.is_valid():
            admin = _account_create(form.cleaned_data)
            login(request, admin, backend="accounts.backends.EmailOrPhoneBackend")
        else:
            admin = None
        if admin is not None:
            try:
                job = activation.activation_start(
                    admin=admin, code=code, slug=details["slug"], name=details["name"],
                    short_name=details["short_name"], tz=details["timezone"], address=details.get("address", ""),
                    ip=client_ip(request),
                )
            except ActivationError as exc:
                error = exc.message
            else:
                request.session.pop(SESSION_KEY, None)
                return redirect("activation:job", job_id=job.pk)
    return render(request, "provisioning/activation/admin.html",
                  {"form": form, "details": details, "error": error, "step": 3,
                   "login_url": f"{reverse('accounts:login')}?next={reverse('activation:admin')}"})


@transaction.atomic
def _account_create(data: dict) -> Account:
    return Account.objects.create_user(
        data["email"], data["password1"], phone=data.get("phone") or None,
        last_name=data["last_name"], first_name=data["first_name"], middle_name=data.get("middle_name", ""),
    )


def job_status(request: HttpRequest, job_id: str) -> HttpResponse:
    """The job's progress; polled by htmx until the school is ready, then off we go."""
    job = ProvisioningJob.objects.select_related("school").filter(pk=job_id).first()
    if job is None or not request.user.is_authenticated or job.admin_id != request.user.pk:
        raise Http404
    context = {"job": job, "step": 4, "school_url": school_url(job.school, request=request) if job.school else ""}
    done = job.status == ProvisioningJob.Status.SUCCEEDED
    if request.htmx:
        response = render(request, "provisioning/activation/_job.html", context)
        if done:
            response["HX-Redirect"] = context["school_url"]
        return response
    if done:  # made before the page was even shown (eager tasks, or a fast worker)
        return redirect(context["school_url"])
    return render(request, "provisioning/activation/job.html", context)
