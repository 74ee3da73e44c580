"""Activation: a code, a school's details, its first administrator — and a school made
from a spare schema in one transaction, safe against crashes and races."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from accounts.models import Account
from core.models import Person
from provisioning.codes import code_generate
from provisioning.errors import ActivationError
from provisioning.models import ActivationCode, AuditEntry, ProvisioningJob
from provisioning.services import activation, pool
from tenants.models import Domain, Membership, Municipality, School
from tests.conftest import client_for, run_committed


@pytest.fixture
def new_code(coordinator, kaluga):
    def make(**overrides) -> ActivationCode:
        fields = {"code": code_generate(), "region": kaluga.region, "municipality": kaluga,
                  "expires_at": timezone.now() + timedelta(days=30), "issued_by": coordinator}
        return ActivationCode.objects.create(**{**fields, **overrides})

    return make


@pytest.fixture
def admin_account(db) -> Account:
    return Account.objects.create_user("director@school5.test", "Parta-test-2026", last_name="Сергеева",
                                       first_name="Анна", middle_name="Павловна")


def _start(code, admin, slug="school5", **kw) -> ProvisioningJob:
    return activation.activation_start(admin=admin, code=code, slug=slug, name="МБОУ «Средняя школа № 5»",
                                       short_name="СОШ № 5", tz=kw.pop("tz", "Asia/Vladivostok"), **kw)


def test_code_is_accepted_however_it_is_typed(new_code):
    code = new_code()
    typed = code.code.lower().replace("-", " ")
    assert activation.code_check(code_text=typed, ip="10.0.0.1") == code


@pytest.mark.parametrize("state", ["missing", "expired", "revoked", "used", "reserved"])
def test_unusable_codes_get_one_and_the_same_message(new_code, state):
    code = new_code()
    text = code.code
    if state == "missing":
        text = code_generate()
    elif state == "expired":
        ActivationCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    else:
        ActivationCode.objects.filter(pk=code.pk).update(status=state)
    with pytest.raises(ActivationError) as error:
        activation.code_check(code_text=text, ip="10.0.0.2")
    assert error.value.code == "code_invalid"
    assert AuditEntry.objects.filter(action="code.wrong_attempt").exists()


def test_wrong_codes_are_throttled_per_address(new_code):
    good = new_code()
    for _ in range(activation.IP_THROTTLE.limit):
        with pytest.raises(ActivationError):
            activation.code_check(code_text=code_generate(), ip="10.0.0.3")
    with pytest.raises(ActivationError) as error:
        activation.code_check(code_text=good.code, ip="10.0.0.3")
    assert error.value.code == "code_throttled"
    assert activation.code_check(code_text=good.code, ip="10.0.0.4") == good  # another address is fine


def test_guessing_one_code_from_many_addresses_is_throttled_per_code(new_code):
    code = new_code()
    ActivationCode.objects.filter(pk=code.pk).update(status="revoked")
    for i in range(activation.CODE_THROTTLE.limit):
        with pytest.raises(ActivationError):
            activation.code_check(code_text=code.code, ip=f"10.1.0.{i}")
    ActivationCode.objects.filter(pk=code.pk).update(status="active")
    with pytest.raises(ActivationError) as error:
        activation.code_check(code_text=code.code, ip="10.1.1.1")
    assert error.value.code == "code_throttled"


def test_activation_makes_a_usable_school_from_a_spare(new_code, admin_account, django_capture_on_commit_callbacks):
    pool.spare_pool_fill(size=1)
    spares_before = set(School.objects.filter(is_spare=True).values_list("schema_name", flat=True))
    code = new_code()
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(code, admin_account)
    job.refresh_from_db()
    assert job.status == "succeeded", job.log
    school = School.objects.get(slug="school5")
    assert not school.is_spare and school.is_active
    assert school.schema_name == "school_school5"
    assert school.timezone == "Asia/Vladivostok"
    assert school.region_id == code.region_id
    assert Domain.objects.filter(tenant=school, domain="school5.parta.localhost").exists()
    assert not spares_before & set(School.objects.filter(is_spare=True).values_list("schema_name", flat=True))
    code.refresh_from_db()
    assert code.status == "used" and code.school == school
    assert Membership.objects.get(account=admin_account, school=school).roles == ["admin"]
    with schema_context(school.schema_name):
        admin = Person.objects.get(account_id=admin_account.pk)
        assert admin.roles == ["admin"] and admin.last_name == "Сергеева"
    client = client_for("school5.parta.localhost", admin_account)
    response = client.get("/")
    assert response["Location"] == "/setup/school/"  # the first administrator lands in the setup wizard
    assert "СОШ № 5" in client.get("/setup/school/").content.decode()


def test_the_pool_is_refilled_after_use(new_code, admin_account, django_capture_on_commit_callbacks, settings):
    settings.SPARE_SCHEMA_POOL_SIZE = 1
    pool.spare_pool_fill()
    with django_capture_on_commit_callbacks(execute=True):
        _start(new_code(), admin_account)
    assert pool.spare_count() == 1


@pytest.mark.parametrize("step", ["renamed", "registered", "administrator"])
def test_a_crash_between_steps_leaves_nothing_and_the_retry_succeeds(step, new_code, admin_account, monkeypatch):
    pool.spare_pool_fill(size=1)
    code = new_code()
    job = _start(code, admin_account)  # on_commit not executed: we run the job by hand

    def crash(at: str) -> None:
        if at == step:
            raise RuntimeError("worker killed")

    monkeypatch.setattr(activation, "_checkpoint", crash)
    spare_schemas = set(School.objects.filter(is_spare=True).values_list("schema_name", flat=True))
    with pytest.raises(RuntimeError):
        activation.provisioning_job_run(job_id=job.pk)
    assert not School.objects.filter(slug="school5").exists()
    assert not Domain.objects.filter(domain="school5.parta.localhost").exists()
    assert not schema_exists("school_school5")
    assert set(School.objects.filter(is_spare=True).values_list("schema_name", flat=True)) == spare_schemas
    assert all(schema_exists(name) for name in spare_schemas)
    assert not Membership.objects.filter(account=admin_account).exists()
    code.refresh_from_db()
    assert code.status == "reserved"
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1

    monkeypatch.setattr(activation, "_checkpoint", lambda at: None)
    job = activation.provisioning_job_run(job_id=job.pk)
    assert job.status == "succeeded" and job.attempts == 2
    assert School.objects.filter(slug="school5").count() == 1
    code.refresh_from_db()
    assert code.status == "used"
    # Running a finished job again changes nothing.
    assert activation.provisioning_job_run(job_id=job.pk).attempts == 2


@pytest.mark.parametrize(("slug", "error"), [("www", "slug_reserved"), ("school1", "slug_taken"),
                                              ("Школа", "slug_invalid"), ("a", "slug_invalid")])
def test_bad_addresses_are_refused_and_the_code_is_kept(slug, error, new_code, admin_account):
    code = new_code()
    with pytest.raises(ActivationError) as raised:
        _start(code, admin_account, slug=slug)
    assert raised.value.code == error
    code.refresh_from_db()
    assert code.status == "active"
    assert not ProvisioningJob.objects.filter(code=code).exists()


def test_an_address_taken_while_the_job_waited_fails_the_job_and_frees_the_code(new_code, admin_account):
    pool.spare_pool_fill(size=1)
    code = new_code()
    job = _start(code, admin_account, slug="school5")
    School.objects.filter(slug="school1").update(slug="school5")  # someone got there first
    job = activation.provisioning_job_run(job_id=job.pk)
    assert job.status == "failed" and job.error == "slug_taken"
    code.refresh_from_db()
    assert code.status == "active"


def test_one_code_used_twice_in_a_row_gives_a_clear_message(new_code, admin_account, outsider):
    code = new_code()
    _start(code, admin_account, slug="school5")
    with pytest.raises(ActivationError) as error:
        _start(code, outsider, slug="school6")
    assert error.value.code == "code_taken"
    assert "другой школы" in error.value.message


def test_a_school_made_from_a_spare_is_identical_to_one_made_by_migrations(new_code, admin_account,
                                                                            django_capture_on_commit_callbacks):
    pool.spare_pool_fill(size=1)
    with django_capture_on_commit_callbacks(execute=True):
        _start(new_code(), admin_account)
    migrated = School.objects.get(slug="school1")  # made by running every migration
    from_spare = pool.schema_signature("school_school5")
    by_migrations = pool.schema_signature(migrated.schema_name)
    assert from_spare["columns"], "empty signature"
    for key in ("columns", "constraints", "indexes", "sequences", "migrations"):
        assert from_spare[key] == by_migrations[key], key


# --- the race, with real concurrent transactions --------------------------------------

@pytest.fixture
def committed_code(db, django_db_blocker):
    """A code and two accounts committed for real, so two threads can race for the code."""

    def setup():
        coordinator = Account.objects.get(email="coordinator@parta.test")
        municipality = Municipality.objects.get(name="городской округ «Город Калуга»")
        code = ActivationCode.objects.create(code=code_generate(), region=municipality.region,
                                             municipality=municipality, issued_by_id=coordinator.pk,
                                             expires_at=timezone.now() + timedelta(days=1))
        racers = [Account.objects.create_user(f"racer{i}@race.test", "Parta-test-2026", last_name=f"Гонщик{i}")
                  for i in range(2)]
        pool.spare_pool_fill(size=2)
        return code, racers

    code, racers = run_committed(django_db_blocker, setup)
    yield code, racers

    def teardown():
        for school in School.objects.filter(slug__in=["race-a", "race-b"]):
            ActivationCode.objects.filter(school=school).update(school=None)
            Domain.objects.filter(tenant=school).delete()
            Membership.objects.filter(school=school).delete()
            ProvisioningJob.objects.filter(school=school).update(school=None)
            school.delete(force_drop=True)
        AuditEntry.objects.filter(actor__in=racers).delete()
        ProvisioningJob.objects.filter(code=code).delete()
        ActivationCode.objects.filter(pk=code.pk).delete()
        Account.objects.filter(pk__in=[r.pk for r in racers]).delete()

    run_committed(django_db_blocker, teardown)


def test_two_people_racing_with_one_code_one_wins_one_is_told(committed_code, django_db_blocker):
    code, racers = committed_code
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def race(account: Account, slug: str) -> None:
        with django_db_blocker.unblock():
            try:
                barrier.wait()
                job = _start(ActivationCode.objects.get(pk=code.pk), account, slug=slug)
                outcomes[slug] = ProvisioningJob.objects.get(pk=job.pk).status
            except ActivationError as exc:
                outcomes[slug] = exc.code
            finally:
                connections.close_all()

    threads = [threading.Thread(target=race, args=(racers[0], "race-a")),
               threading.Thread(target=race, args=(racers[1], "race-b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["code_taken", "succeeded"], outcomes

    def facts():
        return (ActivationCode.objects.get(pk=code.pk).status,
                School.objects.filter(slug__in=["race-a", "race-b"]).count(),
                ProvisioningJob.objects.filter(code_id=code.pk, status="succeeded").count())

    assert run_committed(django_db_blocker, facts) == ("used", 1, 1)


# --- the pages ---------------------------------------------------------------------------

def test_the_activation_pages_take_a_new_administrator_to_the_new_school(new_code, django_capture_on_commit_callbacks):
    pool.spare_pool_fill(size=1)
    code = new_code()
    client = Client(HTTP_HOST="parta.localhost")
    assert client.get("/activate/").status_code == 200
    response = client.post("/activate/", {"code": code.code.lower()})
    assert response["Location"] == "/activate/school/"
    response = client.post("/activate/school/", {"name": "МБОУ «Гимназия № 7»", "short_name": "Гимназия № 7",
                                                 "slug": "gymnasium7", "timezone": "Europe/Moscow"})
    assert response["Location"] == "/activate/admin/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/activate/admin/", {
            "last_name": "Зуева", "first_name": "Ольга", "middle_name": "Петровна", "email": "zueva@g7.test",
            "password1": "Гимназия-7-2026", "password2": "Гимназия-7-2026"})
    job = ProvisioningJob.objects.get(slug="gymnasium7")
    assert response["Location"] == f"/activate/job/{job.pk}/"
    page = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert page["HX-Redirect"] == "http://gymnasium7.parta.localhost/"
    wizard = client.get("/", HTTP_HOST="gymnasium7.parta.localhost", follow=True)  # already signed in
    assert wizard.redirect_chain[-1][0] == "/setup/school/"
    assert wizard.status_code == 200


def test_wrong_code_on_the_page_says_so_in_russian(db):
    response = Client(HTTP_HOST="parta.localhost").post("/activate/", {"code": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert "Код не подходит" in response.content.decode()


def test_school_step_without_a_code_goes_back_to_the_code(db):
    response = Client(HTTP_HOST="parta.localhost").get("/activate/school/")
    assert response["Location"] == "/activate/"


def test_someone_elses_job_is_404(new_code, admin_account, outsider):
    job = _start(new_code(), admin_account)
    assert client_for("parta.localhost", outsider).get(f"/activate/job/{job.pk}/").status_code == 404
    assert Client(HTTP_HOST="parta.localhost").get(f"/activate/job/{job.pk}/").status_code == 404
