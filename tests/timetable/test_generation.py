"""Dated lessons generated from the weekly template: dates, weeks, holidays, times in the
school's zone, idempotency, regeneration that keeps lessons holding data; the admin page;
the demo timetable."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django_tenants.utils import schema_context

from core.models import SchoolClass
from tenants.models import School
from tests.conftest import client_for
from timetable import selectors
from timetable.models import (
    BellSchedule,
    Holiday,
    Lesson,
    Room,
    Subject,
    Substitution,
    TemplateEntry,
    TimetableVersion,
    WeekType,
)
from timetable.services.lessons import lessons_generate


class World:
    """School 1's calendar (the demo's year and bells) with an empty timetable version."""

    def __init__(self, cast) -> None:
        self.cast = cast
        self.admin = cast.person(cast.admin)
        self.teacher = cast.person(cast.teacher)
        self.year = selectors.current_year()
        # A Monday well inside the year, with four whole weeks after it.
        start = self.year.starts_on + timedelta(days=14)
        self.monday = start - timedelta(days=start.weekday())
        self.version = TimetableVersion.objects.create(
            year=self.year, name="Тест", valid_from=self.year.starts_on, valid_to=self.year.ends_on,
            bell_schedule=BellSchedule.objects.get(is_default=True), week_a_monday=self.monday)
        self.maths = Subject.objects.get(name="Математика")
        self.music = Subject.objects.get(name="Музыка")
        self.art = Subject.objects.get(name="Изобразительное искусство")
        self.room = Room.objects.get(name="101")
        self.other_room = Room.objects.get(name="102")
        self.five_a = SchoolClass.objects.get(grade=5, letter="А")
        self.one_a = SchoolClass.objects.get(grade=1, letter="А")

    def entry(self, *, weekday: int = 1, bell: int = 1, subject=None, classes=None, teachers=None,
              week_type: str = WeekType.EVERY, duration: int = 1, room=None) -> TemplateEntry:
        entry = TemplateEntry.objects.create(version=self.version, weekday=weekday, bell_number=bell,
                                             duration=duration, week_type=week_type, subject=subject or self.maths,
                                             room=room or self.room)
        entry.classes.set(classes or [self.five_a])
        entry.teachers.set(teachers or [self.teacher])
        return entry

    def generate(self, weeks: int = 4, **kwargs):
        return lessons_generate(actor=self.admin, version=self.version, starts_on=self.monday,
                                ends_on=self.monday + timedelta(days=7 * weeks - 1), **kwargs)


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        yield World(school1)


def _dates(qs) -> list[date]:
    return sorted(qs.values_list("date", flat=True))


def test_a_lesson_for_every_matching_weekday_with_everything_copied(world):
    entry = world.entry(weekday=3, bell=2)
    report = world.generate(weeks=2)
    assert report.created == 2
    lessons = list(Lesson.objects.filter(entry=entry).order_by("date"))
    assert [x.date for x in lessons] == [world.monday + timedelta(days=2), world.monday + timedelta(days=9)]
    lesson = lessons[0]
    assert (lesson.subject, lesson.room, lesson.bell_number) == (world.maths, world.room, 2)
    assert list(lesson.teachers.all()) == [world.teacher]
    assert list(lesson.classes.all()) == [world.five_a]


def test_holidays_skip_the_whole_school_or_only_their_grades(world):
    fives = world.entry(weekday=1, classes=[world.five_a])
    ones = world.entry(weekday=1, bell=2, classes=[world.one_a])
    stream = world.entry(weekday=1, bell=3, classes=[world.one_a, world.five_a])
    second, third = world.monday + timedelta(days=7), world.monday + timedelta(days=14)
    Holiday.objects.create(year=world.year, name="каникулы", starts_on=second, ends_on=second + timedelta(days=4))
    Holiday.objects.create(year=world.year, name="для первых", starts_on=third, ends_on=third, grades=[1])
    world.generate(weeks=4)
    assert second not in _dates(Lesson.objects.filter(entry=fives))  # the whole school is off
    assert _dates(Lesson.objects.filter(entry=fives)) == [world.monday, third, third + timedelta(days=7)]
    assert _dates(Lesson.objects.filter(entry=ones)) == [world.monday, third + timedelta(days=7)]
    # The stream is held for the class still at school.
    held = Lesson.objects.get(entry=stream, date=third)
    assert list(held.classes.all()) == [world.five_a]
    Holiday.objects.create(year=world.year, name="все", starts_on=third, ends_on=third, grades=[1, 5])
    report = world.generate(weeks=4)
    assert not Lesson.objects.filter(entry=stream, date=third).exists()
    assert report.deleted == 2  # 5А's lesson and the stream on that day


def test_a_and_b_weeks_alternate_from_the_versions_monday(world):
    music = world.entry(weekday=4, bell=5, subject=world.music, week_type=WeekType.A)
    art = world.entry(weekday=4, bell=5, subject=world.art, week_type=WeekType.B)
    world.generate(weeks=4)
    thursday = world.monday + timedelta(days=3)
    assert _dates(Lesson.objects.filter(entry=music)) == [thursday, thursday + timedelta(days=14)]
    assert _dates(Lesson.objects.filter(entry=art)) == [thursday + timedelta(days=7), thursday + timedelta(days=21)]


def test_a_double_lesson_runs_from_its_first_bell_to_its_last(world):
    entry = world.entry(weekday=2, bell=1, duration=2)
    world.generate(weeks=1)
    lesson = Lesson.objects.get(entry=entry)
    # The demo's standard bells: 1st 08:30–09:15, 2nd 09:25–10:10; the school is in Moscow.
    moscow = ZoneInfo("Europe/Moscow")
    assert lesson.starts_at == datetime.combine(lesson.date, time(8, 30), tzinfo=moscow)
    assert lesson.ends_at == datetime.combine(lesson.date, time(10, 10), tzinfo=moscow)
    assert Lesson.objects.filter(entry=entry).count() == 1


def test_times_are_local_to_the_school_even_when_that_is_yesterday_in_utc(world):
    School.objects.filter(pk=world.cast.school.pk).update(timezone="Asia/Vladivostok")
    entry = world.entry(weekday=1, bell=1)
    world.generate(weeks=1)  # no school given: the one whose schema we are in
    lesson = Lesson.objects.get(entry=entry)
    day_before = world.monday - timedelta(days=1)
    assert lesson.starts_at == datetime(day_before.year, day_before.month, day_before.day, 22, 30, tzinfo=UTC)


def test_a_second_run_changes_nothing(world):
    world.entry(weekday=1)
    world.entry(weekday=2, bell=3, duration=2, classes=[world.one_a, world.five_a])
    first = world.generate()
    count = Lesson.objects.count()
    links = Lesson.teachers.through.objects.count(), Lesson.classes.through.objects.count()
    again = world.generate()
    assert first.created == 8
    assert (again.created, again.updated, again.deleted, again.kept, again.unchanged) == (0, 0, 0, [], 8)
    assert Lesson.objects.count() == count
    assert (Lesson.teachers.through.objects.count(), Lesson.classes.through.objects.count()) == links


def test_regeneration_keeps_lessons_holding_data_and_says_why(world):
    entry = world.entry(weekday=1)
    world.generate(weeks=3)
    with_topic, with_change, unused = Lesson.objects.filter(entry=entry).order_by("date")
    with_topic.topic = "Дроби"
    with_topic.save()
    Substitution.objects.create(lesson=with_change, kind=Substitution.Kind.ROOM, before={})
    entry.delete()
    report = world.generate(weeks=3)
    assert report.deleted == 1 and not Lesson.objects.filter(pk=unused.pk).exists()
    kept = {item.lesson.pk: (item.mismatch, item.reasons) for item in report.kept}
    assert kept == {with_topic.pk: ("entry_removed", ["topic"]), with_change.pk: ("entry_removed", ["substitution"])}


def test_a_changed_subject_replaces_unused_lessons_but_never_duplicates_a_kept_one(world):
    entry = world.entry(weekday=1)
    world.generate(weeks=2)
    held, unused = Lesson.objects.filter(entry=entry).order_by("date")
    assert unused.subject == world.maths
    held.topic = "Дроби"
    held.save()
    TemplateEntry.objects.filter(pk=entry.pk).update(subject=world.music)
    report = world.generate(weeks=2)
    assert (report.deleted, report.created) == (1, 1)
    assert [(k.lesson.pk, k.mismatch) for k in report.kept] == [(held.pk, "subject_changed")]
    assert list(Lesson.objects.filter(entry=entry).order_by("date").values_list("subject", flat=True)) == [
        world.maths.pk, world.music.pk]


def test_a_new_teacher_or_room_updates_the_lessons_in_place_unless_substituted(world):
    entry = world.entry(weekday=1)
    world.generate(weeks=2)
    first, second = Lesson.objects.filter(entry=entry).order_by("date")
    Substitution.objects.create(lesson=second, kind=Substitution.Kind.TEACHER, before={})
    other = selectors.teachers().exclude(pk=world.teacher.pk).first()
    entry.teachers.set([other])
    TemplateEntry.objects.filter(pk=entry.pk).update(room=world.other_room)
    report = world.generate(weeks=2)
    assert (report.updated, report.created, report.deleted) == (1, 0, 0)
    first.refresh_from_db()
    assert list(first.teachers.all()) == [other] and first.room == world.other_room
    assert list(second.teachers.all()) == [world.teacher]  # the substitution decides this one


def test_a_moved_lesson_is_not_created_again_in_its_old_slot(world):
    entry = world.entry(weekday=1)
    world.generate(weeks=1)
    lesson = Lesson.objects.get(entry=entry)
    Substitution.objects.create(lesson=lesson, kind=Substitution.Kind.MOVE,
                                before={"date": lesson.date.isoformat(), "bell_number": 1})
    Lesson.objects.filter(pk=lesson.pk).update(date=lesson.date + timedelta(days=1), bell_number=6)
    report = world.generate(weeks=1)
    assert (report.created, report.deleted, report.kept) == (0, 0, [])
    assert Lesson.objects.filter(entry=entry).count() == 1


def test_dates_outside_the_version_and_the_year_are_not_generated(world):
    world.entry(weekday=1)
    world.version.valid_to = world.monday + timedelta(days=7)
    world.version.save()
    report = world.generate(weeks=4)
    assert report.created == 2 and report.ends_on == world.monday + timedelta(days=7)
    before_year = lessons_generate(actor=None, version=world.version, starts_on=date(2000, 1, 1),
                                   ends_on=date(2000, 2, 1))
    assert before_year.starts_on is None and before_year.created == 0


def test_only_the_administrator_generates(world):
    world.entry(weekday=1)
    with pytest.raises(PermissionDenied):
        lessons_generate(actor=world.teacher, version=world.version, starts_on=world.monday,
                         ends_on=world.monday + timedelta(days=6))
    assert not Lesson.objects.filter(entry__version=world.version).exists()


# ---- the page ----------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["teacher", "student", "parent", "director"])
def test_the_page_is_not_found_for_anyone_but_the_administrator(school1, who):
    client = client_for(school1.host, getattr(school1, who))
    assert client.get("/timetable/lessons/").status_code == 404
    assert client.post("/timetable/lessons/", {}).status_code == 404


def test_the_administrator_generates_a_period_and_reads_the_report(world):
    world.entry(weekday=1)
    period = world.year.periods.order_by("number").first()
    client = client_for(world.cast.host, world.cast.admin)
    page = client.get("/timetable/lessons/")
    assert page.status_code == 200 and b'data-testid="generate-form"' in page.content
    response = client.post("/timetable/lessons/", {"version": world.version.pk, "period": period.pk})
    assert response.status_code == 200
    report = response.context["report"]
    mondays = sum(1 for n in range((period.ends_on - period.starts_on).days + 1)
                  if (period.starts_on + timedelta(days=n)).weekday() == 0)
    assert report.created == mondays and report.starts_on == period.starts_on
    assert b'data-testid="report-created"' in response.content
    again = client.post("/timetable/lessons/", {"version": world.version.pk, "period": period.pk})
    assert again.context["report"].created == 0


def test_the_report_lists_the_kept_lessons(world):
    entry = world.entry(weekday=1)
    world.generate(weeks=2)
    held = Lesson.objects.filter(entry=entry).earliest("date")
    Lesson.objects.filter(pk=held.pk).update(topic="Дроби")
    entry.delete()
    client = client_for(world.cast.host, world.cast.admin)
    response = client.post("/timetable/lessons/", {"version": world.version.pk, "starts_on": world.monday,
                                                   "ends_on": world.monday + timedelta(days=13)})
    assert response.status_code == 200
    assert response.context["report"].deleted == 1
    assert f'data-testid="kept-{held.pk}"'.encode() in response.content


def test_the_page_refuses_half_a_date_range(world):
    client = client_for(world.cast.host, world.cast.admin)
    response = client.post("/timetable/lessons/", {"version": world.version.pk, "starts_on": world.monday})
    assert response.status_code == 200 and response.context["report"] is None
    assert "ends_on" in response.context["form"].errors
    assert not Lesson.objects.filter(entry__version=world.version).exists()


# ---- the demo timetable ------------------------------------------------------------------

def test_the_demo_timetable_is_full_conflict_free_and_has_the_showcase_entries(school1):
    from timetable.demo import demo_timetable_seed

    with schema_context(school1.school.schema_name):
        if not TimetableVersion.objects.exists():  # once seed_demo runs it, the session has it already
            demo_timetable_seed(school1.school, 1)
        version = TimetableVersion.objects.get()
        entries = list(TemplateEntry.objects.filter(version=version).prefetch_related("teachers", "classes")
                       .select_related("subject", "room", "subgroup"))
        busy = Counter()
        per_day = Counter()
        for e in entries:
            weeks = [WeekType.A, WeekType.B] if e.week_type == WeekType.EVERY else [e.week_type]
            for week in weeks:
                for t in e.teachers.all():
                    busy[("teacher", t.pk, e.weekday, e.bell_number, week)] += 1
                busy[("room", e.room_id, e.weekday, e.bell_number, week)] += 1
            if e.week_type != WeekType.B and (e.subgroup is None or e.subgroup.name == "группа 1"):
                for c in e.classes.all():
                    per_day[(c.name, e.weekday)] += 1
        assert [k for k, n in busy.items() if n > 1] == []
        assert all(4 <= n <= 6 for n in per_day.values()), per_day
        assert len(per_day) == 10 * 5
        by_slot = {(e.weekday, e.bell_number, e.week_type, e.subject.name) for e in entries
                   if [c.name for c in e.classes.all()] == ["5А"]}
        assert {(4, 5, "a", "Музыка"), (4, 5, "b", "Изобразительное искусство")} <= by_slot
        groups = [e for e in entries if e.subgroup is not None]
        assert {e.subgroup.name for e in groups} == {"группа 1", "группа 2"}
        assert len({e.room_id for e in groups}) == 2 and len({e.teachers.get().pk for e in groups}) == 2
        stream = [e for e in entries if len(e.classes.all()) > 1]
        assert len(stream) == 1 and {c.name for c in stream[0].classes.all()} == {"8А", "9А"}
        assert stream[0].room.kind == Room.Kind.HALL
        lessons = Lesson.objects.filter(entry__version=version)
        assert lessons.count() > 5000
        # No lessons in the autumn vacation the demo adds between the 1st and the 2nd quarter.
        autumn = Holiday.objects.get(name="Осенние каникулы")
        assert not lessons.filter(date__range=(autumn.starts_on, autumn.ends_on)).exists()
        again = lessons_generate(actor=None, version=version, starts_on=version.valid_from, ends_on=version.valid_to,
                                 school=school1.school)
        assert (again.created, again.updated, again.deleted) == (0, 0, 0)


@pytest.mark.parametrize("cast", ["school1", "school2"])
def test_the_demo_load_is_a_real_schools(cast, request):
    """Every class has its own class teacher and a full week (9А had none); every subject
    of grades 5–9 is taught by a teacher of that subject, with all its hours in the
    timetable; teacher@ leads 5А only and teaches Russian and literature in 5А, 5Б and 7А,
    what the journeys open."""
    from timetable.demo import DEMO_TEACHER_CLASSES, SPECIALTY
    from timetable.models import TeachingAssignment

    school = request.getfixturevalue(cast)
    with schema_context(school.school.schema_name):
        teacher = school.person(school.teacher)
        classes = list(SchoolClass.objects.order_by("grade", "letter"))
        leaders = [c.class_teacher_id for c in classes]
        assert None not in leaders and len(set(leaders)) == len(classes)
        assert [c.name for c in classes if c.class_teacher_id == teacher.pk] == ["5А"]
        for school_class in classes:
            days = Counter(Lesson.objects.filter(classes=school_class).values_list("date__week_day", flat=True))
            assert set(days) == {2, 3, 4, 5, 6}, (school_class.name, days)  # Monday to Friday

        mine = TeachingAssignment.objects.filter(teacher=teacher).select_related("subject", "school_class")
        assert {a.subject.name for a in mine} == {"Русский язык", "Литература"}
        assert {a.school_class.name for a in mine} == set(DEMO_TEACHER_CLASSES)
        assert 18 <= sum(a.hours_per_week for a in mine) <= 24
        assert Lesson.objects.filter(teachers=teacher, classes__grade=5, classes__letter="А",
                                     subject__name="Русский язык").exists()

        for a in TeachingAssignment.objects.select_related("subject", "teacher", "school_class"):
            placed = TemplateEntry.objects.filter(assignment=a).count()
            name = (a.school_class.name, a.subject.name)
            if a.subject.name == "Финансовая грамотность":  # 8А and 9А together: one entry of both
                assert "обществознания" in a.teacher.position
                continue
            if name in (("5А", "Музыка"), ("5А", "Изобразительное искусство")):
                assert placed == 1, name  # A/B weeks: one slot for the two
            else:
                assert placed == a.hours_per_week, name
            if a.school_class.grade >= 5:
                assert SPECIALTY[a.subject.name] in a.teacher.position, (name, a.teacher.position)
