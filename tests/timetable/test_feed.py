"""iCalendar feeds: a secret, revocable URL that works without a session; one VEVENT per
dated lesson in the window, cancelled ones kept as CANCELLED; a student's feed only after
a parent turns it on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import schema_context
from icalendar import Calendar

from tests.conftest import client_for
from tests.timetable.week_factory import World, lesson_make, local_today, world_build
from timetable.models import CalendarFeed, Lesson
from timetable.selectors_week import FEED_AHEAD, FEED_PAST


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        yield world_build(school1)


def _token(person) -> str:
    return CalendarFeed.objects.get(person=person).token


def _fetch(cast, token: str, account=None):
    return client_for(cast.host, account).get(f"/timetable/feed/{token}.ics")


def _events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_teacher_turns_the_feed_on_and_a_calendar_app_reads_it_without_a_session(school1, world: World):
    today = local_today(school1.school)
    inside = [
        lesson_make(school1.school, today, 1, subject=world.subjects[0], classes=[world.own_class],
                    teachers=[world.teacher], room=world.rooms[0]),
        lesson_make(school1.school, today - FEED_PAST + timedelta(days=1), 2, subject=world.subjects[1],
                    classes=[world.other_class], teachers=[world.teacher]),
        lesson_make(school1.school, today + timedelta(days=3), 3, subject=world.subjects[2],
                    classes=[world.own_class], teachers=[world.teacher], status=Lesson.Status.CANCELLED),
    ]
    lesson_make(school1.school, today + FEED_AHEAD + timedelta(days=2), 1, subject=world.subjects[0],
                classes=[world.own_class], teachers=[world.teacher])  # beyond the window
    lesson_make(school1.school, today, 2, subject=world.subjects[0], classes=[world.own_class],
                teachers=[world.other_teacher])  # not theirs

    page = client_for(school1.host, school1.teacher)
    assert page.get("/timetable/feed/").status_code == 200
    assert page.post("/timetable/feed/", {"feed": "enable"}).status_code == 302
    feed = CalendarFeed.objects.get(person=world.teacher)
    assert feed.is_enabled and feed.enabled_by == world.teacher and len(feed.token) >= 43
    assert f"/timetable/feed/{feed.token}.ics" in page.get("/timetable/feed/").content.decode()

    calendar, events = _events(_fetch(school1, feed.token))  # anonymous: no session at all

    assert len(events) == len(inside)
    by_uid = {str(e["UID"]): e for e in events}
    schema = school1.school.schema_name
    assert set(by_uid) == {f"lesson-{schema}-{lesson.pk}@parta" for lesson in inside}
    assert str(by_uid[f"lesson-{schema}-{inside[2].pk}@parta"]["STATUS"]) == "CANCELLED"
    assert str(by_uid[f"lesson-{schema}-{inside[0].pk}@parta"]["STATUS"]) == "CONFIRMED"
    first = by_uid[f"lesson-{schema}-{inside[0].pk}@parta"]
    assert str(first["SUMMARY"]) == world.subjects[0].name
    assert str(first["LOCATION"]) == world.rooms[0].name
    assert first.decoded("DTSTART") == inside[0].starts_at
    assert first["DTSTART"].params["TZID"] == school1.school.timezone
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == [school1.school.timezone]


def test_uids_are_stable_across_fetches(school1, world: World):
    lesson_make(school1.school, local_today(school1.school), 1, subject=world.subjects[0],
                classes=[world.own_class], teachers=[world.teacher])
    client_for(school1.host, school1.teacher).post("/timetable/feed/", {"feed": "enable"})
    token = _token(world.teacher)
    first = [str(e["UID"]) for e in _events(_fetch(school1, token))[1]]
    second = [str(e["UID"]) for e in _events(_fetch(school1, token))[1]]
    assert first == second and len(first) == 1


def test_revoking_gives_a_new_address_and_the_old_one_stops(school1, world: World):
    page = client_for(school1.host, school1.teacher)
    page.post("/timetable/feed/", {"feed": "enable"})
    old = _token(world.teacher)

    page.post("/timetable/feed/", {"feed": "revoke"})
    new = _token(world.teacher)

    assert new != old
    assert _fetch(school1, old, school1.teacher).status_code == 404
    assert _fetch(school1, old).status_code != 200  # a calendar app gets no calendar
    assert _fetch(school1, new).status_code == 200


def test_unknown_and_switched_off_tokens_are_not_found(school1, world: World):
    page = client_for(school1.host, school1.teacher)
    assert _fetch(school1, "no-such-token", school1.teacher).status_code == 404
    page.post("/timetable/feed/", {"feed": "enable"})
    page.post("/timetable/feed/", {"feed": "disable"})
    assert _fetch(school1, _token(world.teacher), school1.teacher).status_code == 404


def test_a_feed_of_one_school_is_not_served_by_another(school1, school2, world: World):
    client_for(school1.host, school1.teacher).post("/timetable/feed/", {"feed": "enable"})
    assert _fetch(school2, _token(world.teacher), school2.teacher).status_code == 404


def test_a_student_feed_is_off_until_a_parent_turns_it_on(school1, world: World):
    lesson = lesson_make(school1.school, local_today(school1.school), 1, subject=world.subjects[0],
                         classes=[world.own_class])
    lesson_make(school1.school, local_today(school1.school), 2, subject=world.subjects[0],
                classes=[world.own_class], subgroup=world.group_out)  # the other group's
    student = client_for(school1.host, school1.student)

    page = student.get("/timetable/feed/")
    assert 'data-testid="feed-ask-parent"' in page.content.decode()
    assert 'data-testid="feed-enable"' not in page.content.decode()
    assert student.post("/timetable/feed/", {"feed": "enable"}).status_code == 404
    assert not CalendarFeed.objects.filter(person=world.student, is_enabled=True).exists()

    parent = client_for(school1.host, school1.parent)
    child_page = parent.get(f"/timetable/child/{world.student.pk}/")
    assert 'data-testid="feed-enable"' in child_page.content.decode()
    assert parent.post(f"/timetable/child/{world.student.pk}/", {"feed": "enable"}).status_code == 302

    feed = CalendarFeed.objects.get(person=world.student)
    assert feed.is_enabled and feed.enabled_by == world.parent
    assert 'data-testid="feed-url"' in student.get("/timetable/feed/").content.decode()
    _calendar, events = _events(_fetch(school1, feed.token))
    assert [str(e["UID"]) for e in events] == [f"lesson-{school1.school.schema_name}-{lesson.pk}@parta"]


def test_a_parent_cannot_switch_on_another_childs_feed(school1, world: World):
    other = client_for(school1.host, school1.teacher)
    assert other.post(f"/timetable/child/{world.student.pk}/", {"feed": "enable"}).status_code == 404
    assert not CalendarFeed.objects.filter(person=world.student).exists()


def test_parent_turns_on_their_own_feed_with_the_childrens_lessons(school1, world: World):
    lesson = lesson_make(school1.school, local_today(school1.school), 1, subject=world.subjects[0],
                         classes=[world.own_class])
    parent = client_for(school1.host, school1.parent)
    parent.post("/timetable/feed/", {"feed": "enable"})
    _calendar, events = _events(_fetch(school1, _token(world.parent)))
    assert [str(e["UID"]) for e in events] == [f"lesson-{school1.school.schema_name}-{lesson.pk}@parta"]
    assert world.student.first_name in str(events[0]["DESCRIPTION"])


def test_the_settings_page_needs_a_member(school1, school2, outsider):
    anonymous = client_for(school1.host).get("/timetable/feed/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client_for(school1.host, school2.admin).get("/timetable/feed/").status_code == 403
    assert client_for(school1.host, outsider).get("/timetable/feed/").status_code == 403


def test_an_unknown_token_is_a_plain_404_for_anyone(school1, school2):
    from tests.conftest import client_for

    for client in (client_for(school1.host), client_for(school1.host, school2.admin),
                   client_for(school1.host, school1.admin)):
        assert client.get("/timetable/feed/no-such-token.ics").status_code == 404
