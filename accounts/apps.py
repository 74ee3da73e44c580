from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Global identity. Lives in the PUBLIC schema: one account per person for the whole
    platform (a teacher in two schools, a parent with children in two schools signs in
    once), with credentials and personal API tokens; the index of personal invitation
    codes (a person redeems one on the portal before they know their school's address)
    and the record of consents to personal-data processing (152-ФЗ)."""

    name = "accounts"
    verbose_name = "Accounts"
