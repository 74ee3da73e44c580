"""What the gradebook tells parents, students and teachers (new marks, absences, homework).

Called by the services with `transaction.on_commit`, with ids only. The delivery (in the
app, e-mail, SMS, digest) is the notification centre's (`accounts.delivery`).
"""

from __future__ import annotations


def notify_marks(*, mark_ids: list[int]) -> None:
    """New or changed marks: the student and their parents."""


def notify_absences(*, attendance_ids: list[int]) -> None:
    """Absences: the student's parents."""


def notify_homework(*, homework_id: int) -> None:
    """New homework: the students it is for and their parents."""
