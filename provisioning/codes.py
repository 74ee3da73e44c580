"""Activation codes: unguessable and easy to type.

20 characters from a 31-letter alphabet without look-alikes (no 0/O, 1/I/L) carry
log2(31) * 20 ≈ 99 bits, written in five groups of four: «K7WM-3QRT-XN9P-4HDF-AZ2C».
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS = 5
GROUP_SIZE = 4
_STRIP = re.compile(r"[\s\-_]+")


def code_generate() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return code_format(raw)


def code_format(raw: str) -> str:
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, len(raw), GROUP_SIZE))


def code_normalize(typed: str) -> str:
    """What a person typed → the canonical form: case, spaces and dashes do not matter.
    (The look-alikes 0/O/1/I/L are not in the alphabet, so they cannot be mistyped for
    one another.)"""
    return code_format(_STRIP.sub("", (typed or "").upper())[: GROUPS * GROUP_SIZE + 8])


def code_is_well_formed(code: str) -> bool:
    cleaned = code.replace("-", "")
    return len(cleaned) == GROUPS * GROUP_SIZE and all(c in ALPHABET for c in cleaned)
