from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The people of a school. Lives in EACH SCHOOL'S schema: persons (staff, students,
    parents) linked to their global accounts by id without a database foreign key (so
    schools can later live on other database clusters), classes, enrollments and
    guardianship links. Also holds the request plumbing (membership check, role
    navigation) and the permission predicates other apps build on."""

    name = "core"
    verbose_name = "School people"
