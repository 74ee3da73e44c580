"""What the reports share: the span a report covers (a reporting period or the school year),
who may open which class, the students of classes, each student's result in a subject, and the
`Sheet` shape the exports print."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import DecimalField, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFoundForActor
from core.models import Enrollment, Person, SchoolClass
from gradebook.errors import GradebookError
from gradebook.models import GradebookSettings, GradingScale, Mark, PeriodMark
from gradebook.rules import can_journal
from gradebook.services.period_marks import period_current
from timetable.models import AcademicYear, ReportingPeriod, Subject, TeachingAssignment

NO_YEAR = "no_year"  # the school has no academic year yet: nothing to report on
BAD_DATES = "bad_dates"

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def school_today(school) -> date:
    """Today in the school's own time zone (never the server's clock)."""
    return timezone.now().astimezone(ZoneInfo(school.timezone)).date()


# ---- the span --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    """What a report covers: one reporting period, or the whole school year (`period` None)."""

    year: AcademicYear
    period: ReportingPeriod | None
    starts_on: date
    ends_on: date
    is_range: bool = False  # explicit dates (?from=&to=) rather than a period or the year

    @property
    def key(self) -> str:
        """The value of the `period` query parameter that chooses this span."""
        return str(self.period.pk) if self.period else "year"

    @property
    def label(self) -> str:
        if self.is_range:
            return f"{self.starts_on:%d.%m.%Y} – {self.ends_on:%d.%m.%Y}"
        if self.period is None:
            return _("school year %(year)s") % {"year": self.year.name}
        return f"{self.period.name} {self.year.name}"

    def with_dates(self, starts_on: date | None, ends_on: date | None) -> Span:
        """The same span narrowed or moved to explicit dates (the attendance report's range)."""
        if not (starts_on or ends_on):
            return self
        return Span(year=self.year, period=None, starts_on=starts_on or self.starts_on,
                    ends_on=ends_on or self.ends_on, is_range=True)


def year_current(today: date) -> AcademicYear | None:
    """The year containing today; between years the last one that started; else the first."""
    years = list(AcademicYear.objects.order_by("starts_on"))
    for year in years:
        if year.starts_on <= today <= year.ends_on:
            return year
    started = [y for y in years if y.starts_on <= today]
    return started[-1] if started else (years[0] if years else None)


def period_applies(period: ReportingPeriod, grade: int | None) -> bool:
    return grade is None or not period.grades or grade in period.grades


def periods_of(year: AcademicYear, grade: int | None = None) -> list[ReportingPeriod]:
    """The year's periods in order, only those of `grade` when given (10–11 may use semesters)."""
    return [p for p in year.periods.order_by("starts_on", "kind", "number") if period_applies(p, grade)]


def span_resolve(raw: str | None, *, today: date, grade: int | None = None) -> tuple[Span, list[ReportingPeriod]]:
    """The span chosen by `?period=` («year» or a period id) and the periods to choose from.
    Default: the period containing today (for the grade), else the last one that began, else
    the year. An id that is not a period of the current year answers 404."""
    year = year_current(today)
    if year is None:
        raise GradebookError(NO_YEAR, _("The school has no academic year yet: set it up in the timetable first."))
    periods = periods_of(year, grade)
    whole_year = Span(year=year, period=None, starts_on=year.starts_on, ends_on=year.ends_on)
    if raw == "year":
        return whole_year, periods
    if raw:
        chosen = next((p for p in periods if str(p.pk) == raw), None)
        if chosen is None:
            raise NotFoundForActor
    else:
        begun = [p for p in periods if p.starts_on <= today]
        # A school-wide report looks at the school-wide periods first (not 10–11's semesters).
        candidates = [p for p in periods if not p.grades] or periods if grade is None else periods
        chosen = period_current(candidates, today) or (begun or [None])[-1]
        if chosen is None:
            return whole_year, periods
    return Span(year=year, period=chosen, starts_on=chosen.starts_on, ends_on=chosen.ends_on), periods


def dates_parse(raw_from: str | None, raw_to: str | None) -> tuple[date | None, date | None]:
    """`?from=` and `?to=` as dates; a clear error for a typo or a reversed range."""
    parsed: list[date | None] = []
    for name, raw in (("from", raw_from), ("to", raw_to)):
        if not raw:
            parsed.append(None)
            continue
        try:
            parsed.append(date.fromisoformat(raw))
        except ValueError:
            raise GradebookError(BAD_DATES, _("Write the date as YYYY-MM-DD."), field=name) from None
    first, last = parsed
    if first and last and last < first:
        raise GradebookError(BAD_DATES, _("The end must not be before the start."), field="to")
    return first, last


# ---- who sees what -----------------------------------------------------------------------------

def reports_visible(actor: Person) -> bool:
    """The landing page: the administration, and class teachers (for their own class)."""
    return can_journal(actor, "reports.view") or bool(actor.homeroom_class_ids)


def require_school_reports(actor: Person) -> None:
    """School-wide reports (pass rate and quality, journal keeping): the administration only."""
    if not can_journal(actor, "reports.view"):
        raise NotFoundForActor


def classes_for(actor: Person) -> list[SchoolClass]:
    """The classes the actor may report on: every class for the administration, the class
    teacher's own classes otherwise."""
    classes = SchoolClass.objects.select_related("class_teacher").order_by("grade", "letter")
    if can_journal(actor, "reports.view"):
        return list(classes)
    return list(classes.filter(pk__in=actor.homeroom_class_ids))


def class_choose(actor: Person, raw: str | None, classes: Sequence[SchoolClass]) -> SchoolClass:
    """The class chosen by `?class=` among those the actor may see (the first by default);
    one answer, 404, for a missing class and for somebody else's."""
    if not classes:
        raise NotFoundForActor
    if not raw:
        return classes[0]
    chosen = next((c for c in classes if str(c.pk) == raw), None)
    if chosen is None or not can_journal(actor, "reports.view_class", chosen):
        raise NotFoundForActor
    return chosen


def students_of(classes: Iterable[SchoolClass]) -> dict[int, list[Person]]:
    """Active students per class id, in register order (one query)."""
    by_class: dict[int, list[Person]] = {c.pk: [] for c in classes}
    rows = (Enrollment.objects.filter(school_class_id__in=list(by_class), student__is_active=True)
            .select_related("student").order_by("student__last_name", "student__first_name", "student__pk"))
    for row in rows:
        by_class[row.school_class_id].append(row.student)
    return by_class


def subjects_of(class_ids: Iterable[int], extra_ids: Iterable[int] = ()) -> list[Subject]:
    """Subjects taught in the classes (teaching load) plus any that already hold results."""
    taught = TeachingAssignment.objects.filter(school_class_id__in=list(class_ids)).values("subject_id")
    return list(Subject.objects.filter(Q(pk__in=taught) | Q(pk__in=list(extra_ids))).order_by("name"))


# ---- results -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """A student's result in a subject for a span: the period (annual) mark the teacher set,
    or — until then — the mark proposed from the weighted average, shown as a proposal."""

    raw: str
    numeric: Decimal | None  # what the pass rate and quality compare with the scale's bounds
    average: Decimal | None  # the weighted average of the marks (None: no marks counted)
    is_set: bool

    @property
    def value(self) -> Decimal | None:
        """The number the report's averages are taken of: the set mark, else the running average."""
        return self.numeric if self.is_set else self.average

    def as_data(self) -> dict:
        return {"raw": self.raw, "numeric": _num(self.numeric), "average": _num(self.average),
                "is_set": self.is_set}


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def rounding_rule() -> str:
    rule = GradebookSettings.objects.values_list("rounding", flat=True).first()
    return rule or GradebookSettings.Rounding.HALF_UP


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    numbers = [v for v in values if v is not None]
    if not numbers:
        return None
    return (sum(numbers) / len(numbers)).quantize(CENT, ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(100) * part / whole).quantize(TENTH, ROUND_HALF_UP)


def weighted_sums(student_ids: Sequence[int], spans: Sequence[Span]) -> dict[tuple[int, int, int], Decimal]:
    """The weighted average of each student's counted marks per subject, for each span (by its
    index), in ONE query: a conditional Sum per span, grouped by student and subject."""
    if not student_ids or not spans:
        return {}
    weighted = F("numeric") * F("work__work_type__weight")
    money = DecimalField(max_digits=14, decimal_places=4)
    sums = {}
    for index, span in enumerate(spans):
        in_span = Q(work__date__gte=span.starts_on, work__date__lte=span.ends_on)
        sums[f"s{index}"] = Sum(weighted, filter=in_span, output_field=money)
        sums[f"w{index}"] = Sum("work__work_type__weight", filter=in_span, output_field=money)
    first = min(s.starts_on for s in spans)
    last = max(s.ends_on for s in spans)
    rows = (Mark.objects.filter(student_id__in=list(student_ids), excluded=False, numeric__isnull=False,
                                scale__counts_in_average=True, work__date__gte=first, work__date__lte=last)
            .values("student_id", "work__subject_id").annotate(**sums).order_by())
    averages: dict[tuple[int, int, int], Decimal] = {}
    for row in rows:
        for index in range(len(spans)):
            total, weight = row[f"s{index}"], row[f"w{index}"]
            if weight:
                averages[(row["student_id"], row["work__subject_id"], index)] = (total / weight).quantize(
                    CENT, ROUND_HALF_UP)
    return averages


def result_make(*, set_raw: str, set_numeric: Decimal | None, average: Decimal | None, scale: GradingScale,
                rounding: str) -> Result | None:
    """The set mark if there is one; otherwise the proposal from the average (engine's rounding)."""
    from gradebook.scales import average_round, mark_parse

    if set_raw:
        return Result(raw=set_raw, numeric=set_numeric, average=average, is_set=True)
    if average is None:
        return None
    proposed = average_round(average, scale, rounding)
    try:
        numeric = mark_parse(scale, proposed)[1] if proposed else None
    except GradebookError:  # a scale edited since: show the proposal, count only the average
        numeric = average
    return Result(raw=proposed, numeric=numeric, average=average, is_set=False)


def results_collect(*, student_class: dict[int, int], span: Span, scales: dict[int, GradingScale]
                    ) -> dict[tuple[int, int], Result]:
    """Every (student, subject) result for the span: two queries whatever the number of students.
    `student_class` maps each student to their class (whose scale applies)."""
    ids = list(student_class)
    if not ids:
        return {}
    rounding = rounding_rule()
    averages = weighted_sums(ids, [span])
    marks = PeriodMark.objects.filter(student_id__in=ids).exclude(raw="")
    if span.period is not None:
        marks = marks.filter(kind=PeriodMark.Kind.PERIOD, period=span.period)
    else:
        marks = marks.filter(Q(period__isnull=True) | Q(period__year=span.year), kind=PeriodMark.Kind.ANNUAL)
    set_marks = {(m["student_id"], m["subject_id"]): (m["raw"], m["numeric"])
                 for m in marks.values("student_id", "subject_id", "raw", "numeric")}
    results: dict[tuple[int, int], Result] = {}
    for key in set(set_marks) | {(s, subject) for s, subject, _i in averages}:
        student_id, subject_id = key
        raw, numeric = set_marks.get(key, ("", None))
        result = result_make(set_raw=raw, set_numeric=numeric, average=averages.get((student_id, subject_id, 0)),
                             scale=scales[student_class[student_id]], rounding=rounding)
        if result is not None:
            results[key] = result
    return results


def scales_of(class_ids: Iterable[int]) -> dict[int, GradingScale]:
    from gradebook.scales import scales_for_classes

    return scales_for_classes(list(class_ids))


# ---- what the exports print --------------------------------------------------------------------

@dataclass
class Sheet:
    """One table of a report as the XLSX and the PDF print it: a title, lines under it, a
    header, rows (str, int, Decimal or None) and bold total rows; notes explain the signs."""

    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    totals: list[list] = field(default_factory=list)
    subtitle: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    first_column_width: int = 32  # characters, in the spreadsheet


def cell(result: Result | None) -> str:
    """A result as printed: a proposal carries an asterisk (explained in the notes)."""
    if result is None:
        return ""
    return result.raw if result.is_set else f"{result.raw}*"


def proposal_note() -> str:
    return _("* proposed from the weighted average; the teacher has not set the mark yet.")
