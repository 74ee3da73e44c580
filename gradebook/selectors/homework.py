"""Reads of homework for pages and the API, scoped to what the person may see.

- A student sees only their own items; a parent only their children's.
- A teacher sees homework they gave, homework of the classes and subjects they teach,
  homework given at or due by a lesson they teach (after a replacement the substitute is
  the lesson's teacher), and — as a substitute — the class's homework in that subject due
  around the lessons they cover, so they know what was set and what to collect.
- The administration sees all of it (the archive).

Fetches by id answer `NotFoundForActor` for both "missing" and "not yours".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from core.errors import NotFoundForActor
from core.models import Person
from gradebook.models import Homework, HomeworkEvent, HomeworkFile, HomeworkStudent, Submission, SubmissionFile
from timetable.models import Lesson, Substitution, TeachingAssignment

Status = HomeworkStudent.Status
DONE = (Status.SUBMITTED, Status.ACCEPTED)
NOT_DONE = (Status.ASSIGNED, Status.SEEN, Status.RETURNED)
# A substitute sees the class's homework due this close to a lesson they cover.
COVER_WINDOW = timedelta(days=7)
# A student's «not done» list: older unfinished homework is history, not a to-do.
NOT_DONE_HORIZON = timedelta(days=30)


def _teacher_scope(actor: Person) -> Q:
    """The homework a staff member sees as a teacher, as one filter (subqueries, no joins:
    no duplicate rows, constant queries)."""
    lesson_teachers = Lesson.teachers.through.objects.filter(person_id=actor.pk)
    assignment = TeachingAssignment.objects.filter(teacher_id=actor.pk, school_class_id=OuterRef("school_class_id"),
                                                   subject_id=OuterRef("subject_id"))
    covered = Substitution.objects.filter(
        kind=Substitution.Kind.TEACHER, substitute_id=actor.pk, lesson__subject_id=OuterRef("subject_id"),
        lesson__classes=OuterRef("school_class_id"),
        lesson__date__gte=ExpressionWrapper(OuterRef("due_date") - COVER_WINDOW, output_field=DateField()),
        lesson__date__lte=ExpressionWrapper(OuterRef("due_date") + COVER_WINDOW, output_field=DateField()),
    )
    return (Q(created_by_id=actor.pk) | Q(Exists(assignment)) | Q(Exists(covered))
            | Q(Exists(lesson_teachers.filter(lesson_id=OuterRef("lesson_id"))))
            | Q(Exists(lesson_teachers.filter(lesson_id=OuterRef("due_lesson_id")))))


def visible_to_teacher(actor: Person) -> QuerySet[Homework]:
    if actor.is_management:
        return Homework.objects.all()
    if not actor.is_staff_member:
        return Homework.objects.none()
    return Homework.objects.filter(_teacher_scope(actor))


def can_check_homework(actor: Person, homework: Homework) -> bool:
    """Sees the homework as a teacher, so may accept and return students' work."""
    if actor.is_management:
        return True
    return actor.is_staff_member and visible_to_teacher(actor).filter(pk=homework.pk).exists()


def can_edit_homework(actor: Person, homework: Homework) -> bool:
    """Who gave it, a teacher of the subject in the class, or the administration."""
    if actor.is_management or homework.created_by_id == actor.pk:
        return True
    return TeachingAssignment.objects.filter(teacher=actor, school_class_id=homework.school_class_id,
                                             subject_id=homework.subject_id).exists()


def _with_counts(qs: QuerySet[Homework]) -> QuerySet[Homework]:
    counts = {f"n_{s}": Count("students", filter=Q(students__status=s)) for s in Status.values}
    return (qs.select_related("subject", "school_class", "subgroup", "created_by", "lesson", "due_lesson")
            .annotate(n_total=Count("students"), **counts))


def homework_given(actor: Person) -> QuerySet[Homework]:
    """A teacher's homework list with the number of students in each status (one query)."""
    if not actor.is_staff_member:
        return Homework.objects.none()
    return _with_counts(Homework.objects.filter(_teacher_scope(actor))).order_by("-due_date", "-pk")


def homework_to_check_count(actor: Person) -> int:
    """How many students' hand-ins wait for the teacher: submitted items of the homework
    the teacher's list shows (its «to check» counts, summed). One COUNT."""
    if not actor.is_staff_member:
        return 0
    return HomeworkStudent.objects.filter(status=Status.SUBMITTED, homework__in=visible_to_teacher(actor)).count()


@dataclass(frozen=True)
class ArchiveFilter:
    class_id: int | None = None
    subject_id: int | None = None
    teacher_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def homework_archive(actor: Person, filters: ArchiveFilter) -> QuerySet[Homework]:
    """The school's homework for the administration, filtered (due dates, inclusive)."""
    if not actor.is_management:
        raise NotFoundForActor
    qs = Homework.objects.all()
    if filters.class_id:
        qs = qs.filter(school_class_id=filters.class_id)
    if filters.subject_id:
        qs = qs.filter(subject_id=filters.subject_id)
    if filters.teacher_id:
        qs = qs.filter(created_by_id=filters.teacher_id)
    if filters.date_from:
        qs = qs.filter(due_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(due_date__lte=filters.date_to)
    return _with_counts(qs).order_by("-due_date", "-pk")


def _files_prefetch() -> Prefetch:
    return Prefetch("files", queryset=HomeworkFile.objects.order_by("pk"))


def homework_get_for(actor: Person, homework_id: int) -> Homework:
    """One homework as a teacher sees it (its table); anyone else → not found."""
    homework = (visible_to_teacher(actor).filter(pk=homework_id)
                .select_related("subject", "school_class", "subgroup", "created_by", "lesson", "due_lesson", "work")
                .prefetch_related(_files_prefetch()).first())
    if homework is None:
        raise NotFoundForActor
    return homework


def _item_details(qs: QuerySet[HomeworkStudent]) -> QuerySet[HomeworkStudent]:
    """Items with their submissions (newest first) with files, the log with actors, and
    the mark: a fixed number of queries, whatever the number of students."""
    return qs.select_related("student", "mark").prefetch_related(
        Prefetch("submissions", queryset=Submission.objects.prefetch_related(
            Prefetch("files", queryset=SubmissionFile.objects.order_by("pk"))).order_by("-created_at", "-pk")),
        Prefetch("events", queryset=HomeworkEvent.objects.select_related("actor").order_by("at", "pk")),
    )


def homework_table(homework: Homework) -> list[HomeworkStudent]:
    """Who has done what: every student's item with submissions, files and log."""
    return list(_item_details(homework.students.all()).order_by("student__last_name", "student__first_name"))


def item_get_for(actor: Person, item_id: int) -> HomeworkStudent:
    """One student's homework: the student, their parents, or a teacher who sees the homework."""
    item = (_item_details(HomeworkStudent.objects.filter(pk=item_id))
            .select_related("homework", "homework__subject", "homework__school_class", "homework__created_by",
                            "homework__lesson", "homework__due_lesson", "homework__subgroup")
            .prefetch_related(Prefetch("homework__files", queryset=HomeworkFile.objects.order_by("pk")))
            .first())
    if item is None:
        raise NotFoundForActor
    if item.student_id == actor.pk or item.student_id in actor.children_ids:
        return item
    if actor.is_staff_member and can_check_homework(actor, item.homework):
        return item
    raise NotFoundForActor


def item_of(actor: Person, homework_id: int) -> HomeworkStudent | None:
    """The person's own item of a homework, if they have one (for the API detail)."""
    return HomeworkStudent.objects.filter(homework_id=homework_id, student_id=actor.pk).first()


def _items(student_ids: list[int]) -> QuerySet[HomeworkStudent]:
    return (HomeworkStudent.objects.filter(student_id__in=student_ids)
            .select_related("homework", "homework__subject", "homework__school_class", "homework__created_by",
                            "homework__due_lesson", "student", "mark"))


def items_not_done(student_ids: list[int], *, today: date) -> list[HomeworkStudent]:
    """Homework still to do (returned work included), soonest first; one query."""
    return list(_items(student_ids).filter(status__in=NOT_DONE, homework__due_date__gte=today - NOT_DONE_HORIZON)
                .order_by("homework__due_date", "homework__subject__name", "pk"))


def items_done(student_ids: list[int]) -> QuerySet[HomeworkStudent]:
    """Handed-in and accepted homework, latest first (paginate it)."""
    return _items(student_ids).filter(status__in=DONE).order_by("-homework__due_date", "-pk")


def items_all(student_ids: list[int]) -> QuerySet[HomeworkStudent]:
    return _items(student_ids).order_by("-homework__due_date", "homework__subject__name", "-pk")


def children_of(parent: Person) -> list[Person]:
    return list(Person.objects.filter(pk__in=parent.children_ids).order_by("first_name", "last_name"))


def child_get_for(actor: Person, child_id: int) -> Person:
    if child_id not in actor.children_ids:
        raise NotFoundForActor
    return Person.objects.get(pk=child_id)


def homework_file_get_for(actor: Person, file_id: int) -> HomeworkFile:
    """A teacher's attachment: for the students it was given to, their parents and the
    teachers who see the homework."""
    row = HomeworkFile.objects.select_related("homework").filter(pk=file_id).first()
    if row is None:
        raise NotFoundForActor
    people = [actor.pk, *actor.children_ids]
    if HomeworkStudent.objects.filter(homework_id=row.homework_id, student_id__in=people).exists():
        return row
    if actor.is_staff_member and can_check_homework(actor, row.homework):
        return row
    raise NotFoundForActor


def submission_file_get_for(actor: Person, file_id: int) -> SubmissionFile:
    """A student's file: the student, their parents and the teachers checking the homework."""
    row = (SubmissionFile.objects.select_related("submission__item__homework").filter(pk=file_id).first())
    if row is None:
        raise NotFoundForActor
    item = row.submission.item
    if item.student_id == actor.pk or item.student_id in actor.children_ids:
        return row
    if actor.is_staff_member and can_check_homework(actor, item.homework):
        return row
    raise NotFoundForActor
