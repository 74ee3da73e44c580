from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from tenants.choices import Role


class Region(models.Model):
    """A region (субъект РФ) whose coordinator connects its schools."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(_("code"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality (район, городской округ) inside a region."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="municipalities")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name")]

    def __str__(self) -> str:
        return self.name


class School(TenantMixin):
    """A school: its own schema (`schema_name`) and subdomain (`slug`), kept apart because
    hostnames cannot contain `_` and a schema may be renamed from a spare pool."""

    slug = models.SlugField(_("subdomain"), max_length=63, unique=True)
    name = models.CharField(_("full name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="schools")
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    is_active = models.BooleanField(_("active"), default=True)
    # A spare is a schema migrated in advance, waiting in the pool to become a school.
    is_spare = models.BooleanField(default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        from tenants.selectors import school_cache_clear

        school_cache_clear(self)  # the cached hostname lookup must not serve a stale row

    @property
    def is_portal(self) -> bool:
        return self.schema_name == settings.PUBLIC_SCHEMA_NAME

    def get_absolute_url(self) -> str:
        from tenants.selectors import school_url

        return school_url(self)


class Domain(DomainMixin):
    """A hostname that reaches a school (or, for the public schema, the portal)."""

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        from django.core.cache import caches

        from tenants.selectors import _host_key

        caches["public"].delete(_host_key(self.domain))

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class Membership(models.Model):
    """The index of who belongs to which school with which roles; checked on every request."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    roles = ArrayField(models.CharField(max_length=20, choices=Role.choices), default=list)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["account", "school"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.account_id}@{self.school_id}: {','.join(self.roles)}"

    def get_roles_display(self) -> str:
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(r, r)) for r in self.roles)


class Coordinator(models.Model):
    """An account that coordinates the schools of a region."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinates")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="coordinators")

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        constraints = [models.UniqueConstraint(fields=["account", "region"], name="coordinator_unique")]

    def __str__(self) -> str:
        return f"{self.account} — {self.region}"
