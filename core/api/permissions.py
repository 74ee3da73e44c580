from __future__ import annotations

from rest_framework.permissions import BasePermission

from core.selectors import person_for_account
from tenants.selectors import membership_in


class IsSchoolMember(BasePermission):
    """The caller (session or token) belongs to the school whose subdomain is called.

    Sets `request.person` for the views; the same check the pages get from
    SchoolMembershipMiddleware, done here because token authentication happens inside DRF.
    """

    message = "You are not a member of this school."

    def has_permission(self, request, view) -> bool:
        school = getattr(request, "tenant", None)
        if school is None or school.is_portal or not request.user.is_authenticated:
            return False
        if membership_in(request.user.pk, school) is None:
            return False
        person = person_for_account(request.user.pk)
        if person is None:
            return False
        request.person = person
        return True
