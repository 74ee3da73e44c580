from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.managers import AccountManager


class Account(AbstractBaseUser, PermissionsMixin):
    """One person's sign-in for the whole platform, by e-mail or phone."""

    # NULL, not "": an account may have only one of the two, and both are unique when present.
    email = models.EmailField(_("e-mail"), null=True, blank=True)  # noqa: DJ001
    phone = models.CharField(_("phone"), max_length=20, null=True, blank=True)  # noqa: DJ001
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    middle_name = models.CharField(_("patronymic"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform staff"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = AccountManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=Q(email__isnull=False), name="account_email_unique"),
            models.UniqueConstraint(fields=["phone"], condition=Q(phone__isnull=False), name="account_phone_unique"),
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False), name="account_has_login"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        """«Иванова М. П.» — how Russian schools write a name in a list."""
        initials = "".join(f"{p[0]}. " for p in (self.first_name, self.middle_name) if p).strip()
        return f"{self.last_name} {initials}".strip() or str(self)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name


class ApiToken(models.Model):
    """A personal API token for scripts and mobile clients; only its hash is stored."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate_key() -> str:
        return "pt_" + secrets.token_urlsafe(32)
