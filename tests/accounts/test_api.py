"""The API: browser session or personal token, and the school membership check for both."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import api_token_create, api_token_revoke
from tests.conftest import client_for


def _token_client(host: str, key: str) -> Client:
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {key}")


def test_session_caller_gets_me(school1):
    data = client_for(school1.host, school1.teacher).get("/api/v1/me/").json()
    assert data["school"] == "school1"
    assert data["roles"] == ["teacher"]
    assert data["person"]["last_name"]


def test_token_caller_reads_their_school(school1):
    _token, key = api_token_create(account=school1.teacher, name="скрипт")
    response = _token_client(school1.host, key).get("/api/v1/classes/")
    assert response.status_code == 200
    assert response.json()["count"] == 10


@pytest.mark.parametrize("scheme", ["Token", "Bearer"])
def test_both_header_schemes_work(school1, scheme):
    _token, key = api_token_create(account=school1.student, name="app")
    response = Client(HTTP_HOST=school1.host, HTTP_AUTHORIZATION=f"{scheme} {key}").get("/api/v1/me/")
    assert response.status_code == 200


def test_token_of_another_school_is_refused_like_a_session(school1, school2):
    _token, key = api_token_create(account=school1.admin, name="скрипт")
    response = _token_client(school2.host, key).get("/api/v1/classes/")
    assert response.status_code == 403
    assert client_for(school2.host, school1.admin).get("/api/v1/classes/").status_code == 403


def test_revoked_or_wrong_token_is_401(school1):
    token, key = api_token_create(account=school1.teacher, name="old")
    assert api_token_revoke(account=school1.teacher, token_id=token.pk)
    assert _token_client(school1.host, key).get("/api/v1/me/").status_code == 401
    assert _token_client(school1.host, "pt_made_up").get("/api/v1/me/").status_code == 401


def test_anonymous_api_call_is_refused(school1):
    assert Client(HTTP_HOST=school1.host).get("/api/v1/me/").status_code in (401, 403)


def test_student_sees_only_own_class_through_the_api(school1):
    classes = client_for(school1.host, school1.student).get("/api/v1/classes/").json()["results"]
    assert [c["name"] for c in classes] == ["5А"]


def test_openapi_schema_and_docs_are_served(school1):
    client = Client(HTTP_HOST=school1.host)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/me/" in paths
    assert "/api/v1/classes/{class_id}/" in paths
    assert client.get("/api/docs/").status_code == 200


def test_only_the_token_hash_is_stored(school1):
    token, key = api_token_create(account=school1.teacher, name="x")
    token.refresh_from_db()
    assert key not in (token.key_hash, token.prefix)


def test_tokens_page_creates_and_revokes(school1):
    client = client_for("parta.localhost", school1.teacher)
    response = client.post("/accounts/tokens/", {"name": "Телефон"})
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert _token_client(school1.host, key).get("/api/v1/me/").status_code == 200
    token = response.context["tokens"][0]
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert _token_client(school1.host, key).get("/api/v1/me/").status_code == 401
