"""Period, annual, exam and final marks, and the cache of averages beside them.

The average and the proposal on `PeriodMark(kind=period)` are a cache of the marks,
refreshed in the same transaction as every mark change (DESIGN.md: recomputing on every
page view is what makes the peers slow); `raw` is what the teacher confirmed. The API
names are importable from `gradebook.services.marks` too."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Enrollment, Person, SchoolClass
from gradebook.errors import (
    FORBIDDEN,
    INVALID_MARK,
    NOT_A_STUDENT,
    PERIOD_CLOSED,
    REASON_REQUIRED,
    EditConflict,
    GradebookError,
)
from gradebook.models import GradebookSettings, GradingScale, JournalChange, Mark, PeriodMark
from gradebook.scales import CENT, average_round, mark_parse, scales_for_classes
from gradebook.services import history
from timetable.models import AcademicYear, ReportingPeriod, Subject, TeachingAssignment

# ---- periods and locks --------------------------------------------------------------------


def settings_get() -> GradebookSettings:
    return GradebookSettings.objects.get_or_create(pk=1)[0]


def periods_all() -> list[ReportingPeriod]:
    """Every reporting period of the school (a handful of rows): loaded once per write."""
    return list(ReportingPeriod.objects.all())


def _applies(period: ReportingPeriod, grade: int, day: date) -> bool:
    return period.starts_on <= day <= period.ends_on and (not period.grades or grade in period.grades)


def period_pick(periods: list[ReportingPeriod], grade: int, day: date) -> ReportingPeriod | None:
    """The period of a grade containing the day (see `period_current`)."""
    return period_current([p for p in periods if _applies(p, grade, day)], day)


def period_current(periods: list[ReportingPeriod], day: date) -> ReportingPeriod | None:
    """Of periods already chosen for one grade, the one containing the day: a period made
    for some grades (the 10th and 11th grades' semesters) wins over a whole-school one,
    then the shortest. THE rule for "the current period": marks, journal, diary, reports."""
    found = [p for p in periods if p.starts_on <= day <= p.ends_on]
    found.sort(key=lambda p: (not p.grades, p.ends_on - p.starts_on, p.pk))
    return found[0] if found else None


def period_of(school_class: SchoolClass, day: date) -> ReportingPeriod | None:
    """The reporting period of a class's grade containing the day."""
    periods = list(ReportingPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)
                   .filter(Q(grades=[]) | Q(grades__contains=[school_class.grade])))
    return period_pick(periods, school_class.grade, day)


def closed_at(periods: list[ReportingPeriod], grade: int, day: date) -> ReportingPeriod | None:
    """A closed period covering the day for the grade: its marks are locked."""
    return next((p for p in periods if p.is_closed and _applies(p, grade, day)), None)


def period_closed_error(period: ReportingPeriod) -> GradebookError:
    return GradebookError(PERIOD_CLOSED, _("%(period)s is closed: its marks can no longer be changed. Ask the "
                                           "administration to reopen it.") % {"period": period.name})


def reason_needed(settings: GradebookSettings, since, reason: str) -> GradebookError | None:
    """Changing an entry made more than `reason_after_days` ago needs a reason."""
    if since is None or (reason or "").strip():
        return None
    if since < timezone.now() - timedelta(days=settings.reason_after_days):
        return GradebookError(REASON_REQUIRED, _("This entry was made more than %(days)s days ago: say why you are "
                                                 "changing it.") % {"days": settings.reason_after_days},
                              field="reason")
    return None


def conflict_error(current: dict) -> EditConflict:
    if current.get("raw"):
        message = _("%(by)s has already changed this cell to “%(raw)s”. Check it and try again.") % {
            "by": current.get("by") or _("Someone"), "raw": current["raw"]}
    else:
        message = _("%(by)s has already changed this cell. Check it and try again.") % {
            "by": current.get("by") or _("Someone")}
    return EditConflict(message, current=current)


def last_actor_name(kind: str, object_id: int | None) -> str:
    """Who last changed an object (for the conflict message); one query, on conflicts only."""
    if object_id is None:
        return ""
    change = (JournalChange.objects.filter(kind=kind, object_id=object_id).select_related("actor")
              .order_by("-at", "-pk").first())
    return change.actor.short_name if change is not None and change.actor is not None else ""


# ---- the cache: averages and proposals ---------------------------------------------------


def _recompute(*, student_ids: set[int], subject_id: int, period: ReportingPeriod,
               settings: GradebookSettings | None = None,
               classes: dict[int, int] | None = None, scales: dict[int, GradingScale] | None = None) -> None:
    """Refresh PeriodMark(kind=period) of the students: one aggregate query, one upsert.
    `classes` ({student id: class id}) and `scales` ({class id: scale}) save queries when
    the caller already has them."""
    if not student_ids:
        return
    settings = settings or settings_get()
    if classes is None:
        classes = dict(Enrollment.objects.filter(student_id__in=student_ids).values_list("student_id",
                                                                                          "school_class_id"))
    else:
        classes = {s: c for s, c in classes.items() if s in student_ids}
    if scales is None or not set(classes.values()) <= scales.keys():
        scales = scales_for_classes(set(classes.values()))
    weight = F("work__work_type__weight")
    sums = {
        row["student_id"]: row
        for row in Mark.objects.filter(
            student_id__in=student_ids, work__subject_id=subject_id, excluded=False, numeric__isnull=False,
            scale__counts_in_average=True, work__date__gte=period.starts_on, work__date__lte=period.ends_on,
        ).values("student_id").annotate(ws=Sum(F("numeric") * weight), wt=Sum(weight))
    }
    rows = []
    for student_id, class_id in classes.items():
        row = sums.get(student_id)
        ws = Decimal(row["ws"] or 0) if row else Decimal(0)
        wt = Decimal(row["wt"] or 0) if row else Decimal(0)
        average = (ws / wt).quantize(CENT, rounding=ROUND_HALF_UP) if wt else None
        rows.append(PeriodMark(student_id=student_id, subject_id=subject_id, school_class_id=class_id,
                               kind=PeriodMark.Kind.PERIOD, period=period, year_id=period.year_id,
                               weighted_sum=ws.quantize(CENT),
                               weight_total=wt.quantize(CENT), average=average,
                               proposed=average_round(average, scales[class_id], settings.rounding)))
    if rows:
        # The cache never bumps `version`: it must not conflict with the teacher's own edit.
        PeriodMark.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["student", "subject", "kind", "period", "year"],
            update_fields=["school_class", "weighted_sum", "weight_total", "average", "proposed"],
        )


def period_marks_recompute(*, student_ids, subject_id: int, period: ReportingPeriod) -> None:
    """Refresh the average/proposal cache of these students in a subject for a period
    (seeding, repairs, a changed work type weight)."""
    _recompute(student_ids=set(student_ids), subject_id=subject_id, period=period)


def _annual_recompute(*, student_id: int, subject_id: int, school_class: SchoolClass, year_id: int,
                      scale: GradingScale, settings: GradebookSettings) -> None:
    """The annual proposal: the plain average of the confirmed period marks of the year."""
    numerics = list(PeriodMark.objects.filter(student_id=student_id, subject_id=subject_id,
                                              kind=PeriodMark.Kind.PERIOD, period__year_id=year_id,
                                              numeric__isnull=False).values_list("numeric", flat=True))
    average = (sum(numerics, Decimal(0)) / len(numerics)).quantize(CENT, rounding=ROUND_HALF_UP) if numerics else None
    PeriodMark.objects.bulk_create(
        [PeriodMark(student_id=student_id, subject_id=subject_id, school_class=school_class,
                    kind=PeriodMark.Kind.ANNUAL, period=None, year_id=year_id, average=average,
                    weighted_sum=sum(numerics, Decimal(0)), weight_total=Decimal(len(numerics)),
                    proposed=average_round(average, scale, settings.rounding))],
        update_conflicts=True, unique_fields=["student", "subject", "kind", "period", "year"],
        update_fields=["school_class", "weighted_sum", "weight_total", "average", "proposed"],
    )


# ---- the teacher's period mark -------------------------------------------------------------


def year_current() -> AcademicYear | None:
    """The school year containing today in the school's time zone, else the latest one."""
    today = timezone.localdate()
    years = list(AcademicYear.objects.order_by("-starts_on"))
    return next((y for y in years if y.starts_on <= today <= y.ends_on), years[0] if years else None)


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


def _may_set_period_marks(actor: Person, subject_id: int, class_id: int) -> bool:
    if actor.is_management:
        return True
    return TeachingAssignment.objects.filter(teacher=actor, subject_id=subject_id, school_class_id=class_id).exists()


@transaction.atomic
def period_mark_set(actor: Person, *, student: Person | int, subject: Subject | int, school_class: SchoolClass,
                    kind: str, period: ReportingPeriod | None = None, raw: str,
                    expected_version: int | None = None, reason: str = "",
                    year: AcademicYear | None = None) -> PeriodMark:
    """Set (or clear, raw "") a student's period, annual, exam or final mark. The teacher of
    the subject in the class or the administration; locked when the period is closed.
    `expected_version` is the version the user saw (None: an empty cell). An annual, exam
    or final mark belongs to `year` (default: the school year of today)."""
    student_id, subject_id = _pk(student), _pk(subject)
    if period is not None:
        year = period.year
    elif year is None:
        year = year_current()
        if year is None:
            raise GradebookError(INVALID_MARK, _("The school year is not set up yet."), field="year")
    if kind not in PeriodMark.Kind.values:
        raise GradebookError(INVALID_MARK, _("Unknown kind of mark."), field="kind")
    if kind == PeriodMark.Kind.PERIOD and period is None:
        raise GradebookError(INVALID_MARK, _("Choose the reporting period."), field="period")
    if not _may_set_period_marks(actor, subject_id, school_class.pk):
        raise GradebookError(FORBIDDEN, _("Only a teacher of this subject in this class or the administration "
                                          "may set these marks."))
    if not Enrollment.objects.filter(student_id=student_id, school_class=school_class).exists():
        raise GradebookError(NOT_A_STUDENT, _("This student is not in the class."), field="student")
    if period is not None and period.is_closed and (not period.grades or school_class.grade in period.grades):
        raise period_closed_error(period)
    settings = settings_get()
    scale = scales_for_classes([school_class.pk])[school_class.pk]
    text = (raw or "").strip()
    value: Decimal | None = None
    if text:
        text, value = mark_parse(scale, text)

    current = PeriodMark.objects.filter(student_id=student_id, subject_id=subject_id, kind=kind,
                                        period=period, year=year).first()

    def conflict(row: PeriodMark | None) -> EditConflict:
        return conflict_error({"raw": row.raw if row else "", "version": row.version if row else None,
                               "by": last_actor_name(JournalChange.Kind.PERIOD_MARK, row.pk if row else None),
                               "at": row.updated_at.isoformat() if row else None})

    # A cache row with no confirmed mark is what an "empty cell" looks like.
    if expected_version is None and current is not None and current.raw:
        raise conflict(current)
    if expected_version is not None and (current is None or current.version != expected_version):
        raise conflict(current)
    if current is not None and current.raw and (error := reason_needed(settings, current.updated_at, reason)):
        raise error
    before = history.period_mark_state(current)
    if current is not None and current.raw == text and (current.scale_id == scale.pk or not text):
        return current  # nothing changes: no history row
    now = timezone.now()
    if current is None:
        try:
            with transaction.atomic():
                current = PeriodMark.objects.create(
                    student_id=student_id, subject_id=subject_id, school_class=school_class, kind=kind, period=period,
                    year=year, scale=scale, raw=text, numeric=value, updated_by=actor)
        except IntegrityError:
            raise conflict(PeriodMark.objects.filter(student_id=student_id, subject_id=subject_id, kind=kind,
                                                     period=period, year=year).first()) from None
    else:
        updated = PeriodMark.objects.filter(pk=current.pk, version=current.version).update(
            raw=text, numeric=value, scale=scale if text else None, updated_by=actor, updated_at=now,
            school_class=school_class, version=F("version") + 1)
        if not updated:
            raise conflict(PeriodMark.objects.filter(pk=current.pk).first())
        current.refresh_from_db()
    after = history.period_mark_state(current)
    history.changes_write([history.change_build(
        kind=JournalChange.Kind.PERIOD_MARK, action=history.action_of(before, after), object_id=current.pk,
        student_id=student_id, subject_id=subject_id, before=before, after=after, actor_id=actor.pk, reason=reason)])
    if kind == PeriodMark.Kind.PERIOD and period is not None:
        _annual_recompute(student_id=student_id, subject_id=subject_id, school_class=school_class,
                          year_id=period.year_id, scale=scale, settings=settings)
    return current
