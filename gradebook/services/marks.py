"""Every write of the class journal: works (columns), marks, attendance, the bulk save of a
lesson's page, and — re-exported from `period_marks` — period marks and their cache.

Each service takes the acting person first, checks permission, refuses locked entries
(closed periods, old entries without a reason), never silently overwrites a concurrent edit
(optimistic `version`), records one `JournalChange` per change in the same transaction,
refreshes the period averages, and queues notifications on commit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Enrollment, Person, SchoolClass
from gradebook import notifications
from gradebook.errors import (
    FORBIDDEN,
    INVALID_MARK,
    LESSON_CANCELLED,
    NOT_A_STUDENT,
    EditConflict,
    GradebookError,
)
from gradebook.models import (
    Attendance,
    AttendanceCode,
    GradebookSettings,
    GradingScale,
    JournalChange,
    Mark,
    Work,
    WorkType,
)
from gradebook.scales import mark_parse, scales_for_classes
from gradebook.services import history
from gradebook.services.period_marks import (
    _recompute,
    closed_at,
    conflict_error,
    last_actor_name,
    period_closed_error,
    period_mark_set,
    period_marks_recompute,
    period_of,
    period_pick,
    periods_all,
    reason_needed,
    settings_get,
)
from timetable.models import Lesson, ReportingPeriod, Subgroup, Subject, TeachingAssignment
from timetable.rules import can_lesson

__all__ = [
    "LessonEntriesError", "attendance_set", "day_absence_set", "lesson_marks_write", "lesson_work", "mark_set",
    "period_mark_set", "period_marks_recompute", "period_of", "work_create", "work_delete", "work_update",
]


class LessonEntriesError(GradebookError):
    """`lesson_marks_write` saved nothing: `errors` lists (entry index, error) for every
    refused entry; `code`/`message` are the first one's."""

    def __init__(self, errors: list[tuple[int, GradebookError]]) -> None:
        first = errors[0][1]
        super().__init__(first.code, first.message, field=first.field)
        self.errors = errors


def _pk(obj: Any) -> int | None:
    if obj is None or isinstance(obj, int):
        return obj
    return obj.pk


# ---- one write call: what it loads once and what it does at the end ----------------------


@dataclass
class _Session:
    actor: Person
    settings: GradebookSettings
    periods: list[ReportingPeriod]
    scales: dict[int, GradingScale] = field(default_factory=dict)
    grades: dict[int, int] = field(default_factory=dict)  # class id → grade
    audiences: dict[tuple, dict[int, int]] = field(default_factory=dict)  # → {student id: class id}
    codes: dict[Any, AttendanceCode] | None = None
    lessons_ok: set[int] = field(default_factory=set)
    works_ok: set[int] = field(default_factory=set)
    changes: list[JournalChange] = field(default_factory=list)
    mark_ids: list[int] = field(default_factory=list)
    absence_ids: list[int] = field(default_factory=list)
    dirty: dict[tuple[int, int], set[int]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def start(cls, actor: Person) -> _Session:
        return cls(actor=actor, settings=settings_get(), periods=periods_all())

    # -- lookups, cached for the call
    def scale(self, class_id: int) -> GradingScale:
        if class_id not in self.scales:
            self.scales.update(scales_for_classes([class_id]))
        return self.scales[class_id]

    def grade(self, school_class: SchoolClass | int) -> int:
        if isinstance(school_class, SchoolClass):
            self.grades[school_class.pk] = school_class.grade
            return school_class.grade
        if school_class not in self.grades:
            self.grades[school_class] = SchoolClass.objects.values_list("grade", flat=True).get(pk=school_class)
        return self.grades[school_class]

    def audience(self, class_ids: list[int], subgroup_id: int | None) -> dict[int, int]:
        """{student id: class id} of the students of these classes (and the subgroup)."""
        key = (tuple(sorted(class_ids)), subgroup_id)
        if key not in self.audiences:
            rows = Enrollment.objects.filter(school_class_id__in=class_ids)
            if subgroup_id is not None:
                rows = rows.filter(student__subgroups__id=subgroup_id)
            self.audiences[key] = dict(rows.values_list("student_id", "school_class_id"))
        return self.audiences[key]

    def code(self, value: AttendanceCode | str | int) -> AttendanceCode:
        if self.codes is None:
            self.codes = {}
            for code in AttendanceCode.objects.all():
                self.codes[code.pk] = code
                self.codes[code.code.casefold()] = code
        key = value.pk if isinstance(value, AttendanceCode) else value
        found = self.codes.get(key.strip().casefold() if isinstance(key, str) else key)
        if found is None:
            known = ", ".join(c.code for k, c in self.codes.items() if isinstance(k, int))
            raise GradebookError(INVALID_MARK, _("“%(code)s” is not an attendance code. Allowed: %(allowed)s.")
                                 % {"code": value, "allowed": known}, field="attendance")
        return found

    # -- checks
    def check_open(self, school_class: SchoolClass | int, day: date) -> None:
        period = closed_at(self.periods, self.grade(school_class), day)
        if period is not None:
            raise period_closed_error(period)

    def check_lesson(self, lesson: Lesson) -> None:
        if lesson.pk in self.lessons_ok:
            return
        if lesson.status == Lesson.Status.CANCELLED:
            raise GradebookError(LESSON_CANCELLED, _("The lesson was cancelled: its journal cannot be filled in."))
        if not can_lesson(self.actor, "lesson.write_journal", lesson):
            raise GradebookError(FORBIDDEN, _("Only the teacher of this lesson, the substitute or the administration "
                                              "may fill in its journal."))
        self.lessons_ok.add(lesson.pk)

    def check_work(self, work: Work) -> None:
        if work.pk in self.works_ok:
            return
        if work.lesson_id is not None:
            self.check_lesson(work.lesson)
        elif not _teaches(self.actor, work.subject_id, work.school_class_id):
            raise GradebookError(FORBIDDEN, _("Only a teacher of this subject in this class or the administration "
                                              "may give marks for this work."))
        self.works_ok.add(work.pk)

    # -- effects
    def touch(self, *, subject_id: int, class_id: int, day: date, student_id: int) -> None:
        """The student's period average in the subject must be refreshed."""
        period = period_pick(self.periods, self.grade(class_id), day)
        if period is not None:
            self.dirty[(subject_id, period.pk)].add(student_id)

    def finish(self) -> None:
        history.changes_write(self.changes)
        periods = {p.pk: p for p in self.periods}
        for (subject_id, period_id), student_ids in self.dirty.items():
            _recompute(student_ids=student_ids, subject_id=subject_id, period=periods[period_id],
                       settings=self.settings, scales=self.scales)
        if self.mark_ids:
            mark_ids = list(dict.fromkeys(self.mark_ids))
            transaction.on_commit(lambda: notifications.notify_marks(mark_ids=mark_ids))
        if self.absence_ids:
            absence_ids = list(dict.fromkeys(self.absence_ids))
            transaction.on_commit(lambda: notifications.notify_absences(attendance_ids=absence_ids))


def _teaches(actor: Person, subject_id: int, class_id: int) -> bool:
    if actor.is_management:
        return True
    return TeachingAssignment.objects.filter(teacher=actor, subject_id=subject_id, school_class_id=class_id).exists()


def _lesson_load(lesson: Lesson | int) -> Lesson:
    """The lesson afresh (its status may have changed) with teachers and classes prefetched."""
    return Lesson.objects.prefetch_related("teachers", "classes").get(pk=_pk(lesson))


def _work_load(work: Work | int) -> Work:
    found = Work.objects.select_related("school_class", "work_type", "lesson").get(pk=_pk(work))
    if found.lesson is not None:
        found.lesson = _lesson_load(found.lesson_id)
    return found


def _audience_of_work(session: _Session, work: Work) -> dict[int, int]:
    subgroup_id = work.subgroup_id or (work.lesson.subgroup_id if work.lesson_id else None)
    return session.audience([work.school_class_id], subgroup_id)


def _not_a_student() -> GradebookError:
    return GradebookError(NOT_A_STUDENT, _("This student is not among those the lesson or work is for."),
                          field="student")


# ---- works --------------------------------------------------------------------------------


def _default_work_type() -> WorkType:
    return WorkType.objects.filter(is_default=True).first() or WorkType.objects.order_by("position", "pk").first()


@transaction.atomic
def work_create(actor: Person, *, school_class: SchoolClass, subject: Subject | int, work_type: WorkType | int | None,
                date: date, lesson: Lesson | None = None, subgroup: Subgroup | None = None, title: str = "",
                is_important: bool = False, allows_several: bool = False) -> Work:
    """A new column: tied to a lesson (its teacher, substitute or the administration) or
    free-standing (a teacher of the subject in the class, or the administration)."""
    session = _Session.start(actor)
    subject_id = _pk(subject)
    if lesson is not None:
        lesson = _lesson_load(lesson)
        session.check_lesson(lesson)
        if school_class.pk not in {c.pk for c in lesson.classes.all()}:
            raise GradebookError(FORBIDDEN, _("The class does not have this lesson."), field="school_class")
        subject_id = subject_id or lesson.subject_id
    elif not _teaches(actor, subject_id, school_class.pk):
        raise GradebookError(FORBIDDEN, _("Only a teacher of this subject in this class or the administration "
                                          "may add works."))
    session.check_open(school_class, date)
    return Work.objects.create(
        subject_id=subject_id, school_class=school_class, work_type_id=_pk(work_type) or _default_work_type().pk,
        date=date, lesson=lesson, subgroup=subgroup, title=title.strip()[:200], is_important=is_important,
        allows_several=allows_several, created_by=actor)


_WORK_FIELDS = {"work_type", "date", "title", "is_important", "allows_several", "subgroup"}


@transaction.atomic
def work_update(actor: Person, *, work: Work, **fields: Any) -> Work:
    """Change a column's type, date, title, importance, subgroup or "several marks"."""
    unknown = set(fields) - _WORK_FIELDS
    if unknown:
        raise TypeError(f"work_update() cannot change {sorted(unknown)}")
    session = _Session.start(actor)
    work = _work_load(work)
    session.check_work(work)
    session.check_open(work.school_class_id, work.date)
    new_date = fields.get("date", work.date)
    if new_date != work.date:
        session.check_open(work.school_class_id, new_date)
    if fields.get("allows_several") is False and work.marks.filter(position__gt=0).exists():
        raise GradebookError(INVALID_MARK, _("Some students have several marks for this work: remove the extra "
                                             "marks first."), field="allows_several")
    recount = ("work_type" in fields and _pk(fields["work_type"]) != work.work_type_id) or new_date != work.date
    old_date = work.date
    for name, value in fields.items():
        if name in ("work_type", "subgroup"):
            setattr(work, f"{name}_id", _pk(value))
        else:
            setattr(work, name, value.strip()[:200] if name == "title" else value)
    work.save(update_fields=[f for f in fields])
    if recount:
        for student_id in set(work.marks.values_list("student_id", flat=True)):
            for day in {old_date, new_date}:
                session.touch(subject_id=work.subject_id, class_id=work.school_class_id, day=day,
                              student_id=student_id)
    session.finish()
    work.refresh_from_db()
    return work


@transaction.atomic
def work_delete(actor: Person, *, work: Work, reason: str = "") -> None:
    """Remove a column with its marks; each removed mark is recorded in the history."""
    session = _Session.start(actor)
    work = _work_load(work)
    session.check_work(work)
    session.check_open(work.school_class_id, work.date)
    marks = list(work.marks.all())
    for mark in marks:
        if error := reason_needed(session.settings, mark.created_at, reason):
            raise error
    for mark in marks:
        session.changes.append(history.change_build(
            kind=JournalChange.Kind.MARK, action=JournalChange.Action.DELETE, object_id=mark.pk,
            student_id=mark.student_id, before=history.mark_state(mark), after={}, actor_id=actor.pk, reason=reason,
            lesson_id=work.lesson_id, work_id=work.pk, subject_id=work.subject_id))
        session.touch(subject_id=work.subject_id, class_id=work.school_class_id, day=work.date,
                      student_id=mark.student_id)
    work.delete()
    session.finish()


def _lesson_work_get(lesson: Lesson, class_id: int, work_type: WorkType | None = None) -> Work:
    """The lesson's default "answer in class" column for a class, created on demand; the
    lesson row is locked while creating, so two teachers opening it at once get one column."""
    work_type = work_type or _default_work_type()
    lookup = {"lesson": lesson, "school_class_id": class_id, "work_type": work_type}
    work = Work.objects.filter(**lookup).order_by("pk").first()
    if work is None:
        Lesson.objects.select_for_update().filter(pk=lesson.pk).first()
        work = Work.objects.filter(**lookup).order_by("pk").first() or Work.objects.create(
            subject_id=lesson.subject_id, date=lesson.date, subgroup_id=lesson.subgroup_id, **lookup)
    work.lesson = lesson
    return work


@transaction.atomic
def lesson_work(actor: Person, *, lesson: Lesson, school_class: SchoolClass) -> Work:
    """The lesson's default work (an answer in class) for that class, created on demand."""
    session = _Session.start(actor)
    lesson = _lesson_load(lesson)
    session.check_lesson(lesson)
    if school_class.pk not in {c.pk for c in lesson.classes.all()}:
        raise GradebookError(FORBIDDEN, _("The class does not have this lesson."), field="school_class")
    return _lesson_work_get(lesson, school_class.pk)


# ---- marks --------------------------------------------------------------------------------


def _mark_current(mark: Mark | None) -> dict[str, Any]:
    if mark is None:
        return {"raw": "", "version": None, "by": "", "at": None}
    return {"raw": mark.raw, "version": mark.version, "by": last_actor_name(JournalChange.Kind.MARK, mark.pk),
            "at": mark.updated_at.isoformat() if mark.updated_at else None}


def _mark_conflict(work: Work, student_id: int, position: int) -> EditConflict:
    mark = Mark.objects.filter(work=work, student_id=student_id, position=position).first()
    return conflict_error(_mark_current(mark))


_UNSET: Any = object()


def _mark_write(session: _Session, *, work: Work, student_id: int, raw: str, position: int,
                expected_version: int | None, comment: str | None, excluded: bool | None, reason: str,
                current: Mark | Any | None = _UNSET) -> Mark | None:
    """Checks and writes one mark cell; the history row and the cache refresh are queued
    on the session. `current` is the cell as prefetched by a bulk caller."""
    session.check_work(work)
    if student_id not in _audience_of_work(session, work):
        raise _not_a_student()
    if position and not work.allows_several:
        raise GradebookError(INVALID_MARK, _("This work takes one mark per student."), field="position")
    session.check_open(work.school_class_id, work.date)
    text = (raw or "").strip()
    scale = session.scale(work.school_class_id)
    value: Decimal | None = None
    if text:
        text, value = mark_parse(scale, text)
    if current is _UNSET:
        current = Mark.objects.filter(work=work, student_id=student_id, position=position).first()
    # None means "I saw an empty cell"; anything else must be the version now stored.
    if (current is None) != (expected_version is None) or (current is not None
                                                           and current.version != expected_version):
        raise conflict_error(_mark_current(current))
    if current is None and not text:
        return None  # removing what is not there
    before = history.mark_state(current)
    if current is not None:
        new_comment = current.comment if comment is None else comment.strip()[:500]
        new_excluded = current.excluded if excluded is None else bool(excluded)
        if (text == current.raw and new_comment == current.comment and new_excluded == current.excluded
                and scale.pk == current.scale_id):
            return current  # nothing changes: no history, no notification
        if error := reason_needed(session.settings, current.created_at, reason):
            raise error
    now = timezone.now()
    if current is None:
        try:
            with transaction.atomic():
                mark = Mark.objects.create(work=work, student_id=student_id, position=position, scale=scale, raw=text,
                                           numeric=value, comment=(comment or "").strip()[:500],
                                           excluded=bool(excluded), created_by=session.actor)
        except IntegrityError:
            # Somebody else created the cell between our read and our insert.
            raise _mark_conflict(work, student_id, position) from None
    elif not text:
        deleted, _kinds = Mark.objects.filter(pk=current.pk, version=expected_version).delete()
        if not deleted:
            raise _mark_conflict(work, student_id, position)
        mark = None
    else:
        updated = Mark.objects.filter(pk=current.pk, version=expected_version).update(
            raw=text, numeric=value, scale=scale, comment=new_comment, excluded=new_excluded,
            version=F("version") + 1, updated_at=now)
        if not updated:
            raise _mark_conflict(work, student_id, position)
        mark = current
        mark.raw, mark.numeric, mark.scale, mark.comment, mark.excluded = text, value, scale, new_comment, new_excluded
        mark.version, mark.updated_at = expected_version + 1, now
    after = history.mark_state(mark)
    session.changes.append(history.change_build(
        kind=JournalChange.Kind.MARK, action=history.action_of(before, after),
        object_id=mark.pk if mark is not None else current.pk, student_id=student_id, before=before, after=after,
        actor_id=session.actor.pk, reason=reason, lesson_id=work.lesson_id, work_id=work.pk,
        subject_id=work.subject_id))
    session.touch(subject_id=work.subject_id, class_id=work.school_class_id, day=work.date, student_id=student_id)
    if mark is not None:
        session.mark_ids.append(mark.pk)
    return mark


@transaction.atomic
def mark_set(actor: Person, *, work: Work | int, student: Person | int, raw: str, position: int = 0,
             expected_version: int | None = None, comment: str | None = None, excluded: bool | None = None,
             reason: str = "") -> Mark | None:
    """Set, change or (raw "") remove one mark. `expected_version` is the version the user
    saw, None for an empty cell; a different current version raises EditConflict.
    `comment`/`excluded` None keep what is there."""
    session = _Session.start(actor)
    mark = _mark_write(session, work=_work_load(work), student_id=_pk(student), raw=raw, position=position,
                       expected_version=expected_version, comment=comment, excluded=excluded, reason=reason)
    session.finish()
    return mark


# ---- attendance ---------------------------------------------------------------------------


def _lesson_audience(session: _Session, lesson: Lesson) -> dict[int, int]:
    return session.audience([c.pk for c in lesson.classes.all()], lesson.subgroup_id)


def _attendance_current(entry: Attendance | None, session: _Session) -> dict[str, Any]:
    if entry is None:
        return {"raw": "", "version": None, "by": "", "at": None}
    code = session.code(entry.code_id).code
    return {"raw": code, "version": entry.version,
            "by": last_actor_name(JournalChange.Kind.ATTENDANCE, entry.pk),
            "at": entry.updated_at.isoformat() if entry.updated_at else None}


def _attendance_conflict(session: _Session, lesson: Lesson, student_id: int) -> EditConflict:
    entry = Attendance.objects.filter(lesson=lesson, student_id=student_id).first()
    return conflict_error(_attendance_current(entry, session))


def _attendance_write(session: _Session, *, lesson: Lesson, student_id: int, code: Any,
                      expected_version: int | None, comment: str | None, reason: str,
                      current: Attendance | Any | None = _UNSET, force: bool = False) -> Attendance | None:
    """Checks and writes one attendance cell (code None: present). `force` overwrites
    whatever is there (a whole day's absence), still refusing locked entries."""
    session.check_lesson(lesson)
    audience = _lesson_audience(session, lesson)
    if student_id not in audience:
        raise _not_a_student()
    session.check_open(audience[student_id], lesson.date)
    new_code = None if code in (None, "") else session.code(code)
    if current is _UNSET:
        current = Attendance.objects.filter(lesson=lesson, student_id=student_id).first()
    if force:
        expected_version = current.version if current is not None else None
    if (current is None) != (expected_version is None) or (current is not None
                                                           and current.version != expected_version):
        raise conflict_error(_attendance_current(current, session))
    if current is None and new_code is None:
        return None
    old_code = session.code(current.code_id) if current is not None else None
    before = history.attendance_state(current, old_code.code if old_code else None)
    new_comment = (current.comment if current is not None and comment is None else (comment or "").strip()[:300])
    if current is not None:
        if new_code is not None and new_code.pk == current.code_id and new_comment == current.comment:
            return current
        if error := reason_needed(session.settings, current.updated_at, reason):
            raise error
    now = timezone.now()
    if current is None:
        try:
            with transaction.atomic():
                entry = Attendance.objects.create(lesson=lesson, student_id=student_id, code=new_code,
                                                  comment=new_comment, updated_by=session.actor)
        except IntegrityError:
            raise _attendance_conflict(session, lesson, student_id) from None
    elif new_code is None:
        deleted, _kinds = Attendance.objects.filter(pk=current.pk, version=expected_version).delete()
        if not deleted:
            raise _attendance_conflict(session, lesson, student_id)
        entry = None
    else:
        updated = Attendance.objects.filter(pk=current.pk, version=expected_version).update(
            code=new_code, comment=new_comment, updated_by=session.actor, updated_at=now, version=F("version") + 1)
        if not updated:
            raise _attendance_conflict(session, lesson, student_id)
        entry = current
        entry.code, entry.comment, entry.version, entry.updated_at = new_code, new_comment, expected_version + 1, now
    after = history.attendance_state(entry, new_code.code if new_code else None)
    session.changes.append(history.change_build(
        kind=JournalChange.Kind.ATTENDANCE, action=history.action_of(before, after),
        object_id=entry.pk if entry is not None else current.pk, student_id=student_id, before=before, after=after,
        actor_id=session.actor.pk, reason=reason, lesson_id=lesson.pk, subject_id=lesson.subject_id))
    if entry is not None and new_code.is_absence and not (old_code and old_code.is_absence):
        session.absence_ids.append(entry.pk)
    return entry


@transaction.atomic
def attendance_set(actor: Person, *, lesson: Lesson | int, student: Person | int,
                   code: AttendanceCode | str | int | None, expected_version: int | None = None, comment: str = "",
                   reason: str = "") -> Attendance | None:
    """Set or (code None) clear a student's attendance at a lesson."""
    session = _Session.start(actor)
    entry = _attendance_write(session, lesson=_lesson_load(lesson), student_id=_pk(student), code=code,
                              expected_version=expected_version, comment=comment, reason=reason)
    session.finish()
    return entry


@transaction.atomic
def day_absence_set(actor: Person, *, student: Person | int, day: date, code: AttendanceCode | str | int | None,
                    reason: str = "") -> int:
    """One code (None: present) on every lesson the student has that day — the class
    teacher's «болел весь день». The class teacher of the student or the administration.
    Returns the number of the day's lessons."""
    session = _Session.start(actor)
    student_id = _pk(student)
    enrollment = Enrollment.objects.select_related("school_class").filter(student_id=student_id).first()
    if enrollment is None:
        raise _not_a_student()
    school_class = enrollment.school_class
    if not (actor.is_management or school_class.class_teacher_id == actor.pk):
        raise GradebookError(FORBIDDEN, _("Only the class teacher or the administration may mark a whole day."))
    session.check_open(school_class, day)
    lessons = list(
        Lesson.objects.filter(date=day, classes=school_class).exclude(status=Lesson.Status.CANCELLED)
        .filter(Q(subgroup__isnull=True) | Q(subgroup__students__id=student_id))
        .distinct().prefetch_related("teachers", "classes").order_by("bell_number", "pk")
    )
    current = {a.lesson_id: a for a in Attendance.objects.filter(lesson__in=lessons, student_id=student_id)}
    # The class teacher marks lessons they do not teach: the permission is the day's, above.
    session.lessons_ok.update(lesson.pk for lesson in lessons)
    for lesson in lessons:
        _attendance_write(session, lesson=lesson, student_id=student_id, code=code, expected_version=None,
                          comment=None, reason=reason, current=current.get(lesson.pk), force=True)
    session.finish()
    return len(lessons)


# ---- a lesson's page saved at once ---------------------------------------------------------


@transaction.atomic
def lesson_marks_write(actor: Person, *, lesson: Lesson | int, entries: list[dict]) -> list:
    """Save a lesson's marks and attendance at once, all or nothing. Each entry is
    {"student", "raw" | "attendance", "work"?, "position"?, "version"?, "attendance_version"?,
    "comment"?, "reason"?}; without "work" a mark goes to the lesson's default work of the
    student's class. Returns, per entry, the Mark (or Attendance) written or None. Any
    refused entry raises LessonEntriesError listing every refused entry; nothing is saved."""
    session = _Session.start(actor)
    lesson = _lesson_load(lesson)
    session.check_lesson(lesson)
    audience = _lesson_audience(session, lesson)
    class_ids = {c.pk for c in lesson.classes.all()}
    for school_class in lesson.classes.all():
        session.grade(school_class)
    session.scales.update(scales_for_classes(class_ids))

    work_ids = {_pk(e["work"]) for e in entries if e.get("work") is not None}
    works = {w.pk: w for w in Work.objects.select_related("school_class").filter(pk__in=work_ids)}
    defaults: dict[int, Work] = {}
    student_ids = {_pk(e.get("student")) for e in entries}
    marks = {(m.work_id, m.student_id, m.position): m
             for m in Mark.objects.filter(student_id__in=student_ids, work_id__in=work_ids | {
                 w.pk for w in Work.objects.filter(lesson=lesson)})}
    attendance = {a.student_id: a for a in Attendance.objects.filter(lesson=lesson, student_id__in=student_ids)}

    results: list = []
    errors: list[tuple[int, GradebookError]] = []
    for index, entry in enumerate(entries):
        try:
            student_id = _pk(entry.get("student"))
            if student_id not in audience:
                raise _not_a_student()
            result = None
            if "attendance" in entry:
                result = _attendance_write(
                    session, lesson=lesson, student_id=student_id, code=entry["attendance"],
                    expected_version=entry.get("attendance_version", entry.get("version") if "raw" not in entry
                                               else None),
                    comment=entry.get("attendance_comment"), reason=entry.get("reason", ""),
                    current=attendance.get(student_id))
            if "raw" in entry:
                if entry.get("work") is not None:
                    work = works.get(_pk(entry["work"]))
                    if work is None or not (work.lesson_id == lesson.pk or (
                            work.lesson_id is None and work.school_class_id in class_ids
                            and work.subject_id == lesson.subject_id)):
                        raise GradebookError(FORBIDDEN, _("This work is not of this lesson."), field="work")
                    if work.lesson_id == lesson.pk:
                        work.lesson = lesson
                else:
                    class_id = audience[student_id]
                    if class_id not in defaults:
                        defaults[class_id] = _lesson_work_get(lesson, class_id)
                    work = defaults[class_id]
                position = int(entry.get("position") or 0)
                result = _mark_write(
                    session, work=work, student_id=student_id, raw=entry["raw"], position=position,
                    expected_version=entry.get("version"), comment=entry.get("comment"),
                    excluded=entry.get("excluded"), reason=entry.get("reason", ""),
                    current=marks.get((work.pk, student_id, position)))
            results.append(result)
        except GradebookError as error:
            errors.append((index, error))
            results.append(None)
    if errors:
        raise LessonEntriesError(errors)
    session.finish()
    return results
