from django.apps import AppConfig


class TimetableConfig(AppConfig):
    """Calendar, bell schedules, weekly templates, dated lessons and substitutions. Lives
    in EACH SCHOOL'S schema: every journal entry hangs on one school's dated lesson."""

    name = "timetable"
    verbose_name = "Timetable"
