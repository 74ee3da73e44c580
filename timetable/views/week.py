"""The timetable as each person sees it: their own week (a student's, a teacher's, a
parent's children's), a class's, a teacher's and a room's week for staff, a printable
week, and the iCalendar feed with its settings page. Thin: selectors read, services write.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import NotFoundForActor
from core.middleware import SchoolMembershipMiddleware
from core.models import Person, SchoolSettings
from timetable import selectors_week as sel
from timetable.rules import can_lesson
from timetable.services import feeds

# --- Shared plumbing ---------------------------------------------------------------------


def _zone(request: HttpRequest) -> ZoneInfo:
    return ZoneInfo(request.tenant.timezone)


def _week_days() -> int:
    return SchoolSettings.objects.filter(pk=1).values_list("week_days", flat=True).first() or 5


def _week_links(request: HttpRequest, week: sel.Week, print_params: dict | None) -> dict[str, str]:
    """Previous / this / next week, keeping the page's other parameters (e.g. view); the
    printable version of the person's own (or a child's) week."""
    params = {k: v for k, v in request.GET.items() if k != "week"}

    def url(monday: date | None) -> str:
        query = {**params, **({"week": monday.isoformat()} if monday else {})}
        return f"{request.path}?{urlencode(query)}" if query else request.path

    links = {"previous": url(week.previous), "next": url(week.next), "today": url(None)}
    if print_params is not None:
        links["print"] = f"{reverse('timetable:print')}?{urlencode({**print_params, 'week': week.monday})}"
    return links


def _week(request: HttpRequest, lessons: list, monday: date, *, children: dict[int, Person] | None = None,
          classes: tuple = ()) -> sel.Week:
    """The week with Saturday shown only when a shown class works it, and its short days."""
    shown = sel.shown_classes(lessons, classes)
    week_days = sel.week_days_for(shown.values(), _week_days())
    short_days = sel.short_days_for(monday, monday + timedelta(days=6), {c.grade for c in shown.values()})
    return sel.week_of(lessons, monday, zone=_zone(request), week_days=week_days, children=children,
                       short_days=short_days)


def _render_week(request: HttpRequest, *, title: str, lessons: list, monday: date, mode: str,
                 children: dict[int, Person] | None = None, print_params: dict | None = None,
                 template: str = "timetable/week/week.html", classes: tuple = (), **extra) -> HttpResponse:
    week = _week(request, lessons, monday, children=children, classes=classes)
    context = {"title": title, "week": week, "mode": mode, "links": _week_links(request, week, print_params),
               "zone_name": request.tenant.timezone,
               "can_substitute": can_lesson(request.person, "timetable.substitute"), **extra}
    if request.person.has_role("parent") and request.person.children_ids:
        context.setdefault("child_tabs", sel.children_for_week(request.person))
    return render(request, template, context)


def _member_or_response(request: HttpRequest) -> HttpResponse | None:
    """/timetable/feed/ is let through the membership middleware (calendar apps fetch the
    .ics without a session), so its signed-in pages repeat the middleware's answers."""
    if request.person is not None:
        return None
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
    return SchoolMembershipMiddleware.forbidden(request)


def _own_week(person: Person, view: str | None, start: date, end: date) -> tuple[str, list, str, dict]:
    """(title, lessons, mode, children) of the person's own timetable. A parent who also
    teaches or studies sees their own by default and their children with view=children."""
    own = person.has_role("student") or person.is_staff_member
    if person.children_ids and (view == "children" or not own):
        children = {c.pk: c for c in sel.children_for_week(person)}
        return _("My children's timetable"), sel.lessons_for_students(children, start, end), "children", children
    if person.has_role("student"):
        return _("My timetable"), sel.lessons_for_students([person.pk], start, end), "student", {}
    if person.is_staff_member:
        return _("My lessons"), sel.lessons_for_teacher(person, start, end), "teacher", {}
    return _("Timetable"), [], "student", {}


# --- Pages -------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The person's own week."""
    person = request.person
    monday = sel.parse_week(request.GET.get("week"), zone=_zone(request))
    view = request.GET.get("view")
    title, lessons, mode, children = _own_week(person, view, monday, monday + timedelta(days=6))
    extra = {"directory": sel.staff_directory_for_week()} if person.is_staff_member else {}
    own = person.has_role("student") or person.is_staff_member
    return _render_week(request, title=title, lessons=lessons, monday=monday, mode=mode, children=children,
                        print_params={"view": view} if view else {},
                        active_tab="all" if mode == "children" else "own", has_own=own, **extra)


@require_GET
def class_week(request: HttpRequest, class_id: int) -> HttpResponse:
    person = request.person
    school_class = sel.class_get_for_week(person, class_id)
    monday = sel.parse_week(request.GET.get("week"), zone=_zone(request))
    only_for = None
    if not person.is_staff_member:
        # A student or parent sees the class's whole-class lessons and their own groups' only.
        only_for = ([person.pk] if person.has_role("student") else []) + sorted(person.children_ids)
    lessons = sel.lessons_for_class(school_class, monday, monday + timedelta(days=6), only_for_students=only_for)
    return _render_week(request, title=_("Class %(name)s") % {"name": school_class.name}, lessons=lessons,
                        monday=monday, mode="class", subject_of_page=school_class, classes=(school_class,))


@require_GET
def teacher_week(request: HttpRequest, person_id: int) -> HttpResponse:
    teacher = sel.teacher_get_for_week(request.person, person_id)
    monday = sel.parse_week(request.GET.get("week"), zone=_zone(request))
    lessons = sel.lessons_for_teacher(teacher, monday, monday + timedelta(days=6))
    return _render_week(request, title=teacher.full_name, lessons=lessons, monday=monday, mode="teacher",
                        subject_of_page=teacher)


@require_GET
def room_week(request: HttpRequest, room_id: int) -> HttpResponse:
    room = sel.room_get_for_week(request.person, room_id)
    monday = sel.parse_week(request.GET.get("week"), zone=_zone(request))
    lessons = sel.lessons_for_room(room, monday, monday + timedelta(days=6))
    return _render_week(request, title=_("Room %(name)s") % {"name": room.name}, lessons=lessons,
                        monday=monday, mode="room", subject_of_page=room)


def child_week(request: HttpRequest, person_id: int) -> HttpResponse:
    """One child's week; here the parent also switches the child's calendar feed on/off."""
    child = sel.child_get_for(request.person, person_id)
    if request.method == "POST":
        return _feed_action(request, child, redirect_to=request.path)
    monday = sel.parse_week(request.GET.get("week"), zone=_zone(request))
    lessons = sel.lessons_for_students([child.pk], monday, monday + timedelta(days=6))
    return _render_week(request, title=child.full_name, lessons=lessons, monday=monday, mode="student",
                        print_params={"child": child.pk}, active_tab=child.pk, child=child,
                        feed=_feed_context(request, child),
                        has_own=request.person.has_role("student") or request.person.is_staff_member)


@require_GET
def print_week(request: HttpRequest) -> HttpResponse:
    """A week on paper: lessons numbered down, days across. ?child= prints a child's week."""
    person = request.person
    monday = sel.parse_week(request.GET.get("week"), zone=_zone(request))
    end = monday + timedelta(days=6)
    child_id = request.GET.get("child")
    if child_id:
        if not child_id.isdigit():
            raise NotFoundForActor
        child = sel.child_get_for(person, int(child_id))
        title, lessons, mode, children = child.full_name, sel.lessons_for_students([child.pk], monday, end), \
            "student", {}
    else:
        title, lessons, mode, children = _own_week(person, request.GET.get("view"), monday, end)
    week = _week(request, lessons, monday, children=children)
    numbers = sorted({row.lesson.bell_number for day in week.days for row in day.rows})
    grid = [(n, [[row for row in day.rows if row.lesson.bell_number == n] for day in week.days]) for n in numbers]
    return render(request, "timetable/week/print.html",
                  {"title": title, "week": week, "mode": mode, "grid": grid, "zone_name": request.tenant.timezone})


# --- Calendar feeds ----------------------------------------------------------------------


def _feed_context(request: HttpRequest, person: Person) -> dict:
    feed = sel.feed_of(person)
    url = ""
    if feed is not None and feed.is_enabled:
        url = request.build_absolute_uri(reverse("timetable:feed_ics", args=[feed.token]))
    return {
        "person": person, "feed": feed, "url": url, "webcal": url.replace("http://", "webcal://", 1)
        .replace("https://", "webcal://", 1),
        "may_enable": feeds.feed_may_enable(request.person, person),
        "may_manage": feeds.feed_may_manage(request.person, person),
    }


def _feed_action(request: HttpRequest, person: Person, *, redirect_to: str) -> HttpResponse:
    action = {"enable": feeds.feed_enable, "disable": feeds.feed_disable, "revoke": feeds.feed_revoke}.get(
        request.POST.get("feed", ""))
    if action is None:
        return redirect(redirect_to)
    try:
        action(actor=request.person, person=person)
    except PermissionDenied:
        raise NotFoundForActor from None
    notes = {"enable": _("The calendar feed is on."), "disable": _("The calendar feed is off."),
             "revoke": _("The feed has a new address; the old one no longer works.")}
    messages.success(request, notes[request.POST["feed"]])
    return redirect(redirect_to)


def feed_settings(request: HttpRequest) -> HttpResponse:
    """Turn one's own feed on, copy its address, revoke it."""
    refused = _member_or_response(request)
    if refused is not None:
        return refused
    if request.method == "POST":
        return _feed_action(request, request.person, redirect_to=request.path)
    children = sel.children_for_week(request.person) if request.person.children_ids else []
    return render(request, "timetable/week/feed.html",
                  {"feed": _feed_context(request, request.person), "children": children})


@require_GET
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics a calendar app fetches, without a session: the token is the credential."""
    feed = sel.feed_by_token(token)
    if feed is None:  # unknown or revoked: a calendar app gets a plain 404, never a sign-in page
        raise Http404
    body = sel.feed_ics(feed.person, schema=request.tenant.schema_name, zone=_zone(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="timetable.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
