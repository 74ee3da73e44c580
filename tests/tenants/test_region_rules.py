"""Region-level permissions: only a coordinator of the school's region."""

from __future__ import annotations

import pytest

from tenants.models import Coordinator, Region, School
from tenants.rules import can_in_region, region_rules


@pytest.fixture
def other_region_coordinator(outsider):
    region = Region.objects.create(name="Тульская область", code="71")
    Coordinator.objects.create(account=outsider, region=region)
    return outsider


OBJECT_ACTIONS = ["region.view_school", "region.manage_codes", "region.review_requests", "region.view_audit"]


def test_every_region_rule_is_covered():
    assert set(region_rules.keys()) == {"region.view_dashboard", *OBJECT_ACTIONS}


@pytest.mark.parametrize("action", OBJECT_ACTIONS)
def test_only_the_regions_coordinator_acts_on_its_schools(action, coordinator, other_region_coordinator,
                                                          school1, multi):
    school = School.objects.get(slug="school1")
    assert can_in_region(coordinator, action, school)
    assert can_in_region(coordinator, action, school.region)
    assert not can_in_region(other_region_coordinator, action, school)
    for account in (school1.admin, school1.director, school1.teacher, school1.parent, multi):
        assert not can_in_region(account, action, school)


def test_dashboard_is_for_coordinators(coordinator, other_region_coordinator, school1):
    assert can_in_region(coordinator, "region.view_dashboard")
    assert can_in_region(other_region_coordinator, "region.view_dashboard")
    assert not can_in_region(school1.admin, "region.view_dashboard")


@pytest.mark.parametrize("action", OBJECT_ACTIONS)
def test_anything_of_the_region_is_the_coordinators_alone(action, coordinator, other_region_coordinator):
    """Municipalities, connection requests and codes carry their region: the same rule."""
    from datetime import timedelta

    from django.utils import timezone

    from provisioning.models import ActivationCode, ConnectionRequest
    from tenants.models import Municipality

    municipality = Municipality.objects.get(name="городской округ «Город Калуга»")
    request = ConnectionRequest(region=municipality.region, municipality=municipality)
    code = ActivationCode(region=municipality.region, municipality=municipality,
                          expires_at=timezone.now() + timedelta(days=1))
    for target in (municipality, request, code):
        assert can_in_region(coordinator, action, target), target
        assert not can_in_region(other_region_coordinator, action, target), target
    assert not can_in_region(coordinator, action, None)
    assert not can_in_region(coordinator, action, object())  # no region at all


def test_unknown_actions_are_a_programming_error(coordinator):
    with pytest.raises(KeyError):
        can_in_region(coordinator, "region.launch_rockets")
