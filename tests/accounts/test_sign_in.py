"""One account, one sign-in, every school it belongs to."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from accounts.models import Account
from tests.conftest import DEMO_PASSWORD, client_for


def _login(client: Client, login: str, password: str = DEMO_PASSWORD):
    return client.post("/accounts/login/", {"username": login, "password": password})


def test_one_sign_in_opens_both_schools_of_a_multi_school_account(multi):
    client = Client(HTTP_HOST="parta.localhost")
    response = _login(client, "multi@parta.test")
    assert response.status_code == 302
    # The session cookie belongs to the parent domain, so every subdomain receives it.
    assert client.cookies[settings.SESSION_COOKIE_NAME]["domain"] == "parta.localhost"
    school1 = client.get("/", HTTP_HOST="school1.parta.localhost")
    school2 = client.get("/", HTTP_HOST="school2.parta.localhost")
    assert school1.status_code == 200
    assert school2.status_code == 200
    assert "Журнал" in school1.content.decode()  # a teacher in school1
    assert "Дневник" in school2.content.decode()  # a parent in school2
    assert "Журнал" not in school2.content.decode()


def test_sign_in_on_a_school_with_email_or_phone(school1):
    account = school1.teacher
    account.phone = "+79123456789"
    account.save()
    for login in ("teacher@school1.parta.test", "TEACHER@school1.parta.test", "8 (912) 345-67-89"):
        client = Client(HTTP_HOST=school1.host)
        response = _login(client, login)
        assert response.status_code == 302, login
        assert client.get("/").status_code == 200


def test_wrong_password_gets_a_clear_message_and_no_session(school1):
    client = Client(HTTP_HOST=school1.host)
    response = _login(client, "teacher@school1.parta.test", "wrong")
    assert response.status_code == 200
    assert "Неверный e-mail, телефон или пароль" in response.content.decode()
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_account_for_that_address(school1):
    client = Client(HTTP_HOST=school1.host)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "teacher@school1.parta.test", "guess")
    response = _login(client, "teacher@school1.parta.test", DEMO_PASSWORD)  # even the right one
    assert response.status_code == 429
    assert "Слишком много попыток" in response.content.decode()


def test_non_member_gets_403_with_the_schools_it_can_open(school1, school2):
    client = client_for(school2.host, school1.teacher)
    response = client.get("/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Вы не состоите в этой школе" in body
    assert "http://school1.parta.localhost/" in body
    assert school1.school.name in body


def test_account_without_any_school_gets_403_listing_nothing(outsider, school1):
    response = client_for(school1.host, outsider).get("/")
    assert response.status_code == 403
    assert "пока не состоит ни в одной школе" in response.content.decode()


def test_logout_ends_the_session_everywhere(multi):
    client = client_for("school1.parta.localhost", multi)
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/", HTTP_HOST="school2.parta.localhost").status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(school1, mailoutbox):
    client = Client(HTTP_HOST="parta.localhost")
    client.post("/accounts/password-reset/", {"email": "teacher@school1.parta.test"})
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("parta.localhost", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Нов0е-пароль-2026", "new_password2": "Нов0е-пароль-2026"})
    assert response.status_code == 302
    assert Account.objects.get(pk=school1.teacher.pk).check_password("Нов0е-пароль-2026")


def test_password_reset_for_unknown_address_says_the_same(db, mailoutbox):
    client = Client(HTTP_HOST="parta.localhost")
    response = client.post("/accounts/password-reset/", {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_language_switch_to_english_and_back(school1):
    client = client_for(school1.host, school1.teacher)
    assert "Журнал" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Journal" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert "Журнал" in client.get("/").content.decode()


def test_russian_whatever_the_browser_says_unless_the_user_chose_english(school1):
    """Accept-Language is ignored: an English browser still gets Russian; the language
    switch's cookie is what turns English on."""
    english_browser = client_for(school1.host, school1.teacher)
    english_browser.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    body = english_browser.get("/").content.decode()
    assert "Журнал" in body and '<html lang="ru"' in body
    english_browser.cookies["django_language"] = "en"
    body = english_browser.get("/").content.decode()
    assert "Journal" in body and '<html lang="en"' in body
    # Signed out too: the sign-in page of an English browser is Russian.
    login = Client(HTTP_HOST=school1.host, HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()
    assert '<html lang="ru"' in login
