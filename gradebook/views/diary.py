"""The diary pages: a student's (or a parent's children's) week with topics, homework,
marks and attendance; marks by subject for a period with charts; a work's mark
distribution; read tracking for the class teacher and the administration.

Thin: `gradebook.selectors.diary` reads; opening a child's week or marks records the visit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat, linebreaksbr, truncatechars
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from core.errors import NotFoundForActor
from core.models import Person, SchoolSettings
from gradebook.charts import distribution_svg, running_average_svg
from gradebook.models import HomeworkStudent
from gradebook.selectors import diary as sel
from tenants.selectors import memberships_for, school_url
from timetable.models import Substitution
from timetable.selectors_week import parse_week

# --- Shared plumbing ---------------------------------------------------------------------


def _zone(request: HttpRequest) -> ZoneInfo:
    return ZoneInfo(request.tenant.timezone)


def _week_days() -> int:
    return SchoolSettings.objects.filter(pk=1).values_list("week_days", flat=True).first() or 5


def _int_param(request: HttpRequest, name: str) -> int | None:
    """A numeric query parameter; anything else is "not found", like a wrong id."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise NotFoundForActor
    return int(value)


def _children(request: HttpRequest) -> list[Person]:
    """`sel.children_of(request.person)`, read once a request (the selection and the tabs)."""
    if not hasattr(request, "_diary_children"):
        request._diary_children = sel.children_of(request.person)
    return request._diary_children


def _selection(request: HttpRequest, *, allow_all: bool) -> tuple[list[Person], int | str | None]:
    """(students the page shows, the active tab): ?student=<id> — anyone whose diary the
    person may open; ?student=all — a parent's children together; default — oneself for
    a student, the only child or (allow_all) all the children for a parent."""
    person = request.person
    if allow_all and request.GET.get("student") == "all":
        children = _children(request)
        if not children:
            raise NotFoundForActor
        return children, "all"
    student_id = _int_param(request, "student")
    if student_id is not None:
        student = sel.student_get_for_diary(person, student_id)
        return [student], student.pk
    if person.has_role("student"):
        return [person], person.pk
    children = _children(request)
    if len(children) == 1 or (children and not allow_all):
        return children[:1], children[0].pk
    if children:
        return children, "all"
    return [], None


def _family_context(request: HttpRequest, page: str) -> dict:
    """Tabs to switch between children, and links to the diary in the parent's other
    schools (the public membership index; a cross-school render is not attempted)."""
    person = request.person
    context: dict = {"child_tabs": [], "other_schools": []}
    if person.children_ids:
        context["child_tabs"] = _children(request)
        context["other_schools"] = [
            {"school": m.school, "url": school_url(m.school, request=request, path=page)}
            for m in memberships_for(request.user.pk)
            if m.school_id != request.tenant.pk and "parent" in m.roles
        ]
    return context


def _no_students(request: HttpRequest) -> HttpResponse:
    """Staff without a student in the query: the class teacher and the administration go
    to read tracking, which lists the students; anyone else has no diary here."""
    if sel.classes_for_tracking(request.person):
        return redirect("gradebook:diary_read")
    raise NotFoundForActor


# --- Pages -------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The week: each day's lessons with topic, homework, marks, attendance and changes."""
    students, active = _selection(request, allow_all=True)
    if not students:
        return _no_students(request)
    zone = _zone(request)
    monday = parse_week(request.GET.get("week"), zone=zone)
    weeks = sel.diary_weeks(students, monday, zone=zone, week_days=_week_days(),
                            show_reasons=request.person.is_staff_member, prefetched=False)
    sel.diary_visit_record(viewer=request.person, students=students)
    params = {"student": active} if request.GET.get("student") else {}

    def week_url(day: date | None) -> str:
        query = {**params, **({"week": day.isoformat()} if day else {})}
        return f"{request.path}?{urlencode(query)}" if query else request.path

    first = weeks[0]
    links = {"previous": week_url(first.previous), "next": week_url(first.next), "today": week_url(None)}
    title = _("Diary") if len(students) > 1 else (
        _("My diary") if students[0].pk == request.person.pk else students[0].full_name)
    marks_url = reverse("gradebook:diary_marks")
    marks_query = f"?student={students[0].pk}" if len(students) == 1 else ""
    return render(request, "gradebook/diary/week.html", {
        "title": title, "weeks": weeks, "week": first, "links": links, "active_tab": active,
        "several": len(students) > 1, "zone_name": request.tenant.timezone,
        "marks_url": marks_url + marks_query,
        "week_body": _week_body(weeks, marks_url=marks_url),
        **_family_context(request, "/diary/"),
    })


def _week_body(weeks: list[sel.DiaryWeek], *, marks_url: str) -> str:
    """The weeks' lessons, marks and homework (gradebook/jinja2/gradebook/diary/week_body.html).
    Jinja2, like the journal grid: as Django templates with an include per mark and per
    homework, a full week (27 lessons) took 7.6 ms to render here, now 1.8 ms."""
    return render_to_string("gradebook/diary/week_body.html", {
        "weeks": weeks, "several": len(weeks) > 1, "marks_url": marks_url,
        "work_url": _url_maker("gradebook:diary_work"), "homework_url": _url_maker("gradebook:homework-item"),
        "file_url": _url_maker("gradebook:homework-file"),
        "status_label": _labels(HomeworkStudent.Status.choices), "kind_label": _labels(Substitution.Kind.choices),
        "linebreaksbr": linebreaksbr, "truncatechars": truncatechars, "floatformat": floatformat,
    }, using="jinja2")


# Translated in week_body.html, where makemessages (which reads templates as Django's) does
# not find it: marked here so that it stays in the catalogue.
gettext_noop("Mark %(raw)s for %(work)s: how the class did")


def _labels(choices: list[tuple[str, object]]) -> Callable[[str], str]:
    """`get_FOO_display()` with the labels translated once: called per item it rebuilds the
    choices each time, a good part of the body's render."""
    labels = {value: str(label) for value, label in choices}
    return lambda value: labels.get(value, value)


def _url_maker(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` resolved once for the page's many links."""
    placeholder = 2_147_483_647
    prefix, suffix = reverse(name, args=[placeholder]).split(str(placeholder))
    return lambda pk: f"{prefix}{pk}{suffix}"


@require_GET
def marks(request: HttpRequest) -> HttpResponse:
    """Marks by subject for a period, with averages, period marks and the running average."""
    students, active = _selection(request, allow_all=False)
    if not students:
        return _no_students(request)
    student = students[0]
    report = sel.diary_marks(student, period_id=_int_param(request, "period"), zone=_zone(request))
    sel.diary_visit_record(viewer=request.person, students=[student])
    charts = {}
    if report.scale is not None:
        for line in report.subjects:
            if line.points:
                charts[line.subject.pk] = running_average_svg(
                    line.points, low=report.scale.min_value, high=report.scale.max_value,
                    chart_id=f"avg-{line.subject.pk}",
                    title=_("Average in %(subject)s over the period") % {"subject": line.subject.name},
                    description=_("From %(first)s to %(last)s; the table below gives every value.") % {
                        "first": line.points[0][1], "last": line.points[-1][1]},
                )
    title = _("My marks") if student.pk == request.person.pk else _("Marks: %(name)s") % {"name": student.full_name}
    return render(request, "gradebook/diary/marks.html", {
        "title": title, "report": report,
        "lines": [(line, charts.get(line.subject.pk)) for line in report.subjects],
        "active_tab": active, "student": student,
        "week_url": reverse("gradebook:diary") + (f"?student={student.pk}" if request.GET.get("student") else ""),
        **_family_context(request, "/diary/marks/"),
    })


@require_GET
def work(request: HttpRequest, work_id: int) -> HttpResponse:
    """How a work's marks are spread over the class: counts per mark value, never names."""
    the_work = sel.work_get_for(request.person, work_id)
    bars = sel.work_distribution(the_work)
    total = sum(n for _raw, n in bars)
    name = the_work.title or the_work.work_type.name
    chart = distribution_svg(
        bars, title=_("Marks for “%(work)s”") % {"work": name},
        description=", ".join(f"{raw}: {n}" for raw, n in bars),
    )
    return render(request, "gradebook/diary/work.html", {
        "title": name, "work": the_work, "bars": bars, "total": total, "chart": chart,
    })


@require_GET
def read(request: HttpRequest) -> HttpResponse:
    """Who has opened the diary since the last marks: per student, the parents, their last
    visit and how many marks are newer. For the class teacher and the administration."""
    classes = sel.classes_for_tracking(request.person)
    class_id = _int_param(request, "class")
    if class_id is None:
        if not classes:
            raise NotFoundForActor
        school_class = sel.class_get_for_tracking(request.person, classes[0].pk)
    else:
        school_class = sel.class_get_for_tracking(request.person, class_id)
    rows = sel.read_tracking(school_class)
    return render(request, "gradebook/diary/read.html", {
        "title": _("Who has seen the diary: %(name)s") % {"name": school_class.name},
        "school_class": school_class, "classes": classes, "rows": rows,
    })
