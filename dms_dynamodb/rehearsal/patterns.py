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
        where = self.pattern.index or "table"
        lines = [f"{self.pattern.name} ({where}, {self.partition_key}): {len(self.items)} items"]
        for item in self.items[:limit]:
            keys = {
                k: next(iter(v.values()))
                for k, v in item.items()
                if k in ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")
            }
            lines.append(f"    {keys}")
        if len(self.items) > limit:
            lines.append(f"    ... and {len(self.items) - limit} more")
        return "\n".join(lines)


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
