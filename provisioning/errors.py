"""Error codes of the provisioning app. Tests assert on `code`; people read `message`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # One message for missing, expired, revoked and used codes: never reveal which.
    "code_invalid": _("This code is not valid. Check it and type it again, or ask your coordinator."),
    "code_throttled": _("Too many attempts. Wait 15 minutes and try again."),
    "code_taken": _("This code has just been used to activate another school. Ask your coordinator for a new one."),
    "slug_taken": _("This address is already taken."),
    "slug_reserved": _("This address is reserved."),
    "slug_invalid": _("Use 3–63 Latin letters, digits and hyphens, starting with a letter."),
    "timezone_invalid": _("Choose a time zone from the list."),
    "schema_exists": _("This address cannot be used. Choose another."),
}


class ActivationError(Exception):
    """A mistake a person can make during activation, with a message in their language."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])
