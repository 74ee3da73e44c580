"""The platform staff's view of public-schema accounts (not used by schools)."""

from django.contrib import admin

from accounts.models import Account, ApiToken, DataConsent, Invitation


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["email", "phone", "last_name", "first_name", "is_active", "last_login"]
    search_fields = ["email", "phone", "last_name"]
    exclude = ["password"]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["account", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["school", "person_id", "role", "created_at", "expires_at", "redeemed_at", "revoked_at"]
    list_filter = ["role", "school"]
    readonly_fields = [f.name for f in Invitation._meta.fields]


@admin.register(DataConsent)
class DataConsentAdmin(admin.ModelAdmin):
    """Consents are evidence: read-only here."""

    list_display = ["account", "school", "person_id", "text_version", "accepted_at"]
    readonly_fields = [f.name for f in DataConsent._meta.fields]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
