"""Redeeming invitation codes on the public portal: every role, the refusals, the brakes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account, DataConsent, Invitation
from core.codes import code_hash, code_normalize
from core.models import Enrollment, Guardianship, Person, SchoolClass
from core.throttle import INVITE_ATTEMPTS
from tenants.models import Membership
from tests.conftest import DEMO_PASSWORD, client_for
from tests.core.helpers import issue_code

PORTAL = "parta.localhost"
PASSWORD = "Школа-2026-пароль"
INVALID = "Код не подходит. Проверьте, что он набран без ошибок, или попросите в школе новый код."


def _portal(account: Account | None = None) -> Client:
    return client_for(PORTAL, account)


def _enter(client: Client, code: str):
    return client.post("/invite/", {"code": code})


def _sign_up(client: Client, login: str, *, consent: bool = True, **names):
    data = {"login": login, "password1": PASSWORD, "password2": PASSWORD, "last_name": "Фамилия",
            "first_name": "Имя", **names}
    if consent:
        data["consent"] = "on"
    return client.post("/invite/accept/", data)


def _family(school, *, child_age: int = 10) -> tuple[Person, Person]:
    """A student without an account in 5А, aged `child_age`, and their mother."""
    with tenant_context(school.school):
        five_a = SchoolClass.objects.get(grade=5, letter="А")
        today = date.today()
        child = Person.objects.create(last_name="Кодова", first_name="Ева", middle_name="Павловна",
                                      roles=["student"], birth_date=today.replace(year=today.year - child_age))
        Enrollment.objects.create(student=child, school_class=five_a)
        mother = Person.objects.create(last_name="Кодова", first_name="Ирина", middle_name="Львовна",
                                       roles=["parent"], email="kodova@example.ru")
        Guardianship.objects.create(parent=mother, child=child, kind="mother")
    return child, mother


def _person(school, pk: int) -> Person:
    with tenant_context(school.school):
        return Person.objects.get(pk=pk)


# ---------------------------------------------------------------- each role


def test_a_parent_redeems_a_code_consents_and_lands_in_the_school_seeing_their_child(school1):
    _child, mother = _family(school1)
    code = issue_code(school1.school, mother)
    client = _portal()
    response = _enter(client, code)
    assert response.status_code == 302
    assert response["Location"] == "/invite/accept/"
    page = client.get("/invite/accept/").content.decode()
    assert "Кодова Ирина Львовна" in page
    assert "родитель" in page
    assert "Ева Кодова (5А)" in page
    assert "Согласие на обработку персональных данных" in page
    assert "2026-11" in page
    assert 'value="kodova@example.ru"' in page  # names and e-mail prefilled from the school's record

    refused = _sign_up(client, "kodova@example.ru", consent=False)
    assert "Без этого согласия школа не сможет подключить вас к Parta." in refused.content.decode()
    assert not Account.objects.filter(email="kodova@example.ru").exists()

    started = timezone.now()
    response = _sign_up(client, "kodova@example.ru", last_name="Кодова", first_name="Ирина")
    assert response.status_code == 302
    assert response["Location"] == "http://school1.parta.localhost/"
    account = Account.objects.get(email="kodova@example.ru")
    assert _person(school1, mother.pk).account_id == account.pk
    assert Membership.objects.get(account=account, school=school1.school).roles == ["parent"]
    consent = DataConsent.objects.get(account=account)
    assert (consent.school, consent.person_id, consent.text_version) == (school1.school, mother.pk, "2026-11")
    assert started <= consent.accepted_at <= timezone.now()
    assert consent.ip == "127.0.0.1"
    home = client.get("/", HTTP_HOST=school1.host)
    assert home.status_code == 200
    assert "Ева Кодова" in home.content.decode()
    assert "Добро пожаловать!" in home.content.decode()


def test_a_young_student_redeems_their_code_without_consenting_themselves(school1):
    child, _mother = _family(school1, child_age=10)
    client = _portal()
    _enter(client, issue_code(school1.school, child))
    page = client.get("/invite/accept/").content.decode()
    assert "Это код ученика" in page
    assert "согласие на обработку твоих персональных данных даёт твой родитель" in page
    assert 'data-testid="consent"' not in page
    response = _sign_up(client, "+7 912 555-44-33", consent=False)
    assert response.status_code == 302
    account = Account.objects.get(phone="+79125554433")
    assert Membership.objects.get(account=account, school=school1.school).roles == ["student"]
    assert not DataConsent.objects.filter(account=account).exists()
    assert "Ева" in client.get("/", HTTP_HOST=school1.host).content.decode()


def test_a_student_of_fourteen_consents_themselves(school1):
    child, _mother = _family(school1, child_age=15)
    client = _portal()
    _enter(client, issue_code(school1.school, child))
    assert 'data-testid="consent"' in client.get("/invite/accept/").content.decode()
    _sign_up(client, "eva@example.ru")
    assert DataConsent.objects.get(account__email="eva@example.ru").person_id == child.pk


def test_a_teacher_redeems_a_staff_code(school1):
    with tenant_context(school1.school):
        teacher = Person.objects.create(last_name="Новенькая", first_name="Учительница", roles=["teacher"],
                                        position="учитель химии")
    client = _portal()
    _enter(client, issue_code(school1.school, teacher))
    assert "учитель" in client.get("/invite/accept/").content.decode()
    _sign_up(client, "chem@example.ru")
    account = Account.objects.get(email="chem@example.ru")
    assert Membership.objects.get(account=account, school=school1.school).roles == ["teacher"]
    assert DataConsent.objects.filter(account=account, text_version="2026-11").exists()
    assert "Журнал" in client.get("/", HTTP_HOST=school1.host).content.decode()


def test_a_parent_with_children_in_two_schools_adds_the_second_to_the_same_account(school1, school2):
    _child, mother = _family(school2)
    client = _portal()
    _enter(client, issue_code(school2.school, mother))
    page = client.get("/invite/accept/").content.decode()
    assert "/accounts/login/?next=%2Finvite%2Faccept%2F" in page
    signed_in = client.post("/accounts/login/?next=/invite/accept/",
                            {"username": "parent@school1.parta.test", "password": DEMO_PASSWORD})
    assert signed_in["Location"] == "/invite/accept/"  # back to the pending code: the session kept it
    response = client.post("/invite/accept/", {"consent": "on"})
    assert response["Location"] == "http://school2.parta.localhost/"
    assert _person(school2, mother.pk).account_id == school1.parent.pk
    assert {m.school.slug for m in Membership.objects.filter(account=school1.parent, is_active=True)} == {
        "school1", "school2",
    }
    assert client.get("/", HTTP_HOST=school2.host).status_code == 200
    assert client.get("/", HTTP_HOST=school1.host).status_code == 200


# ---------------------------------------------------------------- a code gives exactly its role


def test_a_parent_cannot_take_their_childs_code(school1):
    """The demo parent (a parent in school1) tries a student's code of the same school."""
    child, _mother = _family(school1)
    client = _portal(school1.parent)
    _enter(client, issue_code(school1.school, child))
    page = client.get("/invite/accept/").content.decode()
    assert "Вы вошли как родитель или сотрудник этой школы, а это код ученика." in page
    response = client.post("/invite/accept/", {})
    assert "код ученика" in response.content.decode()
    assert _person(school1, child.pk).account_id is None
    assert Membership.objects.get(account=school1.parent, school=school1.school).roles == ["parent"]


def test_a_student_code_gives_only_the_student_role_for_that_student(school1):
    child, mother = _family(school1)
    client = _portal()
    _enter(client, issue_code(school1.school, child))
    _sign_up(client, "mama-pretending@example.ru", consent=False, last_name="Кодова", first_name="Ирина")
    account = Account.objects.get(email="mama-pretending@example.ru")
    assert Membership.objects.get(account=account, school=school1.school).roles == ["student"]
    assert _person(school1, child.pk).account_id == account.pk
    assert _person(school1, mother.pk).account_id is None
    diary = client.get("/", HTTP_HOST=school1.host).content.decode()
    assert "Мои дети" not in diary  # a student's home, never a parent's


def test_a_signed_in_student_cannot_take_a_parent_code(school1):
    _child, mother = _family(school1)
    client = _portal(school1.student)
    _enter(client, issue_code(school1.school, mother))
    response = client.post("/invite/accept/", {"consent": "on"})
    assert "Вы вошли как ученик этой школы, а этот код — не для ученика." in response.content.decode()
    assert _person(school1, mother.pk).account_id is None


def test_an_account_already_someone_in_the_school_is_told_to_ask_for_a_role(school1):
    _child, mother = _family(school1)
    client = _portal(school1.teacher)
    _enter(client, issue_code(school1.school, mother))
    page = client.get("/invite/accept/").content.decode()
    assert "Ваша учётная запись уже связана с другим человеком в этой школе (Смирнова М. П.)" in page
    assert 'data-testid="join-form"' not in page


# ---------------------------------------------------------------- codes that do not work


def _used_code(school) -> str:
    child, _mother = _family(school)
    code = issue_code(school.school, child)
    client = _portal()
    _enter(client, code)
    _sign_up(client, "first-user@example.ru", consent=False)
    return code


def _expired_code(school) -> str:
    _child, mother = _family(school)
    code = issue_code(school.school, mother)
    Invitation.objects.filter(code_hash=code_hash(code_normalize(code))).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    return code


def _revoked_code(school) -> str:
    _child, mother = _family(school)
    code = issue_code(school.school, mother)
    issue_code(school.school, mother)  # reissued: the first one is revoked
    return code


def _unknown_code(school) -> str:
    from core.codes import code_generate

    return code_generate()


def _left_school_code(school) -> str:
    _child, mother = _family(school)
    code = issue_code(school.school, mother)
    with tenant_context(school.school):
        Person.objects.filter(pk=mother.pk).update(is_active=False)
    return code


@pytest.mark.parametrize("make_code", [_unknown_code, _expired_code, _revoked_code, _used_code, _left_school_code])
def test_unknown_expired_revoked_and_used_codes_get_the_same_answer(school1, make_code):
    code = make_code(school1)
    response = _enter(_portal(), code)
    assert response.status_code == 200
    body = response.content.decode()
    assert INVALID in body
    errors = body.split('class="error"', 1)[1].split("</p>", 1)[0]
    assert errors.endswith(INVALID)


def test_a_typo_is_pointed_out_and_is_not_counted_as_a_guess(school1):
    client = _portal()
    for _ in range(INVITE_ATTEMPTS + 2):
        response = _enter(client, "ABCD-EFGH-JKMN-PQRS-TUV0")
        assert "В коде опечатка" in response.content.decode()
        assert "В кодах не бывает символов 0, O, 1, I и L." in response.content.decode()
    _child, mother = _family(school1)
    assert _enter(client, issue_code(school1.school, mother)).status_code == 302


def test_codes_are_accepted_in_lower_case_with_spaces_and_cyrillic_lookalikes(school1):
    _child, mother = _family(school1)
    code = issue_code(school1.school, mother)
    latin_to_cyrillic = str.maketrans("ABEKMHPCTXY", "АВЕКМНРСТХУ")
    typed = "  " + code.replace("-", " ").translate(latin_to_cyrillic).lower() + " "
    assert _enter(_portal(), typed).status_code == 302


def test_wrong_codes_are_throttled_per_address_for_fifteen_minutes(school1):
    from core.codes import code_generate

    client = _portal()
    for _ in range(INVITE_ATTEMPTS):
        assert _enter(client, code_generate()).status_code == 200
    _child, mother = _family(school1)
    good = issue_code(school1.school, mother)
    blocked = _enter(client, good)  # even a good code now
    assert blocked.status_code == 429
    assert "Слишком много неверных кодов из вашей сети. Попробуйте через 15 минут." in blocked.content.decode()
    assert client.get("/invite/").status_code == 429
    elsewhere = Client(HTTP_HOST=PORTAL, REMOTE_ADDR="10.1.2.3")
    assert _enter(elsewhere, good).status_code == 302


def test_a_code_works_once(school1):
    code = _used_code(school1)
    again = _portal()
    assert INVALID in _enter(again, code).content.decode()


def test_the_accept_page_without_a_proved_code_goes_back_to_the_code(db):
    response = _portal().get("/invite/accept/", follow=True)
    assert response.redirect_chain[-1][0] == "/invite/"
    assert INVALID in response.content.decode()


def test_registering_with_an_e_mail_that_has_an_account_says_to_sign_in(school1):
    _child, mother = _family(school1)
    client = _portal()
    _enter(client, issue_code(school1.school, mother))
    response = _sign_up(client, "Teacher@School1.parta.test")
    assert "Учётная запись с этим e-mail уже есть. Войдите в неё" in response.content.decode()
    assert _person(school1, mother.pk).account_id is None


def test_a_code_revoked_while_the_form_is_open_is_refused_and_no_account_is_left(school1):
    _child, mother = _family(school1)
    client = _portal()
    _enter(client, issue_code(school1.school, mother))
    issue_code(school1.school, mother)  # the school reissues meanwhile
    response = _sign_up(client, "late@example.ru")
    assert response.status_code == 302
    assert response["Location"] == "/invite/"
    assert not Account.objects.filter(email="late@example.ru").exists()


def test_the_portal_and_the_sign_in_page_lead_to_the_invitation_page(school1):
    assert 'href="/invite/"' in _portal().get("/").content.decode()
    assert 'href="http://parta.localhost/invite/"' in Client(HTTP_HOST=school1.host).get(
        "/accounts/login/").content.decode()
    page = _portal().get("/invite/").content.decode()
    assert "Код приглашения" in page
