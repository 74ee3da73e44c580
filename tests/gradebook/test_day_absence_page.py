"""The whole-day absence page (/journal/absences/) and its API: the class teacher (or the
administration) gives a student one code on every lesson they have that day — those
lessons only, all or nothing; other teachers and parents find nothing there."""

from __future__ import annotations

from datetime import timedelta

from gradebook.models import Attendance
from tests.gradebook import test_journal_world
from tests.gradebook.test_journal_world import World
from timetable.models import Lesson, Subgroup

world = test_journal_world.world  # the fixture, shared by the journal tests

PAGE = "/journal/absences/"


def _day_lessons(w: World, student) -> set[int]:
    """The lessons `day_absence_set` should mark: the class's, that day, not cancelled, for
    the whole class (the newcomer is in no group)."""
    return set(Lesson.objects.filter(date=w.j.day, classes=w.j.school_class, subgroup__isnull=True)
               .exclude(status=Lesson.Status.CANCELLED).values_list("pk", flat=True))


def _setup(w: World):
    """A newcomer (no attendance yet), a group lesson without them, a cancelled lesson and a
    lesson the next day: none of those three may be marked."""
    assert w.j.school_class.class_teacher_id == w.j.teacher.pk  # the demo teacher leads the class
    s = w.j.newcomer()
    group = Subgroup.objects.create(name="Группа (тест)", school_class=w.j.school_class)
    group.students.add(w.j.classmate)
    others = [
        w.j.lesson_at(w.j.day, 9, subgroup=group),
        w.j.lesson_at(w.j.day, 10, status=Lesson.Status.CANCELLED),
        w.j.lesson_at(w.j.day + timedelta(days=1), 9),
    ]
    return s, others


def _url(w: World) -> str:
    return f"{PAGE}?class={w.j.school_class.pk}&date={w.j.day.isoformat()}"


def test_class_teacher_marks_every_lesson_of_the_day_and_only_those(world: World):
    s, others = _setup(world)
    expected = _day_lessons(world, s)
    assert world.j.lesson.pk in expected
    classmate_before = sorted(Attendance.objects.filter(student=world.j.classmate).values_list("pk", "code_id",
                                                                                                "version"))

    page = world.teacher.get(_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert s.short_name in html and f'name="code-{s.pk}"' in html and 'value="б"' in html

    response = world.teacher.post(PAGE, {"class": world.j.school_class.pk, "date": world.j.day.isoformat(),
                                         "student": s.pk, f"code-{s.pk}": "б", "reason": ""})

    assert response.status_code == 302
    assert response["Location"] == _url(world)
    entries = Attendance.objects.filter(student=s)
    assert set(entries.values_list("lesson_id", flat=True)) == expected
    assert set(entries.values_list("code__code", flat=True)) == {"б"}
    assert not Attendance.objects.filter(student=s, lesson__in=others).exists()
    assert sorted(Attendance.objects.filter(student=world.j.classmate).values_list("pk", "code_id", "version")) \
        == classmate_before
    followed = world.teacher.get(response["Location"]).content.decode()
    assert f"{len(expected)} " in followed  # the message and the row say how many lessons
    row = followed.split(f'data-student="{s.pk}"')[1].split("</tr>")[0]
    assert f'data-testid="lesson-count">{len(expected)}<' in row and "<b class=\"jr-a\">б</b>" in row

    # "present" clears the day again.
    response = world.teacher.post(PAGE, {"class": world.j.school_class.pk, "date": world.j.day.isoformat(),
                                         "student": s.pk, f"code-{s.pk}": ""})
    assert response.status_code == 302
    assert not Attendance.objects.filter(student=s).exists()


def test_a_refused_day_saves_nothing_and_says_why(world: World):
    s, _others = _setup(world)
    url_data = {"class": world.j.school_class.pk, "date": world.j.day.isoformat(), "student": s.pk}
    # Not an absence code («оп», late, is not one).
    bad = world.teacher.post(PAGE, {**url_data, f"code-{s.pk}": "оп"})
    assert bad.status_code == 400 and 'data-testid="row-error"' in bad.content.decode()
    # A closed period.
    period = world.j.period
    period.is_closed = True
    period.save(update_fields=["is_closed"])
    closed = world.teacher.post(PAGE, {**url_data, f"code-{s.pk}": "б"})
    assert closed.status_code == 400
    html = closed.content.decode()
    assert 'data-testid="row-error"' in html and period.name in html and 'data-testid="form-error"' in html
    assert not Attendance.objects.filter(student=s).exists()


def test_who_may_open_the_page(world: World, school1):
    s, _others = _setup(world)
    url = _url(world)
    post = {"class": world.j.school_class.pk, "date": world.j.day.isoformat(), "student": s.pk,
            f"code-{s.pk}": "н"}
    # A teacher in the class who is not its class teacher, a stranger, a parent, a student: not found.
    for person in (world.colleague, world.stranger):
        client = world.client(person)
        assert client.get(url).status_code == 404
        assert client.get(PAGE).status_code == 404
        assert client.post(PAGE, post).status_code == 404
    for account in (school1.parent, school1.student):
        assert world.client(account).get(url).status_code == 404
        assert world.client(account).post(PAGE, post).status_code == 404
    assert not Attendance.objects.filter(student=s).exists()
    # A student of another class on the class teacher's form: not found either.
    outsider = world.j.outsider
    assert world.teacher.post(PAGE, {**post, "student": outsider.pk, f"code-{outsider.pk}": "н"}).status_code == 404
    # The class teacher without parameters gets their class; the administration any class.
    assert s.short_name in world.teacher.get(PAGE).content.decode()
    admin = world.client(school1.admin)
    assert admin.get(PAGE).status_code == 200
    assert admin.get(url).status_code == 200
    assert admin.post(PAGE, post).status_code == 302
    assert Attendance.objects.filter(student=s).exists()


def test_links_from_the_class_page_and_the_journal(world: World):
    class_page = f"/classes/{world.j.school_class.pk}/"
    assert 'data-testid="day-absence-link"' in world.teacher.get(class_page).content.decode()
    assert 'data-testid="day-absence-link"' in world.teacher.get("/journal/").content.decode()
    colleague = world.client(world.colleague)
    assert 'data-testid="day-absence-link"' not in colleague.get(class_page).content.decode()
    assert 'data-testid="day-absence-link"' not in colleague.get("/journal/").content.decode()


def test_api_marks_the_day_with_the_same_permissions(world: World, school1):
    s, others = _setup(world)
    expected = _day_lessons(world, s)
    url = f"/api/v1/gradebook/students/{s.pk}/day-absence/"
    body = {"date": world.j.day.isoformat(), "code": "Н"}

    for person in (world.colleague, world.stranger):
        assert world.client(person).post(url, body, content_type="application/json").status_code == 404
    assert world.client(school1.parent).post(url, body, content_type="application/json").status_code == 404
    assert not Attendance.objects.filter(student=s).exists()
    assert world.teacher.post(f"/api/v1/gradebook/students/{world.j.outsider.pk}/day-absence/", body,
                              content_type="application/json").status_code == 404

    response = world.teacher.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == {"student": s.pk, "date": world.j.day.isoformat(), "code": "н",
                               "lessons": len(expected)}
    assert set(Attendance.objects.filter(student=s).values_list("lesson_id", flat=True)) == expected
    assert not Attendance.objects.filter(student=s, lesson__in=others).exists()

    bad = world.teacher.post(url, {"date": world.j.day.isoformat(), "code": "оп"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "code"
    assert world.teacher.post(url, {"code": "н"}, content_type="application/json").status_code == 400

    period = world.j.period
    period.is_closed = True
    period.save(update_fields=["is_closed"])
    closed = world.client(school1.admin).post(url, {"date": world.j.day.isoformat(), "code": None},
                                              content_type="application/json")
    assert closed.status_code == 400 and closed.json()["code"] == "period_closed"
    assert Attendance.objects.filter(student=s).count() == len(expected)  # nothing cleared
