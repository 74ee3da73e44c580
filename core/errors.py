"""Error codes of the core app; tests assert on codes, users read the messages."""

from __future__ import annotations

from django.http import Http404

NOT_FOUND = "not_found"

# People (forms and services).
NO_ROLES = "no_roles"
STUDENT_ROLES_MIXED = "student_roles_mixed"
LAST_ADMIN = "last_admin"
STUDENT_NEEDS_CLASS = "student_needs_class"
STUDENT_NEEDS_BIRTH_DATE = "student_needs_birth_date"
PARENT_NEEDS_CHILD = "parent_needs_child"
EXTERNAL_ID_TAKEN = "external_id_taken"
DUPLICATE_PERSON = "duplicate_person"
BAD_PHONE = "bad_phone"
BAD_BIRTH_DATE = "bad_birth_date"
CHILD_IS_SELF = "child_is_self"

# Imports: one code per kind of problem in a row or in the file.
FILE_UNREADABLE = "file_unreadable"
FILE_TOO_BIG = "file_too_big"
FILE_EMPTY = "file_empty"
FILE_TOO_MANY_ROWS = "file_too_many_rows"
MISSING_COLUMN = "missing_column"
REQUIRED = "required"
TOO_LONG = "too_long"
BAD_DATE = "bad_date"
BAD_CLASS = "bad_class"
BAD_ROLE = "bad_role"
BAD_EMAIL = "bad_email"
BAD_RELATION = "bad_relation"
DUPLICATE_ROW = "duplicate_row"
CONFLICTING_ROW = "conflicting_row"
KIND_CONFLICT = "kind_conflict"
AMBIGUOUS_PERSON = "ambiguous_person"
CHILD_NOT_FOUND = "child_not_found"
CHILD_AMBIGUOUS = "child_ambiguous"
IMPORT_ALREADY_APPLIED = "import_already_applied"

# Invitations.
INVITATION_INVALID = "invitation_invalid"  # one code for missing, expired, revoked and used
INVITATION_TYPO = "invitation_typo"
INVITATION_THROTTLED = "invitation_throttled"
INVITATION_ROLE_CONFLICT = "invitation_role_conflict"
INVITATION_OTHER_PERSON = "invitation_other_person"
NOTHING_TO_INVITE = "nothing_to_invite"
ALREADY_HAS_ACCOUNT = "already_has_account"


class NotFoundForActor(Http404):
    """The same answer for "does not exist" and "not yours" (no probing by id)."""


class InvitationError(Exception):
    """A code that cannot be redeemed (by this account); `code` is one of the constants above."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
