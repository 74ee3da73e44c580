"""The header's role-aware navigation: one list, filtered by what the person may do."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Person
from core.rules import can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    match_prefix: str


def _school_items(person: Person) -> list[NavItem]:
    items = [NavItem(_("Home"), "core:home", "/$")]
    if person.is_staff_member:
        items.append(NavItem(_("Journal"), "gradebook:journal", "/journal/"))
    if person.has_role("student", "parent"):
        items.append(NavItem(_("Diary"), "gradebook:diary", "/diary/"))
    items.append(NavItem(_("Homework"), "gradebook:homework", "/homework/"))
    if person.is_staff_member:
        items.append(NavItem(_("Planning"), "gradebook:planning", "/planning/"))
    if person.is_management or person.homeroom_class_ids:  # class teachers open their class's reports
        items.append(NavItem(_("Reports"), "gradebook:reports", "/reports/"))
    items.append(NavItem(_("Timetable"), "timetable:home", "/timetable/"))
    items.append(NavItem(_("Classes"), "core:classes", "/classes/"))
    if can(person, "people.view_directory"):
        items.append(NavItem(_("Staff"), "core:staff", "/staff/"))
    if can(person, "people.manage"):
        items.append(NavItem(_("People"), "core:people", "/people/"))
    items.append(NavItem(_("Community"), "community:home", "/community/"))
    if can(person, "school.manage"):
        items.append(NavItem(_("Administration"), "core:administration", "/administration/"))
    return items


def nav_for(request: HttpRequest) -> list[dict[str, object]]:
    person = getattr(request, "person", None)
    if person is None:
        return []
    path = request.path
    result = []
    for item in _school_items(person):
        url = reverse(item.url_name)
        active = path == "/" if item.match_prefix == "/$" else path.startswith(item.match_prefix)
        result.append({"label": item.label, "url": url, "active": active})
    return result
