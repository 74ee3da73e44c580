"""The administrator's people pages: lists, search, creating and editing people."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from core.models import Enrollment, Guardianship, Person, SchoolClass
from tenants.models import Membership
from tests.conftest import client_for


@pytest.fixture
def admin1(school1):
    return client_for(school1.host, school1.admin)


def _class(school, name: str) -> SchoolClass:
    with tenant_context(school.school):
        return SchoolClass.objects.get(grade=int(name[:-1]), letter=name[-1])


# ---------------------------------------------------------------- lists


def test_people_list_shows_every_group_with_filters_and_search(school1, admin1):
    page = admin1.get("/people/")
    assert page.status_code == 200
    assert "<h1>Люди</h1>" in page.content.decode()
    students = admin1.get("/people/?group=students&q=Соколов").content.decode()
    assert "Соколов Артём Дмитриевич" in students
    assert "Соколова Наталья Андреевна" not in students  # his mother
    staff = admin1.get("/people/?group=staff").content.decode()
    assert "Кравцова Елена Викторовна" in staff  # the administrator herself
    assert "Смирнова Мария Петровна" in staff
    assert "учитель русского языка и литературы" in staff
    found = admin1.get("/people/", {"q": "соколов артём"}).content.decode()
    assert "Соколов Артём Дмитриевич" in found
    assert "Кравцова Елена Викторовна" not in found


def test_class_filter_shows_the_classs_students_or_their_parents(school1, admin1):
    five_a = _class(school1, "5А")
    students = admin1.get("/people/", {"group": "students", "class": five_a.pk})
    parents = admin1.get("/people/", {"group": "parents", "class": five_a.pk})
    with tenant_context(school1.school):
        expected_students = Person.objects.filter(enrollments__school_class=five_a).count()
        expected_parents = Person.objects.filter(guardianships__child__enrollments__school_class=five_a).distinct()
        expected_parents = expected_parents.count()
    assert students.context["page"].paginator.count == expected_students == 25
    assert parents.context["page"].paginator.count == expected_parents
    assert "Соколова Наталья Андреевна" in parents.content.decode()  # the demo parent, mother of a 5А student


def test_people_list_runs_a_constant_number_of_queries(school1, admin1, django_assert_num_queries):
    five_a = _class(school1, "5А")
    url = f"/people/?class={five_a.pk}"
    admin1.get(url)
    with CaptureQueriesContext(connection) as before:
        admin1.get(url)
    with tenant_context(school1.school):
        kids = Person.objects.bulk_create(
            [Person(last_name=f"Считалкин{i}", first_name="Ученик", roles=["student"]) for i in range(20)]
        )
        Enrollment.objects.bulk_create([Enrollment(student=k, school_class=five_a) for k in kids])
        moms = Person.objects.bulk_create(
            [Person(last_name=f"Считалкина{i}", first_name="Мама", roles=["parent"]) for i in range(20)]
        )
        Guardianship.objects.bulk_create([Guardianship(parent=m, child=k) for m, k in zip(moms, kids, strict=True)])
    with django_assert_num_queries(len(before.captured_queries)):
        response = admin1.get(url)
    assert response.context["page"].paginator.count > 50  # the page is full: 50 rows rendered


def test_the_people_menu_item_is_only_for_the_administrator(school1, admin1):
    assert 'href="/people/"' in admin1.get("/").content.decode()
    assert 'href="/people/"' not in client_for(school1.host, school1.director).get("/").content.decode()


# ---------------------------------------------------------------- creating


def test_a_new_student_goes_into_their_class(school1, admin1):
    five_b = _class(school1, "5Б")
    response = admin1.post("/people/new/students/", {
        "last_name": "Новикова", "first_name": "Полина", "middle_name": "Игоревна",
        "birth_date": "2014-05-06", "school_class": five_b.pk, "phone": "8 (912) 111-22-33",
    })
    assert response.status_code == 302
    with tenant_context(school1.school):
        student = Person.objects.get(last_name="Новикова", first_name="Полина")
        assert student.roles == ["student"]
        assert student.phone == "+79121112233"
        assert Enrollment.objects.get(student=student).school_class == five_b


def test_a_student_form_says_what_is_missing_in_russian_and_saves_nothing(school1, admin1):
    with tenant_context(school1.school):
        before = Person.objects.count()
    response = admin1.post("/people/new/students/", {
        "last_name": "Безклассова", "first_name": "Ольга", "birth_date": "31.02.2014", "phone": "123",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "Введите дату в формате ДД.ММ.ГГГГ." in body
    assert "Выберите класс ученика." in body
    assert "Введите телефон в формате +7 912 345-67-89." in body
    with tenant_context(school1.school):
        assert Person.objects.count() == before


def test_a_parent_is_linked_to_several_children(school1, admin1):
    with tenant_context(school1.school):
        kids = list(Person.objects.filter(roles__contains=["student"]).order_by("pk")[:2])
    response = admin1.post("/people/new/parents/", {
        "last_name": "Многодетная", "first_name": "Анна", "children": [k.pk for k in kids],
        "guardian_kind": "mother", "email": "mama@example.ru",
    })
    assert response.status_code == 302
    with tenant_context(school1.school):
        parent = Person.objects.get(last_name="Многодетная")
        assert parent.roles == ["parent"]
        assert set(Guardianship.objects.filter(parent=parent).values_list("child_id", flat=True)) == {
            k.pk for k in kids
        }
        assert set(Guardianship.objects.filter(parent=parent).values_list("kind", flat=True)) == {"mother"}


def test_a_parent_needs_a_child(school1, admin1):
    response = admin1.post("/people/new/parents/", {"last_name": "Бездетная", "first_name": "Вера"})
    assert "Выберите хотя бы одного ребёнка." in response.content.decode()


def test_a_staff_member_gets_the_roles_and_position_chosen(school1, admin1):
    response = admin1.post("/people/new/staff/", {
        "last_name": "Завучева", "first_name": "Инна", "roles": ["deputy", "teacher"],
        "position": "заместитель директора по УВР",
    })
    assert response.status_code == 302
    with tenant_context(school1.school):
        assert Person.objects.get(last_name="Завучева").roles == ["deputy", "teacher"]
    response = admin1.post("/people/new/staff/", {"last_name": "Безролева", "first_name": "Инна"})
    assert "Выберите хотя бы одну роль." in response.content.decode()


def test_the_same_person_twice_is_refused_with_a_clear_message(school1, admin1):
    with tenant_context(school1.school):
        student = Person.objects.filter(roles__contains=["student"], birth_date__isnull=False).first()
        klass = Enrollment.objects.get(student=student).school_class
    response = admin1.post("/people/new/students/", {
        "last_name": student.last_name.upper(), "first_name": student.first_name, "middle_name": student.middle_name,
        "birth_date": student.birth_date.isoformat(), "school_class": klass.pk,
    })
    assert response.status_code == 200
    assert "уже есть в школе" in response.content.decode()


def test_an_external_id_belongs_to_one_person(school1, admin1):
    with tenant_context(school1.school):
        Person.objects.filter(last_name="Кравцова").update(external_id="REG-1")
    response = admin1.post("/people/new/staff/", {
        "last_name": "Дублёва", "first_name": "Яна", "roles": ["teacher"], "external_id": "REG-1",
    })
    assert "Этот внешний ID уже у человека Кравцова Елена Викторовна." in response.content.decode()


# ---------------------------------------------------------------- editing


def test_changing_roles_updates_the_membership_index(school1, admin1):
    teacher = school1.person(school1.teacher)
    response = admin1.post(f"/people/{teacher.pk}/", {
        "last_name": teacher.last_name, "first_name": teacher.first_name, "middle_name": teacher.middle_name,
        "roles": ["teacher", "deputy"], "position": teacher.position, "is_active": "on",
        "guardian_kind": "guardian",
    })
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    membership = Membership.objects.get(account=school1.teacher, school=school1.school)
    assert membership.roles == ["deputy", "teacher"]
    assert "Администрирование" not in client_for(school1.host, school1.teacher).get("/").content.decode()


def test_a_person_who_left_loses_access_and_leaves_their_class(school1, admin1):
    student = school1.person(school1.student)
    with tenant_context(school1.school):
        klass = Enrollment.objects.get(student=student).school_class
    response = admin1.post(f"/people/{student.pk}/", {
        "last_name": student.last_name, "first_name": student.first_name, "middle_name": student.middle_name,
        "birth_date": student.birth_date, "roles": ["student"], "school_class": klass.pk,
        "guardian_kind": "guardian",
    })  # "is_active" unchecked
    assert response.status_code == 302
    assert not Membership.objects.get(account=school1.student, school=school1.school).is_active
    assert client_for(school1.host, school1.student).get("/").status_code == 403
    with tenant_context(school1.school):
        assert not Enrollment.objects.filter(student=student).exists()
    archived = admin1.get("/people/", {"archived": "1", "q": student.last_name}).content.decode()
    assert student.full_name in archived


def test_a_student_cannot_also_be_a_parent(school1, admin1):
    student = school1.person(school1.student)
    response = admin1.post(f"/people/{student.pk}/", {
        "last_name": student.last_name, "first_name": student.first_name, "birth_date": student.birth_date,
        "roles": ["student", "parent"], "is_active": "on", "guardian_kind": "guardian",
    })
    assert response.status_code == 200
    assert "Ученик не может одновременно быть сотрудником или родителем" in response.content.decode()


def test_the_last_administrator_cannot_demote_themselves(school1, admin1):
    admin = school1.person(school1.admin)
    with tenant_context(school1.school):
        assert Person.objects.filter(roles__contains=["admin"], is_active=True).count() == 1
    response = admin1.post(f"/people/{admin.pk}/", {
        "last_name": admin.last_name, "first_name": admin.first_name, "roles": ["deputy"], "is_active": "on",
        "guardian_kind": "guardian",
    })
    assert response.status_code == 200
    assert "В школе должен остаться хотя бы один активный администратор." in response.content.decode()
    with tenant_context(school1.school):
        assert "admin" in Person.objects.get(pk=admin.pk).roles


def test_detaching_an_account_removes_access_to_this_school_only(school1, admin1, multi):
    with tenant_context(school1.school):
        person = Person.objects.get(account_id=multi.pk)
    response = admin1.post(f"/people/{person.pk}/unlink/")
    assert response.status_code == 302
    with tenant_context(school1.school):
        assert Person.objects.get(pk=person.pk).account_id is None
    assert client_for(school1.host, multi).get("/").status_code == 403
    assert client_for("school2.parta.localhost", multi).get("/").status_code == 200


# ---------------------------------------------------------------- who may


def _management_urls(school1) -> list[str]:
    person = school1.person(school1.student)
    five_a = _class(school1, "5А")
    return [
        "/people/", "/people/new/staff/", "/people/new/students/", "/people/new/parents/",
        f"/people/{person.pk}/", f"/people/{person.pk}/unlink/", f"/people/{person.pk}/invitation/",
        "/people/import/", "/people/import/template/students/", "/invitations/", "/invitations/staff/",
        f"/classes/{five_a.pk}/invitations/",
    ]


@pytest.mark.parametrize("role", ["director", "deputy", "teacher", "student", "parent"])
def test_people_management_pages_do_not_exist_for_anyone_but_the_administrator(school1, role):
    client = client_for(school1.host, getattr(school1, role))
    for url in _management_urls(school1):
        assert client.get(url).status_code == 404, (role, url)
        assert client.post(url, {}).status_code == 404, (role, url)


def test_the_administrator_of_another_school_is_refused(school1, school2):
    client = client_for(school1.host, school2.admin)
    for url in _management_urls(school1):
        assert client.get(url).status_code == 403, url


def test_unknown_group_and_missing_people_are_404(school1, admin1):
    assert admin1.get("/people/new/aliens/").status_code == 404
    assert admin1.get("/people/987654/").status_code == 404
    assert admin1.get("/people/import/template/aliens/").status_code == 404
