"""Issuing invitation codes in a school: one person, a class, the staff; the printable PDF."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Invitation
from core.codes import code_hash, code_normalize
from core.models import Enrollment, Person, SchoolClass
from core.selectors.people import class_invitation_people
from core.services.invitations import invitations_issue
from tests.conftest import client_for
from tests.core.helpers import CODE_RE, issue_code, pdf_codes, pdf_page_count


@pytest.fixture
def admin1(school1):
    return client_for(school1.host, school1.admin)


def _open(school, person_id: int) -> list[Invitation]:
    return list(Invitation.objects.filter(school=school.school, person_id=person_id, revoked_at__isnull=True,
                                          redeemed_at__isnull=True))


def _unconnected_student(school) -> Person:
    with tenant_context(school.school):
        return Person.objects.filter(roles__contains=["student"], account__isnull=True).order_by("pk").first()


def test_issuing_for_one_person_shows_the_code_once_and_stores_only_its_hash(school1, admin1):
    student = _unconnected_student(school1)
    response = admin1.post(f"/people/{student.pk}/invitation/", {"format": "show"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    code = CODE_RE.search(response.content.decode()).group(0)
    [invitation] = _open(school1, student.pk)
    assert invitation.code_hash == code_hash(code_normalize(code))
    assert invitation.role == "student"
    assert invitation.issued_by_id == school1.admin.pk
    assert code not in str(Invitation.objects.filter(pk=invitation.pk).values().first())
    assert "больше не будет показан" in response.content.decode()


def test_reissuing_revokes_the_previous_code(school1, admin1):
    student = _unconnected_student(school1)
    admin1.post(f"/people/{student.pk}/invitation/", {"format": "show"})
    [first] = _open(school1, student.pk)
    admin1.post(f"/people/{student.pk}/invitation/", {"format": "show"})
    [second] = _open(school1, student.pk)
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.revoked_at is not None


def test_a_code_expires_at_the_end_of_its_last_day_in_the_schools_time_zone(school1, settings):
    settings.INVITATION_VALID_DAYS = 7
    student = _unconnected_student(school1)
    with tenant_context(school1.school):
        [issued] = invitations_issue(actor=None, persons=[student])
    zone = ZoneInfo(school1.school.timezone)
    last_day = timezone.localtime(timezone.now(), zone).date() + timedelta(days=7)
    assert issued.expires_at == datetime.combine(last_day, time(23, 59, 59), tzinfo=zone)
    assert _open(school1, student.pk)[0].expires_at == issued.expires_at


def test_people_with_an_account_or_who_left_get_no_code(school1):
    connected = school1.person(school1.student)
    with tenant_context(school1.school):
        gone = Person.objects.create(last_name="Ушедший", first_name="Пётр", roles=["student"], is_active=False)
        assert invitations_issue(actor=None, persons=[connected, gone]) == []
    assert not Invitation.objects.filter(school=school1.school, person_id__in=[connected.pk, gone.pk]).exists()


def test_the_class_pdf_has_a_card_with_a_working_code_for_every_student_and_parent(school1, admin1):
    with tenant_context(school1.school):
        five_a = SchoolClass.objects.get(grade=5, letter="А")
        people = class_invitation_people(five_a, students=True, parents=True)
    response = admin1.post(f"/classes/{five_a.pk}/invitations/", {"scope": "both"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert pdf_page_count(pdf) == math.ceil(len(people) / 8)
    codes = pdf_codes(pdf)
    assert len(codes) == len(set(codes)) == len(people)
    by_hash = {i.code_hash: i for i in Invitation.objects.filter(school=school1.school, revoked_at__isnull=True)}
    printed = [by_hash[code_hash(code_normalize(code))] for code in codes]
    assert [i.person_id for i in printed] == [p.pk for p in people]  # family by family, as handed out
    roles = {i.role for i in printed}
    assert roles == {"student", "parent"}
    # The demo student and parent already have accounts: no cards for them.
    assert school1.person(school1.student).pk not in {i.person_id for i in printed}


def test_printing_a_class_again_revokes_the_earlier_sheet_unless_only_new_is_asked(school1, admin1):
    with tenant_context(school1.school):
        five_b = SchoolClass.objects.get(grade=5, letter="Б")
    first = pdf_codes(admin1.post(f"/classes/{five_b.pk}/invitations/", {"scope": "students"}).content)
    assert first
    again = admin1.post(f"/classes/{five_b.pk}/invitations/", {"scope": "students", "only_new": "on"}, follow=True)
    assert "уже есть учётная запись или действующий код" in again.content.decode()
    second = pdf_codes(admin1.post(f"/classes/{five_b.pk}/invitations/", {"scope": "students"}).content)
    first_hashes = {code_hash(code_normalize(c)) for c in first}
    assert Invitation.objects.filter(code_hash__in=first_hashes, revoked_at__isnull=False).count() == len(first)
    assert not {code_hash(code_normalize(c)) for c in second} & first_hashes


def test_parents_only_sheet_holds_only_parent_codes(school1, admin1):
    with tenant_context(school1.school):
        five_b = SchoolClass.objects.get(grade=5, letter="Б")
    codes = pdf_codes(admin1.post(f"/classes/{five_b.pk}/invitations/", {"scope": "parents"}).content)
    roles = set(Invitation.objects.filter(code_hash__in=[code_hash(code_normalize(c)) for c in codes])
                .values_list("role", flat=True))
    assert roles == {"parent"}


def test_a_card_for_one_person_can_be_printed(school1, admin1):
    student = _unconnected_student(school1)
    response = admin1.post(f"/people/{student.pk}/invitation/", {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert pdf_page_count(response.content) == 1
    [code] = pdf_codes(response.content)
    assert _open(school1, student.pk)[0].code_hash == code_hash(code_normalize(code))


def test_the_staff_sheet_covers_staff_without_an_account(school1, admin1):
    with tenant_context(school1.school):
        waiting = Person.objects.filter(roles__overlap=["admin", "director", "deputy", "teacher"],
                                        account__isnull=True, is_active=True).count()
    codes = pdf_codes(admin1.post("/invitations/staff/").content)
    assert len(codes) == waiting > 0
    roles = set(Invitation.objects.filter(code_hash__in=[code_hash(code_normalize(c)) for c in codes])
                .values_list("role", flat=True))
    assert roles <= {"admin", "director", "deputy", "teacher"}


def test_changing_a_persons_roles_revokes_their_open_code(school1, admin1):
    student = _unconnected_student(school1)
    issue_code(school1.school, student)
    with tenant_context(school1.school):
        klass = student.enrollments.get().school_class
    admin1.post(f"/people/{student.pk}/", {
        "last_name": student.last_name, "first_name": student.first_name, "birth_date": student.birth_date,
        "roles": ["student"], "school_class": klass.pk, "guardian_kind": "guardian",
    })  # left the school
    assert _open(school1, student.pk) == []


def test_the_overview_shows_how_many_are_connected(school1, admin1, django_assert_num_queries):
    admin1.get("/invitations/")
    with CaptureQueriesContext(connection) as before:
        admin1.get("/invitations/")
    with tenant_context(school1.school):
        extra = SchoolClass.objects.create(grade=11, letter="Д")
        kids = Person.objects.bulk_create([Person(last_name=f"Счётов{i}", first_name="Ян", roles=["student"])
                                           for i in range(10)])
        Enrollment.objects.bulk_create([Enrollment(student=k, school_class=extra) for k in kids])
    with django_assert_num_queries(len(before.captured_queries)):
        response = admin1.get("/invitations/")
    classes = {c.name: c for c in response.context["classes"]}
    assert classes["11Д"].student_count == 10
    assert classes["5А"].students_connected == 1  # the demo student
    assert classes["5А"].student_count == 25
    assert classes["5А"].parents_connected == 1  # the demo parent
    assert "5А" in response.content.decode()


def test_the_class_page_lists_who_is_not_connected_yet(school1, admin1):
    with tenant_context(school1.school):
        five_a = SchoolClass.objects.get(grade=5, letter="А")
    body = admin1.get(f"/classes/{five_a.pk}/invitations/").content.decode()
    assert "Ещё не подключены" in body
    assert school1.person(school1.student).full_name not in body
