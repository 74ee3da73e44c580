"""Error codes of the gradebook; tests assert on codes, users read the messages."""

from __future__ import annotations

from typing import Any

INVALID_MARK = "invalid_mark"  # not a value of the class's scale
FORBIDDEN = "forbidden"  # not this person's lesson / class
PERIOD_CLOSED = "period_closed"  # the reporting period is closed: its marks are locked
REASON_REQUIRED = "reason_required"  # changing an entry older than the school's window needs a reason
CONFLICT = "conflict"  # somebody else changed the cell since it was read
NOT_A_STUDENT = "not_a_student"  # the student is not in the lesson's audience
LESSON_CANCELLED = "lesson_cancelled"
BAD_STATUS = "bad_status"  # a homework status change that the flow does not allow
FILE_TOO_BIG = "file_too_big"
FILE_TYPE = "file_type"
FILE_UNREADABLE = "file_unreadable"
MISSING_COLUMN = "missing_column"
BAD_ROW = "bad_row"
IN_USE = "in_use"  # deleting a scale, work type or code that marks/works/attendance use
DUPLICATE = "duplicate"  # a name or code the school already has
BAD_VALUE = "bad_value"  # a setting out of its range, a scale that cannot work
TOO_LONG = "too_long"  # a text longer than its field (a lesson's topic)


class GradebookError(Exception):
    """A write the gradebook refuses; nothing was saved. `code` is one of the constants above,
    `message` is for the user (already translated), `field` names the input when there is one."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class EditConflict(GradebookError):
    """Two people edited the same cell: the second write names a version that is no longer
    current. `current` is the cell as it is now ({"raw", "version", "by", "at"}), so the
    user sees what the other person wrote before deciding."""

    def __init__(self, message: str, *, current: dict[str, Any]) -> None:
        super().__init__(CONFLICT, message)
        self.current = current
