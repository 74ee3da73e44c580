"""Writes to global accounts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, ApiToken


@transaction.atomic
def api_token_create(*, account: Account, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; the plain key is returned once and never stored."""
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        account=account, name=name.strip()[:100] or "API", prefix=key[3:9], key_hash=ApiToken.hash_key(key)
    )
    return token, key


def api_token_revoke(*, account: Account, token_id: int) -> bool:
    updated = ApiToken.objects.filter(pk=token_id, account=account, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(updated)
