"""Redeeming an invitation code on the public portal.

The person has no account yet and does not know their school's address: they type the code,
see who it is for, then create an account (or sign in to the one they have — a parent with
children in two schools keeps one account) and land on their school's subdomain.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from core import errors
from core.consent import CONSENT_TEMPLATES, CONSENT_VERSION
from core.errors import InvitationError
from core.forms import InvitationCodeForm, InvitationJoinForm, InvitationSignUpForm
from core.selectors.invitations import (
    invalid_message,
    invitation_by_code,
    invitation_conflict,
    invitation_open,
    invitation_subject,
)
from core.services.invitations import invitation_redeem, invitation_redeem_with_new_account
from core.throttle import INVITE_THROTTLE, INVITE_WINDOW_SECONDS, client_ip
from tenants.selectors import school_url

# The code is proved once; the session then holds which invitation the visitor is redeeming
# (survives signing in, because login() keeps the session's data).
SESSION_KEY = "invitation_id"
BACKEND = "accounts.backends.EmailOrPhoneBackend"


def _throttled(request: HttpRequest, form: InvitationCodeForm) -> HttpResponse:
    return render(request, "core/invitations/enter.html", {
        "form": form,
        "throttled": _("Too many wrong codes from your network. Try again in %(minutes)d minutes.")
        % {"minutes": INVITE_WINDOW_SECONDS // 60},
    }, status=429)


def invite_enter(request: HttpRequest) -> HttpResponse:
    ip = client_ip(request)
    form = InvitationCodeForm(request.POST or None)
    if INVITE_THROTTLE.is_blocked(ip):
        return _throttled(request, InvitationCodeForm())
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_by_code(form.cleaned_data["code"])
        except InvitationError as exc:
            # A typo caught by the check symbol is not a guess and does not count.
            if exc.code == errors.INVITATION_INVALID:
                INVITE_THROTTLE.hit(ip)
            form.add_error("code", exc.message)
        else:
            request.session[SESSION_KEY] = invitation.pk
            return redirect("invitations:accept")
    return render(request, "core/invitations/enter.html", {"form": form})


def _welcome(request: HttpRequest, school) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Welcome! Your account is connected to %(school)s.") % {"school": school.short_name})
    return redirect(school_url(school, request=request))


def invite_accept(request: HttpRequest) -> HttpResponse:
    invitation = invitation_open(request.session.get(SESSION_KEY))
    subject = invitation_subject(invitation) if invitation is not None else None
    if invitation is None or subject is None:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, invalid_message())
        return redirect("invitations:enter")
    ip = client_ip(request)
    problem: InvitationError | None = None
    data = request.POST if request.method == "POST" else None
    if request.user.is_authenticated:
        with tenant_context(subject.school):
            problem = invitation_conflict(invitation, subject.person, request.user)
        form = InvitationJoinForm(data, needs_consent=subject.needs_consent)
        if data is not None and problem is None and form.is_valid():
            try:
                invitation_redeem(account=request.user, invitation_id=invitation.pk,
                                  consent_given=bool(form.cleaned_data.get("consent")), ip=ip)
            except InvitationError as exc:
                problem = exc
            else:
                return _welcome(request, subject.school)
    else:
        person = subject.person
        form = InvitationSignUpForm(data, needs_consent=subject.needs_consent, initial={
            "last_name": person.last_name, "first_name": person.first_name, "middle_name": person.middle_name,
            "login": person.email or person.phone,
        })
        if data is not None and form.is_valid():
            login_data = form.cleaned_data["login"]
            try:
                account = invitation_redeem_with_new_account(
                    invitation_id=invitation.pk, email=login_data["email"], phone=login_data["phone"],
                    password=form.cleaned_data["password1"], last_name=form.cleaned_data["last_name"],
                    first_name=form.cleaned_data["first_name"], middle_name=form.cleaned_data["middle_name"],
                    consent_given=bool(form.cleaned_data.get("consent")), ip=ip,
                )
            except InvitationError as exc:
                problem = exc
            except IntegrityError:  # the same e-mail registered a moment ago
                form.add_error("login", _("An account with this e-mail or phone already exists. Sign in to it."))
            else:
                login(request, account, backend=BACKEND)
                return _welcome(request, subject.school)
    if problem is not None and problem.code == errors.INVITATION_INVALID:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, problem.message)
        return redirect("invitations:enter")
    accept_url = reverse("invitations:accept")
    return render(request, "core/invitations/accept.html", {
        "subject": subject,
        "form": form,
        "problem": problem,
        "consent_template": CONSENT_TEMPLATES[CONSENT_VERSION],
        "consent_version": CONSENT_VERSION,
        "login_url": f"{reverse('accounts:login')}?{urlencode({'next': accept_url})}",
        "accept_url": accept_url,
    })
