"""Test set-up: the real PostgreSQL (embedded unless DATABASE_URL is set), the demo
region seeded ONCE per session (two schools with named personas), and one database
transaction per test rolled back afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import Account
from core.models import Person
from tenants.models import School

DEMO_PASSWORD = "parta-demo-2026"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb,
                    django_db_modify_db_settings) -> Iterator[None]:
    """Create and migrate the test database, then seed the demo once.

    Replaces pytest-django's fixture, which sets up only the databases that collected
    tests mark as used: a run of just the browser journeys or the deploy smoke test
    (they reach the database through session fixtures) would otherwise talk to the
    developer's own database.
    """
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=verbosity, interactive=False, keepdb=django_db_keepdb,
                                 aliases={"default"})
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        call_command("seed_demo", verbosity=0)
        connection.set_schema_to_public()
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=verbosity)


@pytest.fixture(autouse=True)
def _fresh_state() -> Iterator[None]:
    for alias in ("default", "public"):
        caches[alias].clear()
    yield
    connection.set_schema_to_public()  # no query: the next cursor sets search_path


@dataclass
class Cast:
    """One school's demo personas: accounts (public) and their persons (school schema)."""

    school: School
    admin: Account
    director: Account
    deputy: Account
    teacher: Account
    student: Account
    parent: Account

    @property
    def host(self) -> str:
        return f"{self.school.slug}.parta.localhost"

    def person(self, account: Account) -> Person:
        with schema_context(self.school.schema_name):
            return Person.objects.get(account_id=account.pk)


def _cast(n: int) -> Cast:
    school = School.objects.get(slug=f"school{n}")
    accounts = {
        key: Account.objects.get(email=f"{key}@school{n}.parta.test")
        for key in ("admin", "director", "deputy", "teacher", "student", "parent")
    }
    return Cast(school=school, **accounts)


@pytest.fixture
def school1(db) -> Cast:
    return _cast(1)


@pytest.fixture
def school2(db) -> Cast:
    return _cast(2)


@pytest.fixture
def coordinator(db) -> Account:
    return Account.objects.get(email="coordinator@parta.test")


@pytest.fixture
def multi(db) -> Account:
    return Account.objects.get(email="multi@parta.test")


@pytest.fixture
def outsider(db) -> Account:
    """An account that belongs to no school."""
    return Account.objects.create_user("outsider@parta.test", DEMO_PASSWORD, last_name="Чужой", first_name="Пётр")


def client_for(host: str, account: Account | None = None) -> Client:
    """A test client speaking to one host, signed in as `account` (session in the DB)."""
    client = Client(HTTP_HOST=host)
    if account is not None:
        client.force_login(account, backend="accounts.backends.EmailOrPhoneBackend")
    return client


@pytest.fixture
def in_school():
    """Enter a school's schema for the duration of a `with` block."""
    return lambda school: schema_context(school.schema_name)


def run_committed(django_db_blocker, work):
    """Run `work` in its own thread, so on its own connection outside the test's
    transaction: what it writes is committed and other connections (racing threads, the
    browser tests' live server) see it. Returns what `work` returned."""
    import threading

    from django.db import connections

    result: list = []

    def run() -> None:
        with django_db_blocker.unblock():
            try:
                result.append(work())
            finally:
                connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    return result[0] if result else None
