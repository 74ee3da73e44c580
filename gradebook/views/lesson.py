"""The lesson page: topic and description (with the teacher's templates), the lesson's
works, the attendance and marks table, and the lesson's homework — on one page.

Every input works without JavaScript: the whole form posts to the page, which writes the
changed cells in one all-or-nothing `lesson_marks_write` and shows each refusal next to its
cell. With JavaScript (journal.js) each cell is saved as soon as it changes, through the
journal's cell endpoint, and Enter moves to the next student.

Each mark cell has a disclosure (<details>, so it opens from the keyboard and without
JavaScript) with the mark's comment and "not counted in the average": inputs
c-/x-<student>-<column> (with their stored values in co-/xo-) for a cell of one mark,
c-/x-/v-<student>-<column>-<position> per mark for a work taking several marks.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotFoundForActor
from gradebook.errors import EditConflict, GradebookError
from gradebook.models import LessonTemplate, Work, WorkType
from gradebook.selectors.journal import LessonSheet, lesson_get_for_journal, lesson_sheet
from gradebook.services.lessons import lesson_describe
from gradebook.services.marks import LessonEntriesError, lesson_marks_write, work_create, work_delete
from gradebook.services.planning import lesson_template_create
from gradebook.views.journal import conflict_text, forbid_unless, js_texts


def _details(post, suffix: str, typed: dict[str, str]) -> dict:
    """The comment and exclusion posted for a mark (input suffix «student-column[-position]»),
    as entry fields: only those the form has and the teacher changed."""
    fields: dict = {}
    if f"co-{suffix}" in post:
        comment = post.get(f"c-{suffix}", "").strip()
        typed[f"c-{suffix}"] = comment
        if comment != post.get(f"co-{suffix}", "").strip():
            fields["comment"] = comment
    if f"xo-{suffix}" in post:  # an unticked checkbox is not posted: its stored value is
        excluded = bool(post.get(f"x-{suffix}"))
        typed[f"x-{suffix}"] = "1" if excluded else ""
        if excluded != bool(post.get(f"xo-{suffix}")):
            fields["excluded"] = excluded
    return fields


def _cell_entries(request: HttpRequest, sheet: LessonSheet) -> tuple[list[dict], dict[str, str], dict[str, str]]:
    """The cells the teacher changed in the posted form, as `lesson_marks_write` entries,
    {input name: the value typed} to show the form again as it was sent, and {input name:
    error} for what cannot be saved at all (a comment on an empty cell)."""
    entries: list[dict] = []
    typed: dict[str, str] = {}
    refused: dict[str, str] = {}
    post = request.POST
    for row in sheet.rows:
        sid = row.student.pk
        name = f"a-{sid}"
        if name in post:
            code = post.get(name, "").strip()
            typed[name] = code
            if code != post.get(f"ao-{sid}", ""):
                version = post.get(f"av-{sid}", "")
                entries.append({"student": row.student, "attendance": code or None, "_name": name,
                                "version": int(version) if version.isdigit() else None})
        for cell in row.cells:
            if not cell.enabled:
                continue
            suffix = f"{sid}-{cell.column.key}"
            if cell.several:  # the comment and exclusion of each mark already given
                for mark in cell.marks:
                    details = _details(post, f"{suffix}-{mark.position}", typed)
                    if details:
                        version = post.get(f"v-{suffix}-{mark.position}", "")
                        entries.append({"student": row.student, "raw": mark.raw, "work": cell.column.work,
                                        "position": mark.position, "_name": f"c-{suffix}-{mark.position}",
                                        "version": int(version) if version.isdigit() else mark.version,
                                        **details})
                continue
            name = f"m-{suffix}"
            if name not in post:
                continue
            raw = post.get(name, "").strip()
            typed[name] = raw
            details = _details(post, suffix, typed)
            if raw == post.get(f"o-{suffix}", "") and not details:
                continue
            version = post.get(f"v-{suffix}", "")
            if not raw and not version.isdigit() and (details.get("comment") or details.get("excluded")):
                refused[name] = _("Type the mark first: the comment and the exclusion are saved with it.")
                continue
            entry = {"student": row.student, "raw": raw, "_name": name,
                     "version": int(version) if version.isdigit() else None, **details}
            if cell.column.work is not None:
                entry["work"] = cell.column.work
            entries.append(entry)
    return entries, typed, refused


def lesson_page(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson, may_write = lesson_get_for_journal(request.person, lesson_id)
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    form_error = ""
    if request.method == "POST":
        forbid_unless(may_write)
        action = request.POST.get("action", "save")
        if action == "insert_template":
            # Without JavaScript: put the template's text under the description, unsaved.
            template = LessonTemplate.objects.filter(owner=request.person,
                                                     pk=request.POST.get("template") or 0).first()
            lesson.description = request.POST.get("description", "")
            lesson.topic = request.POST.get("topic", lesson.topic)
            if template is not None:
                lesson.description = (lesson.description.rstrip() + "\n" + template.text).strip()
        else:
            sheet = lesson_sheet(request.person, lesson)
            entries, typed, refused = _cell_entries(request, sheet)
            reason = request.POST.get("reason", "").strip()
            if refused:
                form_error, errors = _("Nothing was saved: correct the marked cells."), refused
            else:
                try:
                    with transaction.atomic():
                        lesson_describe(request.person, lesson=lesson, topic=request.POST.get("topic", ""),
                                        description=request.POST.get("description", ""))
                        if entries:
                            lesson_marks_write(request.person, lesson=lesson, entries=[
                                {**{k: v for k, v in e.items() if k != "_name"}, "reason": reason}
                                for e in entries])
                except GradebookError as error:
                    form_error, errors = _entry_errors(error, entries)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("gradebook:journal_lesson", lesson_id=lesson.pk)
    sheet = lesson_sheet(request.person, lesson)
    for row in sheet.rows:  # a refused form shows again as it was typed, errors beside the cells
        name = f"a-{row.student.pk}"
        row.att_value, row.att_error = typed.get(name, row.att_value), errors.get(name, "")
        for cell in row.cells:
            suffix = f"{row.student.pk}-{cell.column.key}"
            cell.value, cell.error = typed.get(f"m-{suffix}", cell.value), errors.get(f"m-{suffix}", "")
            cell.comment_value = typed.get(f"c-{suffix}", cell.comment)
            cell.excluded_value = typed[f"x-{suffix}"] == "1" if f"x-{suffix}" in typed else cell.excluded
            for mark in cell.marks if cell.several else ():
                key = f"{suffix}-{mark.position}"
                mark.comment_value = typed.get(f"c-{key}", mark.comment)
                mark.excluded_value = typed[f"x-{key}"] == "1" if f"x-{key}" in typed else mark.excluded
                cell.error = cell.error or errors.get(f"c-{key}", "")
            # A refused comment or exclusion opens its disclosure, so the teacher sees it.
            cell.details_open = bool(cell.error) and (cell.several or cell.comment_value != cell.comment
                                                      or cell.excluded_value != cell.excluded)
    return render(request, "gradebook/journal/lesson.html", {
        "lesson": lesson, "sheet": sheet, "may_write": may_write, "errors": errors, "typed": typed,
        "form_error": form_error, "i18n": js_texts(),
    }, status=400 if form_error else 200)


def _entry_errors(error: GradebookError, entries: list[dict]) -> tuple[str, dict[str, str]]:
    """The form-level message and {input name: message} from a refused bulk write."""
    per_entry: dict[str, str] = {}
    if isinstance(error, LessonEntriesError):
        for index, entry_error in error.errors:
            if 0 <= index < len(entries):
                message = entry_error.message
                if isinstance(entry_error, EditConflict):
                    message = conflict_text(entry_error) + " " + _("Save again to overwrite it.")
                per_entry[entries[index]["_name"]] = message
    if per_entry:
        return _("Nothing was saved: correct the marked cells."), per_entry
    return error.message, ({error.field: error.message} if error.field else {})


@require_POST
def work_add(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Add a work to the lesson: one per class of the lesson (a stream has several)."""
    lesson, may_write = lesson_get_for_journal(request.person, lesson_id)
    forbid_unless(may_write)
    work_type = WorkType.objects.filter(pk=request.POST.get("work_type") or 0).first()
    if work_type is None:
        messages.error(request, _("Choose the kind of work."))
        return redirect("gradebook:journal_lesson", lesson_id=lesson.pk)
    try:
        with transaction.atomic():
            for school_class in lesson.classes.all():
                work_create(request.person, school_class=school_class, subject=lesson.subject, work_type=work_type,
                            date=lesson.date, lesson=lesson, subgroup=lesson.subgroup,
                            title=request.POST.get("title", "").strip()[:200],
                            is_important=bool(request.POST.get("is_important")),
                            allows_several=bool(request.POST.get("allows_several")))
    except GradebookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The work is added."))
    return redirect("gradebook:journal_lesson", lesson_id=lesson.pk)


@require_POST
def work_remove(request: HttpRequest, lesson_id: int, work_id: int) -> HttpResponse:
    lesson, may_write = lesson_get_for_journal(request.person, lesson_id)
    forbid_unless(may_write)
    work = Work.objects.filter(pk=work_id, lesson=lesson).first()
    if work is None:
        raise NotFoundForActor
    try:
        work_delete(request.person, work=work, reason=request.POST.get("reason", "").strip())
    except GradebookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The work is removed."))
    return redirect("gradebook:journal_lesson", lesson_id=lesson.pk)


@require_POST
def template_save(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Keep the description typed as one of the teacher's templates."""
    lesson, may_write = lesson_get_for_journal(request.person, lesson_id)
    forbid_unless(may_write)
    text = request.POST.get("description", "").strip()
    title = request.POST.get("template_title", "").strip()[:200] or " ".join(text.split())[:60]
    try:
        lesson_template_create(request.person, title=title, text=text)
    except GradebookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The description is saved as the template “%(title)s”.") % {"title": title})
    return redirect("gradebook:journal_lesson", lesson_id=lesson.pk)
