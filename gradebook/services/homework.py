"""Homework and what students hand in: giving, changing and removing homework, and each
student's way through it — assigned → seen → submitted → returned for rework → submitted
→ accepted (with a mark in the journal).

Every change of a student's homework writes a `HomeworkEvent` (the action log the teacher,
the student and the parents see) in the same transaction. Refused changes raise
`GradebookError` and save nothing: uploads are checked before the first row is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Enrollment, Person, SchoolClass
from gradebook import notifications
from gradebook.errors import BAD_STATUS, FORBIDDEN, NOT_A_STUDENT, GradebookError
from gradebook.files import CheckedFile, check_uploads
from gradebook.models import (
    Homework,
    HomeworkEvent,
    HomeworkFile,
    HomeworkStudent,
    Mark,
    Submission,
    SubmissionFile,
    Work,
    WorkType,
)
from gradebook.selectors.homework import can_check_homework, can_edit_homework
from gradebook.services.marks import mark_set, work_create, work_delete, work_update
from timetable.models import Lesson, Subgroup, Subject, TeachingAssignment
from timetable.rules import can_lesson

# Homework's own refusals (beside the shared codes in gradebook.errors).
DUE_MISSING = "homework_due_missing"
DUE_BEFORE_LESSON = "homework_due_before_lesson"
NOT_THIS_CLASS = "homework_not_this_class"
TEXT_REQUIRED = "homework_text_required"
BAD_LINK = "homework_bad_link"
NOBODY = "homework_nobody"
ANSWER_REQUIRED = "homework_answer_required"
COMMENT_REQUIRED = "homework_comment_required"

Status = HomeworkStudent.Status
MAX_LINKS = 10
# Statuses from which a student may hand in (again).
OPEN_STATUSES = (Status.ASSIGNED, Status.SEEN, Status.RETURNED)
HOMEWORK_WORK_TYPE = "Домашняя работа"  # seeded by migration 0002; the school may rename it


def _may_give(actor: Person, *, subject: Subject, school_class: SchoolClass, lesson: Lesson | None) -> bool:
    if actor.is_management:
        return True
    if lesson is not None:
        return can_lesson(actor, "lesson.write_journal", lesson)
    return TeachingAssignment.objects.filter(teacher=actor, subject=subject, school_class=school_class).exists()


def _lesson_class_ids(lesson: Lesson) -> set[int]:
    return {c.pk for c in lesson.classes.all()}


def _clean_links(links: Iterable[str], video_url: str, online_url: str) -> list[str]:
    validate = URLValidator(schemes=["http", "https"])
    cleaned = [link.strip() for link in links if link and link.strip()]
    if len(cleaned) > MAX_LINKS:
        raise GradebookError(BAD_LINK, _("Give at most %(count)s links.") % {"count": MAX_LINKS}, field="links")
    for field, values in (("links", cleaned), ("video_url", [video_url]), ("online_url", [online_url])):
        for value in values:
            if not value:
                continue
            try:
                validate(value)
            except ValidationError:
                raise GradebookError(BAD_LINK, _("«%(link)s» is not a web address (it must start with https://).")
                                     % {"link": value[:100]}, field=field) from None
    return cleaned


def _audience(*, school_class: SchoolClass, subgroup: Subgroup | None,
              students: Sequence[Person | int] | None) -> list[int]:
    """The students the homework is for: chosen students (all of the class), else the
    subgroup's students in the class, else the whole class. One query."""
    enrolled = Enrollment.objects.filter(school_class=school_class)
    if students:
        wanted = {s if isinstance(s, int) else s.pk for s in students}
        found = set(enrolled.filter(student_id__in=wanted).values_list("student_id", flat=True))
        if found != wanted:
            raise GradebookError(NOT_A_STUDENT, _("Some of the chosen students are not in %(class)s.")
                                 % {"class": school_class.name}, field="students")
        ids = sorted(found)
    elif subgroup is not None:
        ids = sorted(enrolled.filter(student__subgroups=subgroup).values_list("student_id", flat=True))
    else:
        ids = sorted(enrolled.values_list("student_id", flat=True))
    if not ids:
        raise GradebookError(NOBODY, _("Nobody would get this homework: the class or group has no students."),
                             field="students")
    return ids


def _save_files(model: type[HomeworkFile] | type[SubmissionFile], owner: dict[str, Any],
                uploads: Sequence[UploadedFile], checked: Sequence[CheckedFile]) -> None:
    for upload, info in zip(uploads, checked, strict=True):
        row = model(name=info.name, size=info.size, content_type=info.content_type, **owner)
        row.file.save(info.name, upload, save=False)
        row.save()


def _homework_work(actor: Person, homework: Homework, work_type: WorkType | None) -> Work:
    """The journal column the homework's marks go to (created when first needed)."""
    if work_type is None:
        work_type = (WorkType.objects.filter(name=HOMEWORK_WORK_TYPE).first()
                     or WorkType.objects.filter(is_default=True).first() or WorkType.objects.first())
    title = _("Homework: %(text)s") % {"text": homework.text[:150]}
    # The column stands at the due lesson when the actor writes that lesson's journal;
    # otherwise it is a free-standing column on the due date.
    due_lesson = homework.due_lesson
    if due_lesson is not None and not can_lesson(actor, "lesson.write_journal", due_lesson):
        due_lesson = None
    return work_create(actor, school_class=homework.school_class, subject=homework.subject, work_type=work_type,
                       date=homework.due_date, lesson=due_lesson, subgroup=homework.subgroup, title=title[:200])


def homework_create(actor: Person, *, subject: Subject, school_class: SchoolClass, text: str,
                    due_date: date | None = None, due_lesson: Lesson | None = None, lesson: Lesson | None = None,
                    subgroup: Subgroup | None = None, students: Sequence[Person | int] | None = None,
                    links: Iterable[str] = (), video_url: str = "", online_url: str = "",
                    needs_submission: bool = False, work_type: WorkType | None = None,
                    files: Sequence[UploadedFile] = ()) -> Homework:
    """Give homework to a class, a subgroup or chosen students of the class, due by a lesson
    (its date) or a date. Each student gets an «assigned» item; they and their parents are
    told once the transaction commits. `work_type` opens a journal column for the marks."""
    if not _may_give(actor, subject=subject, school_class=school_class, lesson=lesson):
        raise GradebookError(FORBIDDEN, _("You do not teach %(subject)s in %(class)s.")
                             % {"subject": subject.name, "class": school_class.name})
    text = (text or "").strip()
    if not text:
        raise GradebookError(TEXT_REQUIRED, _("Write the task."), field="text")
    if lesson is not None and school_class.pk not in _lesson_class_ids(lesson):
        raise GradebookError(NOT_THIS_CLASS, _("The lesson is not a lesson of %(class)s.")
                             % {"class": school_class.name}, field="lesson")
    if due_lesson is not None:
        if school_class.pk not in _lesson_class_ids(due_lesson):
            raise GradebookError(NOT_THIS_CLASS, _("The due lesson is not a lesson of %(class)s.")
                                 % {"class": school_class.name}, field="due_lesson")
        due_date = due_lesson.date
    if due_date is None:
        raise GradebookError(DUE_MISSING, _("Choose the lesson or the date it is due by."), field="due_date")
    if lesson is not None and due_date < lesson.date:
        raise GradebookError(DUE_BEFORE_LESSON, _("Homework cannot be due before the lesson it is given at."),
                             field="due_date")
    if subgroup is None and not students and lesson is not None and lesson.subgroup_id:
        subgroup = lesson.subgroup  # homework of a group lesson is for the group
    if subgroup is not None and subgroup.school_class_id not in (None, school_class.pk):
        raise GradebookError(NOT_THIS_CLASS, _("The group is not a group of %(class)s.")
                             % {"class": school_class.name}, field="subgroup")
    cleaned_links = _clean_links(links, video_url, online_url)
    checked = check_uploads(files)
    student_ids = _audience(school_class=school_class, subgroup=subgroup, students=students)

    with transaction.atomic():
        homework = Homework.objects.create(
            subject=subject, school_class=school_class, subgroup=subgroup, lesson=lesson, due_lesson=due_lesson,
            due_date=due_date, text=text, links=cleaned_links, video_url=video_url, online_url=online_url,
            needs_submission=needs_submission, created_by=actor)
        if work_type is not None:
            homework.work = _homework_work(actor, homework, work_type)
            homework.save(update_fields=["work"])
        _save_files(HomeworkFile, {"homework": homework}, files, checked)
        items = HomeworkStudent.objects.bulk_create(
            [HomeworkStudent(homework=homework, student_id=sid) for sid in student_ids])
        HomeworkEvent.objects.bulk_create(
            [HomeworkEvent(item=item, actor=actor, status=Status.ASSIGNED) for item in items])
        homework_id = homework.pk
        transaction.on_commit(lambda: notifications.notify_homework(homework_id=homework_id))
    return homework


EDITABLE = {"text", "due_date", "due_lesson", "links", "video_url", "online_url", "needs_submission"}


def homework_update(actor: Person, *, homework: Homework, files: Sequence[UploadedFile] = (),
                    remove_file_ids: Iterable[int] = (), **fields: Any) -> Homework:
    """Change the task, the due lesson or date, links, whether work is handed in, and the
    files. Who it is for stays as given (students already have it and may have worked)."""
    if not can_edit_homework(actor, homework):
        raise GradebookError(FORBIDDEN, _("You cannot change this homework."))
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"homework_update() got unexpected fields {sorted(unknown)}")
    values = {name: getattr(homework, name) for name in EDITABLE} | fields
    values["text"] = (values["text"] or "").strip()
    if not values["text"]:
        raise GradebookError(TEXT_REQUIRED, _("Write the task."), field="text")
    due_lesson = values["due_lesson"]
    if "due_lesson" in fields and due_lesson is not None:
        if homework.school_class_id not in _lesson_class_ids(due_lesson):
            raise GradebookError(NOT_THIS_CLASS, _("The due lesson is not a lesson of %(class)s.")
                                 % {"class": homework.school_class.name}, field="due_lesson")
        values["due_date"] = due_lesson.date
    elif "due_date" in fields and "due_lesson" not in fields:
        values["due_lesson"] = None  # a new date replaces the lesson it was due by
    if values["due_date"] is None:
        raise GradebookError(DUE_MISSING, _("Choose the lesson or the date it is due by."), field="due_date")
    if homework.lesson_id and values["due_date"] < homework.lesson.date:
        raise GradebookError(DUE_BEFORE_LESSON, _("Homework cannot be due before the lesson it is given at."),
                             field="due_date")
    values["links"] = _clean_links(values["links"] or [], values["video_url"] or "", values["online_url"] or "")
    checked = check_uploads(files)
    with transaction.atomic():
        moved = values["due_date"] != homework.due_date or values["due_lesson"] != homework.due_lesson
        for name, value in values.items():
            setattr(homework, name, value)
        homework.save()
        if moved and homework.work_id and homework.work.lesson_id is None:
            # A free-standing column follows the due date; one standing at a lesson stays there.
            work_update(actor, work=homework.work, date=homework.due_date)
        removed = list(HomeworkFile.objects.filter(homework=homework, pk__in=list(remove_file_ids)))
        for row in removed:
            row.delete()
            transaction.on_commit(lambda f=row.file: f.delete(save=False))
        _save_files(HomeworkFile, {"homework": homework}, files, checked)
    return homework


def homework_delete(actor: Person, *, homework: Homework) -> None:
    """Remove homework with everything students handed in. Marks already given stay in the
    journal (they are journal history); an empty journal column goes with the homework."""
    if not can_edit_homework(actor, homework):
        raise GradebookError(FORBIDDEN, _("You cannot remove this homework."))
    with transaction.atomic():
        stored = [row.file for row in HomeworkFile.objects.filter(homework=homework)]
        stored += [row.file for row in SubmissionFile.objects.filter(submission__item__homework=homework)]
        work = homework.work
        homework.delete()
        if work is not None and not Mark.objects.filter(work=work).exists():
            work_delete(actor, work=work, reason=_("The homework was removed."))
        # Files go only once the rows are gone for good (a rollback keeps both).
        transaction.on_commit(lambda: [f.delete(save=False) for f in stored])


def _lock_item(item: HomeworkStudent) -> HomeworkStudent:
    """Re-read the item under a row lock: a double click or two teachers at once are
    serialised, and the second sees the first one's status."""
    return (HomeworkStudent.objects.select_for_update(of=("self",))
            .select_related("homework", "homework__subject", "homework__school_class", "student", "mark")
            .get(pk=item.pk))


def _own(actor: Person, item: HomeworkStudent) -> None:
    if item.student_id != actor.pk:
        raise GradebookError(FORBIDDEN, _("This is not your homework."))


def homework_seen(actor: Person, *, item: HomeworkStudent) -> HomeworkStudent:
    """The student opened their homework for the first time (later opens change nothing)."""
    _own(actor, item)
    if item.status != Status.ASSIGNED:
        return item
    with transaction.atomic():
        item = _lock_item(item)
        if item.status == Status.ASSIGNED:
            item.status = Status.SEEN
            item.seen_at = timezone.now()
            item.save(update_fields=["status", "seen_at", "updated_at"])
            HomeworkEvent.objects.create(item=item, actor=actor, status=Status.SEEN)
    return item


def submission_create(actor: Person, *, item: HomeworkStudent, text: str = "",
                      files: Sequence[UploadedFile] = ()) -> Submission:
    """The student hands in their work (text and files) — or, for homework that is not
    handed in, says it is done. Allowed until it is accepted, and again after a return."""
    _own(actor, item)
    text = (text or "").strip()
    checked = check_uploads(files)
    with transaction.atomic():
        item = _lock_item(item)
        if item.status == Status.SUBMITTED:
            raise GradebookError(BAD_STATUS, _("Your work is already handed in and waits for the teacher."))
        if item.status == Status.ACCEPTED:
            raise GradebookError(BAD_STATUS, _("This homework is already accepted."))
        if item.homework.needs_submission and not text and not files:
            raise GradebookError(ANSWER_REQUIRED, _("Write your answer or attach a file."), field="text")
        now = timezone.now()
        submission = Submission.objects.create(item=item, text=text)
        _save_files(SubmissionFile, {"submission": submission}, files, checked)
        fields = ["status", "submitted_at", "updated_at"]
        if item.seen_at is None:
            item.seen_at = now
            fields.append("seen_at")
        item.status = Status.SUBMITTED
        item.submitted_at = now
        item.save(update_fields=fields)
        HomeworkEvent.objects.create(item=item, actor=actor, status=Status.SUBMITTED)
    return submission


def _check_teacher(actor: Person, item: HomeworkStudent) -> None:
    if not can_check_homework(actor, item.homework):
        raise GradebookError(FORBIDDEN, _("You do not check this homework."))


def submission_return(actor: Person, *, item: HomeworkStudent, comment: str) -> HomeworkStudent:
    """Send handed-in work back for rework, saying what to fix."""
    _check_teacher(actor, item)
    comment = (comment or "").strip()
    if not comment:
        raise GradebookError(COMMENT_REQUIRED, _("Say what needs to be fixed."), field="comment")
    with transaction.atomic():
        item = _lock_item(item)
        if item.status != Status.SUBMITTED:
            raise GradebookError(BAD_STATUS, _("Only handed-in work can be returned (it is «%(status)s» now).")
                                 % {"status": item.get_status_display()})
        item.status = Status.RETURNED
        item.save(update_fields=["status", "updated_at"])
        HomeworkEvent.objects.create(item=item, actor=actor, status=Status.RETURNED, comment=comment)
    return item


def submission_accept(actor: Person, *, item: HomeworkStudent, raw: str | None = None,
                      comment: str = "") -> HomeworkStudent:
    """Accept the student's homework, optionally with a mark that goes into the journal
    (the homework's work, opened on first use). Homework that is not handed in can be
    accepted straight away (checked in class); handed-in homework only once handed in."""
    _check_teacher(actor, item)
    raw = (raw or "").strip()
    with transaction.atomic():
        item = _lock_item(item)
        homework = item.homework
        if item.status == Status.ACCEPTED:
            raise GradebookError(BAD_STATUS, _("This homework is already accepted."))
        if homework.needs_submission and item.status != Status.SUBMITTED:
            raise GradebookError(BAD_STATUS, _("The student has not handed in this work yet (it is «%(status)s»).")
                                 % {"status": item.get_status_display()})
        fields = ["status", "updated_at"]
        if raw:
            if homework.work_id is None:
                homework.work = _homework_work(actor, homework, None)
                homework.save(update_fields=["work"])
            # The version the teacher saw: the linked mark's, or "an empty cell" — a mark someone
            # put into the journal meanwhile is a conflict, never silently overwritten.
            expected = item.mark.version if item.mark_id and item.mark.work_id == homework.work_id else None
            item.mark = mark_set(actor, work=homework.work, student=item.student, raw=raw,
                                 expected_version=expected, comment=comment or None)
            fields.append("mark")
        item.status = Status.ACCEPTED
        item.save(update_fields=fields)
        HomeworkEvent.objects.create(item=item, actor=actor, status=Status.ACCEPTED, comment=comment.strip())
    return item
