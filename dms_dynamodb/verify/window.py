"""What a ``verify --since`` window holds beyond row changes: events it cannot cover, cascades, rejected rows.

Kept apart from :mod:`dms_dynamodb.verify.incremental` so that module reads the binlog and this one
says what the reading means for the verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dms_dynamodb.binlog.reading import Reading
from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.plan import Plan
from dms_dynamodb.source.cascades import Chain
from dms_dynamodb.source.connection import identifier, quoted
from dms_dynamodb.verify.recheck import KeyReader, SourceRef, rejected_record, row_key
from dms_dynamodb.verify.settle import NOT_COMPARABLE
from mappings.items import Rejection


@dataclass(frozen=True)
class Uncovered:
    """An event in the window whose changed keys cannot be known: the window cannot be verified by key."""

    reading: Reading
    at: Checkpoint

    def record(self, plan: Plan) -> dict[str, Any]:
        tables = [t for t in self.reading.tables if t in plan.tables]
        target = plan.target_of(*tables[0]).table_name if tables else "-"
        source = ", ".join(".".join(t) for t in self.reading.tables) or "-"
        return {
            "type": NOT_COMPARABLE,
            "table": target,
            "key": {},
            "source_table": source,
            "why": f"{self.reading.kind.value} at {self.at}: {self.reading.what}; {self.reading.why}. The rows it "
            "changed cannot be known from the binlog, so this window cannot be verified by key: verify in full",
        }


def cascade_record(cascade: Chain, kind: str, plan: Plan, count: int) -> dict[str, Any]:
    child = cascade.child
    return {
        "type": NOT_COMPARABLE,
        "table": plan.target_of(*child).table_name,
        "key": {},
        "source_table": ".".join(child),
        "why": f"{count} {kind}s of {'.'.join(cascade.parent)} in the window act through {cascade.describe(kind)}: "
        "the child rows it deleted or changed are not in the binlog and cannot be found by key; verify in full",
    }


def cascade_refs(
    reader: KeyReader, plan: Plan, cascaded: Iterable[tuple[Chain, str, dict[str, Any], dict[str, Any] | None]]
) -> tuple[dict[SourceRef, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Child rows an ``ON UPDATE CASCADE`` changed, found through the foreign key (with their before-images);
    a finding per constraint whose changed children cannot be found (deleted, set NULL or DEFAULT)."""
    import pymysql.cursors

    refs: dict[SourceRef, list[dict[str, Any]]] = {}
    lost: dict[tuple[str, str], tuple[Chain, str, int]] = {}
    for cascade, kind, before, after in cascaded:
        lowered_before = {k.lower(): v for k, v in before.items()}
        if after is not None:
            lowered_after = {k.lower(): v for k, v in after.items()}
            old = [lowered_before.get(c.lower()) for c in cascade.referenced]
            new = [lowered_after.get(c.lower()) for c in cascade.referenced]
            if old == new:
                continue
        if kind == "update" and cascade.on_update == "CASCADE" and after is not None:
            child = plan.builder.table(*cascade.child)
            where = " AND ".join(f"{identifier(c)} <=> %s" for c in cascade.columns)
            with reader.connection.cursor(pymysql.cursors.DictCursor) as cursor:
                cursor.execute(f"SELECT * FROM {quoted(*cascade.child)} WHERE {where}", new)
                rows = [dict(r) for r in cursor.fetchall()]
            for row in rows:
                key = row_key(child, row)
                if key is None:
                    continue
                was = dict(row)
                for column, value in zip(cascade.columns, old, strict=True):
                    was[next((k for k in row if k.lower() == column.lower()), column)] = value
                refs.setdefault(SourceRef(*cascade.child, key), []).append(was)
            continue
        key = (cascade.name, kind)
        found = lost.get(key)
        lost[key] = (cascade, kind, (found[2] if found else 0) + 1)
    return refs, [cascade_record(c, kind, plan, n) for c, kind, n in lost.values()]


def rejected_records(reader: KeyReader, plan: Plan, refs: Iterable[SourceRef]) -> list[dict[str, Any]]:
    """The changed rows DMS would reject now, as a full verify records them (``REJECTED``)."""
    found = []
    for ref in refs:
        row = reader.source_row(ref)
        if row is None or not plan.builder.filter_for(ref.schema, ref.table).admits(row):
            continue
        built = plan.builder.build(ref.schema, ref.table, row)
        if isinstance(built, Rejection):
            target = plan.target_of(ref.schema, ref.table).table_name
            found.append(rejected_record(target, f"{ref.schema}.{ref.table}", built))
    return found
