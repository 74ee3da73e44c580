from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Account, ApiToken


def account_for_api_key(key: str) -> Account | None:
    token = (
        ApiToken.objects.select_related("account")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, account__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Record use at most once a minute: a script polling the API must not write per call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.account


def api_tokens_of(account: Account) -> list[ApiToken]:
    return list(ApiToken.objects.filter(account=account).order_by("-created_at"))
