"""Personal invitation codes: unguessable, easy to read off paper and type on a phone.

A code is 20 symbols in five groups of four, «7KQF-M2XC-9HTP-D4WN-R8EA». The alphabet has 31
symbols — digits and capital Latin letters without the look-alikes 0/O, 1/I/L. Nineteen
symbols are random (19 × log2(31) ≈ 94 bits, well above the 80 we promise) and the last one
is a check symbol: the sum of every symbol's value times its position is a multiple of 31.
Because 31 is prime (as 11 is for ISBN-10), every single mistyped symbol and every swap of
two symbols is caught before the code is looked up, so a typo gets a helpful message and does
not count as a guess. (Luhn mod N would not do: with an odd N it misses some substitutions.)
"""

from __future__ import annotations

import hashlib
import math
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUP = 4
LENGTH = 20  # 19 random symbols + 1 check symbol
ENTROPY_BITS = (LENGTH - 1) * math.log2(len(ALPHABET))

# People copy a code from paper with whatever keyboard layout is on: Cyrillic letters that
# look like Latin ones are read as those (А→A, В→B, …), З as 3.
_HOMOGLYPHS = str.maketrans(
    "АВЕКМНРСТХУЗавекмнрстхуз",
    "ABEKMHPCTXY3ABEKMHPCTXY3",
)
_SEPARATORS = str.maketrans("", "", " -–—_.\t\u00a0")
_EXCLUDED = set("0O1IL")


def _weighted_sum(symbols: str) -> int:
    return sum(position * ALPHABET.index(char) for position, char in enumerate(symbols, start=1))


def _check_symbol(payload: str) -> str:
    """The symbol that makes Σ position × value ≡ 0 (mod 31) over the whole code."""
    n = len(ALPHABET)
    weight = len(payload) + 1
    return ALPHABET[(-_weighted_sum(payload) * pow(weight, -1, n)) % n]


def code_generate() -> str:
    """A fresh code, grouped for printing."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return code_format(payload + _check_symbol(payload))


def code_format(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_normalize(raw: str) -> str:
    """What a person typed, as the 20 bare symbols it is meant to be (not yet checked)."""
    return (raw or "").translate(_SEPARATORS).translate(_HOMOGLYPHS).upper()


def code_is_well_formed(normalized: str) -> bool:
    """Right length, right alphabet and a matching check symbol: a typo is caught here."""
    if len(normalized) != LENGTH or any(c not in ALPHABET for c in normalized):
        return False
    return _weighted_sum(normalized) % len(ALPHABET) == 0


def code_has_excluded_symbols(normalized: str) -> bool:
    """0, O, 1, I or L never appear in a code; saying so helps the person reading it."""
    return bool(_EXCLUDED & set(normalized))


def code_hash(normalized: str) -> str:
    """What is stored. The code's own entropy makes a salt unnecessary (like API tokens)."""
    return hashlib.sha256(normalized.encode()).hexdigest()
