from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts.models import Account


class EmailOrPhoneBackend(ModelBackend):
    """Sign in with an e-mail address or a phone number and a password."""

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        login = username or kwargs.get("email") or kwargs.get("phone")
        if not login or password is None:
            return None
        try:
            account = Account.objects.get_by_login(login)
        except Account.DoesNotExist:
            Account().set_password(password)  # same cost either way: no account enumeration by timing
            return None
        if account.check_password(password) and self.user_can_authenticate(account):
            return account
        return None
