"""Reads of a school's people and classes (`people`) and of invitation codes (`invitations`)."""

from core.selectors.people import (
    PeopleFilter,
    children_of,
    class_roster,
    classes_visible_to,
    classes_with_counts,
    guardians_of,
    people_filtered,
    people_prefetched,
    person_for_account,
    person_get_for,
    school_class_get_for,
    school_counts,
    staff_directory,
)

__all__ = [
    "PeopleFilter",
    "children_of",
    "class_roster",
    "classes_visible_to",
    "classes_with_counts",
    "guardians_of",
    "people_filtered",
    "people_prefetched",
    "person_for_account",
    "person_get_for",
    "school_class_get_for",
    "school_counts",
    "staff_directory",
]
