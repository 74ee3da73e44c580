from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.managers import AccountManager
from tenants.choices import Role


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


class Invitation(models.Model):
    """A personal one-time code that links an account to one person of one school.

    Public, because the code is typed on the portal before anyone knows the school. Only the
    SHA-256 of the normalised code is stored: a leaked table does not let anyone join.
    """

    code_hash = models.CharField(max_length=64, unique=True)
    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="invitations")
    # The person lives in the school's schema: an id, not a foreign key (DESIGN.md).
    person_id = models.BigIntegerField()
    # The role the code was issued for; redeeming checks the person still holds it.
    role = models.CharField(max_length=20, choices=Role.choices)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="redeemed_invitations"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["school", "person_id"], name="invitation_school_person_idx")]
        constraints = [
            # At most one code per person can be waiting to be used: reissuing revokes the old one.
            models.UniqueConstraint(
                fields=["school", "person_id"],
                condition=Q(revoked_at__isnull=True, redeemed_at__isnull=True),
                name="invitation_one_open_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id}/{self.person_id} ({self.role})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.redeemed_at is None and self.expires_at > now


class DataConsent(models.Model):
    """Consent to personal-data processing (152-ФЗ) given to a school, with the text version accepted."""

    # PROTECT: a consent is the school's evidence and must outlive a careless delete.
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="data_consents")
    school = models.ForeignKey("tenants.School", on_delete=models.PROTECT, related_name="data_consents")
    person_id = models.BigIntegerField()
    text_version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("consent to personal data processing")
        verbose_name_plural = _("consents to personal data processing")
        indexes = [models.Index(fields=["school", "person_id"], name="consent_school_person_idx")]

    def __str__(self) -> str:
        return f"{self.account_id}@{self.school_id} v{self.text_version}"


class Notification(models.Model):
    """Something an account should know (a substitution in a child's timetable, a new mark):
    shown in the app now; e-mail, SMS and digests arrive with the notification centre."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notifications")
    school = models.ForeignKey("tenants.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when a sender must not repeat itself (a reminder per lesson, a warning per period):
    # the unique constraint makes a re-run of the same job a no-op.
    key = models.CharField(max_length=200, blank=True)
    # Delivery beyond the app: when it went out by e-mail / SMS, or in which digest.
    emailed_at = models.DateTimeField(null=True, blank=True)
    texted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "read_at", "created_at"], name="notification_inbox_idx")]
        constraints = [models.UniqueConstraint(fields=["account", "key"], condition=~Q(key=""),
                                               name="notification_key_once")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How an account wants to hear about things beyond the app: e-mail, SMS, or one daily
    digest, and which kinds it mutes. No row: in the app and e-mail, no SMS."""

    class Delivery(models.TextChoices):
        INSTANT = "instant", _("at once")
        DIGEST = "digest", _("once a day, in a digest")
        NONE = "none", _("only in the app")

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="notification_preference")
    email = models.CharField(_("e-mail"), max_length=8, choices=Delivery.choices, default=Delivery.INSTANT)
    sms = models.CharField(_("SMS"), max_length=8, choices=Delivery.choices, default=Delivery.NONE)
    muted = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"preferences of {self.account_id}"
