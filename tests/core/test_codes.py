"""Invitation codes: unguessable, readable, typo-proof."""

from __future__ import annotations

import re

from core import codes


def test_a_code_has_five_groups_of_four_from_an_alphabet_without_look_alikes():
    code = codes.code_generate()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){4}", code)
    assert not set("0O1IL") & set(code)
    assert not set("0O1IL") & set(codes.ALPHABET)


def test_a_code_carries_at_least_80_bits_of_entropy():
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 31
    assert codes.ENTROPY_BITS >= 80


def test_codes_do_not_repeat():
    assert len({codes.code_generate() for _ in range(2000)}) == 2000


def test_what_people_type_is_normalised_cyrillic_lookalikes_case_and_separators():
    code = "7KQF-M2XC-9HTP-D4WN-R8EA"
    typed = "7кqf м2хс 9нтр–d4wn-r8еа"  # Cyrillic к, м, х, с, н, т, р, е, а in a Russian layout
    assert codes.code_normalize(typed) == code.replace("-", "")


def test_every_single_mistyped_symbol_is_caught():
    normalized = codes.code_normalize(codes.code_generate())
    assert codes.code_is_well_formed(normalized)
    for position in range(len(normalized)):
        for symbol in codes.ALPHABET:
            if symbol == normalized[position]:
                continue
            typo = normalized[:position] + symbol + normalized[position + 1:]
            assert not codes.code_is_well_formed(typo), (position, symbol)


def test_every_swap_of_two_symbols_is_caught():
    for _ in range(20):
        normalized = codes.code_normalize(codes.code_generate())
        for i in range(len(normalized)):
            for j in range(i + 1, len(normalized)):
                if normalized[i] == normalized[j]:
                    continue
                swapped = list(normalized)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                assert not codes.code_is_well_formed("".join(swapped)), (normalized, i, j)


def test_wrong_length_or_symbols_are_not_well_formed():
    assert not codes.code_is_well_formed("ABCD")
    assert not codes.code_is_well_formed("0" * 20)
    assert codes.code_has_excluded_symbols("ABC0")
    assert not codes.code_has_excluded_symbols("ABC2")


def test_only_a_hash_of_the_normalised_code_is_stored():
    code = codes.code_generate()
    digest = codes.code_hash(codes.code_normalize(code))
    assert len(digest) == 64
    assert code.replace("-", "") not in digest
    assert digest == codes.code_hash(codes.code_normalize(code.lower()))
