"""Who may do what at the region level (public portal). The actor is an account."""

from __future__ import annotations

import rules

from tenants.models import Region
from tenants.selectors import regions_coordinated_by


@rules.predicate
def is_coordinator(account) -> bool:
    return bool(account.is_authenticated and regions_coordinated_by(account.pk))


@rules.predicate
def coordinates(account, target: object | None) -> bool:
    """The account coordinates the target's region. The target is a Region or anything
    that carries `region_id` (a school, a municipality, a connection request, a code)."""
    if target is None or not account.is_authenticated:
        return False
    region_id = target.pk if isinstance(target, Region) else getattr(target, "region_id", None)
    return region_id is not None and region_id in regions_coordinated_by(account.pk)


region_rules = rules.RuleSet()
region_rules.add_rule("region.view_dashboard", is_coordinator)
region_rules.add_rule("region.view_school", coordinates)
region_rules.add_rule("region.manage_codes", coordinates)
# Reviewing connection requests and reading the audit log are the coordinator's too; kept
# as their own actions so a future "viewer" role can be given the dashboard without them.
region_rules.add_rule("region.review_requests", coordinates)
region_rules.add_rule("region.view_audit", coordinates)


def can_in_region(account, action: str, obj: object | None = None) -> bool:
    """The permission question of the portal: may this account act on this region/school?"""
    if account is None or not account.is_active:
        return False
    if not region_rules.rule_exists(action):
        raise KeyError(f"unknown action {action!r}")
    return region_rules.test_rule(action, account, obj)
