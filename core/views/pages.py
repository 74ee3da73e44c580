"""School pages: home per role, classes, staff. Thin: they call selectors."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts import delivery
from core import selectors
from core.errors import NotFoundForActor
from core.models import Person
from core.rules import can
from core.setup import setup_first_open_url, setup_is_complete, setup_progress
from gradebook.rules import can_journal
from gradebook.selectors import diary as diary_sel
from gradebook.selectors import homework as homework_sel
from gradebook.selectors.journal import class_journal_subjects
from timetable.selectors_week import lessons_for_teacher

HOME_HOMEWORK = 6  # a student's home lists the soonest homework; the rest is on the homework page


def home(request: HttpRequest) -> HttpResponse:
    person = request.person
    if can(person, "school.manage") and not request.session.get("setup_skipped") and not setup_is_complete():
        # The setup wizard opens at the administrator's sign-in until the school is set up.
        return redirect(setup_first_open_url())
    context: dict[str, object] = {"person": person}
    today = _school_today(request)
    if person.is_management:
        context["counts"] = selectors.school_counts()
        context["classes"] = list(selectors.classes_with_counts())
        template = "core/home_management.html"
    elif person.is_staff_member:
        context.update(_teacher_home(person, today))
        template = "core/home_teacher.html"
    elif person.has_role("student"):
        context.update(_student_home(person, today))
        template = "core/home_student.html"
    elif person.has_role("parent"):
        context.update(_parent_home(request, person))
        template = "core/home_parent.html"
    else:
        template = "core/home_member.html"
    return render(request, template, context)


def _school_today(request: HttpRequest) -> date:
    return timezone.now().astimezone(ZoneInfo(request.tenant.timezone)).date()


# Each role's start, from the apps' selectors: a fixed number of queries, however many
# lessons, homework, marks or children there are.

def _teacher_home(person: Person, today: date) -> dict[str, object]:
    """Their class, today's lessons (each opens its journal page), hand-ins to check."""
    return {
        "homeroom": list(selectors.classes_with_counts().filter(class_teacher=person)),
        "lessons_today": lessons_for_teacher(person, today, today),
        "homework_to_check": homework_sel.homework_to_check_count(person),
    }


def _student_home(person: Person, today: date) -> dict[str, object]:
    """Their class, the homework still to do from today on (soonest first; overdue work
    only counted, so it does not push today's off the page) and their newest marks."""
    not_done = homework_sel.items_not_done([person.pk], today=today)
    upcoming = [item for item in not_done if item.homework.due_date >= today]
    return {
        "classes": list(selectors.classes_visible_to(person)),
        "today": today,
        "homework": upcoming[:HOME_HOMEWORK],
        "homework_more": len(upcoming) - len(upcoming[:HOME_HOMEWORK]),
        "homework_overdue": len(not_done) - len(upcoming),
        "marks": diary_sel.latest_marks([person.pk]).get(person.pk, []),
    }


def _parent_home(request: HttpRequest, person: Person) -> dict[str, object]:
    """Each child with their newest marks, and the parent's unread notifications here."""
    children = selectors.children_of(person)
    marks = diary_sel.latest_marks([child.pk for child in children])
    for child in children:
        child.latest_marks = marks.get(child.pk, [])
    return {
        "children": children,
        "notifications": delivery.notifications_unread(request.user.pk, school_id=request.tenant.pk),
    }


def class_list(request: HttpRequest) -> HttpResponse:
    classes = list(selectors.classes_visible_to(request.person))
    return render(request, "core/class_list.html", {"classes": classes})


def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    person = request.person
    school_class = selectors.school_class_get_for(person, class_id)
    roster = selectors.class_roster(person, school_class)
    # The class's journal (per subject) and who has seen the diary: decided here, not in
    # the template, with the gradebook's own rules.
    journal_subjects = class_journal_subjects(person, school_class)
    return render(request, "core/class_detail.html", {
        "school_class": school_class, "roster": roster, "can_invite": can(person, "invitation.issue"),
        "can_view_journal": bool(journal_subjects), "journal_subjects": journal_subjects,
        "can_track_reading": person.is_staff_member and can_journal(person, "reports.view_class", school_class),
        "can_mark_day_absence": person.is_staff_member and can_journal(person, "journal.mark_day_absence",
                                                                       school_class),
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
