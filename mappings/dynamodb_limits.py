"""DynamoDB's limits and number rules, in one place.

See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html and
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
"""

from __future__ import annotations

import decimal

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


def canonical_number(text: str) -> str:
    """A number by its value, exactly (``2.50`` and ``2.5`` alike; 38 digits kept, never rounded)."""
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
