"""The notification centre's page: the signed-in account's notifications from all its
schools, marking them read, and how it wants them delivered (e-mail, SMS, digest, muted
kinds). Per account (public rows), so it answers on the portal and on every school's
subdomain alike, and shows nothing but the account's own rows."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import delivery
from accounts.models import NotificationPreference
from tenants.selectors import school_url


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(label=gettext_lazy("By e-mail"), widget=forms.RadioSelect,
                              choices=NotificationPreference.Delivery.choices)
    sms = forms.ChoiceField(label=gettext_lazy("By SMS"), widget=forms.RadioSelect,
                            choices=NotificationPreference.Delivery.choices)
    muted = forms.MultipleChoiceField(
        label=gettext_lazy("Never send these by e-mail or SMS"), required=False,
        widget=forms.CheckboxSelectMultiple, choices=delivery.KINDS,
        help_text=gettext_lazy("They still appear on this page."))


def _items(request: HttpRequest) -> list:
    """The inbox with what the page shows beside each row: its local time and a link that
    works from here (another school's link goes to that school's address)."""
    tenant = getattr(request, "tenant", None)
    items = delivery.notifications_of(request.user.pk)
    for n in items:
        zone = n.school.timezone if n.school else settings.TIME_ZONE
        n.local_time = timezone.localtime(n.created_at, ZoneInfo(zone))
        n.other_school = n.school is not None and (tenant is None or n.school_id != tenant.pk)
        if n.url and n.other_school and not n.url.startswith(("http://", "https://")):
            n.link = school_url(n.school, request=request, path=n.url)
        else:
            n.link = n.url
    return items


def _page(request: HttpRequest, form: PreferenceForm, status: int = 200, *, read_on_open: bool = False) -> HttpResponse:
    """The inbox. With `read_on_open`, this school's unread rows count as read once shown:
    they still render highlighted as new (the rows were read before marking), and the
    header's bell, counted while rendering, already shows them read."""
    items = _items(request)
    tenant = getattr(request, "tenant", None)
    opened: set[int] = set()
    if read_on_open and tenant is not None and not tenant.is_portal:
        # By id, not "all of this school": one that arrives while the page renders stays unread.
        opened = {n.pk for n in items if n.read_at is None and n.school_id == tenant.pk}
        if opened:
            delivery.notifications_read(account_id=request.user.pk, notification_ids=opened)
    for n in items:
        n.is_new = n.read_at is None
        n.left_unread = n.is_new and n.pk not in opened
    return render(request, "accounts/notifications.html", {
        "items": items, "unread_count": sum(1 for n in items if n.is_new),
        "left_unread": sum(1 for n in items if n.left_unread), "form": form,
        "has_phone": bool(request.user.phone), "has_email": bool(request.user.email),
    }, status=status)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The one inbox (the header's bell opens it): opening it on a school's address reads
    that school's notifications; other schools' rows stay unread until read there or here."""
    preference = delivery.preference_of(request.user)
    form = PreferenceForm(initial={"email": preference.email, "sms": preference.sms, "muted": preference.muted})
    # htmx's row swap after "Mark as read" comes back here: it shows one row, so it reads nothing else.
    return _page(request, form, read_on_open=not request.headers.get("HX-Request"))


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`notification`) or all of them (`all`) read. htmx swaps the
    row from the page this redirects to; without JavaScript the page simply reloads."""
    if request.POST.get("all"):
        delivery.notifications_read(account_id=request.user.pk)
    else:
        ids = [int(v) for v in request.POST.getlist("notification") if v.isdigit()]
        delivery.notifications_read(account_id=request.user.pk, notification_ids=ids)
    return redirect("accounts:notifications")


@login_required
@require_POST
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    delivery.notification_preference_save(account=request.user, email=form.cleaned_data["email"],
                                          sms=form.cleaned_data["sms"], muted=form.cleaned_data["muted"])
    messages.success(request, _("Your notification settings are saved."))
    return redirect(reverse("accounts:notifications") + "#preferences")
