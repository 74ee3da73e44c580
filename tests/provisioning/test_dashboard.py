"""The regional dashboard: the figures the periodic task writes (checked against the
known demo), the funnel stages, sorting, the Excel export, "refresh now", a constant
number of queries — and who may open the coordinator's pages at all."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Account
from config.celery import app
from core.models import Person, SchoolClass, SchoolSettings
from provisioning.models import ActivationCode, AuditEntry, ConnectionRequest, SchoolSummary
from provisioning.selectors import Stage, coordinator_scope, dashboard_for
from provisioning.services import summary as services
from provisioning.tasks.summary import school_summaries_refresh_task
from tenants.models import Coordinator, Municipality, Region, School
from tests.conftest import DEMO_PASSWORD, client_for

PORTAL = "parta.localhost"


@pytest.fixture
def nobody_signed_in(db) -> None:
    """Start from accounts that have never signed in (a journey may have signed some in)."""
    Account.objects.update(last_login=None)


def _sign_in(email: str) -> None:
    """Sign in through the real form, as a person would: that sets Account.last_login."""
    response = client_for(PORTAL).post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def _people(school: School) -> dict[str, int]:
    with schema_context(school.schema_name):
        active = Person.objects.filter(is_active=True)
        return {
            "parent": active.filter(roles__contains=["parent"]).count(),
            "total": active.count(),
        }


def _schoolless(region: Region, slug: str, **fields) -> School:
    """A registry row without a schema (fast): enough for the dashboard, which reads rows."""
    school = School(schema_name=f"school_{slug}", slug=slug, name=f"Школа {slug}", short_name=slug,
                    region=region, **fields)
    school.auto_create_schema = False
    school.save()
    return school


# ---- the figures -----------------------------------------------------------------------


def test_figures_match_the_demo_school(school1, nobody_signed_in):
    for who in (school1.teacher, school1.parent, school1.admin):
        _sign_in(who.email)
    summary = services.school_summary_refresh(school=school1.school)

    people = _people(school1.school)
    assert summary.people_by_role["staff"] == 20
    assert summary.people_by_role["teacher"] == 16
    assert summary.people_by_role["student"] == 250
    assert summary.people_by_role["parent"] == people["parent"] > 250
    assert summary.people_by_role["total"] == people["total"]
    with schema_context(school1.school.schema_name):
        assert SchoolClass.objects.count() == 10
    assert summary.is_configured  # the demo school finished its setup wizard

    accounts = summary.accounts_by_role
    assert accounts["teacher"] == 1
    assert accounts["parent"] == 1
    assert accounts["admin"] == 1
    assert accounts["deputy"] == 1  # the administrator is also a deputy director
    assert accounts["student"] == 0
    assert accounts["staff"] == 2
    assert accounts["total"] == 3
    assert summary.parents_signed_in_7d == 1
    assert summary.teachers_marking_7d == 0  # no gradebook marks exist yet
    assert SchoolSummary.objects.get(school=school1.school).accounts_by_role == accounts


def test_a_parent_who_signed_in_long_ago_is_activated_but_not_active(school1, nobody_signed_in):
    Account.objects.filter(pk=school1.parent.pk).update(last_login=timezone.now() - timedelta(days=10))
    summary = services.school_summary_refresh(school=school1.school)
    assert summary.accounts_by_role["parent"] == 1
    assert summary.parents_signed_in_7d == 0


def test_one_account_counts_in_each_of_its_schools(school1, school2, multi, nobody_signed_in):
    _sign_in(multi.email)  # a teacher in school1 and a parent in school2
    first = services.school_summary_refresh(school=school1.school)
    second = services.school_summary_refresh(school=school2.school)
    assert (first.accounts_by_role["teacher"], first.accounts_by_role["parent"]) == (1, 0)
    assert (second.accounts_by_role["teacher"], second.accounts_by_role["parent"]) == (0, 1)
    assert second.parents_signed_in_7d == 1


def test_a_school_is_configured_once_its_setup_wizard_is_finished(school2):
    assert services.school_summary_refresh(school=school2.school).is_configured  # the demo is set up
    with schema_context(school2.school.schema_name):
        SchoolSettings.objects.update(setup_completed_at=None)
    assert not services.school_summary_refresh(school=school2.school).is_configured


def test_the_task_visits_every_active_real_school_and_survives_a_broken_one(school1, school2, region):
    SchoolSummary.objects.all().delete()
    spare = _schoolless(region, "spare1", is_spare=True)
    closed = _schoolless(region, "closed1", is_active=False)
    broken = _schoolless(region, "broken1")  # no schema: its refresh fails
    expected = services.summary_schools().count() - 1
    written = school_summaries_refresh_task.delay().get()
    assert written == expected
    have = set(SchoolSummary.objects.values_list("school__slug", flat=True))
    assert {"school1", "school2"} <= have
    assert not have & {spare.slug, closed.slug, broken.slug}
    assert not SchoolSummary.objects.filter(school__schema_name=settings.PUBLIC_SCHEMA_NAME).exists()


def test_the_beat_runs_the_task_every_half_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["school-summaries-refresh"]
    assert entry["task"] == school_summaries_refresh_task.name
    assert entry["task"] in app.tasks
    assert entry["schedule"].minute == {0, 30}


# ---- the page --------------------------------------------------------------------------


def _row(response, name: str):
    return next(r for r in response.context["data"].rows if r.name == name)


def test_dashboard_shows_every_stage_of_the_funnel(coordinator, region, school1, school2):
    kaluga = Municipality.objects.get(region=region, name="городской округ «Город Калуга»")
    # school1 in use (a parent signed in this week), school2 configured, the demo requests
    # waiting: one without a code (requested), one with a code out (code issued).
    services.school_summary_refresh(school=school1.school)
    services.school_summary_refresh(school=school2.school)
    SchoolSummary.objects.filter(school=school1.school).update(parents_signed_in_7d=3)
    SchoolSummary.objects.filter(school=school2.school).update(parents_signed_in_7d=0, teachers_marking_7d=0,
                                                               is_configured=True)
    fresh = _schoolless(region, "fresh1", municipality=kaluga)  # activated, not counted yet
    response = client_for(PORTAL, coordinator).get("/coordinator/")
    assert response.status_code == 200
    assert _row(response, "МБОУ СОШ № 1").stage == Stage.IN_USE
    assert _row(response, "Лицей № 2").stage == Stage.CONFIGURED
    assert _row(response, fresh.short_name).stage == Stage.ACTIVATED
    assert _row(response, "МБОУ СОШ № 5").stage == Stage.REQUESTED  # the demo's new request
    assert _row(response, "Гимназия г. Обнинска").stage == Stage.CODE_ISSUED  # approved, code sent
    assert "ЧУ ДО «Умка»" not in [r.name for r in response.context["data"].rows]  # rejected

    funnel = {bar.stage: bar.count for bar in response.context["data"].funnel}
    out = ActivationCode.objects.filter(region=region, status="active", expires_at__gt=timezone.now()).count()
    assert funnel == {Stage.REQUESTED: 1, Stage.CODE_ISSUED: out, Stage.ACTIVATED: 1, Stage.CONFIGURED: 1,
                      Stage.IN_USE: 1}
    body = response.content.decode()
    assert "<svg" in body
    assert "Воронка подключения" in body
    assert "Используется" in body  # a bar's label
    assert 'href="?stage=in_use"' in body
    assert response.context["data"].totals["schools"] == 3
    assert '<span class="stat-value" data-testid="total-schools">3</span>' in body

    only = client_for(PORTAL, coordinator).get("/coordinator/?stage=requested")
    assert [r.name for r in only.context["data"].rows] == ["МБОУ СОШ № 5"]


def test_a_request_whose_code_was_used_is_shown_as_its_school(coordinator, region, school1):
    item = ConnectionRequest.objects.get(short_name="Гимназия г. Обнинска")
    ActivationCode.objects.filter(request=item).update(status="used")
    names = [r.name for r in dashboard_for(coordinator_scope(coordinator)).rows]
    assert "Гимназия г. Обнинска" not in names


def test_totals_add_up_the_schools(coordinator, school1, school2, nobody_signed_in):
    _sign_in(school1.parent.email)
    _sign_in(school2.parent.email)
    _sign_in(school2.teacher.email)
    services.school_summaries_refresh()
    totals = dashboard_for(coordinator_scope(coordinator)).totals
    assert totals["parents"].active == 2
    assert totals["parents"].total == _people(school1.school)["parent"] + _people(school2.school)["parent"]
    assert totals["students"].total == 500
    assert totals["staff"].active == 1
    assert totals["staff"].total == 40
    assert totals["parents_7d"] == 2


def test_sorting_by_each_column(coordinator, school1, school2, nobody_signed_in):
    _sign_in(school2.parent.email)
    services.school_summaries_refresh()
    client = client_for(PORTAL, coordinator)

    def names(query: str) -> list[str]:
        return [r.name for r in client.get(f"/coordinator/?{query}").context["data"].rows]

    by_name = names("sort=school")
    assert by_name == sorted(by_name, key=str.casefold)
    assert names("sort=school&dir=desc") == by_name[::-1]
    # School rows have figures, requests do not: those go last in either direction.
    assert names("sort=parents&dir=desc")[:2] == ["Лицей № 2", "МБОУ СОШ № 1"]
    assert names("sort=parents&dir=asc")[:2] == ["МБОУ СОШ № 1", "Лицей № 2"]
    assert names("sort=parents&dir=asc")[2:] == names("sort=parents&dir=desc")[2:]
    assert names("sort=stage")[0] == "МБОУ СОШ № 5"  # requested comes first
    assert names("sort=nonsense") == by_name
    for key in ("municipality", "staff", "students", "teachers_marking", "parents_7d", "updated"):
        response = client.get(f"/coordinator/?sort={key}&dir=desc")
        assert response.status_code == 200, key
        assert f'aria-sort="descending"><a href="?sort={key}&amp;dir=asc"' in response.content.decode(), key


def test_excel_export_opens_and_lists_the_schools(coordinator, school1, school2):
    from openpyxl import load_workbook

    services.school_summaries_refresh()
    response = client_for(PORTAL, coordinator).get("/coordinator/schools.xlsx?sort=school")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Школа", "Полное наименование", "Муниципалитет", "Этап")
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["МБОУ СОШ № 1"]["Ученики"] == 250
    assert by_name["МБОУ СОШ № 1"]["Сотрудники"] == 20
    assert by_name["МБОУ СОШ № 1"]["Адрес"] == "school1.parta.localhost"
    assert by_name["Лицей № 2"]["Полное наименование"].startswith("Муниципальное бюджетное")
    assert by_name["МБОУ СОШ № 5"]["Этап"] == "заявка получена"
    assert rows[-1][0] == "Итого"
    assert rows[-1][10] == 500  # students in both schools
    assert AuditEntry.objects.filter(action="dashboard.export", actor=coordinator).exists()


def test_refresh_now_recalculates_and_is_not_a_button_to_hammer(
    coordinator, school1, django_capture_on_commit_callbacks
):
    SchoolSummary.objects.filter(school=school1.school).update(computed_at=timezone.now() - timedelta(hours=2))
    client = client_for(PORTAL, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/coordinator/refresh/", follow=True)
    assert "Данные пересчитываются" in response.content.decode()
    assert timezone.now() - SchoolSummary.objects.get(school=school1.school).computed_at < timedelta(minutes=1)
    assert AuditEntry.objects.filter(action="dashboard.refresh", actor=coordinator).count() == 1
    again = client.post("/coordinator/refresh/", follow=True).content.decode()
    assert "только что пересчитывались" in again
    assert AuditEntry.objects.filter(action="dashboard.refresh", actor=coordinator).count() == 1


def test_the_dashboard_costs_the_same_queries_with_more_schools(coordinator, region, django_assert_num_queries):
    client = client_for(PORTAL, coordinator)
    client.get("/coordinator/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/coordinator/").status_code == 200
    kaluga = Municipality.objects.get(region=region, name="городской округ «Город Калуга»")
    for i in range(8):
        school = _schoolless(region, f"extra{i}", municipality=kaluga)
        SchoolSummary.objects.create(school=school, computed_at=timezone.now(), is_configured=bool(i % 2),
                                     accounts_by_role={"parent": i}, people_by_role={"parent": 10 + i})
        ConnectionRequest.objects.create(
            full_name=f"Школа {i}", short_name=f"Школа {i}", region=region, municipality=kaluga, address="—",
            inn=f"40290000{i:02d}", ogrn="1", contact_name="—", email="x@example.ru", phone="+7",
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/coordinator/")
    assert len(response.context["data"].rows) >= 8 + 8


# ---- the demo ---------------------------------------------------------------------------


def test_the_demo_has_requests_codes_and_activated_schools(school1, school2, region):
    statuses = dict(ConnectionRequest.objects.filter(region=region).values_list("short_name", "status"))
    assert statuses == {"МБОУ СОШ № 5": "new", "Гимназия г. Обнинска": "approved", "ЧУ ДО «Умка»": "rejected"}
    assert ActivationCode.objects.get(request__short_name="Гимназия г. Обнинска").status == "active"
    for cast in (school1, school2):
        assert ActivationCode.objects.get(school=cast.school).status == "used"
    assert SchoolSummary.objects.filter(school__in=[school1.school, school2.school]).count() == 2


def test_seeding_the_demo_again_adds_nothing(db):
    from django.core.management import call_command

    def counts() -> tuple[int, ...]:
        return (ConnectionRequest.objects.count(), ActivationCode.objects.count(), SchoolSummary.objects.count(),
                School.objects.count())

    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before


# ---- the portal's home page ------------------------------------------------------------


def test_the_portal_home_links_coordinators_to_their_dashboard(coordinator, school1):
    body = client_for(PORTAL, coordinator).get("/").content.decode()
    assert 'href="/coordinator/"' in body
    assert "Панель координатора" in body
    assert "Новых заявок: 1" in body  # the demo's new request
    member = client_for(PORTAL, school1.teacher).get("/").content.decode()
    assert 'href="/coordinator/"' not in member
    anonymous = client_for(PORTAL).get("/").content.decode()
    assert 'href="/connect/"' in anonymous


# ---- who may open the coordinator's pages ------------------------------------------------

COORDINATOR_ROUTES = [
    str(p.pattern)
    for p in get_resolver("provisioning.urls_coordinator").url_patterns
    if isinstance(p, URLPattern) and str(p.pattern).startswith("coordinator/")
]


def _path(route: str) -> str:
    route = route.replace("<uuid:batch>", "5eed0000-0000-4000-8000-000000000040")
    return "/" + re.sub(r"<int:\w+>", "1", route)


def test_the_walk_finds_the_routes():
    assert len(COORDINATOR_ROUTES) >= 15
    assert "coordinator/codes/<int:code_id>/revoke/" in COORDINATOR_ROUTES


@pytest.mark.parametrize("route", COORDINATOR_ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(route, db):
    for method in ("get", "post"):
        response = getattr(client_for(PORTAL), method)(_path(route))
        assert response.status_code == 302, (route, method)
        assert response["Location"].startswith("/accounts/login/?next=/coordinator/")


@pytest.mark.parametrize("route", COORDINATOR_ROUTES)
@pytest.mark.parametrize("who", ["teacher", "admin", "director", "parent", "outsider"])
def test_everyone_but_coordinators_gets_404(route, who, school1, outsider):
    account = outsider if who == "outsider" else getattr(school1, who)
    for method in ("get", "post"):
        response = getattr(client_for(PORTAL, account), method)(_path(route))
        assert response.status_code == 404, (route, who, method)


@pytest.fixture
def other_coordinator(outsider) -> Account:
    other = Region.objects.create(name="Тульская область", code="71")
    Coordinator.objects.create(account=outsider, region=other)
    return outsider


def test_another_regions_coordinator_sees_nothing_of_this_region(other_coordinator, coordinator, region):
    item = ConnectionRequest.objects.get(short_name="МБОУ СОШ № 5")
    code = ActivationCode.objects.filter(region=region, status="active").first()
    client = client_for(PORTAL, other_coordinator)
    dashboard = client.get("/coordinator/")
    assert dashboard.status_code == 200
    assert dashboard.context["data"].rows == []
    for path in (f"/coordinator/requests/{item.pk}/approve/",
                 f"/coordinator/requests/{item.pk}/reject/", f"/coordinator/codes/{code.pk}/revoke/",
                 f"/coordinator/codes/batches/{code.batch}/revoke/"):
        assert client.post(path, {"reason": "x", "issue_code": "on"}).status_code == 404, path
    assert client.get(f"/coordinator/requests/{item.pk}/").status_code == 404
    for path in ("/coordinator/requests/?status=all", "/coordinator/codes/", "/coordinator/audit/"):
        body = client.get(path).content.decode()
        assert "МБОУ СОШ № 5" not in body
        assert code.code not in body
    item.refresh_from_db()
    code.refresh_from_db()
    assert (item.status, code.status) == ("new", "active")
