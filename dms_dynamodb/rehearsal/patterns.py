"""The design's access patterns, run against the loaded table with example ids from the source."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dms_dynamodb.source.connection import identifier
from mappings.design import AccessPattern, TableDesign

_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_]+)>")
_BEGINS_WITH = re.compile(r"begins_with\(\s*(\w+)\s*,\s*'([^']*)'\s*\)")


@dataclass
class PatternResult:
    pattern: AccessPattern
    partition_key: str
    items: list[dict[str, Any]]

    def render(self, limit: int = 6) -> str:
        """The pattern and its items whole: every key attribute (table and GSIs) first, then every other one."""
        where = self.pattern.index or "table"
        lines = [f"{self.pattern.name} ({where}, {self.partition_key}): {len(self.items)} items"]
        lines += [f"    {plain_item(item)}" for item in self.items[:limit]]
        if len(self.items) > limit:
            lines.append(f"    ... and {len(self.items) - limit} more")
        return "\n".join(lines)


_KEY_NAME = re.compile(r"^(pk|sk|gsi\d+(pk|sk))$")


def plain_value(value: dict[str, Any]) -> Any:
    """A DynamoDB-typed value as plain data (``{"N": "1"}`` is ``1``, maps and lists recursively)."""
    ((kind, raw),) = value.items()
    if kind == "M":
        return {k: plain_value(v) for k, v in raw.items()}
    if kind == "L":
        return [plain_value(v) for v in raw]
    if kind == "N":
        return int(raw) if re.fullmatch(r"-?\d+", raw) else float(raw)
    if kind == "NULL":
        return None
    if kind in ("SS", "NS", "BS"):
        return sorted(raw)
    return raw


def plain_item(item: dict[str, Any]) -> dict[str, Any]:
    """A whole item, key attributes first (pk, sk, then each GSI's in number order), then the rest by name."""
    keys = sorted((k for k in item if _KEY_NAME.match(k)), key=lambda k: (k not in ("pk", "sk"), len(k), k))
    return {k: plain_value(item[k]) for k in [*keys, *sorted(k for k in item if k not in keys)]}


def example_value(connection: Any, design: TableDesign, column: str) -> str:
    """The smallest value of ``column`` in the first entity table that has it (e.g. film_id 1)."""
    for entity in design.entities:
        templates = [entity.partition_key, entity.sort_key or "", *entity.index_keys.values()]
        if any("${" + column + "}" in template for template in templates):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MIN({identifier(column)}) FROM {identifier(entity.table)}", ())
                (value,) = cursor.fetchone()
                return str(value)
    raise ValueError(f"no entity's key templates use {column!r}")


def query(ddb: Any, design: TableDesign, pattern: AccessPattern, partition_value: str) -> list[dict[str, Any]]:
    index = next((i for i in design.indexes if i.name == pattern.index), None)
    pk_name = index.partition_key.name if index else design.partition_key.name
    expression = "#pk = :pk"
    names, values = {"#pk": pk_name}, {":pk": {"S": partition_value}}
    begins = _BEGINS_WITH.search(pattern.sort_key_condition)
    if begins:
        expression += " AND begins_with(#sk, :prefix)"
        names["#sk"], values[":prefix"] = begins.group(1), {"S": begins.group(2)}
    request: dict[str, Any] = {
        "TableName": design.table_name,
        "KeyConditionExpression": expression,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    if index:
        request["IndexName"] = index.name
    items: list[dict[str, Any]] = []
    for page in ddb.get_paginator("query").paginate(**request):
        items += page.get("Items", [])
    return items


def run_patterns(connection: Any, ddb: Any, design: TableDesign) -> list[PatternResult]:
    results = []
    for pattern in design.access_patterns:
        partition = _PLACEHOLDER.sub(lambda m: example_value(connection, design, m.group(1)), pattern.partition_key)
        results.append(PatternResult(pattern, partition, query(ddb, design, pattern, partition)))
    return results
