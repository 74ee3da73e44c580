"""Writes of the timetable app, one module per concern: `calendar` (years, periods, bells,
rooms, subjects, teaching load), `template` (the weekly template and its conflicts),
`lessons` (dated lessons generated from the template), `bells` (bell schedule uses, short
days, class weeks), `groups` (groups across classes), `substitutions` (changes to one
lesson, absences, notifications)."""

from timetable.services.calendar import *  # noqa: F403 — the calendar services predate the package
from timetable.services.calendar import STANDARD_SUBJECTS, school_year_bounds, standard_bells, standard_periods

__all__ = ["STANDARD_SUBJECTS", "school_year_bounds", "standard_bells", "standard_periods"]
