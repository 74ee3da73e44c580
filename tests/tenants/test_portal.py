"""The public portal as each kind of account sees it."""

from __future__ import annotations

from tests.conftest import client_for


def test_coordinator_sees_the_schools_of_the_region(coordinator):
    response = client_for("parta.localhost", coordinator).get("/")
    body = response.content.decode()
    assert [item["school"].slug for item in response.context["region_schools"]] == ["school2", "school1"]
    assert "school1.parta.localhost" in body
    assert "Школы региона" in body


def test_member_sees_their_schools_with_roles(multi):
    body = client_for("parta.localhost", multi).get("/").content.decode()
    assert "http://school1.parta.localhost/" in body
    assert "http://school2.parta.localhost/" in body
    assert "учитель" in body
    assert "родитель" in body
    assert "Школы региона" not in body


def test_account_without_schools_is_told_so(outsider):
    body = client_for("parta.localhost", outsider).get("/").content.decode()
    assert "пока не состоит ни в одной школе" in body


def test_anonymous_sees_the_landing_with_sign_in(db):
    body = client_for("parta.localhost").get("/").content.decode()
    assert "/accounts/login/" in body
