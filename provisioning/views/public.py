"""The public connection request form («Заявка на подключение») on the portal."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.throttle import client_ip
from provisioning import selectors
from provisioning.forms import ConnectionRequestForm
from provisioning.services.requests import (
    THROTTLED_MESSAGE,
    connection_request_submit,
    connection_request_throttled,
)
from tenants.selectors import portal_url


def connect(request: HttpRequest) -> HttpResponse:
    form = ConnectionRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        ip = client_ip(request)
        if form.is_spam:
            # Look like success to the bot; save nothing.
            return redirect("coordinator:connect_done")
        if connection_request_throttled(ip):
            form.is_valid()
            form.add_error(None, ValidationError(THROTTLED_MESSAGE, code="request_throttled"))
            status = 429
        elif form.is_valid():
            try:
                connection_request_submit(
                    **{k: v for k, v in form.cleaned_data.items() if k not in ("consent", "website")},
                    ip=ip,
                    links_base=portal_url(request=request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                if exc.code == "request_throttled":
                    status = 429
            else:
                return redirect("coordinator:connect_done")
    return render(request, "provisioning/public/connect.html", {"form": form}, status=status)


@require_GET
def connect_done(request: HttpRequest) -> HttpResponse:
    return render(request, "provisioning/public/connect_done.html")


@require_GET
def connect_municipalities(request: HttpRequest) -> HttpResponse:
    """The municipality <option>s of a region, for htmx on the request form."""
    try:
        region_id = int(request.GET.get("region") or 0)
    except ValueError:
        region_id = 0
    municipalities = selectors.municipalities_of(region_id).filter(
        region__in=selectors.regions_open_for_requests()
    )
    return render(request, "provisioning/public/_municipality_options.html", {"municipalities": municipalities})
