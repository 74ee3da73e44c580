"""Changes to one dated lesson (замены): cancel, move, another teacher, another room, an
extra lesson; teacher absences and their substitutions applied in one step.

Every change locks the lesson, writes a `Substitution` row with what the lesson was
(`before`), marks the lesson `changed_at` (timetables highlight it) and, once the
transaction commits, notifies exactly the people it affects. `actor=None` is the system
(the demo seeder)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.delivery import notify
from core.models import Enrollment, Guardianship, Person, SchoolClass
from tenants.choices import Role
from tenants.selectors import current_school
from timetable.bell_times import bell_times_for, lowest_grade
from timetable.models import (
    Bell,
    BellSchedule,
    Lesson,
    Room,
    Subgroup,
    Subject,
    Substitution,
    TeacherAbsence,
    TimetableVersion,
)
from timetable.rules import can_lesson

# Error codes (tests assert on these; people read the messages).
LESSON_CANCELLED = "lesson_cancelled"
NO_SUCH_BELL = "no_such_bell"
TEACHER_BUSY = "teacher_busy"
ROOM_BUSY = "room_busy"
CLASS_BUSY = "class_busy"
NOT_A_TEACHER = "not_a_teacher"
NOTHING_CHANGES = "nothing_changes"
NOT_IN_ABSENCE = "not_in_absence"
ABSENCE_DATES = "absence_dates"
NO_CLASSES = "no_classes"

NOTIFICATION_KIND = "timetable.change"


def _require(actor: Person | None) -> None:
    if actor is not None and not can_lesson(actor, "timetable.substitute"):
        raise PermissionDenied("timetable.substitute")


def _lock(lesson: Lesson) -> Lesson:
    """Re-read the lesson under a row lock: two deputies changing one lesson at once are
    serialised, and the second sees the first one's result, never a stale copy."""
    return (Lesson.objects.select_for_update(of=("self",)).select_related("subject", "room", "subgroup")
            .get(pk=lesson.pk))


def school_timezone() -> ZoneInfo:
    return ZoneInfo(current_school().timezone)


def bell_for(day: date, bell_number: int) -> Bell:
    """The bell of `bell_number` on `day`: from the timetable version valid that day, else
    the school's default schedule."""
    version = (TimetableVersion.objects.filter(valid_from__lte=day, valid_to__gte=day)
               .order_by("-valid_from").only("bell_schedule_id").first())
    schedule_id = version.bell_schedule_id if version else (
        BellSchedule.objects.filter(is_default=True).values_list("pk", flat=True).first())
    bell = Bell.objects.filter(schedule_id=schedule_id, number=bell_number).first() if schedule_id else None
    if bell is None:
        raise ValidationError(_("There is no lesson %(number)s in the bell schedule.") % {"number": bell_number},
                              code=NO_SUCH_BELL)
    return bell


def lesson_times(day: date, bell_number: int, *, grade: int | None = None,
                 version: TimetableVersion | None = None) -> tuple[datetime, datetime]:
    """Aware start and end of a lesson slot in the school's own time zone: the bells of
    that day (a short day, a weekday's or a grade's schedule, see timetable/bell_times.py)
    of `version`, else of the version valid that day, else of the default schedule."""
    if version is None:
        version = (TimetableVersion.objects.filter(valid_from__lte=day, valid_to__gte=day)
                   .order_by("-valid_from").first())
    found = bell_times_for(version, zone=school_timezone(), first=day, last=day).times(day, grade, bell_number)
    if found is None:
        raise ValidationError(_("There is no lesson %(number)s in the bell schedule.") % {"number": bell_number},
                              code=NO_SUCH_BELL)
    return found


def _snapshot(lesson: Lesson) -> dict[str, object]:
    """What the lesson was, for the history row, the report and the «was» line on pages."""
    teachers = list(lesson.teachers.all())
    return {
        "date": lesson.date.isoformat(),
        "bell_number": lesson.bell_number,
        "starts_at": lesson.starts_at.isoformat(),
        "room": lesson.room_id,
        "room_name": lesson.room.name if lesson.room_id else "",
        "teachers": [t.pk for t in teachers],
        "teacher_names": [t.short_name for t in teachers],
        "status": lesson.status,
    }


def _slot_conflicts(*, day: date, bell_number: int, teacher_ids: Iterable[int], room_id: int | None,
                    class_ids: Iterable[int], subgroup_id: int | None, exclude_id: int | None) -> None:
    """Refuse a slot where a teacher, the room or the class already has a lesson.

    Two subgroups of one class (English group 1 and group 2) may share a slot; a whole-class
    lesson and anything else of that class may not."""
    teacher_ids, class_ids = set(teacher_ids), set(class_ids)
    others = (Lesson.objects.filter(date=day, bell_number=bell_number, status=Lesson.Status.SCHEDULED)
              .exclude(pk=exclude_id).prefetch_related("teachers", "classes").select_related("subject"))
    for other in others:
        busy_teachers = [t for t in other.teachers.all() if t.pk in teacher_ids]
        if busy_teachers:
            raise ValidationError(
                _("%(teacher)s already has a lesson at that time (%(subject)s).")
                % {"teacher": busy_teachers[0].short_name, "subject": other.subject.name}, code=TEACHER_BUSY)
        if room_id is not None and other.room_id == room_id:
            raise ValidationError(_("The room is taken at that time (%(subject)s).") % {"subject": other.subject.name},
                                  code=ROOM_BUSY)
        shared = [c for c in other.classes.all() if c.pk in class_ids]
        split = subgroup_id is not None and other.subgroup_id is not None and other.subgroup_id != subgroup_id
        if shared and not split:
            raise ValidationError(
                _("Class %(class)s already has a lesson at that time (%(subject)s).")
                % {"class": shared[0].name, "subject": other.subject.name}, code=CLASS_BUSY)


def _check_teacher(person: Person) -> None:
    if not person.is_active or Role.TEACHER not in person.roles:
        raise ValidationError(_("%(name)s is not a teacher of the school.") % {"name": person.short_name},
                              code=NOT_A_TEACHER)


# ---- notifications -------------------------------------------------------------------

def _affected_account_ids(lesson: Lesson, teacher_ids: Iterable[int]) -> set[int]:
    """Accounts of the people a change touches: the lesson's students (only its subgroup's
    when it has one), their parents, and the teachers before and after. Three queries."""
    if lesson.subgroup_id:
        student_ids = set(Subgroup.students.through.objects.filter(subgroup_id=lesson.subgroup_id)
                          .values_list("person_id", flat=True))
    else:
        student_ids = set(Enrollment.objects.filter(school_class__in=lesson.classes.all())
                          .values_list("student_id", flat=True))
    parent_ids = set(Guardianship.objects.filter(child_id__in=student_ids).values_list("parent_id", flat=True))
    people = student_ids | parent_ids | set(teacher_ids)
    return set(Person.objects.filter(pk__in=people, account__isnull=False, is_active=True)
               .values_list("account_id", flat=True))


def _describe(kind: str, lesson: Lesson, substitute: Person | None) -> str:
    if kind == Substitution.Kind.CANCEL:
        return _("The lesson is cancelled.")
    if kind == Substitution.Kind.MOVE:
        return _("The lesson is moved to %(date)s, lesson %(number)s.") % {
            "date": date_format(lesson.date, "SHORT_DATE_FORMAT"), "number": lesson.bell_number}
    if kind == Substitution.Kind.TEACHER:
        return _("Substitute teacher: %(teacher)s") % {"teacher": substitute.short_name if substitute else "—"}
    if kind == Substitution.Kind.ROOM:
        return _("New room: %(room)s") % {"room": lesson.room.name if lesson.room_id else "—"}
    return _("An extra lesson is added.")


def _notify(*, kind: str, lesson: Lesson, teacher_ids: Iterable[int], substitute: Person | None = None) -> None:
    """Queue one notification per affected account, written after the commit (a rolled-back
    change tells nobody). Recipients and texts are computed now, inside the school's schema;
    the rows are public (search_path includes public)."""
    account_ids = _affected_account_ids(lesson, teacher_ids)
    if not account_ids:
        return
    school_id = current_school().pk
    class_names = ", ".join(c.name for c in sorted(lesson.classes.all(), key=lambda c: (c.grade, c.letter)))
    # People read their inbox in the school's language, not in whoever made the change's.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Timetable change: %(subject)s, %(classes)s, %(date)s, lesson %(number)s") % {
            "subject": lesson.subject.name, "classes": class_names,
            "date": date_format(lesson.date, "SHORT_DATE_FORMAT"), "number": lesson.bell_number}
        body = _describe(kind, lesson, substitute)
    url = f"/timetable/?week={lesson.date.isoformat()}"
    # The notification centre writes the rows on commit and e-mails/texts them as each account prefers.
    notify(account_ids=account_ids, school_id=school_id, kind=NOTIFICATION_KIND, title=title, body=body, url=url)


# ---- one lesson ------------------------------------------------------------------------

def _record(*, actor: Person | None, lesson: Lesson, kind: str, before: dict, reason: str,
            substitute: Person | None = None, absence: TeacherAbsence | None = None) -> Substitution:
    lesson.changed_at = timezone.now()
    lesson.save()
    return Substitution.objects.create(lesson=lesson, kind=kind, reason=reason[:300], absence=absence,
                                       substitute=substitute, before=before, created_by=actor)


def _cancel(*, actor: Person | None, lesson: Lesson, reason: str, absence: TeacherAbsence | None) -> Substitution:
    lesson = _lock(lesson)
    if lesson.status == Lesson.Status.CANCELLED:
        raise ValidationError(_("The lesson is already cancelled."), code=LESSON_CANCELLED)
    before = _snapshot(lesson)
    lesson.status = Lesson.Status.CANCELLED
    change = _record(actor=actor, lesson=lesson, kind=Substitution.Kind.CANCEL, before=before, reason=reason,
                     absence=absence)
    _notify(kind=Substitution.Kind.CANCEL, lesson=lesson, teacher_ids=before["teachers"])
    return change


@transaction.atomic
def lesson_cancel(*, actor: Person | None, lesson: Lesson, reason: str = "") -> Substitution:
    _require(actor)
    return _cancel(actor=actor, lesson=lesson, reason=reason, absence=None)


@transaction.atomic
def lesson_move(*, actor: Person | None, lesson: Lesson, date: date, bell_number: int, room: Room | None = None,
                reason: str = "") -> Substitution:
    """Move a lesson to another day and/or lesson number (and room); refused, with nothing
    saved, when a teacher, the room or the class is busy there."""
    _require(actor)
    lesson = _lock(lesson)
    if lesson.status == Lesson.Status.CANCELLED:
        raise ValidationError(_("A cancelled lesson cannot be moved."), code=LESSON_CANCELLED)
    room_id = room.pk if room is not None else lesson.room_id
    if (date, bell_number, room_id) == (lesson.date, lesson.bell_number, lesson.room_id):
        raise ValidationError(_("The lesson is already there."), code=NOTHING_CHANGES)
    starts_at, ends_at = lesson_times(date, bell_number, grade=lowest_grade(c.grade for c in lesson.classes.all()))
    before = _snapshot(lesson)
    _slot_conflicts(day=date, bell_number=bell_number, teacher_ids=before["teachers"], room_id=room_id,
                    class_ids=[c.pk for c in lesson.classes.all()], subgroup_id=lesson.subgroup_id,
                    exclude_id=lesson.pk)
    if lesson.entry_id and Lesson.objects.filter(entry_id=lesson.entry_id, date=date, bell_number=bell_number) \
            .exclude(pk=lesson.pk).exists():
        # A cancelled occurrence of the same template slot holds that place (one per slot).
        raise ValidationError(_("This lesson already has an occurrence at that time."), code=CLASS_BUSY)
    lesson.date, lesson.bell_number, lesson.starts_at, lesson.ends_at = date, bell_number, starts_at, ends_at
    lesson.room = room if room is not None else lesson.room
    change = _record(actor=actor, lesson=lesson, kind=Substitution.Kind.MOVE, before=before, reason=reason)
    _notify(kind=Substitution.Kind.MOVE, lesson=lesson, teacher_ids=before["teachers"])
    return change


def _replace_teacher(*, actor: Person | None, lesson: Lesson, substitute: Person, reason: str,
                     absence: TeacherAbsence | None, replaced: Person | None) -> Substitution:
    lesson = _lock(lesson)
    if lesson.status == Lesson.Status.CANCELLED:
        raise ValidationError(_("A cancelled lesson cannot get another teacher."), code=LESSON_CANCELLED)
    _check_teacher(substitute)
    before = _snapshot(lesson)
    if substitute.pk in before["teachers"]:
        raise ValidationError(_("%(name)s already teaches this lesson.") % {"name": substitute.short_name},
                              code=NOTHING_CHANGES)
    _slot_conflicts(day=lesson.date, bell_number=lesson.bell_number, teacher_ids=[substitute.pk], room_id=None,
                    class_ids=[], subgroup_id=None, exclude_id=lesson.pk)
    # Replace the absent teacher only; a co-teacher of the lesson stays.
    if replaced is None and absence is not None:
        replaced = absence.teacher
    out = [replaced.pk] if replaced is not None else before["teachers"]
    lesson.teachers.remove(*out)
    lesson.teachers.add(substitute)
    change = _record(actor=actor, lesson=lesson, kind=Substitution.Kind.TEACHER, before=before, reason=reason,
                     substitute=substitute, absence=absence)
    _notify(kind=Substitution.Kind.TEACHER, lesson=lesson, teacher_ids=[*before["teachers"], substitute.pk],
            substitute=substitute)
    return change


@transaction.atomic
def lesson_teacher_replace(*, actor: Person | None, lesson: Lesson, substitute: Person, reason: str = "",
                           absence: TeacherAbsence | None = None, replaced: Person | None = None) -> Substitution:
    """Another teacher takes the lesson (замена). `replaced` is the teacher who leaves it
    (the absent one when `absence` is given; all of them when neither is)."""
    _require(actor)
    return _replace_teacher(actor=actor, lesson=lesson, substitute=substitute, reason=reason, absence=absence,
                            replaced=replaced)


@transaction.atomic
def lesson_room_replace(*, actor: Person | None, lesson: Lesson, room: Room, reason: str = "") -> Substitution:
    _require(actor)
    lesson = _lock(lesson)
    if lesson.status == Lesson.Status.CANCELLED:
        raise ValidationError(_("A cancelled lesson cannot change rooms."), code=LESSON_CANCELLED)
    if lesson.room_id == room.pk:
        raise ValidationError(_("The lesson is already in that room."), code=NOTHING_CHANGES)
    _slot_conflicts(day=lesson.date, bell_number=lesson.bell_number, teacher_ids=[], room_id=room.pk, class_ids=[],
                    subgroup_id=None, exclude_id=lesson.pk)
    before = _snapshot(lesson)
    lesson.room = room
    change = _record(actor=actor, lesson=lesson, kind=Substitution.Kind.ROOM, before=before, reason=reason)
    _notify(kind=Substitution.Kind.ROOM, lesson=lesson, teacher_ids=before["teachers"])
    return change


@transaction.atomic
def lesson_extra_add(*, actor: Person | None, date: date, bell_number: int, subject: Subject, teacher: Person,
                     classes: Iterable[SchoolClass], room: Room | None = None, reason: str = "",
                     subgroup: Subgroup | None = None) -> Lesson:
    """An extra lesson outside the template (a make-up lesson, a consultation)."""
    _require(actor)
    classes = list(classes)
    if not classes:
        raise ValidationError(_("Choose at least one class."), code=NO_CLASSES)
    _check_teacher(teacher)
    starts_at, ends_at = lesson_times(date, bell_number, grade=lowest_grade(c.grade for c in classes))
    _slot_conflicts(day=date, bell_number=bell_number, teacher_ids=[teacher.pk],
                    room_id=room.pk if room else None, class_ids=[c.pk for c in classes],
                    subgroup_id=subgroup.pk if subgroup else None, exclude_id=None)
    lesson = Lesson.objects.create(date=date, bell_number=bell_number, starts_at=starts_at, ends_at=ends_at,
                                   subject=subject, room=room, subgroup=subgroup, is_extra=True,
                                   changed_at=timezone.now())
    lesson.teachers.add(teacher)
    lesson.classes.add(*classes)
    Substitution.objects.create(lesson=lesson, kind=Substitution.Kind.EXTRA, reason=reason[:300], before={},
                                created_by=actor)
    _notify(kind=Substitution.Kind.EXTRA, lesson=lesson, teacher_ids=[teacher.pk])
    return lesson


# ---- absences ---------------------------------------------------------------------------

@transaction.atomic
def teacher_absence_record(*, actor: Person | None, teacher: Person, starts_on: date, ends_on: date,
                           reason: str = "") -> TeacherAbsence:
    _require(actor)
    _check_teacher(teacher)
    if ends_on < starts_on:
        raise ValidationError(_("The absence must end on or after its first day."), code=ABSENCE_DATES)
    if (ends_on - starts_on) > timedelta(days=366):
        raise ValidationError(_("An absence is at most a year long."), code=ABSENCE_DATES)
    return TeacherAbsence.objects.create(teacher=teacher, starts_on=starts_on, ends_on=ends_on, reason=reason[:300],
                                         created_by=actor)


@transaction.atomic
def absence_substitutions_apply(*, actor: Person | None, absence: TeacherAbsence,
                                choices: Mapping[int, Person | None]) -> list[Substitution]:
    """Apply the chosen substitutes (None: cancel the lesson) for the absence's lessons, all
    or nothing: one refused choice (a substitute already busy) rolls back every change."""
    _require(actor)
    lessons = {lesson.pk: lesson for lesson in Lesson.objects.filter(
        Q(pk__in=list(choices)), teachers=absence.teacher, status=Lesson.Status.SCHEDULED,
        date__gte=absence.starts_on, date__lte=absence.ends_on)}
    missing = [pk for pk in choices if pk not in lessons]
    if missing:
        raise ValidationError(_("Some lessons are not the absent teacher's lessons any more; reload the page."),
                              code=NOT_IN_ABSENCE)
    reason = absence.reason or _("Teacher absence")
    changes = []
    for pk in sorted(choices, key=lambda pk: (lessons[pk].date, lessons[pk].bell_number, pk)):
        substitute = choices[pk]
        if substitute is None:
            changes.append(_cancel(actor=actor, lesson=lessons[pk], reason=reason, absence=absence))
        else:
            changes.append(_replace_teacher(actor=actor, lesson=lessons[pk], substitute=substitute, reason=reason,
                                            absence=absence, replaced=absence.teacher))
    return changes
