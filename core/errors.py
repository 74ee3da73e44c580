"""Error codes of the core app; tests assert on codes, users read the messages."""

from django.http import Http404

NOT_FOUND = "not_found"


class NotFoundForActor(Http404):
    """The same answer for "does not exist" and "not yours" (no probing by id)."""
