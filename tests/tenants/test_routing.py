"""Hostnames: the portal, schools, unknown subdomains, health probes."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import Domain, School
from tenants.selectors import school_for_host
from tests.conftest import client_for


def test_portal_answers_anonymously(db):
    response = Client(HTTP_HOST="parta.localhost").get("/")
    assert response.status_code == 200
    assert "Parta" in response.content.decode()


def test_unknown_subdomain_gets_a_friendly_404(db):
    response = Client(HTTP_HOST="no-such-school.parta.localhost").get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "no-such-school.parta.localhost" in body
    assert "http://parta.localhost/" in body  # a way out, to the portal
    assert "Traceback" not in body


def test_unknown_subdomain_page_speaks_russian_by_default(db):
    body = Client(HTTP_HOST="nope.parta.localhost").get("/").content.decode()
    assert "По этому адресу нет школы" in body


def test_school_requires_sign_in(school1):
    response = Client(HTTP_HOST=school1.host).get("/classes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/classes/")


def test_healthz_and_readyz_answer_on_any_host(db):
    for host in ("parta.localhost", "school1.parta.localhost", "127.0.0.1", "unknown.parta.localhost"):
        client = Client(HTTP_HOST=host)
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.content
        assert ready.json()["checks"] == {"database": "ok", "migrations": "ok"}


def test_tenant_lookup_is_cached_and_invalidated_on_save(school1, django_assert_num_queries):
    school_for_host(school1.host)
    with django_assert_num_queries(0):
        assert school_for_host(school1.host).pk == school1.school.pk
    school1.school.short_name = "Школа-переименованная"
    school1.school.save()
    assert school_for_host(school1.host).short_name == "Школа-переименованная"


def test_deactivated_school_is_unreachable(school1):
    School.objects.filter(pk=school1.school.pk).update(is_active=False)
    assert Client(HTTP_HOST=school1.host).get("/").status_code == 404


def test_unknown_host_raises_in_lookup(db):
    with pytest.raises(Domain.DoesNotExist):
        school_for_host("ghost.parta.localhost")


def test_request_cost_does_not_grow_with_schools(school1, django_assert_max_num_queries):
    client = client_for(school1.host, school1.teacher)
    client.get("/")  # warm the tenant cache
    # Membership, person, the switcher, the unread-notification count and the home page's
    # own reads — a fixed budget, with no per-school or per-row term.
    with django_assert_max_num_queries(14):
        assert client.get("/").status_code == 200
