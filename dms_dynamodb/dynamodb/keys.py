"""Which item a write is for: its key attribute values, as DynamoDB compares them (numbers by value)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mappings.dynamodb_limits import canonical_number
from mappings.items import AttributeValue, Item


@dataclass(frozen=True)
class WriteKey:
    """The key of one item: its key attribute names and their values, each as ``(type, value)``.

    Numbers are kept by value (``2.50`` and ``2.5`` are one key, as in DynamoDB), so a write and the
    echo DynamoDB returns for it (``UnprocessedItems``) have equal keys whatever the echo's spelling.
    """

    names: tuple[str, ...]
    values: tuple[tuple[str, Any], ...]

    def __str__(self) -> str:
        return "|".join(str(value) for _, value in self.values)


def key_of(item: Item, key_names: Iterable[str]) -> WriteKey:
    """The key of ``item`` for a table keyed by ``key_names`` (partition, then sort)."""
    names = tuple(name for name in key_names if name in item)
    return WriteKey(names, tuple(_value(item[name]) for name in names))


def request_key(names: tuple[str, ...], request: Mapping[str, Any]) -> WriteKey | None:
    """The key of a ``WriteRequest`` (a put's item or a delete's key); None when it lacks a key attribute."""
    put, delete = request.get("PutRequest"), request.get("DeleteRequest")
    body = put.get("Item") if isinstance(put, Mapping) else delete.get("Key") if isinstance(delete, Mapping) else None
    if not isinstance(body, Mapping) or any(name not in body for name in names):
        return None
    try:
        return WriteKey(names, tuple(_value(body[name]) for name in names))
    except (ValueError, TypeError, AttributeError):
        return None


def _value(value: AttributeValue) -> tuple[str, Any]:
    ((kind, content),) = value.items()
    if kind == "N":
        return kind, canonical_number(str(content))
    if kind == "B" and isinstance(content, (bytes, bytearray, memoryview)):
        return kind, bytes(content)
    return kind, content
