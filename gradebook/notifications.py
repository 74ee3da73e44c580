"""What the gradebook tells parents, students and teachers (new marks, absences, homework).

Called by the services with `transaction.on_commit`, with ids only, inside the school's
schema. The delivery (in the app, e-mail, SMS, digest) is the notification centre's
(`accounts.delivery`). Each function reads everything it needs in a fixed number of
queries, whatever the number of students, and sends one batch. Keys name the school, the
student and the exact versions of what changed, so calling twice with the same ids tells
nobody twice, while a later change of the same mark is news again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.delivery import KIND_ABSENCE, KIND_HOMEWORK, KIND_MARK, Message, notify_many
from core.models import Enrollment, Guardianship, Person
from gradebook.models import Attendance, Homework, HomeworkStudent, Mark
from tenants.selectors import current_school


def _digest(parts: Iterable[object]) -> str:
    """A short stable fingerprint of what a notification is about (keys are at most 200)."""
    return hashlib.sha256(",".join(str(p) for p in parts).encode()).hexdigest()[:20]


def _day(day: date) -> str:
    return day.strftime("%d.%m")


def parent_accounts(student_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each student's parents' accounts (active people with an account); one query."""
    parents: dict[int, set[int]] = defaultdict(set)
    for child_id, account_id in Guardianship.objects.filter(
            child_id__in=set(student_ids), parent__is_active=True, parent__account__isnull=False,
    ).values_list("child_id", "parent__account_id"):
        parents[child_id].add(account_id)
    return parents


def _own_account(student: Person) -> set[int]:
    return {student.account_id} if student.account_id and student.is_active else set()


def _diary_url(student_id: int, day: date) -> str:
    return f"/diary/?week={day.isoformat()}&student={student_id}"


def _for_parents(student: Person, text: str) -> str:
    # A parent may have several children: say whose news it is.
    return _("%(student)s: %(news)s") % {"student": student.short_name, "news": text}


def _mark_title(marks: list[Mark]) -> str:
    changed = any(m.version > 1 for m in marks)
    if len(marks) == 1:
        mark = marks[0]
        values = {"mark": mark.raw, "subject": mark.work.subject.name}
        return (_("Mark changed: %(mark)s in %(subject)s") if changed
                else _("New mark: %(mark)s in %(subject)s")) % values
    per_subject: dict[str, list[str]] = defaultdict(list)
    for mark in marks:
        per_subject[mark.work.subject.name].append(mark.raw)
    listed = "; ".join(f"{subject} {', '.join(raws)}" for subject, raws in per_subject.items())
    return (_("Marks changed: %(marks)s") if changed else _("New marks: %(marks)s")) % {"marks": listed}


def _mark_line(mark: Mark) -> str:
    line = f"{_day(mark.work.date)} · {mark.work.subject.name} · {mark.work.title or mark.work.work_type.name}: " \
           f"{mark.raw}"
    return f"{line} — {mark.comment}" if mark.comment else line


def notify_marks(*, mark_ids: list[int]) -> None:
    """New or changed marks: the student and their parents, one notification per student
    for all of this call's marks. Then checks the early warnings of those students."""
    marks = list(Mark.objects.filter(pk__in=mark_ids)
                 .select_related("work__subject", "work__work_type", "student")
                 .order_by("work__date", "work_id", "position", "pk"))
    if not marks:
        return
    school_id = current_school().pk
    per_student: dict[int, list[Mark]] = defaultdict(list)
    for mark in marks:
        per_student[mark.student_id].append(mark)
    parents = parent_accounts(per_student)
    messages: list[Message] = []
    with translation.override(settings.LANGUAGE_CODE):
        for student_id, items in per_student.items():
            student = items[0].student
            title = _mark_title(items)
            body = "\n".join(_mark_line(m) for m in items)
            url = _diary_url(student_id, items[-1].work.date)
            key = f"mark:{school_id}:{student_id}:{_digest(f'{m.pk}.{m.version}' for m in items)}"
            messages.append(Message(account_ids=_own_account(student), kind=KIND_MARK, title=title, body=body,
                                    url=url, key=key))
            messages.append(Message(account_ids=parents.get(student_id, set()), kind=KIND_MARK,
                                    title=_for_parents(student, title), body=body, url=url, key=key))
    notify_many(school_id=school_id, messages=messages)

    from gradebook.tasks import warnings_check_task

    warnings_check_task.delay(student_ids=sorted(per_student))


def notify_absences(*, attendance_ids: list[int]) -> None:
    """Absences: the student's parents, one notification per student for this call."""
    rows = list(Attendance.objects.filter(pk__in=attendance_ids, code__is_absence=True)
                .select_related("lesson__subject", "code", "student")
                .order_by("lesson__date", "lesson__bell_number", "pk"))
    if not rows:
        return
    school_id = current_school().pk
    per_student: dict[int, list[Attendance]] = defaultdict(list)
    for row in rows:
        per_student[row.student_id].append(row)
    parents = parent_accounts(per_student)
    messages: list[Message] = []
    with translation.override(settings.LANGUAGE_CODE):
        for student_id, items in per_student.items():
            if not parents.get(student_id):
                continue
            student = items[0].student
            lessons = ", ".join(f"{_day(a.lesson.date)} {a.lesson.subject.name} ({a.code.code})" for a in items)
            title = _("Absence: %(student)s — %(lessons)s") % {"student": student.short_name, "lessons": lessons}
            body = "\n".join(
                f"{_day(a.lesson.date)}, {_('lesson %(number)s') % {'number': a.lesson.bell_number}}, "
                f"{a.lesson.subject.name}: {a.code.name}" + (f" — {a.comment}" if a.comment else "")
                for a in items)
            key = f"absence:{school_id}:{student_id}:{_digest(f'{a.pk}.{a.version}' for a in items)}"
            messages.append(Message(account_ids=parents[student_id], kind=KIND_ABSENCE, title=title, body=body,
                                    url=_diary_url(student_id, items[-1].lesson.date), key=key))
    notify_many(school_id=school_id, messages=messages)


def notify_homework(*, homework_id: int) -> None:
    """New homework: the students it is for (their rows, else the class or the subgroup)
    and their parents. Once per homework and student."""
    homework = Homework.objects.select_related("subject").filter(pk=homework_id).first()
    if homework is None:
        return
    student_ids = set(HomeworkStudent.objects.filter(homework=homework).values_list("student_id", flat=True))
    if not student_ids:
        if homework.subgroup_id:
            student_ids = set(homework.subgroup.students.values_list("pk", flat=True))
        else:
            student_ids = set(Enrollment.objects.filter(school_class_id=homework.school_class_id)
                              .values_list("student_id", flat=True))
    students = list(Person.objects.filter(pk__in=student_ids).order_by("pk"))
    if not students:
        return
    school_id = current_school().pk
    parents = parent_accounts(student_ids)
    messages: list[Message] = []
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Homework in %(subject)s due %(date)s") % {"subject": homework.subject.name,
                                                              "date": _day(homework.due_date)}
        body = homework.text[:500]
        for student in students:
            key = f"homework:{school_id}:{homework.pk}:{student.pk}"
            messages.append(Message(account_ids=_own_account(student), kind=KIND_HOMEWORK, title=title, body=body,
                                    url="/homework/", key=key))
            messages.append(Message(account_ids=parents.get(student.pk, set()), kind=KIND_HOMEWORK,
                                    title=_for_parents(student, title), body=body,
                                    url=f"/homework/?student={student.pk}", key=key))
    notify_many(school_id=school_id, messages=messages)
