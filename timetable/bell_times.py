"""Which bells ring when: the lookup that turns (date, grade, lesson number) into the
lesson's start and end in the school's time zone.

A timetable version has its own bell schedule, and may use others on some weekdays or for
some grades (`BellScheduleUse`: Monday's schedule with «Разговоры о важном», the second
shift of grades 2–4). The most specific use wins: weekday + grade, then grade, then
weekday, then the version's own schedule; two uses equally specific: the older one. A
short day (`ShortDay`) overrides all of that on its date — a grade-specific short day before
a whole-school one. When the short day's schedule lacks a lesson number, the lesson keeps
its usual time rather than vanishing (a short schedule with fewer lessons is a mistake to
fix, not a reason to lose a lesson).

A lesson for several classes of different grades (a stream) follows the lowest grade among
them — the "first" class in the school's class order — so one stream has one time.

`bell_times_for()` loads everything in three queries; lookups after that are pure and
cached, which keeps generation of a year of lessons fast (no query per lesson).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from timetable.models import Bell, BellSchedule, BellScheduleUse, ShortDay, TimetableVersion

Bells = dict[int, tuple[time, time]]


@dataclass
class BellTimes:
    """Everything needed to time lessons of one timetable version (or of no version)."""

    zone: ZoneInfo
    default_id: int | None
    schedules: dict[int, Bells]
    uses: list[tuple[frozenset[int], frozenset[int], int]]  # (weekdays, grades, schedule id)
    short_days: dict[date, list[tuple[frozenset[int], int]]]  # grade-specific first
    _regular: dict[tuple[int, int | None], int | None] = field(default_factory=dict, repr=False)

    def regular_schedule(self, weekday: int, grade: int | None) -> int | None:
        """The schedule of an ordinary day: the most specific use, else the version's own."""
        key = (weekday, grade)
        if key not in self._regular:
            best, best_rank = self.default_id, -1
            for weekdays, grades, schedule_id in self.uses:
                if (weekdays and weekday not in weekdays) or (grades and grade not in grades):
                    continue
                rank = (2 if grades else 0) + (1 if weekdays else 0)
                if rank > best_rank:  # strictly: among equals the first (oldest) wins
                    best, best_rank = schedule_id, rank
            self._regular[key] = best
        return self._regular[key]

    def schedule_for(self, day: date, grade: int | None) -> int | None:
        for grades, schedule_id in self.short_days.get(day, ()):
            if not grades or grade in grades:
                return schedule_id
        return self.regular_schedule(day.isoweekday(), grade)

    def short_day_of(self, day: date, grade: int | None) -> int | None:
        """The short day's schedule when one applies to this date and grade, else None."""
        for grades, schedule_id in self.short_days.get(day, ()):
            if not grades or grade in grades:
                return schedule_id
        return None

    def bells(self, schedule_id: int | None) -> Bells:
        return self.schedules.get(schedule_id, {}) if schedule_id is not None else {}

    def fits(self, weekday: int, grade: int | None, number: int, duration: int = 1) -> bool:
        """Whether the ordinary schedule of that weekday and grade has these lessons."""
        bells = self.bells(self.regular_schedule(weekday, grade))
        return number in bells and number + max(duration, 1) - 1 in bells

    def times(self, day: date, grade: int | None, number: int, duration: int = 1,
              ) -> tuple[datetime, datetime] | None:
        """Aware start and end; a double lesson runs from its first bell to its last. None
        when no schedule of that day has the lesson number."""
        last = number + max(duration, 1) - 1
        bells = self.bells(self.short_day_of(day, grade))
        if number not in bells or last not in bells:
            bells = self.bells(self.regular_schedule(day.isoweekday(), grade))
            if number not in bells or last not in bells:
                return None
        return (datetime.combine(day, bells[number][0], tzinfo=self.zone),
                datetime.combine(day, bells[last][1], tzinfo=self.zone))

    def usual_schedule(self, grade: int | None) -> int | None:
        """The schedule of a grade on days without a weekday variant (for a grid's labels)."""
        best, best_rank = self.default_id, -1
        for weekdays, grades, schedule_id in self.uses:
            if weekdays or (grades and grade not in grades):
                continue
            rank = 1 if grades else 0
            if rank > best_rank:
                best, best_rank = schedule_id, rank
        return best

    def numbers(self) -> list[int]:
        """Every lesson number any schedule of this version knows (for forms and grids)."""
        ids = {self.default_id, *(schedule_id for _w, _g, schedule_id in self.uses)} - {None}
        return sorted({n for schedule_id in ids for n in self.bells(schedule_id)})


def lowest_grade(grades: Iterable[int]) -> int | None:
    """The grade a lesson of these classes follows (see the module's docstring)."""
    return min(grades, default=None)


def bell_times_for(version: TimetableVersion | None, *, zone: ZoneInfo, first: date | None = None,
                   last: date | None = None) -> BellTimes:
    """The lookup for `version` (None: the school's default schedule, no uses), with the
    short days between `first` and `last` (all when not given). Three queries."""
    if version is not None:
        default_id: int | None = version.bell_schedule_id
        uses = [(frozenset(u.weekdays), frozenset(u.grades), u.bell_schedule_id)
                for u in BellScheduleUse.objects.filter(version=version).order_by("pk")]
    else:
        default_id = BellSchedule.objects.filter(is_default=True).values_list("pk", flat=True).first()
        uses = []
    short_qs = ShortDay.objects.order_by("pk")
    if first is not None:
        short_qs = short_qs.filter(date__gte=first)
    if last is not None:
        short_qs = short_qs.filter(date__lte=last)
    short_days: dict[date, list[tuple[frozenset[int], int]]] = defaultdict(list)
    for day, grades, schedule_id in short_qs.values_list("date", "grades", "bell_schedule_id"):
        short_days[day].append((frozenset(grades or ()), schedule_id))
    for rows in short_days.values():
        rows.sort(key=lambda row: not row[0])  # grade-specific before whole-school (stable)
    schedules: dict[int, Bells] = defaultdict(dict)
    for schedule_id, number, starts, ends in Bell.objects.values_list("schedule_id", "number", "starts_at",
                                                                      "ends_at"):
        schedules[schedule_id][number] = (starts, ends)
    return BellTimes(zone=zone, default_id=default_id, schedules=dict(schedules), uses=uses,
                     short_days=dict(short_days))
