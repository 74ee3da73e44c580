"""The week pages: who sees which lessons, local times, marks for today, cancellations and
changes, permissions, and a constant number of queries whatever the size of the school."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import Enrollment, Guardianship, Person
from tests.conftest import client_for
from tests.timetable.week_factory import World, lesson_make, local_today, world_build, world_grow
from timetable.models import Lesson


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        yield world_build(school1)


def _ids(response) -> set[int]:
    return {row.lesson.pk for day in response.context["week"].days for row in day.rows}


def _get(cast, account, url):
    return client_for(cast.host, account).get(url)


# --- Who sees what -----------------------------------------------------------------------


def test_student_sees_own_class_stream_and_own_group_only(school1, world: World):
    own = world.lesson(1, 1)
    stream = world.lesson(1, 2, classes=[world.own_class, world.other_class])
    my_group = world.lesson(2, 1, subgroup=world.group_in)
    other_group = world.lesson(2, 1, subgroup=world.group_out, room=world.rooms[1])
    other_class = world.lesson(3, 1, classes=[world.other_class])

    response = _get(school1, school1.student, "/timetable/")

    assert response.status_code == 200
    assert _ids(response) == {own.pk, stream.pk, my_group.pk}
    assert other_group.pk not in _ids(response) and other_class.pk not in _ids(response)
    assert response.context["mode"] == "student"


def test_student_on_the_class_page_sees_only_own_group(school1, world: World):
    own = world.lesson(1, 1)
    my_group = world.lesson(2, 1, subgroup=world.group_in)
    world.lesson(2, 1, subgroup=world.group_out)

    response = _get(school1, school1.student, f"/timetable/class/{world.own_class.pk}/")

    assert response.status_code == 200
    assert _ids(response) == {own.pk, my_group.pk}


def test_staff_see_a_whole_class_with_all_its_groups(school1, world: World):
    own = world.lesson(1, 1)
    a = world.lesson(2, 1, subgroup=world.group_in)
    b = world.lesson(2, 1, subgroup=world.group_out)

    response = _get(school1, school1.deputy, f"/timetable/class/{world.own_class.pk}/")

    assert _ids(response) == {own.pk, a.pk, b.pk}


def _second_child(world: World) -> Person:
    child = Enrollment.objects.filter(school_class=world.other_class).first().student
    Guardianship.objects.get_or_create(parent=world.parent, child=child)
    return child


def test_parent_sees_all_children_together_and_switches_between_them(school1, world: World):
    second = _second_child(world)
    first_lesson = world.lesson(1, 1)
    second_lesson = world.lesson(1, 2, classes=[world.other_class])
    world.lesson(1, 3, subgroup=world.group_out)  # neither child's group

    together = _get(school1, school1.parent, "/timetable/")
    first = _get(school1, school1.parent, f"/timetable/child/{world.student.pk}/")
    other = _get(school1, school1.parent, f"/timetable/child/{second.pk}/")

    assert together.status_code == first.status_code == other.status_code == 200
    assert _ids(together) == {first_lesson.pk, second_lesson.pk}
    assert together.context["mode"] == "children"
    assert {c.pk for c in together.context["child_tabs"]} == {world.student.pk, second.pk}
    assert 'data-testid="tab-all"' in together.content.decode()
    # Each lesson says whose it is.
    rows = {row.lesson.pk: row for day in together.context["week"].days for row in day.rows}
    assert [c.pk for c in rows[second_lesson.pk].children] == [second.pk]
    assert _ids(first) == {first_lesson.pk}
    assert _ids(other) == {second_lesson.pk}


def test_parent_cannot_open_another_childs_timetable(school1, world: World):
    stranger = Enrollment.objects.filter(school_class=world.other_class).exclude(
        student_id__in=world.parent.children_ids).first().student

    assert _get(school1, school1.parent, f"/timetable/child/{stranger.pk}/").status_code == 404
    assert _get(school1, school1.teacher, f"/timetable/child/{world.student.pk}/").status_code == 404


def test_teacher_week_includes_a_lesson_they_cover(school1, world: World):
    mine = world.lesson(1, 1, teachers=[world.teacher])
    covered = world.lesson(2, 3, classes=[world.other_class], teachers=[world.teacher],
                           changed_at=timezone.now())  # a substitution put them in
    not_mine = world.lesson(3, 1, teachers=[world.other_teacher])

    response = _get(school1, school1.teacher, "/timetable/")

    assert _ids(response) == {mine.pk, covered.pk}
    assert not_mine.pk not in _ids(response)
    staff_view = _get(school1, school1.deputy, f"/timetable/teacher/{world.teacher.pk}/")
    assert staff_view.status_code == 200 and _ids(staff_view) == {mine.pk, covered.pk}


def test_room_page_shows_the_rooms_occupancy(school1, world: World):
    here = world.lesson(1, 1, room=world.rooms[2], classes=[world.other_class])
    world.lesson(1, 2, room=world.rooms[3])

    response = _get(school1, school1.admin, f"/timetable/room/{world.rooms[2].pk}/")

    assert response.status_code == 200 and _ids(response) == {here.pk}


# --- Time, today, changes -------------------------------------------------------------


def test_a_vladivostok_school_shows_a_0830_lesson_at_0830(school2):
    school2.school.timezone = "Asia/Vladivostok"
    school2.school.save()
    with schema_context(school2.school.schema_name):
        world = world_build(school2)
        lesson = world.lesson(2, 1)  # 08:30 in Vladivostok = 01:30 in Moscow

    response = _get(school2, school2.student, "/timetable/")

    row = next(row for day in response.context["week"].days for row in day.rows if row.lesson.pk == lesson.pk)
    assert (row.starts.hour, row.starts.minute) == (8, 30)
    html = response.content.decode()
    assert "08:30–09:15" in html
    assert "01:30" not in html


def test_today_current_cancelled_and_changed_lessons_are_marked(school1, world: World):
    now = timezone.now()
    zone = ZoneInfo(school1.school.timezone)
    today = local_today(school1.school)
    current = lesson_make(school1.school, today, 3, subject=world.subjects[1], classes=[world.own_class],
                          starts_at=now - timedelta(minutes=10))
    cancelled = world.lesson(1, 1, status=Lesson.Status.CANCELLED)
    changed = world.lesson(1, 2, changed_at=now - timedelta(days=2))
    old_change = world.lesson(1, 4, changed_at=now - timedelta(days=9))

    response = _get(school1, school1.student, "/timetable/")
    html = response.content.decode()
    rows = {row.lesson.pk: row for day in response.context["week"].days for row in day.rows}

    assert rows[current.pk].is_current and not rows[cancelled.pk].is_current
    assert rows[cancelled.pk].is_cancelled
    assert rows[changed.pk].is_changed and not rows[old_change.pk].is_changed
    assert f'data-date="{today:%Y-%m-%d}" aria-current="date"' in html
    assert f'data-lesson-id="{current.pk}" aria-current="time"' in html
    assert f'class="tt-lesson cancelled" data-testid="lesson" data-lesson-id="{cancelled.pk}"' in html
    assert f'class="tt-lesson changed" data-testid="lesson" data-lesson-id="{changed.pk}"' in html
    assert f"<s>{cancelled.subject.name}</s>" in html
    assert response.context["week"].zone == zone


def test_other_weeks_by_parameter_and_a_bad_date_means_this_week(school1, world: World):
    this_week = world.lesson(1, 1)
    next_week = lesson_make(school1.school, world.monday + timedelta(days=8), 1, subject=world.subjects[0],
                            classes=[world.own_class])

    following = _get(school1, school1.student, f"/timetable/?week={(world.monday + timedelta(days=10)):%Y-%m-%d}")
    broken = _get(school1, school1.student, "/timetable/?week=not-a-date")

    assert _ids(following) == {next_week.pk}
    assert following.context["week"].monday == world.monday + timedelta(days=7)
    assert f"week={(world.monday + timedelta(days=14)):%Y-%m-%d}" in following.context["links"]["next"]
    assert _ids(broken) == {this_week.pk}


def test_the_printable_week(school1, world: World):
    lesson = world.lesson(1, 1)
    response = _get(school1, school1.student, "/timetable/print/")
    assert response.status_code == 200
    assert 'data-testid="print-table"' in response.content.decode()
    assert lesson.room.name in response.content.decode()
    child = _get(school1, school1.parent, f"/timetable/print/?child={world.student.pk}")
    assert child.status_code == 200 and child.context["grid"][0][0] == 1
    assert _get(school1, school1.parent, "/timetable/print/?child=987654").status_code == 404
    child_page = _get(school1, school1.parent, f"/timetable/child/{world.student.pk}/")
    assert f"child={world.student.pk}" in child_page.context["links"]["print"]


def test_staff_get_the_directory_of_other_timetables(school1, world: World):
    response = _get(school1, school1.deputy, "/timetable/")
    assert 'data-testid="directory"' in response.content.decode()
    assert 'data-testid="directory"' not in _get(school1, school1.student, "/timetable/").content.decode()


# --- Permissions --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["student", "parent"])
def test_students_and_parents_cannot_open_teacher_and_room_pages(school1, world: World, who):
    account = getattr(school1, who)
    assert _get(school1, account, f"/timetable/teacher/{world.teacher.pk}/").status_code == 404
    assert _get(school1, account, f"/timetable/room/{world.rooms[0].pk}/").status_code == 404


def test_a_student_cannot_open_another_class(school1, world: World):
    assert _get(school1, school1.student, f"/timetable/class/{world.other_class.pk}/").status_code == 404
    assert _get(school1, school1.student, f"/timetable/class/{world.own_class.pk}/").status_code == 200
    assert _get(school1, school1.parent, f"/timetable/class/{world.other_class.pk}/").status_code == 404
    assert _get(school1, school1.parent, f"/timetable/class/{world.own_class.pk}/").status_code == 200


def test_teacher_page_is_only_for_staff_members(school1, world: World):
    assert _get(school1, school1.admin, f"/timetable/teacher/{world.student.pk}/").status_code == 404


# --- Constant queries ---------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["student", "teacher", "parent", "deputy"])
def test_personal_week_costs_the_same_whatever_the_size(school1, world: World, who, django_assert_num_queries):
    _second_child(world)
    world.lesson(1, 1, teachers=[world.teacher])
    client = client_for(school1.host, getattr(school1, who))
    client.get("/timetable/")  # warm the session and tenant caches alike for both counts
    small = _count(client, "/timetable/")

    world_grow(world)

    with django_assert_num_queries(small):
        response = client.get("/timetable/")
    assert len(_ids(response)) > 1 or who == "deputy"


def test_class_week_costs_the_same_whatever_the_size(school1, world: World, django_assert_num_queries):
    world.lesson(1, 1, teachers=[world.teacher])  # an empty week skips the prefetches
    client = client_for(school1.host, school1.deputy)
    url = f"/timetable/class/{world.own_class.pk}/"
    client.get(url)
    small = _count(client, url)
    world_grow(world)
    with django_assert_num_queries(small):
        client.get(url)


def test_lessons_at_the_same_time_keep_their_order(school1, world: World):
    a = world.lesson(1, 1)
    b = world.lesson(1, 1, subgroup=world.group_in, starts_at=datetime.combine(
        world.monday, datetime.min.time(), tzinfo=ZoneInfo(school1.school.timezone)) + timedelta(hours=8, minutes=30))
    response = _get(school1, school1.student, "/timetable/")
    assert [row.lesson.pk for row in response.context["week"].days[0].rows] == [a.pk, b.pk]
