"""Connecting schools to the region. All of it lives in the PUBLIC schema: it exists
before the school's own schema does."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Municipality, Region, School


class ConnectionRequest(models.Model):
    """A school's request to be connected («Заявка на подключение»)."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    full_name = models.CharField(_("full name of the school"), max_length=400)
    short_name = models.CharField(_("short name"), max_length=150)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="connection_requests")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="connection_requests")
    address = models.CharField(_("address"), max_length=400)
    inn = models.CharField(_("INN"), max_length=10)
    ogrn = models.CharField(_("OGRN"), max_length=13)
    contact_name = models.CharField(_("contact person"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    reject_reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("connection request")
        verbose_name_plural = _("connection requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.short_name


class ActivationCode(models.Model):
    """A single-use, expiring code that lets one school activate itself."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        RESERVED = "reserved", _("being used")  # a provisioning job holds it
        USED = "used", _("used")
        REVOKED = "revoked", _("revoked")

    # Kept in plain text: the coordinator prints and re-exports codes for schools. A code
    # is single-use, expires, and only creates an empty school; looked up by exact match.
    code = models.CharField(max_length=24, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="activation_codes")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="activation_codes")
    request = models.ForeignKey(
        ConnectionRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="codes"
    )
    batch = models.UUIDField(default=uuid.uuid4, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    expires_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    school = models.OneToOneField(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="activation_code"
    )

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["region", "status", "expires_at"], name="code_region_status_idx")]

    def __str__(self) -> str:
        return f"{self.code[:4]}-…"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.ACTIVE and not self.is_expired


class ProvisioningJob(models.Model):
    """Making a school from an accepted code: a visible row with a status and a log."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("in progress")
        SUCCEEDED = "succeeded", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.ForeignKey(ActivationCode, on_delete=models.PROTECT, related_name="jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    slug = models.SlugField(max_length=63)
    name = models.CharField(max_length=400)
    short_name = models.CharField(max_length=150)
    timezone = models.CharField(max_length=64)
    address = models.CharField(max_length=400, blank=True)
    admin = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    log = models.JSONField(default=list)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("provisioning job")
        verbose_name_plural = _("provisioning jobs")
        ordering = ["-created_at"]
        constraints = [
            # One successful job per code, whatever races happen.
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="succeeded"), name="job_one_success_per_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} ({self.status})"


class AuditEntry(models.Model):
    """Something a coordinator or the activation did, kept for the record (append-only)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=50, db_index=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class SchoolSummary(models.Model):
    """A school's adoption figures, written by the periodic task that visits every school."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="summary")
    is_configured = models.BooleanField(default=False)
    accounts_by_role = models.JSONField(default=dict)  # {"teacher": 12, "parent": 140, ...}
    people_by_role = models.JSONField(default=dict)
    teachers_marking_7d = models.PositiveIntegerField(default=0)
    parents_signed_in_7d = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("school summary")
        verbose_name_plural = _("school summaries")

    def __str__(self) -> str:
        return f"{self.school_id} @ {self.computed_at:%Y-%m-%d %H:%M}"
