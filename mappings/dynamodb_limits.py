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


def is_number(text: str) -> bool:
    """Whether DynamoDB accepts ``text`` as a Number: a finite decimal (NaN and Infinity are refused)."""
    try:
        return decimal.Decimal(text).is_finite()
    except (decimal.InvalidOperation, ValueError, TypeError):
        return False


def significant_digits(text: str) -> int:
    return len(text.lstrip("-+").replace(".", "").strip("0"))
