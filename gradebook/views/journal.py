"""The teacher's journal: the list of classes and subjects, the grid of a class in a
subject for a period, the cell endpoint both the grid and the lesson page save through,
and a cell's history.

The grid's body renders through Jinja2 (gradebook/jinja2/gradebook/journal/grid_body.html),
its cells through `cells_html`. Measured by bench/gradebook.py on 35 students × 70 lessons
(+7 tests; 1,085 marks, 140 absences; 2,695 cells), rendering the body alone, best of 5, on
the shared 2-core dev box: ~2.5 ms (the equivalent Django template: 140-330 ms). The whole
page costs ~26 ms of CPU in-process with 23 reads (constant): ~14 ms the selector (mostly
the ORM building its 11 queries), ~8 ms the session, membership and header context, ~4 ms
the two templates; ~33 ms a request under gunicorn on an idle box (it was ~70 ms, ~200 ms
under load, when the selector built a model instance per mark and prefetched every
lesson's teachers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from markupsafe import Markup, escape

from core.errors import NotFoundForActor
from core.models import SchoolClass
from gradebook.errors import FORBIDDEN, INVALID_MARK, EditConflict, GradebookError
from gradebook.models import JournalChange, Mark, PeriodMark, Work
from gradebook.rules import can_journal
from gradebook.selectors import journal as sel
from gradebook.services.marks import attendance_set, lesson_work, mark_set, period_mark_set, period_of
from timetable.models import Lesson, ReportingPeriod, TeachingAssignment


def forbid_unless(allowed: bool) -> None:
    """A reader of the journal who may not write it: 403 (the page itself is theirs to see)."""
    if not allowed:
        raise PermissionDenied


def when_text(value: object) -> str:
    """A moment from an EditConflict's `current` (ISO text or datetime) in the school's time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return "—"


def conflict_text(error: EditConflict) -> str:
    current = error.current or {}
    return _("Changed by %(by)s at %(at)s: now «%(raw)s».") % {
        "by": current.get("by") or _("someone"), "at": when_text(current.get("at")),
        "raw": current.get("raw") or _("empty")}


def js_texts() -> dict[str, str]:
    """The few words journal.js shows, in the page's language."""
    return {"saved": _("Saved"), "keep": _("Keep theirs"), "overwrite": _("Overwrite"), "saving": _("Saving…"),
            "failed": _("Not saved: the connection failed. Try again."), "history": _("History of the cell"),
            "attendance_mode": _("Attendance mode"), "marks_mode": _("Marks mode"),
            "not_counted": _("not counted in the average"), "comment": _("comment"),
            "no_mark": _("Type the mark first: the comment and the exclusion are saved with it.")}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _today() -> date:
    return timezone.localdate()


# --- Pages ------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    person = request.person
    if not person.is_staff_member:
        raise NotFoundForActor
    data = sel.journal_index(person, today=_today(), class_id=_int(request.GET.get("class")))
    # A class teacher marks their students' whole-day absences (the administration: from
    # the chosen class, below).
    homeroom = list(SchoolClass.objects.filter(class_teacher=person).order_by("grade", "letter"))
    return render(request, "gradebook/journal/index.html", {"index": data, "homeroom": homeroom})


def grid(request: HttpRequest, class_id: int, subject_id: int) -> HttpResponse:
    school_class, subject = sel.class_subject_get_for(request.person, class_id, subject_id)
    data = sel.journal_grid(request.person, school_class=school_class, subject=subject, today=_today(),
                            period_id=_int(request.GET.get("period")), subgroup_id=_int(request.GET.get("subgroup")))
    body = render_to_string("gradebook/journal/grid_body.html", grid_context(data), using="jinja2")
    return render(request, "gradebook/journal/grid.html", {"grid": data, "grid_body": body, "i18n": js_texts()})


def grid_context(data: sel.JournalGrid) -> dict[str, Any]:
    """What the Jinja2 body needs, flattened so the template does no lookups per cell."""
    return {
        "grid": data,
        "columns": data.columns,
        "rows": data.rows,
        "final_kinds": data.final_kinds,
        "num": _number,
        "lesson_url": _lesson_url_maker(),
        "cells_html": cells_html,
    }


def cells_html(cells: list[tuple]) -> Markup:
    """One row's cells (the selector's tuples) as the grid's <td>s. Written here and not as
    a loop in grid_body.html: at ~2,700 cells a page that loop was most of the render, and
    most cells are empty (one constant string here). The markup, cell for cell:
    <td[ class="na"][ data-v=mark version data-m=mark id data-p=position]
    [ data-av=attendance version data-a=attendance id]>[<b class="jr-a">code</b>]marks</td>
    Versions, ids and positions are integers; the marks and the code are escaped. A cell
    whose marks have a comment or are not counted (the rare case: the selector's `notes`)
    writes each mark as <span class="jr-mk[ jr-ex][ jr-cm]" title="…">raw<span
    class="visually-hidden"> (…)</span></span>: struck through, a comment marker, the
    comment as the tooltip and, for screen readers, as text."""
    out = []
    escaped: dict[str, str] = {}  # a class's marks are a handful of distinct texts
    labels: list[str] = []  # "not counted in the average", translated once, when first needed
    for text, code, version, mark_id, att_version, att_id, in_audience, position, notes in cells:
        if not (text or code or version or att_version):
            out.append("<td></td>" if in_audience else '<td class="na"></td>')
            continue
        html = "<td" if in_audience else '<td class="na"'
        if version:
            html += f' data-v="{int(version)}" data-m="{int(mark_id)}" data-p="{int(position)}"'
        if att_version:
            html += f' data-av="{int(att_version)}" data-a="{int(att_id)}"'
        if code:
            html += f'><b class="jr-a">{escape(code)}</b>'
        else:
            html += ">"
        if notes is not None:
            if not labels:
                labels.append(_("not counted in the average"))
            html += " ".join(_noted_mark(raw, comment, excluded, labels[0]) for raw, comment, excluded in notes)
        elif text:
            safe = escaped.get(text)
            if safe is None:
                safe = escaped[text] = str(escape(text))
            html += safe
        out.append(html + "</td>")
    return Markup("".join(out))  # noqa: S704 - the marks and codes are escaped above, the rest are integers


def _noted_mark(raw: str, comment: str, excluded: bool, not_counted: str) -> str:
    """One mark of a cell with notes (see `cells_html`); everything in it escaped."""
    if not (comment or excluded):
        return str(escape(raw))
    note = "; ".join(t for t in (not_counted if excluded else "", comment) if t)
    css = "jr-mk" + (" jr-ex" if excluded else "") + (" jr-cm" if comment else "")
    return (f'<span class="{css}" title="{escape(note)}">{escape(raw)}'
            f'<span class="visually-hidden"> ({escape(note)})</span></span>')


def _lesson_url_maker() -> Callable[[int], str]:
    """`reverse("gradebook:journal_lesson", args=[pk])` for the grid's ~70 date links,
    resolved once: 70 reverses cost about a millisecond."""
    placeholder = 2_147_483_647
    prefix, suffix = reverse("gradebook:journal_lesson", args=[placeholder]).split(str(placeholder))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _number(value: Decimal | None) -> str:
    return "" if value is None else formats.number_format(value, 2)


# --- The cell endpoint -------------------------------------------------------------------


def _json_error(error: GradebookError) -> JsonResponse:
    if isinstance(error, EditConflict):
        current = dict(error.current or {})
        current["at"] = when_text(current.get("at"))
        return JsonResponse({"ok": False, "code": error.code, "message": conflict_text(error), "current": current},
                            status=409)
    status = 403 if error.code == FORBIDDEN else 400
    return JsonResponse({"ok": False, "code": error.code, "message": error.message, "field": error.field},
                        status=status)


def _averages(*, student_id: int, subject_id: int, period: ReportingPeriod | None) -> dict[str, str]:
    if period is None:
        return {"average": "", "proposed": ""}
    row = PeriodMark.objects.filter(student_id=student_id, subject_id=subject_id, kind=PeriodMark.Kind.PERIOD,
                                    period=period).only("average", "proposed").first()
    average: Decimal | None = row.average if row else None
    return {"average": formats.number_format(average, 2) if average is not None else "",
            "proposed": row.proposed if row else ""}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "on", "true", "yes")


def _page_wanted(request: HttpRequest) -> str | None:
    """Where a plain form (no JavaScript) posted to the cell endpoint goes back to: its
    `next`, when it is a page of this site and the caller did not ask for JSON."""
    target = request.POST.get("next", "")
    if (not target or "application/json" in request.headers.get("Accept", "")
            or request.headers.get("HX-Request")):
        return None
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return None
    return target


@require_POST
def cell(request: HttpRequest) -> HttpResponse:
    """Save one cell: a mark (`kind=mark`), attendance (`kind=attendance`) or a period /
    annual / final mark (`kind=period`). JSON back: the cell's new text and version, the
    student's average; 400 with the message, 403 for a reader, 409 with the current value
    on an edit conflict, 404 for what the actor may not see.

    A mark also takes `comment` and `excluded` ("1"/"0": not counted in the average); each
    left out keeps what is there, and `details=1` (a form whose checkbox may be unticked)
    reads a missing `excluded` as "0". With either given and no `raw`, the mark stays as it
    is. A plain form (no JavaScript) that sends `next` is sent back there with a message."""
    response = _cell(request)
    target = _page_wanted(request)
    if target is None:
        return response
    data = json.loads(response.content)
    if data.get("ok"):
        messages.success(request, _("Saved."))
    else:
        messages.error(request, data.get("message") or _("Not saved."))
    return HttpResponseRedirect(target)


def _cell(request: HttpRequest) -> JsonResponse:
    post = request.POST
    actor = request.person
    if not actor.is_staff_member:
        raise NotFoundForActor
    kind = post.get("kind", "mark")
    student = sel.student_get(_int(post.get("student")) or 0)
    version = _int(post.get("version"))
    reason = post.get("reason", "").strip()
    try:
        if kind == "attendance":
            lesson, _may = sel.lesson_get_for_journal(actor, _int(post.get("lesson")) or 0)
            code = post.get("code", "").strip()
            entry = attendance_set(actor, lesson=lesson, student=student, code=code or None, expected_version=version,
                                   reason=reason)
            return JsonResponse({"ok": True, "text": entry.code.code if entry else "",
                                 "version": entry.version if entry else "", "id": entry.pk if entry else ""})
        if kind == "period":
            return _period_cell(request, student=student, version=version, reason=reason)
        work = _work_for_cell(request)
        several = work.allows_several
        position = _int(post.get("position")) or 0
        if several and post.get("position") == "new":
            position = (max(Mark.objects.filter(work=work, student=student).values_list("position", flat=True),
                            default=-1) + 1)
            version = None
        comment = post.get("comment")
        excluded = _flag(post.get("excluded")) if "excluded" in post else (False if post.get("details") else None)
        raw = post.get("raw")
        if raw is None and (comment is not None or excluded is not None):
            # Only the comment or the exclusion: the mark stays (a changed mark is a
            # conflict, from the version).
            current = Mark.objects.filter(work=work, student=student, position=position).first()
            if current is None:
                raise GradebookError(INVALID_MARK, _("There is no mark here yet: type the mark first."),
                                     field="raw")
            raw = current.raw
        mark = mark_set(actor, work=work, student=student, raw=(raw or "").strip(), position=position,
                        expected_version=version, comment=comment, excluded=excluded, reason=reason)
    except GradebookError as error:
        return _json_error(error)
    marks = [{"id": pk, "raw": text, "comment": note, "excluded": off, "version": ver, "position": pos}
             for pk, text, note, off, ver, pos in Mark.objects.filter(work=work, student=student)
             .order_by("position").values_list("id", "raw", "comment", "excluded", "version", "position")]
    period = period_of(work.school_class, work.date)
    return JsonResponse({"ok": True, "text": " ".join(m["raw"] for m in marks), "raw": mark.raw if mark else "",
                         "work": work.pk, "version": mark.version if mark else "", "id": mark.pk if mark else "",
                         "position": mark.position if mark else "", "comment": mark.comment if mark else "",
                         "excluded": mark.excluded if mark else False, "marks": marks,
                         **_averages(student_id=student.pk, subject_id=work.subject_id, period=period)})


def _work_for_cell(request: HttpRequest) -> Work:
    """The cell's work; for a lesson's not-yet-created default column, create it now."""
    work_id = _int(request.POST.get("work"))
    if work_id is not None:
        return sel.work_get_for(request.person, work_id)
    lesson, may_write = sel.lesson_get_for_journal(request.person, _int(request.POST.get("lesson")) or 0)
    class_id = _int(request.POST.get("class"))
    school_class = next((c for c in lesson.classes.all() if c.pk == class_id), None)
    if school_class is None:
        raise NotFoundForActor
    if not may_write:
        raise GradebookError(FORBIDDEN, _("Only the lesson's teacher or the administration may write here."))
    return lesson_work(request.person, lesson=lesson, school_class=school_class)


def _period_cell(request: HttpRequest, *, student, version: int | None, reason: str) -> JsonResponse:
    post = request.POST
    school_class, subject = sel.class_subject_get_for(request.person, _int(post.get("class")) or 0,
                                                      _int(post.get("subject")) or 0)
    pkind = post.get("pkind", PeriodMark.Kind.PERIOD)
    if pkind not in PeriodMark.Kind.values:
        raise NotFoundForActor
    period = None
    period_id = _int(post.get("period"))
    if period_id is not None:
        period = ReportingPeriod.objects.filter(pk=period_id).first()
        if period is None:
            raise NotFoundForActor
    if not can_journal(request.person, "journal.write_period_marks", school_class):
        raise GradebookError(FORBIDDEN, _("Only a teacher of the class or the administration may set this mark."))
    row = period_mark_set(request.person, student=student, subject=subject, school_class=school_class, kind=pkind,
                          period=period if pkind == PeriodMark.Kind.PERIOD else None,
                          raw=post.get("raw", "").strip(), expected_version=version, reason=reason)
    return JsonResponse({"ok": True, "text": row.raw, "version": row.version, "id": row.pk})


# --- History ------------------------------------------------------------------------------


def _history_allowed(actor, kind: str, object_id: int, changes: list) -> bool:
    """The actor may read the journal of the class the cell belongs to."""
    if kind == JournalChange.Kind.MARK:
        work_id = next((c.work_id for c in changes if c.work_id), None)
        work = Work.objects.select_related("school_class").filter(pk=work_id).first() if work_id else None
        return work is not None and can_journal(actor, "journal.view_class", work.school_class)
    if kind == JournalChange.Kind.ATTENDANCE:
        lesson_id = next((c.lesson_id for c in changes if c.lesson_id), None)
        lesson = Lesson.objects.prefetch_related("classes").filter(pk=lesson_id).first() if lesson_id else None
        return lesson is not None and any(can_journal(actor, "journal.view_class", c) for c in lesson.classes.all())
    row = PeriodMark.objects.select_related("school_class").filter(pk=object_id).first()
    return row is not None and can_journal(actor, "journal.view_class", row.school_class)


def history(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    """A cell's history (who, when, before → after, why), as a fragment for the dialog or a
    page. For a mark, whoever may write it also gets a form per mark of the cell to edit
    its comment and whether it counts in the average (saved through `cell`)."""
    if not request.person.is_staff_member or kind not in JournalChange.Kind.values:
        raise NotFoundForActor
    from gradebook.selectors.history import cell_history  # the engine's; imported late so the URLs load alone

    changes = list(cell_history(kind=kind, object_id=object_id))
    mark = None
    if kind == JournalChange.Kind.MARK:
        mark = (Mark.objects.select_related("work__school_class", "work__lesson").filter(pk=object_id).first())
    if mark is not None:  # a mark written before its history was kept still opens
        allowed = can_journal(request.person, "journal.view_class", mark.work.school_class)
    else:
        allowed = bool(changes) and _history_allowed(request.person, kind, object_id, changes)
    if not allowed:
        raise NotFoundForActor
    partial = bool(request.GET.get("partial"))
    template = "gradebook/journal/_history.html" if partial else "gradebook/journal/history.html"
    rows = [{"change": c, "before": _state_text(c.before), "after": _state_text(c.after)} for c in changes]
    details: list[Mark] = []
    if mark is not None and _may_write_work(request.person, mark.work):
        details = list(Mark.objects.filter(work=mark.work, student_id=mark.student_id).order_by("position"))
    return render(request, template, {
        "rows": rows, "kind": kind, "details": details, "details_work": mark.work if mark else None,
        "details_student": mark.student_id if mark else None, "several": len(details) > 1,
        "next": reverse("gradebook:journal_history", args=[kind, object_id]),
    })


def _may_write_work(actor, work: Work) -> bool:
    """The actor may change the marks of this work (the services check it again)."""
    if work.lesson_id is not None:
        lesson = Lesson.objects.prefetch_related("teachers").filter(pk=work.lesson_id).first()
        return lesson is not None and can_journal(actor, "journal.write_lesson", lesson)
    return actor.is_management or TeachingAssignment.objects.filter(
        teacher=actor, subject_id=work.subject_id, school_class_id=work.school_class_id).exists()


def _state_text(state: dict) -> str:
    """A history row's before/after as the cell showed it: the mark or the attendance code,
    whether it counts, its comment."""
    text = str(state.get("raw") or state.get("code") or "") if state else ""
    if state and state.get("excluded"):
        text += " " + _("(not counted)")
    if state and state.get("comment"):
        text += f" — “{state['comment']}”"
    return text or "—"
