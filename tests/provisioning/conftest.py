"""The demo region's places, shared by the provisioning tests."""

from __future__ import annotations

import pytest

from tenants.models import Coordinator, Municipality, Region


@pytest.fixture
def region(db) -> Region:
    return Region.objects.get(code="40")


@pytest.fixture
def kaluga(region) -> Municipality:
    return Municipality.objects.get(region=region, name="городской округ «Город Калуга»")


@pytest.fixture
def obninsk(region) -> Municipality:
    return Municipality.objects.get(region=region, name="городской округ «Город Обнинск»")


@pytest.fixture
def tula(outsider) -> Municipality:
    """A municipality of another region, which `outsider` coordinates."""
    other = Region.objects.create(name="Тульская область", code="71")
    Coordinator.objects.create(account=outsider, region=other)
    return Municipality.objects.create(region=other, name="городской округ «Город Тула»")
