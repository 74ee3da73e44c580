"""Writes to a person's iCalendar feed: turn it on or off, revoke its address.

The feed's URL is the only credential a calendar app has, so it is secret (32 random
bytes), revocable (a new token; the old URL answers 404 at once) and, for a student,
off until a parent turns it on: a child's whereabouts by the hour are the family's call.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.models import Person
from timetable.models import CalendarFeed


def feed_new_token() -> str:
    return secrets.token_urlsafe(32)


def feed_may_enable(actor: Person, person: Person) -> bool:
    """Teachers, staff and parents switch their own feed on; a student's feed only a parent."""
    if person.pk in actor.children_ids:
        return True
    return actor.pk == person.pk and not person.has_role("student")


def feed_may_manage(actor: Person, person: Person) -> bool:
    """Switching off and revoking only ever hide data: the owner may always do them."""
    return actor.pk == person.pk or person.pk in actor.children_ids


def _feed_locked(person: Person) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
        person=person, defaults={"token": feed_new_token()}
    )
    return feed


@transaction.atomic
def feed_enable(*, actor: Person, person: Person) -> CalendarFeed:
    if not feed_may_enable(actor, person):
        raise PermissionDenied("timetable.feed_enable")
    feed = _feed_locked(person)
    feed.is_enabled = True
    feed.enabled_by = actor
    feed.save(update_fields=["is_enabled", "enabled_by"])
    return feed


@transaction.atomic
def feed_disable(*, actor: Person, person: Person) -> CalendarFeed:
    if not feed_may_manage(actor, person):
        raise PermissionDenied("timetable.feed_disable")
    feed = _feed_locked(person)
    feed.is_enabled = False
    feed.save(update_fields=["is_enabled"])
    return feed


@transaction.atomic
def feed_revoke(*, actor: Person, person: Person) -> CalendarFeed:
    """A new secret address; calendars subscribed to the old one stop updating."""
    if not feed_may_manage(actor, person):
        raise PermissionDenied("timetable.feed_revoke")
    feed = _feed_locked(person)
    feed.token = feed_new_token()
    feed.save(update_fields=["token"])
    return feed
