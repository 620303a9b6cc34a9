import pytest

from certificates.codes import (
    ALPHABET,
    CODE_LENGTH,
    code_display,
    code_generate,
    code_is_wellformed,
    code_normalise,
)


def test_a_code_has_at_least_128_bits_in_an_unambiguous_alphabet():
    code = code_generate()
    assert len(code) == CODE_LENGTH
    assert CODE_LENGTH * 5 >= 128
    assert set(code) <= set(ALPHABET)
    assert not set("ILOU") & set(ALPHABET)
    assert code_is_wellformed(code)


def test_codes_do_not_repeat():
    assert len({code_generate() for _ in range(2000)}) == 2000


def test_display_groups_by_four_and_normalises_back():
    code = code_generate()
    shown = code_display(code)
    assert shown.count("-") == CODE_LENGTH // 4 - 1
    assert all(len(group) == 4 for group in shown.split("-"))
    assert code_normalise(shown) == code
    assert code_normalise(shown.lower()) == code
    assert code_normalise(" ".join(shown.split("-"))) == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("k7q4-9xab", "K7Q49XAB"),
        ("  K7Q4 9XAB\t", "K7Q49XAB"),
        ("ko1l-oi", "K01101"),  # Crockford look-alikes: O→0, I/L→1
        ("", ""),
        ("---", ""),
    ],
)
def test_normalise(raw, expected):
    assert code_normalise(raw) == expected


def test_malformed_codes_are_recognised():
    assert not code_is_wellformed("ABC")
    assert not code_is_wellformed("U" * CODE_LENGTH)
