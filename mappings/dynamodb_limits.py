"""DynamoDB's limits and number rules, in one place.

See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html and
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
"""

from __future__ import annotations

import decimal
import re

ITEM_BYTES = 400 * 1024
PARTITION_KEY_BYTES = 2048
SORT_KEY_BYTES = 1024
#: Base-table keys (and each index's keys) in this order: partition, then sort.
KEY_BYTES = (PARTITION_KEY_BYTES, SORT_KEY_BYTES)
#: A Number keeps at most 38 significant digits.
NUMBER_DIGITS = 38
MAX_GSIS = 20
#: The magnitudes a Number may have (HowItWorks.NamingRulesDataTypes, "Number"): positive range 1E-130 to
#: 9.9999999999999999999999999999999999999E+125, negative range likewise, and zero.
NUMBER_LARGEST = decimal.Decimal("9.9999999999999999999999999999999999999E+125")
NUMBER_SMALLEST = decimal.Decimal("1E-130")
#: DynamoDB's own words for a number outside the range (what the service, and dynalite, answer).
NUMBER_OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
NUMBER_UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"


def is_number(text: str) -> bool:
    """Whether DynamoDB accepts ``text`` as a Number: a finite decimal (NaN and Infinity are refused)."""
    try:
        return decimal.Decimal(text).is_finite()
    except (decimal.InvalidOperation, ValueError, TypeError):
        return False


def significant_digits(text: str) -> int:
    """Digits between the first and the last non-zero one (``1e300`` has one, ``-00120.0500`` five)."""
    if not is_number(text):
        return len(text.lstrip("-+").replace(".", "").strip("0"))
    return len("".join(map(str, decimal.Decimal(text).as_tuple().digits)).strip("0"))


def number_range_error(text: str) -> str | None:
    """DynamoDB's message for a number outside its range, or None (zero, and every number in range).

    Compared exactly (``copy_abs`` and comparisons do not round, whatever the decimal context).
    """
    number = decimal.Decimal(text)
    magnitude = number.copy_abs()
    if magnitude > NUMBER_LARGEST:
        return NUMBER_OVERFLOW
    if number and magnitude < NUMBER_SMALLEST:
        return NUMBER_UNDERFLOW
    return None


def number_problem(text: str) -> tuple[str, str | None] | None:
    """Why DynamoDB refuses ``text`` as a Number, or None: ``("not-a-number", None)``, ``("number-too-precise",
    None)`` or ``("number-out-of-range", message)``, checked in that order (:func:`is_number`,
    :func:`significant_digits`, :func:`number_range_error` in one parse: the item model checks every number).
    An integer of at most 38 digits, the common case, passes all three and is decided without parsing it."""
    digits = text[1:] if text[:1] == "-" else text
    if len(digits) <= NUMBER_DIGITS and digits.isascii() and digits.isdigit():
        return None
    try:
        number = decimal.Decimal(text)
    except (decimal.InvalidOperation, ValueError, TypeError):
        return "not-a-number", None
    if not number.is_finite():
        return "not-a-number", None
    if len("".join(map(str, number.as_tuple().digits)).strip("0")) > NUMBER_DIGITS:
        return "number-too-precise", None
    magnitude = number.copy_abs()
    if magnitude > NUMBER_LARGEST:
        return "number-out-of-range", NUMBER_OVERFLOW
    if number and magnitude < NUMBER_SMALLEST:
        return "number-out-of-range", NUMBER_UNDERFLOW
    return None


#: A number written plainly: sign, whole part without leading zeros, fraction (``-12.50``).
_PLAIN_NUMBER = re.compile(r"(-?)(0|[1-9][0-9]*)(?:\.([0-9]*))?")
#: Texts that are their own :func:`canonical_number` (a whole number without trailing zeros, a fraction without
#: them and at most five zeros after ``0.``), so a number written so need not be parsed; not every such text
#: (``1E+3`` is one too).
PLAIN_CANONICAL = re.compile(r"0|-?[1-9](?:[0-9]*[1-9])?|-?[1-9][0-9]*\.[0-9]*[1-9]|-?0\.0{0,5}[1-9](?:[0-9]*[1-9])?")


def _plain_canonical(sign: str, whole: str, fraction: str | None) -> str | None:
    """:func:`canonical_number` of a plainly written number without parsing it, or None when its canonical
    text is in exponent form (``1000`` is ``1E+3``, ``0.0000001`` is ``1E-7``): Decimal's ``str`` writes a
    normalized number plainly when its exponent is at most 0 and its adjusted exponent at least -6."""
    fraction = (fraction or "").rstrip("0")
    if not fraction:
        if whole == "0":
            return "0"
        return None if whole.endswith("0") else sign + whole
    if whole == "0" and len(fraction) - len(fraction.lstrip("0")) > 5:
        return None
    return f"{sign}{whole}.{fraction}"


def canonical_number(text: str) -> str:
    """A number by its value, exactly (``2.50`` and ``2.5`` alike; 38 digits kept, never rounded)."""
    plain = _PLAIN_NUMBER.fullmatch(text)
    if plain is not None:
        found = _plain_canonical(*plain.groups())
        if found is not None:
            return found
    try:
        number = decimal.Decimal(text)
    except (decimal.InvalidOperation, ValueError, TypeError):
        return text
    if not number.is_finite():
        return text
    if not number:
        return "0"
    return str(number.normalize(decimal.Context(prec=max(1, len(number.as_tuple().digits)))))


def utf8_error(text: str) -> str | None:
    """Why ``text`` is not valid UTF-8 (a lone surrogate), or None.

    DynamoDB strings and names are Unicode with UTF-8 binary encoding (HowItWorks.NamingRulesDataTypes):
    a lone surrogate (U+D800 to U+DFFF, e.g. from bytes decoded with ``surrogateescape``) has no encoding.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"a lone surrogate U+{ord(text[error.start]):04X} at character {error.start}"
    return None
