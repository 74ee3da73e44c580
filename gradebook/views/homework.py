"""Homework pages: the role-aware list, giving homework, a teacher's who-has-done-what
table with accept / return (htmx, with plain-form fallbacks), a student's item with the
hand-in form, the administration's archive and permission-checked file downloads."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFoundForActor
from core.models import Person
from gradebook.errors import GradebookError
from gradebook.files import download_response
from gradebook.forms_homework import (
    AcceptForm,
    ArchiveFilterForm,
    HomeworkForm,
    PickClassForm,
    SubmissionForm,
    add_service_error,
)
from gradebook.models import Homework, HomeworkStudent
from gradebook.rules import can_journal
from gradebook.selectors import homework as sel
from gradebook.services import homework as services
from timetable.models import Lesson
from timetable.rules import can_lesson

PAGE_SIZE = 30
DONE_PAGE_SIZE = 20  # a student's or parent's done homework: pages, so the list stays short on a phone


def _today(request: HttpRequest) -> date:
    return timezone.now().astimezone(ZoneInfo(request.tenant.timezone)).date()


def _page(request: HttpRequest, qs, size: int = PAGE_SIZE) -> Page:
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _post_only(request: HttpRequest) -> HttpResponse | None:
    """Checked after the permission-checked fetch, so a wrong id answers 404 for any method."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


# ---- lists --------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """A student's own homework, a parent's children's, or the homework a teacher gave."""
    person: Person = request.person
    wants_children = request.GET.get("view") == "children" and person.children_ids
    if person.is_staff_member and not wants_children:
        return _teacher_index(request, person)
    if person.has_role("student") and not wants_children:
        return _items_index(request, person, [person.pk], children=[], child=None)
    if person.children_ids:
        children = sel.children_of(person)
        child_id = _int(request.GET.get("child"))
        child = sel.child_get_for(person, child_id) if child_id is not None else None
        ids = [child.pk] if child else [c.pk for c in children]
        return _items_index(request, person, ids, children=children, child=child)
    raise NotFoundForActor


def _teacher_index(request: HttpRequest, person: Person) -> HttpResponse:
    page = _page(request, sel.homework_given(person))
    return render(request, "gradebook/homework/teacher_list.html", {
        "page": page, "statuses": HomeworkStudent.Status.choices,
        "can_archive": can_journal(person, "homework.archive"), "has_children": bool(person.children_ids)})


def _items_index(request: HttpRequest, person: Person, student_ids: list[int], *, children: list[Person],
                 child: Person | None) -> HttpResponse:
    today = _today(request)
    not_done = sel.items_not_done(student_ids, today=today)
    done = _page(request, sel.items_done(student_ids), DONE_PAGE_SIZE)
    query = {"view": "children"} if request.GET.get("view") == "children" else {}
    if child is not None:
        query["child"] = child.pk
    return render(request, "gradebook/homework/student_list.html", {
        "not_done": not_done, "done": done, "today": today, "children": children, "child": child,
        "show_student": len(student_ids) > 1, "is_parent_view": bool(children),
        "view_query": urlencode({k: v for k, v in query.items() if k == "view"}),
        "page_query": urlencode(query)})


def archive(request: HttpRequest) -> HttpResponse:
    """The school's homework for the administration, filtered and paginated."""
    if not can_journal(request.person, "homework.archive"):
        raise NotFoundForActor
    form = ArchiveFilterForm(request.GET or None)
    filters = sel.ArchiveFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = sel.ArchiveFilter(
            class_id=data["school_class"].pk if data["school_class"] else None,
            subject_id=data["subject"].pk if data["subject"] else None,
            teacher_id=data["teacher"].pk if data["teacher"] else None,
            date_from=data["date_from"], date_to=data["date_to"])
    page = _page(request, sel.homework_archive(request.person, filters))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "gradebook/homework/archive.html", {
        "form": form, "page": page, "page_query": query.urlencode()})


# ---- giving homework ----------------------------------------------------------------------


def _lesson_for_new(request: HttpRequest, lesson_id: int) -> Lesson:
    lesson = (Lesson.objects.select_related("subject", "subgroup").prefetch_related("classes", "teachers")
              .filter(pk=lesson_id).first())
    if lesson is None or not can_lesson(request.person, "lesson.write_journal", lesson):
        raise NotFoundForActor
    return lesson


def new(request: HttpRequest) -> HttpResponse:
    """Give homework: from a lesson (?lesson=), or for a class and subject chosen first."""
    person: Person = request.person
    if not person.is_staff_member:
        raise NotFoundForActor
    lesson = None
    lesson_id = _int(request.GET.get("lesson"))
    if lesson_id is not None:
        lesson = _lesson_for_new(request, lesson_id)
        classes = list(lesson.classes.all())
        class_id = _int(request.GET.get("class")) or classes[0].pk
        school_class = next((c for c in classes if c.pk == class_id), None)
        if school_class is None:
            raise NotFoundForActor
        subject = lesson.subject
    else:
        pick = PickClassForm(request.GET if "school_class" in request.GET else None, actor=person)
        if not pick.is_bound or not pick.is_valid():
            return render(request, "gradebook/homework/pick.html", {"form": pick})
        school_class, subject = pick.cleaned_data["school_class"], pick.cleaned_data["subject"]
        classes = []

    form = HomeworkForm(request.POST or None, request.FILES or None, school_class=school_class, subject=subject,
                        lesson=lesson, today=_today(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            homework = services.homework_create(
                person, subject=subject, school_class=school_class, text=data["text"], due_date=data["due_date"],
                due_lesson=data["due_lesson"], lesson=lesson, subgroup=data["subgroup"],
                students=list(data["students"]) or None, links=data["links"], video_url=data["video_url"],
                online_url=data["online_url"], needs_submission=data["needs_submission"],
                work_type=data["work_type"], files=data["files"])
        except GradebookError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Homework is given: the students and their parents are told."))
            return redirect("gradebook:homework-detail", homework_id=homework.pk)
    return render(request, "gradebook/homework/form.html", {
        "form": form, "school_class": school_class, "subject": subject, "lesson": lesson, "classes": classes,
        "homework": None})


def _homework_for_edit(request: HttpRequest, homework_id: int) -> Homework:
    homework = sel.homework_get_for(request.person, homework_id)
    if not sel.can_edit_homework(request.person, homework):
        raise NotFoundForActor
    return homework


def edit(request: HttpRequest, homework_id: int) -> HttpResponse:
    homework = _homework_for_edit(request, homework_id)
    initial = {"text": homework.text, "due_lesson": homework.due_lesson_id, "due_date": homework.due_date,
               "links": "\n".join(homework.links), "video_url": homework.video_url,
               "online_url": homework.online_url, "needs_submission": homework.needs_submission}
    form = HomeworkForm(request.POST or None, request.FILES or None, initial=initial,
                        school_class=homework.school_class, subject=homework.subject, lesson=homework.lesson,
                        today=_today(request), homework=homework)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        remove = [int(v) for v in request.POST.getlist("remove_file") if v.isdigit()]
        try:
            services.homework_update(
                request.person, homework=homework, files=data["files"], remove_file_ids=remove, text=data["text"],
                due_lesson=data["due_lesson"], due_date=data["due_date"], links=data["links"],
                video_url=data["video_url"], online_url=data["online_url"],
                needs_submission=data["needs_submission"])
        except GradebookError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The homework is changed."))
            return redirect("gradebook:homework-detail", homework_id=homework.pk)
    return render(request, "gradebook/homework/form.html", {
        "form": form, "school_class": homework.school_class, "subject": homework.subject, "lesson": homework.lesson,
        "classes": [], "homework": homework})


def delete(request: HttpRequest, homework_id: int) -> HttpResponse:
    homework = _homework_for_edit(request, homework_id)
    if refused := _post_only(request):
        return refused
    try:
        services.homework_delete(request.person, homework=homework)
    except GradebookError as error:
        messages.error(request, error.message)
        return redirect("gradebook:homework-detail", homework_id=homework.pk)
    messages.success(request, _("The homework is removed."))
    return redirect("gradebook:homework")


# ---- a teacher's table and checking -------------------------------------------------------


def detail(request: HttpRequest, homework_id: int) -> HttpResponse:
    """Who has done what: each student's status, submissions, files, log, accept / return."""
    homework = sel.homework_get_for(request.person, homework_id)
    items = sel.homework_table(homework)
    return render(request, "gradebook/homework/detail.html", {
        "homework": homework, "items": items,
        "status_counts": _status_counts(item.status for item in items),
        "can_edit": sel.can_edit_homework(request.person, homework)})


def _status_counts(statuses) -> list[tuple[str, str, int]]:
    """(status, label, how many students) for the counters above the teacher's table."""
    counts = dict.fromkeys(HomeworkStudent.Status.values, 0)
    for status in statuses:
        counts[status] += 1
    return [(value, label, counts[value]) for value, label in HomeworkStudent.Status.choices]


def _teacher_item(request: HttpRequest, item_id: int) -> HomeworkStudent:
    item = sel.item_get_for(request.person, item_id)
    if item.student_id == request.person.pk or not sel.can_check_homework(request.person, item.homework):
        raise NotFoundForActor
    return item


def _after_check(request: HttpRequest, item_id: int, error: GradebookError | None) -> HttpResponse:
    item = sel.item_get_for(request.person, item_id)
    if _is_htmx(request):
        # The row, and the counters above the table out of band (they change with it).
        statuses = HomeworkStudent.objects.filter(homework_id=item.homework_id).values_list("status", flat=True)
        return render(request, "gradebook/homework/_row_checked.html", {
            "item": item, "homework": item.homework, "error": error.message if error else "",
            "status_counts": _status_counts(statuses), "oob": True})
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved: %(name)s — %(status)s.") % {
            "name": item.student.short_name, "status": item.get_status_display()})
    return redirect(reverse("gradebook:homework-detail", args=[item.homework_id]) + f"#item-{item.pk}")


def accept(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _teacher_item(request, item_id)
    if refused := _post_only(request):
        return refused
    form = AcceptForm(request.POST)
    error = None
    if not form.is_valid():
        error = GradebookError("invalid", " ".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            services.submission_accept(request.person, item=item, raw=form.cleaned_data["raw"],
                                       comment=form.cleaned_data["comment"])
        except GradebookError as exc:
            error = exc
    return _after_check(request, item.pk, error)


def return_(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _teacher_item(request, item_id)
    if refused := _post_only(request):
        return refused
    try:
        services.submission_return(request.person, item=item, comment=request.POST.get("comment", ""))
    except GradebookError as exc:
        return _after_check(request, item.pk, exc)
    return _after_check(request, item.pk, None)


# ---- one student's homework ---------------------------------------------------------------


def item(request: HttpRequest, item_id: int) -> HttpResponse:
    """The task, files and links, the hand-in form, what was handed in and the log."""
    person: Person = request.person
    found = sel.item_get_for(person, item_id)
    if found.student_id == person.pk and found.status == HomeworkStudent.Status.ASSIGNED:
        services.homework_seen(person, item=found)
        found = sel.item_get_for(person, item_id)
    return _item_page(request, found, SubmissionForm())


def _item_page(request: HttpRequest, found: HomeworkStudent, form: SubmissionForm) -> HttpResponse:
    person: Person = request.person
    is_own = found.student_id == person.pk
    is_teacher = not is_own and found.student_id not in person.children_ids
    return render(request, "gradebook/homework/item.html", {
        "item": found, "homework": found.homework, "form": form, "is_own": is_own, "is_teacher": is_teacher,
        "can_submit": is_own and found.status in sel.NOT_DONE, "today": _today(request)})


def submit(request: HttpRequest, item_id: int) -> HttpResponse:
    person: Person = request.person
    found = sel.item_get_for(person, item_id)
    if found.student_id != person.pk:
        raise NotFoundForActor
    if refused := _post_only(request):
        return refused
    form = SubmissionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.submission_create(person, item=found, text=form.cleaned_data["text"],
                                       files=form.cleaned_data["files"])
        except GradebookError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your work is handed in. The teacher will check it."))
            return redirect("gradebook:homework-item", item_id=found.pk)
    return _item_page(request, sel.item_get_for(person, item_id), form)


# ---- files --------------------------------------------------------------------------------


def homework_file(request: HttpRequest, file_id: int) -> HttpResponse:
    row = sel.homework_file_get_for(request.person, file_id)
    return download_response(row.file, name=row.name, content_type=row.content_type)


def submission_file(request: HttpRequest, file_id: int) -> HttpResponse:
    row = sel.submission_file_get_for(request.person, file_id)
    return download_response(row.file, name=row.name, content_type=row.content_type)

