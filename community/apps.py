from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """The school-safe social network of one school: groups, events, news, forums, polls,
    files. Lives in EACH SCHOOL'S schema; cross-school networks and private messages
    between accounts will live in the public schema."""

    name = "community"
    verbose_name = "Community"
