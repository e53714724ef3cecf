"""The text form items are compared by (:func:`canonical`): numbers by value, maps by key.

Both sides of every verify write each item's text once (the source's items, the target's), so an item of
strings and numbers only is written directly (:func:`flat_canonical`), and by orjson where that is the
encoder's text exactly.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from json.encoder import encode_basestring_ascii as _quoted
from typing import Any

from mappings.dynamodb_limits import PLAIN_CANONICAL, canonical_number
from mappings.items.values import AttributeValue, Item


def normalized(value: AttributeValue) -> AttributeValue:
    """An attribute value as DynamoDB returns it: numbers by value (``2.50`` reads back as ``2.5``)."""
    if len(value) == 1:
        ((kind, content),) = value.items()
        if kind == "N":
            return {"N": canonical_number(str(content))}
        if kind == "M":
            return {"M": {k: normalized(v) for k, v in content.items()}}
        if kind == "L":
            return {"L": [normalized(v) for v in content]}
    return value


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def canonical(item: Item) -> str:
    """A text form for comparing items: numbers by value, maps by key.

    The JSON of :func:`normalized` values with sorted keys; an item of strings and numbers only (most
    items) is written directly (:func:`flat_canonical`), once per item of both sides of every verify."""
    found = flat_canonical(item)
    return found if found is not None else _CANONICAL({k: normalized(v) for k, v in item.items()})


def _sorted_dumps() -> Callable[[Any], bytes] | None:
    """orjson's ``dumps`` with sorted keys when orjson is installed (a dependency; a Glue job's zip cannot carry
    its compiled code), else None: :func:`flat_canonical` then writes every item itself."""
    try:
        import orjson
    except ImportError:
        return None
    return functools.partial(orjson.dumps, option=orjson.OPT_SORT_KEYS)


_DUMPS = _sorted_dumps()
_canonical_as_is = PLAIN_CANONICAL.fullmatch


def flat_canonical(item: Mapping[str, Any]) -> str | None:
    """:func:`canonical` of an item of strings and numbers only, written as the encoder would write it (its own
    string escaping); None for any other item. Its DynamoDB JSON is the item itself, so an export's line is
    taken as it is parsed.

    An item of strings and numbers already in their canonical form whose text is printable ASCII with no
    ``\\u`` escape (most items) is written by orjson with sorted keys: the encoder's text exactly, as the two
    write those alike (the same separators, the same escapes of a quote, a backslash, and ``\\n``, ``\\t`` and
    the like; any other escape is a ``\\u`` one, DEL is one for the encoder only, and such an item is written
    here)."""
    if _DUMPS is not None:
        found = _dumped(item)
        if found is not None:
            return found
    parts = []
    for name in sorted(item):
        value = item[name]
        if type(name) is not str or type(value) is not dict or len(value) != 1:
            return None
        ((kind, content),) = value.items()
        if type(content) is not str or kind not in ("S", "N"):
            return None
        text = canonical_number(content) if kind == "N" else content
        parts.append(f'{_quoted(name)}:{{"{kind}":{_quoted(text)}}}')
    return "{" + ",".join(parts) + "}"


def _dumped(item: Mapping[str, Any]) -> str | None:
    """:func:`flat_canonical`'s orjson way, or None where it is not taken (any doubt: the item is written there)."""
    assert _DUMPS is not None
    for value in item.values():
        if type(value) is not dict or len(value) != 1:
            return None
        content = value.get("S")
        if type(content) is not str:
            content = value.get("N")
            if type(content) is not str or _canonical_as_is(content) is None:
                return None
    try:
        text = _DUMPS(item)  # a name that is not a string, or a lone surrogate, is refused
    except TypeError:
        return None
    # The encoder escapes every character outside space to tilde; orjson the same ones, but for DEL and non-ASCII
    return text.decode() if text.isascii() and b"\\u" not in text and b"\x7f" not in text else None
