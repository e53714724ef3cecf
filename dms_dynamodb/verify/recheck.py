"""One target key read again on both sides, now: what its source rows map to, and what the table holds.

``verify --settle`` and ``verify --since`` are built on it. A key is checked through the source rows
that can produce it (by primary key), so a change in flight shows as a key whose two sides agree
on a later read.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from dms_dynamodb.plan import Plan
from dms_dynamodb.source.connection import connect, identifier, quoted
from dms_dynamodb.source.rows import select_list
from mappings.items import Item, Rejection, canonical, normalized
from mappings.items.key_templates import columns_from_templates, unnamed_reason
from mappings.schema import Table

#: DMS data validation's failure types.
MISSING_TARGET, MISSING_SOURCE, RECORD_DIFF = "MISSING_TARGET", "MISSING_SOURCE", "RECORD_DIFF"
BATCH_GET = 100  # DynamoDB's BatchGetItem limit
#: Characters of a string or binary value a report's expected item keeps (a report is read by people).
REPORT_VALUE_CAP = 1000


@dataclass(frozen=True)
class SourceRef:
    """A source row by its primary key (values in the key's column order)."""

    schema: str
    table: str
    key: tuple[Any, ...]


def key_text(table: str, item: Item, names: list[str]) -> str:
    """The item's table and key as one text (numbers by value, as DynamoDB returns them)."""
    parts = [table]
    for name in names:
        value = item.get(name)
        parts.append("" if value is None else str(next(iter(normalized(value).values()))))
    return "\x1f".join(parts)


def key_values(item: Item, names: list[str]) -> dict[str, Any]:
    return {n: item[n] for n in names if n in item}


def differences(expected: Item, actual: Item) -> list[dict[str, Any]]:
    """The attributes that differ, with expected and actual typed values (None: absent)."""
    found = []
    for name in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(name), actual.get(name)
        if (want is None) != (got is None) or (
            want is not None and got is not None and normalized(want) != normalized(got)
        ):
            found.append({"attribute": name, "expected": want, "actual": got})
    return found


def finding(table: str, names: list[str], expected: Item | None, actual: Item | None) -> dict[str, Any] | None:
    """The DMS-validation record for one key's two sides, or None when they agree."""
    if expected is None and actual is None:
        return None
    if expected is None:
        assert actual is not None
        return {"type": MISSING_SOURCE, "table": table, "key": key_values(actual, names)}
    if actual is None:
        return {"type": MISSING_TARGET, "table": table, "key": key_values(expected, names), **expected_item(expected)}
    if canonical(expected) == canonical(actual):
        return None
    return {
        "type": RECORD_DIFF,
        "table": table,
        "key": key_values(actual, names),
        "details": differences(expected, actual),
        **expected_item(expected),
    }


def expected_item(item: Item) -> dict[str, Any]:
    """A record's ``expected`` item, so the report alone says what the target should hold; string and
    binary values over :data:`REPORT_VALUE_CAP` characters are cut, and ``capped`` names them."""
    capped: list[str] = []

    def cap(path: str, value: Any) -> Any:
        if not isinstance(value, dict) or len(value) != 1:
            return value
        ((kind, content),) = value.items()
        if kind in ("S", "B") and len(content) > REPORT_VALUE_CAP:
            capped.append(path)
            return {kind: content[:REPORT_VALUE_CAP]}
        if kind == "M":
            return {"M": {k: cap(f"{path}.{k}", v) for k, v in content.items()}}
        if kind == "L":
            return {"L": [cap(f"{path}[{n}]", v) for n, v in enumerate(content)]}
        return value

    shown = {name: cap(name, value) for name, value in item.items()}
    return {"expected": shown, "capped": capped} if capped else {"expected": shown}


def rejected_record(table: str, source_table: str, rejection: Rejection) -> dict[str, Any]:
    """The ``REJECTED`` record of a source row the item model refuses, as every verify writes it."""
    reason = {"error": f"{rejection.reason}: {rejection.error}", "statement": rejection.statement}
    return {"type": "REJECTED", "table": table, "key": {}, "source_table": source_table} | reason


def shown_row(row: dict[str, Any]) -> dict[str, str | None]:
    """A source row as an ``OVERWRITE`` record shows it: each value as text, cut to 100 characters."""
    return {name: None if value is None else str(value)[:100] for name, value in row.items()}


def row_key(table: Table | None, row: dict[str, Any]) -> tuple[Any, ...] | None:
    """A row's primary-key values (None when the table has no primary key: it cannot be read again)."""
    if table is None or not table.primary_key:
        return None
    lowered = {k.lower(): v for k, v in row.items()}
    return tuple(lowered.get(c.lower()) for c in table.primary_key)


class KeyReader:
    """Reads source rows by primary key and target items by key, for the plan's tables."""

    def __init__(self, url: str, ddb: Any, plan: Plan) -> None:
        self.ddb, self.plan = ddb, plan
        self.connection = connect(url)
        self.key_names = {
            name: [k.name for k in design.key_attributes[: 2 if design.sort_key else 1]]
            for name, design in plan.targets.items()
        }

    def close(self) -> None:
        self.connection.close()

    def source_row(self, ref: SourceRef) -> dict[str, Any] | None:
        import pymysql.cursors

        table = self.plan.builder.table(ref.schema, ref.table)
        if table is None or not table.primary_key:
            return None
        where = " AND ".join(f"{identifier(c)} <=> %s" for c in table.primary_key)
        with self.connection.cursor(pymysql.cursors.DictCursor) as cursor:
            columns = select_list(table)
            cursor.execute(
                f"SELECT {columns} FROM {quoted(ref.schema, ref.table)} WHERE {where} LIMIT 1", list(ref.key)
            )
            row = cursor.fetchone()
        return dict(row) if row is not None else None

    def item_of(self, ref: SourceRef, row: dict[str, Any]) -> tuple[str, Item] | None:
        """The key text and item DMS writes for a row (None: filtered out, or a row DMS rejects)."""
        builder = self.plan.builder
        if not builder.filter_for(ref.schema, ref.table).admits(row):
            return None
        built = builder.build(ref.schema, ref.table, row)
        if isinstance(built, Rejection):
            return None
        target = self.plan.target_of(ref.schema, ref.table).table_name
        return key_text(target, built, self.key_names[target]), built

    def expected(self, key: str, refs: list[SourceRef]) -> Item | None:
        """What the table should hold at ``key`` now: the last of ``refs`` whose current row maps to it."""
        found: Item | None = None
        for ref in refs:
            row = self.source_row(ref)
            built = self.item_of(ref, row) if row is not None else None
            if built is not None and built[0] == key:
                found = built[1]
        return found

    def actual(self, table: str, keys: list[dict[str, Any]]) -> dict[str, Item]:
        """The items the table holds at ``keys`` (strongly consistent reads), by key text."""
        names = self.key_names[table]
        found: dict[str, Item] = {}
        for start in range(0, len(keys), BATCH_GET):
            request: dict[str, Any] = {table: {"Keys": keys[start : start + BATCH_GET], "ConsistentRead": True}}
            for attempt in range(12):  # UnprocessedKeys (throttling): back off, bounded (about 20 s in all)
                response = self.ddb.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(table, []):
                    found[key_text(table, item, names)] = item
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(min(0.05 * 2**attempt, 5.0))
            else:
                raise RuntimeError(f"DynamoDB kept keys of {table} unprocessed after 12 reads")
        return found

    def refs_from_item(self, table: str, item: Item) -> list[SourceRef]:
        """Source rows an item can come from: mapped tables writing ``table`` whose key columns it holds.

        A key column is read from the attribute ``map-record-to-record`` copies under its own name, else from
        the item's templates where they read back unambiguously (a TIME key column is not copied, assumption
        12, but ``SCHEDULE#${flight}#${departs}`` holds it); otherwise its row cannot be named.
        """
        refs = []
        for schema, name, values in self._key_values(table, item):
            if all(v is not None for v in values):
                refs.append(SourceRef(schema, name, tuple(str(v) for v in values)))
        return refs

    def why_unnamed(self, table: str, item: Item) -> str:
        """The exact reason :meth:`refs_from_item` names no row for ``item`` (for the NOT_COMPARABLE record)."""
        reasons = []
        for schema, name, values in self._key_values(table, item):
            source = self.plan.builder.table(schema, name)
            missing = [c for c, v in zip(source.primary_key if source else (), values, strict=False) if v is None]
            reasons.append(f"{name}: {unnamed_reason(self.plan.builder.rule_for(schema, name), missing)}")
        return "; ".join(reasons) or "no mapped table with a primary key writes this table"

    def _key_values(self, table: str, item: Item) -> list[tuple[str, str, list[Any]]]:
        """Per mapped table with a primary key writing ``table``: its key columns' values in the item (None: not held)."""
        lowered = {name.lower(): next(iter(value.values())) for name, value in item.items()}
        texts = {name: value["S"] for name, value in item.items() if "S" in value}
        found = []
        for schema, name in self.plan.tables:
            source = self.plan.builder.table(schema, name)
            if source is None or not source.primary_key or self.plan.target_of(schema, name).table_name != table:
                continue
            rule = self.plan.builder.rule_for(schema, name)
            read = {k.lower(): v for k, v in (columns_from_templates(rule, texts) if rule else {}).items()}
            found.append((schema, name, [lowered.get(c.lower(), read.get(c.lower())) for c in source.primary_key]))
        return found


def ref_json(ref: SourceRef) -> str:
    """A row reference as text; bytes (a BINARY key) kept as bytes, other values as text MySQL compares."""
    values = [{"hex": bytes(v).hex()} if isinstance(v, (bytes, bytearray)) else v for v in ref.key]
    return json.dumps([ref.schema, ref.table, values], default=str)


def ref_from_json(text: str) -> SourceRef:
    schema, table, key = json.loads(text)
    return SourceRef(schema, table, tuple(bytes.fromhex(v["hex"]) if isinstance(v, dict) else v for v in key))
