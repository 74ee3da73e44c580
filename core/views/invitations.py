"""Issuing invitation codes: for one person (shown once or printed), for a class's students
and/or parents, or for the staff — always as a freshly issued, printable PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core import selectors
from core.forms import ClassInvitationsForm
from core.pdf import invitation_cards_pdf
from core.selectors.invitations import invitation_cards, open_invitations_for
from core.selectors.people import (
    class_get_for_admin,
    class_invitation_people,
    invitation_overview,
    staff_without_account,
)
from core.services.invitations import IssuedCode, invitation_valid_days, invitations_issue
from core.setup import class_in_rollout, school_settings
from core.views.base import require
from tenants.selectors import portal_url


def _portal_address(request: HttpRequest) -> str:
    """The redeeming page as people type it: without «http://»."""
    return portal_url(request=request, path="/invite/").split("://", 1)[1]


def _pdf(request: HttpRequest, issued: list[IssuedCode], *, title: str, file_name: str) -> HttpResponse:
    school = request.tenant
    pdf = invitation_cards_pdf(
        cards=invitation_cards(issued, school), school_name=school.short_name or school.name,
        portal_address=_portal_address(request),
        title=title,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    response["Cache-Control"] = "no-store"  # the only copy of these codes: no cache keeps it
    return response


def _without_open_code(request: HttpRequest, people: list) -> list:
    codes = open_invitations_for(request.tenant, [p.pk for p in people])
    return [p for p in people if p.pk not in codes or not codes[p.pk].is_usable()]


@require("invitation.issue")
def invitations_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "core/invitations/overview.html", {
        "classes": invitation_overview(),
        "pilot_only": school_settings().pilot_only,
        "staff_waiting": staff_without_account().count(),
        "form": ClassInvitationsForm(),
        "valid_days": invitation_valid_days(),
    })


@require("invitation.issue")
def class_invitations(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = class_get_for_admin(request.person, class_id)
    form = ClassInvitationsForm(request.POST or None)
    if request.method == "POST" and not class_in_rollout(school_class):
        messages.error(request, _("Class %(name)s is not in the pilot yet: add it on the Classes step first.")
                       % {"name": school_class.name})
        return redirect("core:invitations")
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        people = class_invitation_people(school_class, students=scope != "parents", parents=scope != "students")
        if form.cleaned_data["only_new"]:
            people = _without_open_code(request, people)
        if not people:
            messages.info(request, _("Everybody chosen in class %(name)s already has an account or a valid code.")
                          % {"name": school_class.name})
            return redirect("core:class_invitations", class_id=school_class.pk)
        issued = invitations_issue(actor=request.person, persons=people)
        return _pdf(request, issued, title=_("Invitation codes, class %(name)s") % {"name": school_class.name},
                    file_name=_("Invitations %(name)s.pdf") % {"name": school_class.name})
    waiting = class_invitation_people(school_class, students=True, parents=True)
    codes = open_invitations_for(request.tenant, [p.pk for p in waiting])
    return render(request, "core/invitations/class.html", {
        "school_class": school_class,
        "in_rollout": class_in_rollout(school_class),
        "form": form,
        "waiting": [{"person": p, "invitation": codes.get(p.pk)} for p in waiting],
        "valid_days": invitation_valid_days(),
    })


@require("invitation.issue")
def staff_invitations(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("core:invitations")
    people = list(staff_without_account())
    if request.POST.get("only_new"):
        people = _without_open_code(request, people)
    if not people:
        messages.info(request, _("Every staff member already has an account or a valid code."))
        return redirect("core:invitations")
    issued = invitations_issue(actor=request.person, persons=people)
    return _pdf(request, issued, title=_("Invitation codes, staff"), file_name=_("Invitations staff.pdf"))


@require("invitation.issue")
def person_invitation(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for(request.person, person_id)
    if request.method != "POST":
        return redirect("core:person_edit", person_id=person.pk)
    issued = invitations_issue(actor=request.person, persons=[person])
    if not issued:
        messages.error(request, _("A code is issued only to a person in the school without an account."))
        return redirect("core:person_edit", person_id=person.pk)
    if request.POST.get("format") == "pdf":
        return _pdf(request, issued, title=person.full_name, file_name=_("Invitation %(name)s.pdf")
                    % {"name": person.short_name})
    response = render(request, "core/invitations/person_code.html", {
        "person": person, "issued": issued[0], "portal_address": _portal_address(request),
    })
    response["Cache-Control"] = "no-store"
    return response
