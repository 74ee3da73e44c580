"""Every write the school's people pages do, split by concern:

- `people` — persons, classes, enrollments and guardianship links;
- `imports` — checking and writing files of staff, students and parents;
- `invitations` — issuing and redeeming personal invitation codes.
"""

from core.services.people import (
    guardian_link,
    person_account_link,
    person_account_unlink,
    person_create,
    person_roles_set,
    person_update,
    school_class_create,
    student_enroll,
)

__all__ = [
    "guardian_link",
    "person_account_link",
    "person_account_unlink",
    "person_create",
    "person_roles_set",
    "person_update",
    "school_class_create",
    "student_enroll",
]
