"""Consent to personal-data processing (152-ФЗ) asked when an invitation is redeemed.

The text a person accepts is a legal document: it is versioned, and the version id is stored
with every consent. Changing the wording means a new template and a new CONSENT_VERSION; the
old template stays so that what someone accepted can always be shown again. The text is in
Russian only on purpose — a translation would be a different document.
"""

from __future__ import annotations

from datetime import date

from tenants.choices import Role

CONSENT_VERSION = "2026-11"
CONSENT_TEMPLATES = {"2026-11": "core/invitations/consent_2026-11.html"}
# Under 14 a child does not consent alone: the parent's consent covers the child (ГК РФ ст. 28).
SELF_CONSENT_AGE = 14


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def consent_required(*, role: str, birth_date: date | None, today: date) -> bool:
    """Everyone consents for themselves except students under 14 (or of unknown age)."""
    if role != Role.STUDENT:
        return True
    return birth_date is not None and age_on(birth_date, today) >= SELF_CONSENT_AGE
