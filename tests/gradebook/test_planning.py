"""Planning (КТП): the list of plans, topics added, edited, moved and deleted (with htmx and
without), «fill lesson topics» spreading hours over lessons, permissions (another teacher,
parents and students), description templates and the demo seed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from core.errors import NotFoundForActor
from core.models import Person, SchoolClass
from gradebook.demo_planning import demo_planning_seed
from gradebook.errors import FORBIDDEN, GradebookError
from gradebook.models import LessonTemplate, Plan, PlanTopic
from gradebook.selectors import planning as selectors
from gradebook.services import planning as services
from tests.conftest import client_for
from tests.timetable.week_factory import lesson_make
from timetable.models import Lesson, ReportingPeriod, Subject, TeachingAssignment
from timetable.selectors import current_year

HTMX = {"HTTP_HX_REQUEST": "true"}


class World:
    """A subject of its own taught by teacher@ in 5А, with lessons on known days."""

    def __init__(self, cast) -> None:
        self.cast = cast
        self.teacher = cast.person(cast.teacher)
        self.admin = cast.person(cast.admin)
        self.school_class = SchoolClass.objects.get(grade=5, letter="А", class_teacher=self.teacher)
        self.subject = Subject.objects.create(name="Тестовый предмет КТП")
        TeachingAssignment.objects.create(teacher=self.teacher, subject=self.subject, school_class=self.school_class)
        self.other_teacher = (Person.objects.filter(roles__contains=["teacher"]).exclude(pk=self.teacher.pk)
                              .exclude(roles__overlap=["admin", "director", "deputy"]).order_by("pk").first())
        self.year = current_year()
        self.start = self.year.starts_on + timedelta(days=(7 - self.year.starts_on.weekday()) % 7)  # a Monday

    def lessons(self, count: int, *, first_day: int = 0, subgroup=None) -> list[Lesson]:
        return [lesson_make(self.cast.school, self.start + timedelta(days=first_day + i), 1, subject=self.subject,
                            classes=[self.school_class], teachers=[self.teacher], subgroup=subgroup)
                for i in range(count)]

    def plan(self, *topics: tuple[str, int]) -> Plan:
        plan = services.plan_ensure(self.teacher, school_class=self.school_class, subject=self.subject)
        for title, hours in topics:
            services.plan_topic_add(self.teacher, plan=plan, title=title, hours=hours)
        return plan

    @property
    def url(self) -> str:
        return f"/planning/{self.school_class.pk}/{self.subject.pk}/"


@pytest.fixture
def w(school1, in_school):
    with in_school(school1.school):
        yield World(school1)


def topics(plan: Plan) -> list[tuple[int, str, int]]:
    return list(plan.topics.order_by("position").values_list("position", "title", "hours"))


# ---- fill lesson topics ------------------------------------------------------------------


def test_plan_apply_gives_a_two_hour_topic_two_lessons_and_reports_what_did_not_fit(w: World):
    lessons = w.lessons(4)
    plan = w.plan(("Натуральные числа", 2), ("Дроби", 1), ("Проценты", 2))

    result = services.plan_apply(w.teacher, plan=plan)

    assert [Lesson.objects.get(pk=lesson.pk).topic for lesson in lessons] == [
        "Натуральные числа", "Натуральные числа", "Дроби", "Проценты"]
    assert result.lessons_filled == 4
    assert result.topics_placed == 2
    assert result.topics_not_fitted == 1 and result.hours_not_fitted == 1


def test_plan_apply_skips_lessons_that_have_a_topic_and_overwrites_only_when_asked(w: World):
    lessons = w.lessons(4)
    Lesson.objects.filter(pk=lessons[1].pk).update(topic="Экскурсия в музей")
    plan = w.plan(("Тема 1", 1), ("Тема 2", 1), ("Тема 3", 1))

    result = services.plan_apply(w.teacher, plan=plan)

    assert [Lesson.objects.get(pk=lesson.pk).topic for lesson in lessons] == [
        "Тема 1", "Экскурсия в музей", "Тема 2", "Тема 3"]
    assert (result.lessons_filled, result.lessons_kept, result.topics_not_fitted) == (3, 1, 0)

    result = services.plan_apply(w.teacher, plan=plan, overwrite=True)

    # Past the plan's end nothing is erased: the fourth lesson keeps what it had.
    assert [Lesson.objects.get(pk=lesson.pk).topic for lesson in lessons] == ["Тема 1", "Тема 2", "Тема 3",
                                                                              "Тема 3"]
    assert result.lessons_filled == 3 and result.lessons_left == 1


def test_plan_apply_never_touches_a_closed_period_and_starts_from_the_given_date(w: World):
    lessons = w.lessons(3)
    later = w.lessons(2, first_day=7)
    ReportingPeriod.objects.create(year=w.year, kind=ReportingPeriod.Kind.CUSTOM, number=99, name="Закрытый",
                                   starts_on=lessons[0].date, ends_on=lessons[1].date, is_closed=True)
    Lesson.objects.filter(pk=lessons[0].pk).update(topic="Старая тема")
    plan = w.plan(("А", 1), ("Б", 1), ("В", 1))

    result = services.plan_apply(w.teacher, plan=plan, overwrite=True)

    topics_now = [Lesson.objects.get(pk=lesson.pk).topic for lesson in lessons + later]
    assert topics_now == ["Старая тема", "", "А", "Б", "В"]
    assert result.lessons_locked == 2

    Lesson.objects.filter(pk__in=[lesson.pk for lesson in later]).update(topic="")
    services.plan_apply(w.teacher, plan=plan, from_date=later[0].date)
    assert [Lesson.objects.get(pk=lesson.pk).topic for lesson in later] == ["А", "Б"]


def test_a_group_plan_goes_to_the_group_lessons_only(w: World):
    from timetable.models import Subgroup

    group = Subgroup.objects.create(name="Группа КТП", school_class=w.school_class)
    whole = w.lessons(1)
    group_lessons = w.lessons(2, first_day=1, subgroup=group)
    plan = services.plan_ensure(w.teacher, school_class=w.school_class, subject=w.subject, subgroup=group)
    services.plan_topic_add(w.teacher, plan=plan, title="Групповая тема", hours=2)

    services.plan_apply(w.teacher, plan=plan)

    assert Lesson.objects.get(pk=whole[0].pk).topic == ""
    assert {Lesson.objects.get(pk=lesson.pk).topic for lesson in group_lessons} == {"Групповая тема"}


def test_fill_topics_from_the_page_says_what_happened(w: World):
    w.lessons(2)
    w.plan(("Первая", 1), ("Вторая", 1), ("Третья", 1))
    client = client_for(w.cast.host, w.cast.teacher)

    response = client.post(w.url, {"action": "apply", "from_date": "", "overwrite": ""}, follow=True)

    assert Lesson.objects.filter(subject=w.subject, topic="Вторая").count() == 1
    levels = [m.level_tag for m in response.context["messages"]]
    assert levels == ["warning", "success"]  # one topic did not fit; two lessons filled


# ---- topics on the page ------------------------------------------------------------------


def test_teacher_adds_edits_moves_and_deletes_topics_with_htmx(w: World):
    client = client_for(w.cast.host, w.cast.teacher)

    response = client.post(w.url, {"action": "add", "section": "Дроби", "title": "Понятие дроби", "hours": "2"},
                           **HTMX)
    assert response.status_code == 200
    assert "Понятие дроби" in response.content.decode()
    assert 'id="plan-topics"' in response.content.decode()
    client.post(w.url, {"action": "add", "title": "Сравнение дробей", "hours": "1"}, **HTMX)
    plan = Plan.objects.get(subject=w.subject)
    first, second = plan.topics.order_by("position")

    edit_row = client.get(f"/planning/topics/{second.pk}/", **HTMX)
    assert edit_row.status_code == 200 and 'name="title"' in edit_row.content.decode()
    assert "<html" not in edit_row.content.decode()  # a fragment, not the page

    client.post(f"/planning/topics/{second.pk}/", {"action": "save", "title": "Сравнение обыкновенных дробей",
                                                    "hours": "3", "section": "Дроби", "homework": "№ 5"}, **HTMX)
    response = client.post(f"/planning/topics/{second.pk}/", {"action": "up"}, **HTMX)
    assert "partaFocus" in response["HX-Trigger-After-Settle"]
    assert topics(plan) == [(1, "Сравнение обыкновенных дробей", 3), (2, "Понятие дроби", 2)]

    client.post(f"/planning/topics/{first.pk}/", {"action": "delete"}, **HTMX)
    assert topics(plan) == [(1, "Сравнение обыкновенных дробей", 3)]


def test_without_htmx_the_same_forms_work_as_plain_pages(w: World):
    client = client_for(w.cast.host, w.cast.teacher)

    response = client.post(w.url, {"action": "add", "title": "Повторение", "hours": "1"})
    assert response.status_code == 302
    topic = PlanTopic.objects.get(plan__subject=w.subject)
    page = client.get(f"/planning/topics/{topic.pk}/")
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert client.post(f"/planning/topics/{topic.pk}/", {"action": "save", "title": "Повторение курса",
                                                          "hours": "2"}).status_code == 302
    assert topics(topic.plan) == [(1, "Повторение курса", 2)]


def test_bad_topic_input_is_refused_with_a_clear_message_and_nothing_saved(w: World):
    client = client_for(w.cast.host, w.cast.teacher)

    response = client.post(w.url, {"action": "add", "title": "   ", "hours": "0"})

    assert response.status_code == 422
    form = response.context["topic_form"]
    assert form.errors["title"] and form.errors["hours"]
    assert not PlanTopic.objects.filter(plan__subject=w.subject).exists()


def test_inserting_after_and_moving_keep_numbers_one_to_n(w: World):
    plan = w.plan(("1", 1), ("2", 1), ("3", 1))
    first = plan.topics.get(position=1)

    services.plan_topic_add(w.teacher, plan=plan, title="1а", after=first)
    services.plan_topic_move(w.teacher, topic=plan.topics.get(title="3"), offset=-10)

    assert [t[1] for t in topics(plan)] == ["3", "1", "1а", "2"]
    assert [t[0] for t in topics(plan)] == [1, 2, 3, 4]


# ---- who may do what ---------------------------------------------------------------------


def test_another_teacher_reads_but_cannot_edit_a_plan_of_a_class_they_do_not_teach(w: World):
    plan = w.plan(("Тема", 1))
    topic = plan.topics.get()
    other = w.other_teacher
    client = client_for(w.cast.host, Account.objects.get(pk=other.account_id))

    page = client.get(w.url)
    assert page.status_code == 200 and page.context["page"].can_edit is False
    assert client.post(w.url, {"action": "add", "title": "Чужая", "hours": "1"}).status_code == 404
    assert client.post(f"/planning/topics/{topic.pk}/", {"action": "delete"}).status_code == 404
    assert client.post(w.url, {"action": "apply"}).status_code == 404
    with pytest.raises(GradebookError) as error:
        services.plan_topic_add(other, plan=plan, title="Чужая")
    assert error.value.code == FORBIDDEN
    assert topics(plan) == [(1, "Тема", 1)]


def test_management_edits_any_plan(w: World):
    client = client_for(w.cast.host, w.cast.director)
    assert client.post(w.url, {"action": "add", "title": "От завуча", "hours": "1"}).status_code == 302
    assert PlanTopic.objects.filter(plan__subject=w.subject, title="От завуча").exists()


@pytest.mark.parametrize("who", ["student", "parent"])
def test_students_and_parents_get_404_everywhere_in_planning(w: World, who: str):
    plan = w.plan(("Тема", 1))
    template = LessonTemplate.objects.create(owner=w.teacher, title="Т", text="Текст")
    client = client_for(w.cast.host, getattr(w.cast, who))
    for url in ("/planning/", w.url, f"/planning/topics/{plan.topics.get().pk}/", "/planning/materials/",
                "/planning/templates/", f"/planning/templates/{template.pk}/", "/planning/template.xlsx"):
        assert client.get(url).status_code == 404, url
    assert client.post(w.url, {"action": "add", "title": "x", "hours": "1"}).status_code == 404


def test_a_class_and_subject_nobody_teaches_has_no_plan_page(w: World):
    lonely = Subject.objects.create(name="Никто не ведёт")
    client = client_for(w.cast.host, w.cast.admin)
    assert client.get(f"/planning/{w.school_class.pk}/{lonely.pk}/").status_code == 404
    assert client.get(f"{w.url}?group=abc").status_code == 404


def test_other_school_cannot_reach_a_plan_by_id(w: World, school2):
    plan = w.plan(("Тема", 1))
    client = client_for(school2.host, school2.admin)
    assert client.get(f"/planning/topics/{plan.topics.get().pk}/").status_code == 404


# ---- the list of plans -------------------------------------------------------------------


def test_the_list_shows_the_teachers_load_with_hours_against_lessons(w: World):
    w.lessons(3)
    w.plan(("Тема", 2))
    client = client_for(w.cast.host, w.cast.teacher)

    response = client.get("/planning/")

    row = next(r for r in response.context["rows"] if r.subject == w.subject)
    assert (row.topics, row.hours_planned, row.lessons, row.status) == (1, 2, 3, "short")
    assert all(w.teacher in r.teachers for r in response.context["rows"])


def test_the_list_runs_a_fixed_number_of_queries(w: World):
    admin = w.admin
    with CaptureQueriesContext(connection) as few:
        selectors.plan_rows_for(admin)
    for index in range(3):
        subject = Subject.objects.create(name=f"Доп. предмет {index}")
        TeachingAssignment.objects.create(teacher=w.teacher, subject=subject, school_class=w.school_class)
        plan = services.plan_ensure(admin, school_class=w.school_class, subject=subject)
        services.plan_topic_add(admin, plan=plan, title="Тема", hours=1)
    with CaptureQueriesContext(connection) as more:
        selectors.plan_rows_for(admin)
    assert len(more) == len(few) <= 8, [q["sql"][:120] for q in more.captured_queries]


# ---- description templates ---------------------------------------------------------------


def test_teacher_keeps_own_description_templates_that_colleagues_cannot_see(w: World):
    client = client_for(w.cast.host, w.cast.teacher)
    # A title of its own: the demo seeds the teacher's «Работа над ошибками» and others.
    assert client.post("/planning/templates/", {"title": "Разбор диктанта", "text": "Разбор ошибок."}
                       ).status_code == 302
    template = LessonTemplate.objects.get(owner=w.teacher, title="Разбор диктанта")
    assert client.post(f"/planning/templates/{template.pk}/", {"title": "Разбор диктанта",
                                                               "text": "Разбор и упражнения."}).status_code == 302
    template.refresh_from_db()
    assert template.text == "Разбор и упражнения."
    refused = client.post("/planning/templates/", {"title": "", "text": ""})
    assert refused.status_code == 422 and refused.context["form"].errors["title"]

    director = client_for(w.cast.host, w.cast.director)
    assert director.get(f"/planning/templates/{template.pk}/").status_code == 404
    assert template.title not in director.get("/planning/templates/").content.decode()
    with pytest.raises(NotFoundForActor):
        selectors.lesson_template_get_for(w.admin, template.pk)

    assert client.post(f"/planning/templates/{template.pk}/", {"action": "delete"}).status_code == 302
    assert not LessonTemplate.objects.filter(pk=template.pk).exists()


# ---- demo --------------------------------------------------------------------------------


def test_demo_seed_makes_plans_materials_and_templates_once(school1, in_school):
    demo_planning_seed(school1.school)
    with in_school(school1.school):
        five_a = SchoolClass.objects.get(grade=5, letter="А")
        counts = (Plan.objects.filter(school_class=five_a).count(), PlanTopic.objects.count(),
                  LessonTemplate.objects.filter(owner=five_a.class_teacher).count())
    demo_planning_seed(school1.school)
    with in_school(school1.school):
        assert (Plan.objects.filter(school_class=five_a).count(), PlanTopic.objects.count(),
                LessonTemplate.objects.filter(owner=five_a.class_teacher).count()) == counts
        assert counts[0] == 2 and counts[1] > 40 and counts[2] >= 2
        assert Plan.objects.filter(school_class=five_a, subject__name="Русский язык").exists()
