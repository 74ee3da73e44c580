"""Small display helpers for the people pages."""

from __future__ import annotations

from django import template
from django.utils import timezone

from core.choices import STAFF_ROLE_ORDER
from tenants.choices import Role

register = template.Library()

_ORDER = [*STAFF_ROLE_ORDER, Role.STUDENT, Role.PARENT]


@register.filter
def role_labels(roles: list[str]) -> str:
    """«администратор, учитель» in the school's usual order."""
    labels = dict(Role.choices)
    return ", ".join(str(labels[r]) for r in _ORDER if r in (roles or []))


@register.filter
def code_state(invitation) -> str:
    """"valid" or "expired" for an open invitation, "" for none."""
    if invitation is None:
        return ""
    return "valid" if invitation.expires_at > timezone.now() else "expired"
