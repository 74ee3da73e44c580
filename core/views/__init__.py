"""School pages of the core app, by concern: `pages` (home, classes, staff), `people`,
`imports`, `invitations`; `portal` holds the public portal's redemption pages."""

from core.views.pages import administration, class_detail, class_list, home, placeholder, staff_list

__all__ = ["administration", "class_detail", "class_list", "home", "placeholder", "staff_list"]
