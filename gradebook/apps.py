from django.apps import AppConfig


class GradebookConfig(AppConfig):
    """The class journal and the diary: marks, attendance, homework, reports. Lives in
    EACH SCHOOL'S schema — a school's marks never share a table with another school's."""

    name = "gradebook"
    verbose_name = "Gradebook"
