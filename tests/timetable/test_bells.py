"""Several bell schedules in one timetable (a weekday variant, a second shift), short days
and five- or six-day weeks: generation times lessons from the right bells in the school's
zone, a short day re-times exactly its lessons, a five-day class has no Saturday lessons;
the bells page's forms refuse bad input with nothing saved; the week views show it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.models import SchoolClass, SchoolSettings
from tests.conftest import client_for
from tests.timetable.test_generation import World
from timetable import conflicts as checks
from timetable import services
from timetable.models import Bell, BellSchedule, BellScheduleUse, Lesson, ShortDay, TemplateEntry
from timetable.services import bells as bell_services
from timetable.services.template import template_entry_set


@pytest.fixture
def world(school1):
    with schema_context(school1.school.schema_name):
        world = World(school1)
        world.zone = ZoneInfo(school1.school.timezone)
        world.default = BellSchedule.objects.get(is_default=True)
        SchoolClass.objects.filter(pk__in=[world.five_a.pk, world.one_a.pk]).update(week_days=None)
        SchoolSettings.objects.update_or_create(pk=1, defaults={"week_days": 5})
        yield world


def _schedule(name: str, first: time, lessons: int = 7, length: int = 40):
    return services.bell_schedule_set(actor=None, name=name, is_default=False,
                                      bells=services.standard_bells(first=first, lessons=lessons, length=length))


def _local(lesson: Lesson, zone: ZoneInfo) -> tuple[time, time]:
    return lesson.starts_at.astimezone(zone).time(), lesson.ends_at.astimezone(zone).time()


def _bell(schedule: BellSchedule, number: int) -> tuple[time, time]:
    bell = Bell.objects.get(schedule=schedule, number=number)
    return bell.starts_at, bell.ends_at


def test_a_weekday_variant_and_a_second_shift_time_the_lessons(world):
    monday_bells = _schedule("Понедельник", time(9, 10))
    shift = _schedule("Вторая смена", time(14, 0))
    first_graders_monday = _schedule("Первые по понедельникам", time(12, 0))
    bell_services.bell_schedule_use_add(actor=world.admin, version=world.version, bell_schedule=monday_bells,
                                        weekdays=[1])
    bell_services.bell_schedule_use_add(actor=world.admin, version=world.version, bell_schedule=shift, grades=[1])
    bell_services.bell_schedule_use_add(actor=world.admin, version=world.version,
                                        bell_schedule=first_graders_monday, weekdays=[1], grades=[1])
    five_monday = world.entry(weekday=1, bell=1)
    five_tuesday = world.entry(weekday=2, bell=1)
    one_tuesday = world.entry(weekday=2, bell=2, classes=[world.one_a], room=world.other_room)
    one_monday = world.entry(weekday=1, bell=2, classes=[world.one_a], room=world.other_room)
    stream = world.entry(weekday=3, bell=3, classes=[world.five_a, world.one_a])

    report = world.generate(weeks=1)

    assert report.created == 5 and not report.skipped_entries
    zone = world.zone
    assert _local(Lesson.objects.get(entry=five_monday), zone) == _bell(monday_bells, 1)  # weekday variant
    assert _local(Lesson.objects.get(entry=five_tuesday), zone) == _bell(world.default, 1)  # the version's own
    assert _local(Lesson.objects.get(entry=one_tuesday), zone) == _bell(shift, 2)  # the grade's shift
    assert _local(Lesson.objects.get(entry=one_monday), zone) == _bell(first_graders_monday, 2)  # most specific
    assert _local(Lesson.objects.get(entry=stream), zone) == _bell(shift, 3)  # a stream: its lowest grade
    lesson = Lesson.objects.get(entry=one_tuesday)
    assert lesson.starts_at == datetime.combine(lesson.date, time(14, 50), tzinfo=zone)  # 14:00 + 40 + 10
    assert world.generate(weeks=1).changed is False


def test_the_school_time_zone_applies_to_every_schedule(world):
    from tenants.models import School

    School.objects.filter(pk=world.cast.school.pk).update(timezone="Asia/Vladivostok")
    school = School.objects.get(pk=world.cast.school.pk)
    shift = _schedule("Вторая смена", time(14, 0))
    BellScheduleUse.objects.create(version=world.version, bell_schedule=shift, grades=[1])
    entry = world.entry(weekday=2, bell=1, classes=[world.one_a])
    world.generate(weeks=1, school=school)
    lesson = Lesson.objects.get(entry=entry)
    assert lesson.starts_at.astimezone(ZoneInfo("Asia/Vladivostok")).time() == time(14, 0)
    assert lesson.starts_at.utcoffset() is not None and lesson.starts_at.hour == 4  # 14:00 +10 = 04:00 UTC


def test_a_use_is_refused_when_it_is_ambiguous_empty_or_lacks_the_timetables_lessons(world):
    monday_bells = _schedule("Понедельник", time(9, 10))
    other = _schedule("Другое", time(9, 0))
    short = _schedule("Три урока", time(8, 0), lessons=3)
    bell_services.bell_schedule_use_add(actor=world.admin, version=world.version, bell_schedule=monday_bells,
                                        weekdays=[1, 2])
    world.entry(weekday=4, bell=5)
    with pytest.raises(ValidationError) as ambiguous:
        bell_services.bell_schedule_use_add(actor=world.admin, version=world.version, bell_schedule=other,
                                            weekdays=[2, 3])
    assert ambiguous.value.code == "use_overlap"
    with pytest.raises(ValidationError) as everything:
        bell_services.bell_schedule_use_add(actor=world.admin, version=world.version, bell_schedule=other)
    assert everything.value.code == "use_everything"
    with pytest.raises(ValidationError) as lacking:
        bell_services.bell_schedule_use_add(actor=world.admin, version=world.version, bell_schedule=short,
                                            weekdays=[4])
    assert lacking.value.code == "bells_missing"
    assert "5" in lacking.value.messages[0]
    assert BellScheduleUse.objects.filter(version=world.version).count() == 1  # nothing half-saved


def test_a_short_day_retimes_only_that_days_lessons_of_its_grades(world):
    fives = world.entry(weekday=1, bell=2)
    ones = world.entry(weekday=1, bell=2, classes=[world.one_a], room=world.other_room)
    world.generate(weeks=2)
    monday, next_monday = world.monday, world.monday + timedelta(days=7)
    held = Lesson.objects.get(entry=fives, date=monday)
    held.topic = "Дроби"
    held.save()
    usual = _bell(world.default, 2)
    short = _schedule("Сокращённый", time(8, 30), length=30)

    day, moved = bell_services.short_day_set(actor=world.admin, date=monday, bell_schedule=short, grades=[5],
                                             reason="предпраздничный день")

    # Every grade-5 lesson of that day (the demo's too), and nothing else.
    fifth_grade = Lesson.objects.filter(date=monday, classes__grade=5).distinct()
    assert moved == fifth_grade.count() >= 1
    held.refresh_from_db()
    assert _local(held, world.zone) == _bell(short, 2) != usual
    assert held.topic == "Дроби"  # nothing but the times changes
    assert _local(Lesson.objects.get(entry=ones, date=monday), world.zone) == usual  # another grade
    assert _local(Lesson.objects.get(entry=fives, date=next_monday), world.zone) == usual  # another day
    assert world.generate(weeks=2).changed is False  # generation agrees with the short day

    with pytest.raises(ValidationError) as overlap:
        bell_services.short_day_set(actor=world.admin, date=monday, bell_schedule=short)
    assert overlap.value.code == "short_day_overlap"

    assert bell_services.short_day_delete(actor=world.admin, short_day=day) == moved
    held.refresh_from_db()
    assert _local(held, world.zone) == usual


def test_generation_uses_a_short_day_set_beforehand(world):
    entry = world.entry(weekday=2, bell=1)
    short = _schedule("Сокращённый", time(8, 0), length=30)
    tuesday = world.monday + timedelta(days=8)
    ShortDay.objects.create(date=tuesday, bell_schedule=short)  # the whole school
    world.generate(weeks=2)
    assert _local(Lesson.objects.get(entry=entry, date=tuesday), world.zone) == (time(8, 0), time(8, 30))
    assert _local(Lesson.objects.get(entry=entry, date=tuesday - timedelta(days=7)), world.zone) == \
        _bell(world.default, 1)


def test_a_five_day_class_gets_no_saturday_lessons_a_six_day_class_does(world):
    SchoolClass.objects.filter(pk=world.one_a.pk).update(week_days=6)
    fives = world.entry(weekday=6, bell=1)
    ones = world.entry(weekday=6, bell=2, classes=[world.one_a], room=world.other_room)
    stream = world.entry(weekday=6, bell=3, classes=[world.five_a, world.one_a])
    world.generate(weeks=2)
    assert not Lesson.objects.filter(entry=fives).exists()
    assert Lesson.objects.filter(entry=ones).count() == 2
    assert [list(x.classes.all()) for x in Lesson.objects.filter(entry=stream)] == [[world.one_a]] * 2

    bell_services.class_week_days_set(actor=world.admin, changes={SchoolClass.objects.get(pk=world.one_a.pk): 5})
    report = world.generate(weeks=2)
    assert report.deleted == 4 and not Lesson.objects.filter(entry__in=[ones, stream]).exists()


def test_the_editor_warns_about_a_saturday_lesson_of_a_five_day_class(world):
    SchoolClass.objects.filter(pk=world.one_a.pk).update(week_days=6)
    _entry, warnings, _snapshot = template_entry_set(
        actor=world.admin, version=world.version, weekday=6, bell_number=1, week_type="every", subject=world.maths,
        teachers=[world.teacher], room=world.room, classes=[world.five_a])
    assert [w.code for w in warnings] == [checks.WEEK_DAYS]
    assert "5А" in warnings[0].message
    _entry, warnings, _snapshot = template_entry_set(
        actor=world.admin, version=world.version, weekday=6, bell_number=2, week_type="every", subject=world.maths,
        teachers=[world.teacher], room=world.room, classes=[world.one_a])
    assert not [w for w in warnings if w.code == checks.WEEK_DAYS]


# ----- the bells page -----

def _codes(form) -> list[str]:
    return [error.code for errors in form.errors.as_data().values() for error in errors]


URL = "/calendar/bells/"


@pytest.mark.parametrize("who", ["teacher", "student", "parent"])
def test_the_bells_page_is_for_administrators_only(school1, who):
    client = client_for(school1.host, getattr(school1, who))
    assert client.get(URL).status_code in (403, 404)
    assert client.post(URL, {"action": "weeks"}).status_code in (403, 404)


def test_the_bells_page_shows_every_part(school1, world):
    response = client_for(school1.host, school1.admin).get(f"{URL}?version={world.version.pk}")
    assert response.status_code == 200
    for part in ("schedules", "uses", "short-days", "class-weeks"):
        assert f'data-testid="{part}"'.encode() in response.content
    assert world.default.name in response.content.decode()


def test_the_forms_refuse_bad_input_and_save_nothing(school1, world):
    client = client_for(school1.host, school1.admin)
    page = f"{URL}?version={world.version.pk}"
    schedules = BellSchedule.objects.count()
    # Lessons that overlap.
    response = client.post(page, {"action": "schedule", "name": "Кривое", "bells-TOTAL_FORMS": 2,
                                  "bells-INITIAL_FORMS": 0, "bells-0-starts_at": "08:30", "bells-0-ends_at": "09:15",
                                  "bells-1-starts_at": "09:00", "bells-1-ends_at": "09:40"})
    assert response.status_code == 200
    assert _codes(response.context["schedule_form"]) == ["bell_overlap"]
    assert 'role="alert"' in response.content.decode()
    assert BellSchedule.objects.count() == schedules
    # A use for every day and every grade.
    response = client.post(page, {"action": "use_add", "use-bell_schedule": world.default.pk})
    assert response.status_code == 200 and _codes(response.context["use_form"]) == ["use_everything"]
    # Grades that are not grades.
    response = client.post(page, {"action": "short_day", "short-date": world.monday.isoformat(),
                                  "short-bell_schedule": world.default.pk, "short-grades": "1-x"})
    assert response.status_code == 200 and _codes(response.context["short_form"]) == ["grades"]
    response = client.post(page, {"action": "short_day", "short-date": world.monday.isoformat(),
                                  "short-bell_schedule": world.default.pk, "short-grades": "3-15"})
    assert _codes(response.context["short_form"]) == ["grades"]
    response = client.post(page, {"action": "short_day", "short-date": "31.02.2026",
                                  "short-bell_schedule": world.default.pk})
    assert _codes(response.context["short_form"]) == ["invalid"]
    assert not BellScheduleUse.objects.filter(version=world.version).exists()
    assert not ShortDay.objects.exists()
    # The default schedule cannot be removed: the refusal is shown, nothing removed.
    response = client.post(page, {"action": "schedule_delete", "schedule": world.default.pk}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert BellSchedule.objects.filter(pk=world.default.pk).exists()


def test_the_forms_save_schedules_uses_short_days_and_weeks(school1, world):
    client = client_for(school1.host, school1.admin)
    page = f"{URL}?version={world.version.pk}"
    entry = world.entry(weekday=1, bell=1, classes=[world.one_a])
    world.generate(weeks=1)
    response = client.post(page, {"action": "schedule", "name": "Вторая смена", "bells-TOTAL_FORMS": 3,
                                  "bells-INITIAL_FORMS": 0, "bells-0-starts_at": "14:00", "bells-0-ends_at": "14:40",
                                  "bells-1-starts_at": "14:50", "bells-1-ends_at": "15:30",
                                  "bells-2-starts_at": "", "bells-2-ends_at": ""})
    assert response.status_code == 302
    shift = BellSchedule.objects.get(name="Вторая смена")
    assert shift.bells.count() == 2 and not shift.is_default
    response = client.post(page, {"action": "use_add", "use-bell_schedule": shift.pk, "use-grades": "1"})
    assert response.status_code == 302
    assert list(BellScheduleUse.objects.filter(version=world.version).values_list("grades", flat=True)) == [[1]]
    response = client.post(page, {"action": "short_day", "short-date": (world.monday + timedelta(days=1)).isoformat(),
                                  "short-bell_schedule": shift.pk, "short-grades": "1-4, 9", "short-reason": "мороз"})
    assert response.status_code == 302
    assert ShortDay.objects.get().grades == [1, 2, 3, 4, 9]
    response = client.post(page, {"action": "weeks", f"weeks-class_{world.one_a.pk}": "6",
                                  f"weeks-class_{world.five_a.pk}": ""})
    assert response.status_code == 302
    assert SchoolClass.objects.get(pk=world.one_a.pk).week_days == 6
    assert SchoolClass.objects.get(pk=world.five_a.pk).week_days is None
    # The lessons of 1А from today on follow the shift (the generated week may lie in the past).
    if world.monday >= datetime.now(world.zone).date():
        assert _local(Lesson.objects.get(entry=entry), world.zone)[0] == time(14, 0)


# ----- the week views -----

def test_the_class_week_shows_saturday_for_six_day_classes_and_marks_short_days(school1, world):
    client = client_for(school1.host, school1.admin)
    monday = world.monday
    ShortDay.objects.create(date=monday + timedelta(days=2), bell_schedule=world.default, grades=[5],
                            reason="мороз")
    ShortDay.objects.create(date=monday + timedelta(days=3), bell_schedule=world.default, grades=[1])
    five = client.get(f"/timetable/class/{world.five_a.pk}/?week={monday.isoformat()}").content.decode()
    assert five.count('data-testid="day"') == 5
    assert five.count('data-testid="short-day"') == 1 and "мороз" in five
    SchoolClass.objects.filter(pk=world.one_a.pk).update(week_days=6)
    one = client.get(f"/timetable/class/{world.one_a.pk}/?week={monday.isoformat()}").content.decode()
    assert one.count('data-testid="day"') == 6
    assert one.count('data-testid="short-day"') == 1


def test_template_entries_of_other_grades_are_checked_against_their_schedule(world):
    three = _schedule("Три урока", time(13, 0), lessons=3)
    BellScheduleUse.objects.create(version=world.version, bell_schedule=three, grades=[1])
    with pytest.raises(ValidationError) as refused:
        template_entry_set(actor=world.admin, version=world.version, weekday=2, bell_number=5, week_type="every",
                           subject=world.maths, teachers=[world.teacher], room=world.room, classes=[world.one_a])
    assert refused.value.code == "bell_number"
    assert not TemplateEntry.objects.filter(version=world.version).exists()
