"""The administrator's people pages: list and search, create, edit, detach an account."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Account
from core import selectors, services
from core.choices import PeopleGroup
from core.errors import NotFoundForActor
from core.forms import PersonForm
from core.selectors.invitations import open_invitations_for
from core.selectors.people import class_choices
from core.views.base import require

PAGE_SIZE = 50


def _filter_from(request: HttpRequest) -> selectors.PeopleFilter:
    group = request.GET.get("group", "")
    class_id = request.GET.get("class", "")
    return selectors.PeopleFilter(
        group=group if group in PeopleGroup.values else "",
        class_id=int(class_id) if class_id.isdigit() else None,
        q=request.GET.get("q", "").strip()[:100],
        archived=request.GET.get("archived") == "1",
    )


@require("people.manage")
def people_list(request: HttpRequest) -> HttpResponse:
    people_filter = _filter_from(request)
    paginator = Paginator(selectors.people_filtered(people_filter), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(selectors.people_prefetched(page.object_list))
    codes = open_invitations_for(request.tenant, [p.pk for p in rows])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/people/list.html", {
        "filter": people_filter,
        "page": page,
        "rows": [{"person": p, "invitation": codes.get(p.pk)} for p in rows],
        "classes": class_choices(),
        "groups": PeopleGroup.choices,
        "query": query.urlencode(),
    })


def _save(request: HttpRequest, form: PersonForm, person=None):
    """Run the service; map what it refuses onto the form (nothing is half-saved: it is atomic)."""
    try:
        if person is None:
            return services.person_create(actor=request.person, **form.service_kwargs())
        return services.person_update(actor=request.person, person=person, **form.service_kwargs())
    except ValidationError as exc:
        form.add_error(None, exc)
    except IntegrityError:
        form.add_error("external_id" if "external_id" in form.fields else None,
                       _("This external id already belongs to someone else."))
    return None


@require("people.manage")
def person_create(request: HttpRequest, group: str) -> HttpResponse:
    if group not in PeopleGroup.values:
        raise NotFoundForActor
    form = PersonForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        person = _save(request, form)
        if person is not None:
            messages.success(request, _("%(name)s is added.") % {"name": person.full_name})
            return redirect("core:person_edit", person_id=person.pk)
    titles = {
        PeopleGroup.STAFF: _("New staff member"),
        PeopleGroup.STUDENTS: _("New student"),
        PeopleGroup.PARENTS: _("New parent"),
    }
    return render(request, "core/people/form.html", {"form": form, "title": titles[group], "group": group})


@require("people.manage")
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for(request.person, person_id)
    form = PersonForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, person)
        if saved is not None:
            messages.success(request, _("Changes to %(name)s are saved.") % {"name": saved.full_name})
            return redirect("core:person_edit", person_id=saved.pk)
    account = Account.objects.filter(pk=person.account_id).first() if person.account_id else None
    invitation = open_invitations_for(request.tenant, [person.pk]).get(person.pk)
    return render(request, "core/people/form.html", {
        "form": form, "person": person, "title": person.full_name, "account": account, "invitation": invitation,
    })


@require("people.manage")
def person_unlink(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for(request.person, person_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.person_account_unlink(actor=request.person, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The account is detached. Issue a new invitation code to connect the right person.")
        )
    return redirect(reverse("core:person_edit", args=[person.pk]))
