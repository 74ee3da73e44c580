"""A school's data stays in its schema; a school's pages stay with its members."""

from __future__ import annotations

from django_tenants.utils import schema_context

from core.models import Person, SchoolClass
from tests.conftest import client_for


def test_row_created_in_school1_is_invisible_from_school2(school1, school2):
    with schema_context(school1.school.schema_name):
        Person.objects.create(last_name="Невидимкин", first_name="Пётр", roles=["student"])
        assert Person.objects.filter(last_name="Невидимкин").count() == 1
    with schema_context(school2.school.schema_name):
        assert Person.objects.filter(last_name="Невидимкин").count() == 0


def test_member_of_school2_gets_404_for_a_class_that_exists_only_in_school1(school1, school2):
    with schema_context(school1.school.schema_name):
        only_here = SchoolClass.objects.create(grade=11, letter="Я")
    with schema_context(school2.school.schema_name):
        assert not SchoolClass.objects.filter(pk=only_here.pk).exists()
    admin2 = client_for(school2.host, school2.admin)
    assert admin2.get(f"/classes/{only_here.pk}/").status_code == 404
    assert admin2.get(f"/api/v1/classes/{only_here.pk}/").status_code == 404
    admin1 = client_for(school1.host, school1.admin)
    assert admin1.get(f"/classes/{only_here.pk}/").status_code == 200


def test_school1_staff_cannot_open_school2_pages_or_api(school1, school2):
    teacher1 = client_for(school2.host, school1.teacher)
    assert teacher1.get("/").status_code == 403
    assert teacher1.get("/classes/").status_code == 403
    assert teacher1.get("/api/v1/classes/").status_code == 403


def test_search_path_is_the_requests_school(school1, school2):
    """The same URL on two hosts reads two different schemas."""
    home1 = client_for(school1.host, school1.admin).get("/").content.decode()
    home2 = client_for(school2.host, school2.admin).get("/").content.decode()
    assert school1.school.short_name in home1
    assert school2.school.short_name not in home1
    assert school2.school.short_name in home2
