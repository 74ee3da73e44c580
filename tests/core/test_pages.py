"""Each role's home page and the header's links, as the demo people see them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.models import Enrollment, Person, SchoolClass
from tests.conftest import client_for


def _nav_links(html: str) -> list[str]:
    nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize("role", ["admin", "director", "deputy", "teacher", "student", "parent"])
def test_every_navigation_link_of_every_role_opens(school1, role):
    client = client_for(school1.host, getattr(school1, role))
    home = client.get("/")
    assert home.status_code == 200
    links = _nav_links(home.content.decode())
    assert links
    for link in links:
        assert client.get(link).status_code == 200, (role, link)


def test_teacher_home_shows_their_class(school1):
    body = client_for(school1.host, school1.teacher).get("/").content.decode()
    assert "Мой класс" in body
    assert "5А" in body
    assert "Администрирование" not in body


def test_administration_menu_only_for_admin(school1):
    assert "Администрирование" in client_for(school1.host, school1.admin).get("/").content.decode()
    assert client_for(school1.host, school1.teacher).get("/administration/").status_code == 404
    assert client_for(school1.host, school1.parent).get("/staff/").status_code == 404


def test_management_home_counts_the_school(school1):
    response = client_for(school1.host, school1.director).get("/")
    counts = response.context["counts"]
    assert counts["students"] == 250
    assert counts["staff"] == 20
    assert counts["parents"] > 150


def test_parent_sees_their_child_and_only_their_childs_class(school1):
    client = client_for(school1.host, school1.parent)
    body = client.get("/").content.decode()
    with schema_context(school1.school.schema_name):
        child = school1.person(school1.student)
        own_class = SchoolClass.objects.get(enrollments__student=child)
        other_class = SchoolClass.objects.exclude(pk=own_class.pk).first()
    assert child.first_name in body
    assert client.get(f"/classes/{own_class.pk}/").status_code == 200
    assert client.get(f"/classes/{other_class.pk}/").status_code == 404
    # A parent sees the class but not the list of other people's children.
    assert 'data-testid="roster"' not in client.get(f"/classes/{own_class.pk}/").content.decode()


def test_student_sees_own_class_roster_but_not_other_classes(school1):
    client = client_for(school1.host, school1.student)
    with schema_context(school1.school.schema_name):
        own_class = SchoolClass.objects.get(enrollments__student__account_id=school1.student.pk)
        other_class = SchoolClass.objects.exclude(pk=own_class.pk).first()
    page = client.get(f"/classes/{own_class.pk}/").content.decode()
    assert 'data-testid="roster"' in page
    assert client.get(f"/classes/{other_class.pk}/").status_code == 404
    assert client.get("/classes/999999/").status_code == 404


def test_class_page_query_count_does_not_grow_with_the_class(school1, django_assert_num_queries):
    client = client_for(school1.host, school1.admin)
    with schema_context(school1.school.schema_name):
        school_class = SchoolClass.objects.get(grade=9)
    client.get(f"/classes/{school_class.pk}/")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/classes/{school_class.pk}/")
    with schema_context(school1.school.schema_name):
        extra = Person.objects.bulk_create(
            [Person(last_name=f"Новенький{i}", first_name="Ученик", roles=["student"]) for i in range(30)]
        )
        Enrollment.objects.bulk_create([Enrollment(student=p, school_class=school_class) for p in extra])
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(f"/classes/{school_class.pk}/")
    assert "Новенький29" in response.content.decode()


def test_home_query_count_does_not_grow_with_the_school(school1, django_assert_num_queries):
    client = client_for(school1.host, school1.admin)
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    with schema_context(school1.school.schema_name):
        for grade in (10, 11):
            SchoolClass.objects.create(grade=grade, letter="А")
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/")
