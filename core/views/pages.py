"""School pages: home per role, classes, staff. Thin: they call selectors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core import selectors
from core.errors import NotFoundForActor
from core.rules import can
from core.setup import setup_first_open_url, setup_is_complete, setup_progress


def home(request: HttpRequest) -> HttpResponse:
    person = request.person
    if can(person, "school.manage") and not request.session.get("setup_skipped") and not setup_is_complete():
        # The setup wizard opens at the administrator's sign-in until the school is set up.
        return redirect(setup_first_open_url())
    context: dict[str, object] = {"person": person}
    if person.is_management:
        context["counts"] = selectors.school_counts()
        context["classes"] = list(selectors.classes_with_counts())
        template = "core/home_management.html"
    elif person.is_staff_member:
        context["homeroom"] = list(selectors.classes_with_counts().filter(class_teacher=person))
        template = "core/home_teacher.html"
    elif person.has_role("student"):
        context["classes"] = list(selectors.classes_visible_to(person))
        template = "core/home_student.html"
    elif person.has_role("parent"):
        context["children"] = selectors.children_of(person)
        template = "core/home_parent.html"
    else:
        template = "core/home_member.html"
    return render(request, template, context)


def class_list(request: HttpRequest) -> HttpResponse:
    classes = list(selectors.classes_visible_to(request.person))
    return render(request, "core/class_list.html", {"classes": classes})


def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = selectors.school_class_get_for(request.person, class_id)
    roster = selectors.class_roster(request.person, school_class)
    return render(request, "core/class_detail.html", {
        "school_class": school_class, "roster": roster, "can_invite": can(request.person, "invitation.issue"),
    })


def staff_list(request: HttpRequest) -> HttpResponse:
    if not can(request.person, "people.view_directory"):
        raise NotFoundForActor
    return render(request, "core/staff_list.html", {"staff": list(selectors.staff_directory())})


def administration(request: HttpRequest) -> HttpResponse:
    if not can(request.person, "school.manage"):
        raise NotFoundForActor
    return render(request, "core/administration.html", {
        "counts": selectors.school_counts(), "setup_progress": setup_progress(),
    })


def placeholder(request: HttpRequest, *, title: str, text: str) -> HttpResponse:
    """A section that a later release fills; a real page, never a broken link."""
    return render(request, "core/placeholder.html", {"title": title, "text": text})
