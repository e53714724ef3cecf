"""``verify``: what the target holds against what the mappings make of the source, item by item.

DMS data validation does not cover DynamoDB targets, so this is the check to run after a real
migration too. Both sides are streamed; the expected items sit in a temporary SQLite file keyed by
item key, so memory stays bounded on tables of any size.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mappings.engine import ItemBuilder, Rejection, canonical
from stacks.rehearsal.load import source_rows

EXAMPLES = 5


@dataclass
class Differences:
    expected: int = 0
    actual: int = 0
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    different: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"missing": 0, "unexpected": 0, "different": 0})

    @property
    def clean(self) -> bool:
        return not any(self.counts.values())

    def note(self, kind: str, example: str) -> None:
        self.counts[kind] += 1
        bucket = getattr(self, kind)
        if len(bucket) < EXAMPLES:
            bucket.append(example)

    def render(self) -> str:
        lines = [
            f"expected {self.expected} items, found {self.actual}: {self.counts['missing']} missing, "
            f"{self.counts['unexpected']} unexpected, {self.counts['different']} different"
        ]
        for kind in ("missing", "unexpected", "different"):
            lines += [f"  {kind}: {example}" for example in getattr(self, kind)]
        return "\n".join(lines)


def _key(item: dict[str, Any], names: tuple[str, ...]) -> str:
    return "|".join(str(next(iter(item[n].values()))) if n in item else "" for n in names)


def scan(ddb: Any, table: str) -> Iterator[dict[str, Any]]:
    paginator = ddb.get_paginator("scan")
    for page in paginator.paginate(TableName=table, PaginationConfig={"PageSize": 1000}):
        yield from page.get("Items", [])


def verify(connection: Any, ddb: Any, builder: ItemBuilder, schema: str, tables: list[str]) -> Differences:
    """Compare the target table with the items the source rows map to."""
    assert builder.design is not None
    names = tuple(k.name for k in builder.design.key_attributes[: 2 if builder.design.sort_key else 1])
    result = Differences()
    with tempfile.TemporaryDirectory() as directory:
        db = sqlite3.connect(Path(directory) / "expected.db")
        db.execute("CREATE TABLE expected (key TEXT PRIMARY KEY, digest TEXT, seen INTEGER DEFAULT 0)")
        for table in tables:
            if builder.rule_for(schema, table) is None:
                continue
            for row in source_rows(connection, table):
                item = builder.build(schema, table, row)
                if isinstance(item, Rejection):
                    continue  # DMS would not write it: not expected (the load reports it)
                digest = hashlib.sha256(canonical(item).encode()).hexdigest()
                db.execute("INSERT OR REPLACE INTO expected (key, digest) VALUES (?, ?)", (_key(item, names), digest))
        result.expected = db.execute("SELECT COUNT(*) FROM expected").fetchone()[0]
        for item in scan(ddb, builder.design.table_name):
            result.actual += 1
            key = _key(item, names)
            found = db.execute("SELECT digest FROM expected WHERE key = ?", (key,)).fetchone()
            if found is None:
                result.note("unexpected", key)
                continue
            db.execute("UPDATE expected SET seen = 1 WHERE key = ?", (key,))
            if found[0] != hashlib.sha256(canonical(item).encode()).hexdigest():
                result.note("different", key)
        for (key,) in db.execute("SELECT key FROM expected WHERE seen = 0"):
            result.note("missing", key)
        db.close()
    return result
