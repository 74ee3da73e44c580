"""Russian phone numbers typed every which way: 8 (912) 345-67-89, +7 912 3456789, 9123456789."""

import re


def normalize_phone(raw: str) -> str:
    """Return +7XXXXXXXXXX, or '' when the input is not a phone number."""
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits[0] == "9":
        digits = "7" + digits
    if len(digits) == 11 and digits.startswith("7"):
        return "+" + digits
    if raw.strip().startswith("+") and 10 <= len(digits) <= 15:
        return "+" + digits
    return ""
