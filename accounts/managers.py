from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import BaseUserManager


class AccountManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str | None = None, password: str | None = None, **extra: Any):
        from accounts.phones import normalize_phone

        if extra.get("phone"):
            extra["phone"] = normalize_phone(extra["phone"])
        account = self.model(email=self.normalize_email(email) if email else None, **extra)
        account.set_password(password)
        account.save(using=self._db)
        return account

    def create_superuser(self, email: str, password: str | None = None, **extra: Any):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_login(self, login: str):
        """Find an active account by e-mail or phone; raises DoesNotExist."""
        from accounts.phones import normalize_phone

        login = (login or "").strip()
        if "@" in login:
            return self.get(email__iexact=login)
        phone = normalize_phone(login)
        if not phone:
            raise self.model.DoesNotExist
        return self.get(phone=phone)
