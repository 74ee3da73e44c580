from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The people of a school. Lives in EACH SCHOOL'S schema: persons (staff, students,
    parents) linked to their global accounts by id without a database foreign key (so
    schools can later live on other database clusters), classes, enrollments and
    guardianship links, and the record of people imports. Also holds the request plumbing
    (membership check, role navigation) and the permission predicates other apps build on.

    People management, imports and invitation codes are core's too. The codes themselves
    (`accounts.Invitation`, `accounts.DataConsent`) live in the PUBLIC schema, because they
    are redeemed on the portal before anyone knows the school: core issues them from a
    school's pages and serves the portal's /invite/ pages (`core/urls_portal.py`), entering
    the school's schema only to link the account to the person."""

    name = "core"
    verbose_name = "School people"
