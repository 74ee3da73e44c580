from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Global identity. Lives in the PUBLIC schema: one account per person for the whole
    platform (a teacher in two schools, a parent with children in two schools signs in
    once), with credentials and personal API tokens."""

    name = "accounts"
    verbose_name = "Accounts"
