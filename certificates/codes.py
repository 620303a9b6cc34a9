"""Public certificate codes: 140 random bits from the OS CSPRNG in Crockford base32.

Stored normalised (28 upper-case symbols, no separators); shown to people in groups of four.
Crockford's alphabet leaves out I, L, O and U, so a code read aloud or retyped cannot be
mistaken; on input I/L are read as 1 and O as 0, the way Crockford specifies."""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 28 symbols x 5 bits = 140 bits (at least 128 are required).
CODE_LENGTH = 28
GROUP = 4
#: Longest raw input that is even looked at (separators included); longer input is not a code.
MAX_RAW_LENGTH = 64

_TRANSLATE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-_.·/]+")


def code_generate() -> str:
    """A new normalised code with 140 bits from `secrets`."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_normalise(raw: str) -> str:
    """What a person typed or scanned, as stored: upper case, separators and spaces removed,
    Crockford look-alikes mapped (I/L → 1, O → 0). Never raises; an impossible input simply
    matches nothing."""
    if not raw:
        return ""
    cleaned = _SEPARATORS.sub("", str(raw)[:MAX_RAW_LENGTH]).upper()
    return cleaned.translate(_TRANSLATE)


def code_display(code: str) -> str:
    """The code grouped for humans: K7Q4-9XAB-..."""
    code = code_normalise(code)
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_is_wellformed(code: str) -> bool:
    """True when a normalised code could have been issued by `code_generate` (cheap reject
    before a database query)."""
    return len(code) == CODE_LENGTH and all(c in ALPHABET for c in code)
