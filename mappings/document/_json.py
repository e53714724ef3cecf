"""Strict JSON reading shared by the table-mapping and task-settings parsers.

DMS parses with Gson, which silently keeps the last of two duplicate keys; we refuse them so
that a copy-paste slip (two ``rule-action`` keys) is caught before deploy. Keys whose value is
``null`` (DMS returns every unused field that way when a task is read back) count as absent.
"""

from __future__ import annotations

import json
from typing import Any

from mappings.errors import Issue, MappingError, Severity


class _DuplicateKey(Exception):
    def __init__(self, key: str, obj: dict[str, Any]) -> None:
        self.key = key
        self.obj = obj


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key, dict(pairs))
        result[key] = value
    return result


def loads_strict(text: str | bytes, *, subject: str = "table mappings") -> Any:
    """Parse JSON, rejecting malformed text and duplicate object keys with a located error."""
    try:
        return strip_nulls(json.loads(text, object_pairs_hook=_no_duplicates))
    except _DuplicateKey as dup:
        # Re-parse leniently to say where the offending object sits in the document.
        path = _locate_duplicate(text, dup.key) or "$"
        rule_id = dup.obj.get("rule-id")
        rule_name = dup.obj.get("rule-name")
        issue = Issue(
            Severity.ERROR,
            "duplicate-key",
            path,
            f"key {dup.key!r} appears twice in one JSON object; DMS keeps only the last one "
            "silently, so write it once with the value you mean",
            str(rule_id) if isinstance(rule_id, (str, int)) else None,
            str(rule_name) if isinstance(rule_name, str) else None,
        )
        raise MappingError([issue], subject=subject) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, too deep
        issue = Issue(
            Severity.ERROR,
            "malformed-json",
            "$",
            f"not valid JSON ({exc}); DMS answers 'Invalid Table Mappings document. Invalid json'",
        )
        raise MappingError([issue], subject=subject) from None


def _locate_duplicate(text: str | bytes, key: str) -> str | None:
    seen: list[str] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if keys.count(key) > 1:
            marker = f"__duplicate_{len(seen)}__"
            seen.append(marker)
            return {marker: True, **dict(pairs)}
        return dict(pairs)

    root = json.loads(text, object_pairs_hook=hook)
    if not seen:
        return None
    return _path_of_marker(root, seen[0], "$")


def _path_of_marker(node: Any, marker: str, path: str) -> str | None:
    if isinstance(node, dict):
        if marker in node:
            return path
        for k, v in node.items():
            found = _path_of_marker(v, marker, f"{path}.{k}")
            if found:
                return found
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found = _path_of_marker(v, marker, f"{path}[{i}]")
            if found:
                return found
    return None


def strip_nulls(value: Any) -> Any:
    """Drop object keys whose value is null, recursively (DMS read-back form)."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def json_type(value: Any) -> str:
    """Name a Python value by its JSON type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
