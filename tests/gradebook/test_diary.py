"""The diary pages: what a student and a parent see in a week and for a period, the charts,
the rating, read tracking, who gets 404, and a constant number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.models import Enrollment, Guardianship, SchoolClass
from gradebook.models import DiaryVisit, GradebookSettings, HomeworkStudent, Mark, PeriodMark
from tenants.models import Membership
from tests.conftest import client_for
from tests.gradebook.test_diary_world import Diary, account_for, diary_build
from timetable.models import Lesson, Substitution
from timetable.services.substitutions import lesson_teacher_replace


@pytest.fixture
def diary(school1):
    with schema_context(school1.school.schema_name):
        yield diary_build(school1)


def _get(cast, account, url):
    return client_for(cast.host, account).get(url)


def _rows(response, student_id=None):
    weeks = response.context["weeks"]
    week = next(w for w in weeks if student_id is None or w.student.pk == student_id)
    return {r.lesson.pk: r for d in week.days for r in d.rows}


# --- The week ---------------------------------------------------------------------------------


def test_week_shows_topic_marks_absence_homework_and_changes(school1, diary: Diary):
    maths = diary.lesson(2, 1)
    Lesson.objects.filter(pk=maths.pk).update(topic="Сложение дробей")
    diary.mark(maths, " 5 ", comment="Отличный ответ у доски")
    missed = diary.lesson(2, 2, subject=diary.world.subjects[1])
    diary.absent(missed, "б")
    diary.homework(maths, "№ 245, 247", status=HomeworkStudent.Status.SEEN)
    cancelled = diary.lesson(3, 1, status=Lesson.Status.CANCELLED)
    Substitution.objects.create(lesson=cancelled, kind=Substitution.Kind.CANCEL, reason="Учитель на курсах")
    test = diary.test_work(4)
    diary.free_mark(test, "4")

    response = _get(school1, school1.student, f"/diary/?week={diary.world.monday}")

    assert response.status_code == 200
    html = response.content.decode()
    rows = _rows(response)
    assert [m.raw for m in rows[maths.pk].marks] == ["5"]
    assert "Сложение дробей" in html and "Отличный ответ у доски" in html
    assert rows[missed.pk].attendance.code.code == "б" and rows[maths.pk].attendance is None
    assert [h.homework.text for h in rows[maths.pk].homework] == ["№ 245, 247"]
    # The student sees that the lesson is cancelled, not why (the reason is for staff).
    assert rows[cancelled.pk].row.is_cancelled and rows[cancelled.pk].change.kind == Substitution.Kind.CANCEL
    assert 'data-testid="cancelled"' in html and "Учитель на курсах" not in html
    # The free-standing test shows on its own day, flagged important, with its weight.
    thursday = next(d for d in response.context["week"].days if d.date == diary.day(4))
    assert [m.raw for m in thursday.other_marks] == ["4"]
    assert 'data-testid="important"' in html and "Контрольная работа №1" in html
    assert 'data-testid="attendance"' in html and 'data-status="seen"' in html


def test_a_changes_reason_shows_to_staff_but_not_to_the_student_or_parent(school1, diary: Diary):
    """«Болезнь» is the absent teacher's illness: families see the substitute, not why."""
    SchoolClass.objects.filter(pk=diary.world.own_class.pk).update(class_teacher=diary.world.teacher)
    replaced = diary.lesson(2, 1)
    lesson_teacher_replace(actor=diary.director, lesson=replaced, substitute=diary.world.other_teacher,
                           reason="Болезнь")
    url = f"/diary/?student={diary.student.pk}&week={diary.world.monday}"
    api = f"/api/v1/gradebook/diary/{diary.student.pk}/week/?week={diary.world.monday}"

    for account in (school1.student, school1.parent):
        html = _get(school1, account, url).content.decode()
        assert 'data-testid="changed"' in html and diary.world.other_teacher.short_name in html
        assert "Болезнь" not in html, account
        data = _get(school1, account, api).json()
        change = next(row["change"] for day in data["days"] for row in day["lessons"] if row["change"])
        assert change == {"kind": "teacher", "reason": ""}, account
        assert "Болезнь" not in _get(school1, account, f"/timetable/?week={diary.world.monday}").content.decode()

    for account in (school1.teacher, school1.director):
        assert "Болезнь" in _get(school1, account, url).content.decode(), account
        assert "Болезнь" in _get(school1, account, api).content.decode(), account


def test_week_marks_today_and_links_to_neighbour_weeks(school1, diary: Diary):
    response = _get(school1, school1.student, "/diary/")

    assert response.status_code == 200
    week = response.context["week"]
    assert week.monday == diary.world.monday and week.is_this_week
    shown = [d for d in week.days if d.date == week.today]
    assert [d.is_today for d in shown] == [True] * len(shown)
    assert sum(d.is_today for d in week.days) == len(shown)
    html = response.content.decode()
    if shown:
        assert html.count('aria-current="date"') >= 1
    previous = (diary.world.monday - timedelta(days=7)).isoformat()
    following = (diary.world.monday + timedelta(days=7)).isoformat()
    assert f"week={previous}" in html and f"week={following}" in html
    later = _get(school1, school1.student, f"/diary/?week={following}")
    assert later.context["week"].monday == diary.world.monday + timedelta(days=7)
    assert not any(d.is_today for d in later.context["week"].days)


def test_homework_due_by_date_sits_on_the_subjects_lesson_of_that_day(school1, diary: Diary):
    maths = diary.lesson(1, 3)
    diary.homework(maths, "Выучить правило", due_by_date=True)

    response = _get(school1, school1.student, f"/diary/?week={diary.world.monday}")

    assert [h.homework.text for h in _rows(response)[maths.pk].homework] == ["Выучить правило"]


def test_another_groups_lesson_and_its_marks_stay_out(school1, diary: Diary):
    mine = diary.lesson(1, 1, subgroup=diary.world.group_in)
    theirs = diary.lesson(1, 1, subgroup=diary.world.group_out, room=diary.world.rooms[1])

    response = _get(school1, school1.student, f"/diary/?week={diary.world.monday}")

    assert set(_rows(response)) == {mine.pk}
    assert theirs.pk not in _rows(response)


def test_a_classmates_marks_never_show(school1, diary: Diary):
    lesson = diary.lesson(1, 1)
    classmate = diary.classmates(1)[0]
    diary.mark(lesson, "2", student=classmate, comment="Чужой комментарий")

    response = _get(school1, school1.student, f"/diary/?week={diary.world.monday}")

    assert _rows(response)[lesson.pk].marks == []
    assert "Чужой комментарий" not in response.content.decode()


# --- Parents: children, all at once, other schools ---------------------------------------------


def test_parent_switches_between_children_and_sees_all_at_once(school1, diary: Diary):
    lesson = diary.lesson(1, 1)
    diary.mark(lesson, "4")
    second = diary.other_children(1)[0]

    one = _get(school1, school1.parent, f"/diary/?student={diary.student.pk}&week={diary.world.monday}")
    both = _get(school1, school1.parent, f"/diary/?student=all&week={diary.world.monday}")
    default = _get(school1, school1.parent, f"/diary/?week={diary.world.monday}")
    other = _get(school1, school1.parent, f"/diary/?student={second.pk}&week={diary.world.monday}")

    assert [w.student.pk for w in one.context["weeks"]] == [diary.student.pk]
    assert [m.raw for m in _rows(one)[lesson.pk].marks] == ["4"]
    assert {w.student.pk for w in both.context["weeks"]} == {diary.student.pk, second.pk}
    assert both.content.decode().count('data-testid="child-week"') == 2
    assert {w.student.pk for w in default.context["weeks"]} == {diary.student.pk, second.pk}
    assert other.status_code == 200 and lesson.pk not in _rows(other)
    assert 'data-testid="child-tabs"' in one.content.decode()


def test_parent_sees_links_to_their_childrens_diary_in_other_schools(school1, school2):
    Membership.objects.update_or_create(account=school1.parent, school=school2.school,
                                        defaults={"roles": ["parent"], "is_active": True})

    response = _get(school1, school1.parent, "/diary/")

    assert response.status_code == 200
    links = [o["url"] for o in response.context["other_schools"]]
    assert links == [f"http://{school2.host}/diary/"]
    assert 'data-testid="other-school"' in response.content.decode()


# --- Permissions: 404 for everyone else --------------------------------------------------------


DIARY_URLS = ["/diary/?student={id}", "/diary/marks/?student={id}"]


@pytest.mark.parametrize("url", DIARY_URLS)
def test_parent_of_another_child_gets_404(school1, diary: Diary, url):
    stranger = diary.classmates(1)[0]

    response = _get(school1, school1.parent, url.format(id=stranger.pk))

    assert response.status_code == 404


@pytest.mark.parametrize("url", DIARY_URLS)
def test_student_of_another_class_gets_404(school1, diary: Diary, url):
    other = Enrollment.objects.filter(school_class=diary.world.other_class).first().student
    account = account_for(school1, other)

    response = _get(school1, account, url.format(id=diary.student.pk))

    assert response.status_code == 404


@pytest.mark.parametrize("url", DIARY_URLS)
def test_missing_and_malformed_students_get_404(school1, diary: Diary, url):
    assert _get(school1, school1.parent, url.format(id=999999)).status_code == 404
    assert _get(school1, school1.parent, url.format(id="x1")).status_code == 404


@pytest.mark.parametrize("url", DIARY_URLS)
def test_a_teacher_who_does_not_lead_the_class_gets_404(school1, diary: Diary, url):
    teacher = diary.world.other_teacher
    SchoolClass.objects.filter(class_teacher=teacher).update(class_teacher=None)
    teacher.roles = ["teacher"]
    teacher.save(update_fields=["roles"])

    response = _get(school1, account_for(school1, teacher), url.format(id=diary.student.pk))

    assert response.status_code == 404


@pytest.mark.parametrize("url", DIARY_URLS)
def test_class_teacher_and_administration_open_a_students_diary(school1, diary: Diary, url):
    SchoolClass.objects.filter(pk=diary.world.own_class.pk).update(class_teacher=diary.world.teacher)

    for account in (school1.teacher, school1.director, school1.deputy):
        assert _get(school1, account, url.format(id=diary.student.pk)).status_code == 200


def test_a_school2_parent_cannot_open_school1s_diary(school1, school2, diary: Diary):
    response = _get(school1, school2.parent, f"/diary/?student={diary.student.pk}")

    assert response.status_code in (403, 404)


def test_work_distribution_is_404_for_another_class(school1, diary: Diary):
    work = diary.test_work(2)
    other = Enrollment.objects.filter(school_class=diary.world.other_class).first().student

    assert _get(school1, account_for(school1, other), f"/diary/works/{work.pk}/").status_code == 404
    assert _get(school1, school1.student, f"/diary/works/{work.pk}/").status_code == 200
    assert _get(school1, school1.parent, f"/diary/works/{work.pk}/").status_code == 200
    assert _get(school1, school1.parent, "/diary/works/999999/").status_code == 404


# --- Marks for a period, charts ----------------------------------------------------------------


def test_marks_page_lists_marks_with_weights_average_and_period_mark(school1, diary: Diary):
    maths = diary.world.subjects[0]
    diary.mark(diary.lesson(1, 1), "5")
    diary.mark(diary.lesson(2, 1), "3")
    diary.free_mark(diary.test_work(3), "4")  # weight 2
    PeriodMark.objects.update_or_create(student=diary.student, subject=maths, kind=PeriodMark.Kind.PERIOD,
                                        period=diary.period, year=diary.period.year,
                                        defaults={"school_class": diary.world.own_class, "raw": "4"})
    PeriodMark.objects.create(student=diary.student, subject=maths, school_class=diary.world.own_class,
                              kind=PeriodMark.Kind.ANNUAL, period=None, year=diary.period.year, raw="5")

    response = _get(school1, school1.student, f"/diary/marks/?period={diary.period.pk}")

    assert response.status_code == 200
    line = next(s for s in response.context["report"].subjects if s.subject.pk == maths.pk)
    assert [m.raw for m in line.marks] == ["5", "3", "4"]
    assert str(line.average) == "4.00"  # (5·1 + 3·1 + 4·2) / 4
    assert line.period_mark.raw == "4" and line.annual.raw == "5"
    html = response.content.decode()
    section = html[html.index(f'data-subject-id="{maths.pk}"'):]
    section = section[:section.index("</section>")]
    assert re.search(r'data-testid="average">4[.,]00<', section)
    assert 'data-testid="period-mark">4<' in section and 'data-testid="annual-mark">5<' in section
    assert section.count('data-testid="weight"') == 3


def test_subject_without_marks_shows_dashes(school1, diary: Diary):
    diary.mark(diary.lesson(1, 1), "5")
    response = _get(school1, school1.student, f"/diary/marks/?period={diary.period.pk}")
    html = response.content.decode()
    assert 'data-testid="period-mark">—<' in html


def test_running_average_chart_has_a_point_per_counted_mark(school1, diary: Diary):
    for weekday, raw in ((1, "5"), (2, "3"), (3, "4"), (4, "2")):
        diary.mark(diary.lesson(weekday, 1), raw)
    diary.mark(diary.lesson(5, 1), "5", excluded=True)  # not counted: no point

    response = _get(school1, school1.student, f"/diary/marks/?period={diary.period.pk}")

    html = response.content.decode()
    charts = re.findall(r'<svg class="chart chart-line".*?</svg>', html, re.S)
    assert len(charts) == 1
    points = re.search(r'points="([^"]+)"', charts[0]).group(1).split()
    assert len(points) == 4
    assert charts[0].count("<circle") == 4 and "<title" in charts[0] and 'role="img"' in charts[0]
    line = response.context["report"].subjects[0]
    assert [str(v) for _d, v in line.points] == ["5.00", "4.00", "4.00", "3.50"]


def test_unknown_period_is_404(school1, diary: Diary):
    assert _get(school1, school1.student, "/diary/marks/?period=999999").status_code == 404


def test_work_distribution_counts_marks_per_value_without_names(school1, diary: Diary):
    work = diary.test_work(2)
    mates = diary.classmates(4)
    for student, raw in zip([diary.student, *mates], ["5", "5", "4", "2", "4"], strict=True):
        diary.free_mark(work, raw, student=student)

    response = _get(school1, school1.student, f"/diary/works/{work.pk}/")

    assert response.status_code == 200
    assert response.context["bars"] == [("5", 2), ("4", 2), ("3", 0), ("2", 1), ("1", 0)]
    html = response.content.decode()
    assert html.count('class="chart-bar"') == 5
    for mate in mates:
        assert mate.last_name not in html


# --- Rating -------------------------------------------------------------------------------------


def test_rating_is_off_by_default(school1, diary: Diary):
    diary.mark(diary.lesson(1, 1), "5")

    response = _get(school1, school1.student, f"/diary/marks/?period={diary.period.pk}")

    assert response.context["report"].rating is None
    assert 'data-testid="rating"' not in response.content.decode()


def test_rating_shows_only_the_own_place(school1, diary: Diary):
    GradebookSettings.objects.filter(pk=1).update(rating_enabled=True)
    lesson = diary.lesson(1, 1)
    first, second = diary.classmates(2)
    diary.mark(lesson, "4")
    diary.mark(lesson, "5", student=first, comment="Секрет одноклассника")
    diary.mark(lesson, "3", student=second)
    size = Enrollment.objects.filter(school_class=diary.world.own_class).count()

    response = _get(school1, school1.student, f"/diary/marks/?period={diary.period.pk}")
    parent = _get(school1, school1.parent, f"/diary/marks/?student={diary.student.pk}&period={diary.period.pk}")

    rating = response.context["report"].rating
    assert (rating.place, rating.of) == (2, size)
    html = response.content.decode()
    assert 'data-testid="rating"' in html and f"2 of {size}" in html.replace("из", "of")
    assert first.last_name not in html and "Секрет одноклассника" not in html
    assert parent.context["report"].rating.place == 2


# --- Read tracking ------------------------------------------------------------------------------


def test_opening_the_diary_records_a_visit(school1, diary: Diary):
    _get(school1, school1.parent, f"/diary/?student={diary.student.pk}")
    first = DiaryVisit.objects.get(viewer=diary.parent, student=diary.student).seen_at
    _get(school1, school1.parent, f"/diary/marks/?student={diary.student.pk}")
    _get(school1, school1.student, "/diary/")

    assert DiaryVisit.objects.filter(student=diary.student).count() == 2
    assert DiaryVisit.objects.get(viewer=diary.parent, student=diary.student).seen_at > first


def test_staff_reading_a_diary_is_not_a_family_visit(school1, diary: Diary):
    _get(school1, school1.director, f"/diary/?student={diary.student.pk}")

    assert not DiaryVisit.objects.exists()


def test_class_teacher_sees_who_has_not_seen_new_marks(school1, diary: Diary):
    SchoolClass.objects.filter(pk=diary.world.own_class.pk).update(class_teacher=diary.world.teacher)
    lesson = diary.lesson(1, 1)
    diary.mark(lesson, "5")
    _get(school1, school1.parent, f"/diary/?student={diary.student.pk}")
    DiaryVisit.objects.filter(viewer=diary.parent).update(seen_at=Mark.objects.get().updated_at)
    diary.mark(diary.lesson(2, 1), "4")
    diary.mark(diary.lesson(3, 1), "3")

    response = _get(school1, school1.teacher, f"/diary/read/?class={diary.world.own_class.pk}")

    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.student.pk == diary.student.pk)
    seen = next(p for p in row.parents if p.parent.pk == diary.parent.pk)
    assert seen.seen_at is not None and seen.new_marks == 2
    html = response.content.decode()
    # This parent's line (the student may have a second parent who never opened the diary).
    line = re.search(rf'data-parent="{diary.parent.pk}">(.*?)</li>', html, re.S).group(1)
    unseen = re.search(r'data-testid="unseen">([^<]+)<', line).group(1)
    assert "2" in unseen


def test_staff_without_a_student_go_to_read_tracking_or_get_404(school1, diary: Diary):
    SchoolClass.objects.filter(pk=diary.world.own_class.pk).update(class_teacher=diary.world.teacher)
    teacher = diary.world.other_teacher
    SchoolClass.objects.filter(class_teacher=teacher).update(class_teacher=None)
    teacher.roles = ["teacher"]
    teacher.save(update_fields=["roles"])

    response = _get(school1, school1.teacher, "/diary/")
    listing = _get(school1, school1.teacher, "/diary/read/")

    assert response.status_code == 302 and response["Location"].endswith("/diary/read/")
    assert listing.status_code == 200
    assert diary.world.own_class.pk in {c.pk for c in listing.context["classes"]}
    assert _get(school1, account_for(school1, teacher), "/diary/").status_code == 404


def test_read_tracking_is_404_for_parents_students_and_other_teachers(school1, diary: Diary):
    url = f"/diary/read/?class={diary.world.own_class.pk}"
    SchoolClass.objects.filter(pk=diary.world.own_class.pk).update(class_teacher=diary.director)
    teacher = diary.world.other_teacher
    SchoolClass.objects.filter(class_teacher=teacher).update(class_teacher=None)

    assert _get(school1, school1.parent, url).status_code == 404
    assert _get(school1, school1.student, url).status_code == 404
    assert _get(school1, account_for(school1, teacher), url).status_code == 404
    assert _get(school1, school1.deputy, url).status_code == 200


# --- Queries ------------------------------------------------------------------------------------


def _count(cast, account, url) -> int:
    client = client_for(cast.host, account)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _fill_week(diary: Diary, *, lessons: int) -> None:
    cells = [(weekday, bell) for weekday in range(1, 6) for bell in range(1, 8)][:lessons]
    for weekday, bell in cells:
        lesson = diary.lesson(weekday, bell, subject=diary.world.subjects[bell % 4])
        diary.mark(lesson, "4", comment="ok")
        diary.homework(lesson, f"Задание {weekday}-{bell}")
        if bell == 2:
            diary.absent(lesson)
        if bell == 3:
            Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.CANCELLED)
            Substitution.objects.create(lesson=lesson, kind=Substitution.Kind.CANCEL)
    diary.free_mark(diary.test_work(1, title=f"к/р {lessons}"), "5")


def test_week_queries_do_not_grow_with_lessons_and_marks(school1, diary: Diary):
    url = f"/diary/?week={diary.world.monday}"
    _fill_week(diary, lessons=3)
    few = _count(school1, school1.student, url)
    _fill_week(diary, lessons=35)
    many = _count(school1, school1.student, url)

    # The request's own (session, account, membership, person), the school's week, the
    # students' audience (2), the lessons, marks and homework, the visit, and the header's.
    assert many == few <= 16


def test_all_children_at_once_costs_the_same_for_one_child_or_three(school1, diary: Diary):
    url = f"/diary/?student=all&week={diary.world.monday}"
    Guardianship.objects.filter(parent=diary.parent).exclude(child=diary.student).delete()
    diary.parent.__dict__.pop("children_ids", None)
    _fill_week(diary, lessons=5)
    one = _count(school1, school1.parent, url)
    for child in diary.other_children(2):
        school_class = Enrollment.objects.get(student=child).school_class
        lesson = diary.lesson(1, 6, classes=[school_class], subject=diary.world.subjects[2])
        diary.mark(lesson, "3", student=child, school_class=school_class)
        diary.homework(lesson, "Прочитать главу", student=child)
    three = _count(school1, school1.parent, url)

    # The whole family is read in one set of queries, not a set per child.
    assert three == one <= 18


def test_marks_page_queries_do_not_grow_with_marks(school1, diary: Diary):
    GradebookSettings.objects.filter(pk=1).update(rating_enabled=True)
    url = f"/diary/marks/?period={diary.period.pk}"
    _fill_week(diary, lessons=2)
    few = _count(school1, school1.student, url)
    _fill_week(diary, lessons=30)
    many = _count(school1, school1.student, url)

    assert many == few <= 18
