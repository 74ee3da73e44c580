"""Who may do what at the region level (public portal). The actor is an account."""

from __future__ import annotations

import rules

from tenants.models import Region, School
from tenants.selectors import regions_coordinated_by


@rules.predicate
def is_coordinator(account) -> bool:
    return bool(account.is_authenticated and regions_coordinated_by(account.pk))


@rules.predicate
def coordinates(account, target: Region | School | None) -> bool:
    if target is None or not account.is_authenticated:
        return False
    region_id = target.pk if isinstance(target, Region) else target.region_id
    return region_id in regions_coordinated_by(account.pk)


region_rules = rules.RuleSet()
region_rules.add_rule("region.view_dashboard", is_coordinator)
region_rules.add_rule("region.view_school", coordinates)
region_rules.add_rule("region.manage_codes", coordinates)


def can_in_region(account, action: str, obj: object | None = None) -> bool:
    """The permission question of the portal: may this account act on this region/school?"""
    if account is None or not account.is_active:
        return False
    if not region_rules.rule_exists(action):
        raise KeyError(f"unknown action {action!r}")
    return region_rules.test_rule(action, account, obj)
