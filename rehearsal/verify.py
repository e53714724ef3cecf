"""``verify``: what the target tables hold against what the task's mappings make of the source.

DMS data validation does not cover DynamoDB targets (CHAP_Validating), so this is the check to
run after a real migration too. It speaks that feature's language: one record per item key,
``MISSING_TARGET`` (the source has it, the table does not), ``MISSING_SOURCE`` (the table has an
item no source row maps to) or ``RECORD_DIFF`` (both, with the attributes that differ, expected and
actual typed values). Rows DMS would reject and two source rows that map to one item key (the
later overwrites the earlier) are counted apart: either makes the result unclean.

Bounded memory on tables of any size: the expected items go to a temporary SQLite file; the
target is read with a parallel scan (``Segment``/``TotalSegments``) and looked up in batches.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from mappings.engine import Item, Rejection, canonical, normalized
from rehearsal.plan import Plan
from rehearsal.source import connect, source_rows

EXAMPLES = 5
LOOKUP = 500  # item keys looked up in SQLite at a time


#: DMS data validation's failure types.
MISSING_TARGET, MISSING_SOURCE, RECORD_DIFF = "MISSING_TARGET", "MISSING_SOURCE", "RECORD_DIFF"


@dataclass
class Result:
    expected: int = 0
    actual: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {MISSING_TARGET: 0, MISSING_SOURCE: 0, RECORD_DIFF: 0, "REJECTED": 0, "OVERWRITE": 0}
    )
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not any(self.counts.values())

    def note(self, record: dict[str, Any], report: TextIO | None) -> None:
        kind = record["type"]
        self.counts[kind] += 1
        bucket = self.examples.setdefault(kind, [])
        if len(bucket) < EXAMPLES:
            bucket.append(record)
        if report is not None:
            report.write(json.dumps(record, sort_keys=True, default=str) + "\n")

    def render(self) -> str:
        c = self.counts
        lines = [
            f"verify: expected {self.expected} items, found {self.actual}: {c[MISSING_TARGET]} MISSING_TARGET, "
            f"{c[MISSING_SOURCE]} MISSING_SOURCE, {c[RECORD_DIFF]} RECORD_DIFF; {c['REJECTED']} source rows DMS "
            f"would reject, {c['OVERWRITE']} item keys written by more than one source row"
        ]
        for kind, records in self.examples.items():
            for record in records:
                lines.append(f"  {kind} {record['table']} {json.dumps(record['key'], sort_keys=True)}{_detail(record)}")
        lines.append("clean" if self.clean else "NOT CLEAN")
        return "\n".join(lines)


def _detail(record: dict[str, Any]) -> str:
    if record["type"] == RECORD_DIFF:
        return "".join(
            f"\n      {d['attribute']}: expected {json.dumps(d['expected'])}, actual {json.dumps(d['actual'])}"
            for d in record["details"]
        )
    if record["type"] == "REJECTED":
        return f": {record['error']}"
    if record["type"] == "OVERWRITE":
        return f": {record['source_table']} rows {record['rows']}"
    return f" (source table {record['source_table']})" if "source_table" in record else ""


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


def scan(ddb: Any, table: str, segments: int) -> Iterator[list[Item]]:
    """Pages of the table, read by ``segments`` parallel scanners (DynamoDB's parallel scan)."""
    pages: list[list[Item] | None] = []
    condition = threading.Condition()

    def segment(number: int) -> None:
        try:
            paginator = ddb.get_paginator("scan")
            for page in paginator.paginate(TableName=table, Segment=number, TotalSegments=segments):
                with condition:
                    while len(pages) > segments * 4:  # bounded: the consumer keeps up
                        condition.wait()
                    pages.append(page.get("Items", []))
                    condition.notify_all()
        finally:
            with condition:
                pages.append(None)
                condition.notify_all()

    with ThreadPoolExecutor(max_workers=segments) as pool:
        futures = [pool.submit(segment, n) for n in range(segments)]
        finished = 0
        while finished < segments:
            with condition:
                while not pages:
                    condition.wait()
                page = pages.pop(0)
                condition.notify_all()
            if page is None:
                finished += 1
            else:
                yield page
        for future in futures:
            future.result()  # a failed segment raises here


def _key(table: str, item: Item, names: list[str]) -> str:
    """The item's table and key as one text (numbers by value, as DynamoDB returns them)."""
    parts = [table]
    for name in names:
        value = item.get(name)
        parts.append("" if value is None else str(next(iter(normalized(value).values()))))
    return "\x1f".join(parts)


def verify(url: str, ddb: Any, plan: Plan, *, segments: int = 4, report: TextIO | None = None) -> Result:
    """Compare every target table of the task with the items its source rows map to."""
    result = Result()
    builder = plan.builder
    key_names = {name: [k.name for k in d.key_attributes[: 2 if d.sort_key else 1]] for name, d in plan.targets.items()}
    with tempfile.TemporaryDirectory() as directory:
        db = sqlite3.connect(Path(directory) / "expected.db")
        db.execute(
            "CREATE TABLE expected (key TEXT PRIMARY KEY, item TEXT, source TEXT, row TEXT, seen INTEGER DEFAULT 0)"
        )
        connection = connect(url)
        for schema, table in plan.tables:
            target = plan.target_of(schema, table).table_name
            for row in source_rows(connection, schema, table, builder.filter_for(schema, table)):
                item = builder.build(schema, table, row)
                if isinstance(item, Rejection):
                    record = {"type": "REJECTED", "table": target, "key": {}, "source_table": f"{schema}.{table}"}
                    result.note(
                        {**record, "error": f"{item.reason}: {item.error}", "statement": item.statement}, report
                    )
                    continue
                key = _key(target, item, key_names[target])
                shown = json.dumps({k: None if v is None else str(v)[:100] for k, v in row.items()})
                earlier = db.execute("SELECT source, row FROM expected WHERE key = ?", (key,)).fetchone()
                if earlier is not None:
                    result.note(
                        {
                            "type": "OVERWRITE",
                            "table": target,
                            "key": _key_values(item, key_names[target]),
                            "source_table": f"{earlier[0]} and {schema}.{table}",
                            "rows": [json.loads(earlier[1]), json.loads(shown)],
                        },
                        report,
                    )
                db.execute(
                    "INSERT OR REPLACE INTO expected (key, item, source, row) VALUES (?, ?, ?, ?)",
                    (key, canonical(item), f"{schema}.{table}", shown),
                )
        connection.close()
        result.expected = db.execute("SELECT COUNT(*) FROM expected").fetchone()[0]
        for target, names in key_names.items():
            for page in scan(ddb, target, segments):
                result.actual += len(page)
                for start in range(0, len(page), LOOKUP):
                    _compare(db, target, names, page[start : start + LOOKUP], result, report)
        for key, item_text, source in db.execute("SELECT key, item, source FROM expected WHERE seen = 0"):
            table = key.split("\x1f", 1)[0]
            item = json.loads(item_text)
            record = {"type": MISSING_TARGET, "table": table, "key": _key_values(item, key_names[table])}
            result.note({**record, "source_table": source}, report)
        db.close()
    return result


def _key_values(item: Item, names: list[str]) -> dict[str, Any]:
    return {n: item[n] for n in names if n in item}


def _compare(
    db: sqlite3.Connection, table: str, names: list[str], items: list[Item], result: Result, report: TextIO | None
) -> None:
    keys = [_key(table, item, names) for item in items]
    found = dict(
        db.execute(f"SELECT key, item FROM expected WHERE key IN ({','.join('?' * len(keys))})", keys).fetchall()
    )
    db.executemany("UPDATE expected SET seen = 1 WHERE key = ?", [(k,) for k in keys if k in found])
    for key, item in zip(keys, items, strict=True):
        if key not in found:
            result.note({"type": MISSING_SOURCE, "table": table, "key": _key_values(item, names)}, report)
            continue
        if canonical(item) != found[key]:
            result.note(
                {
                    "type": RECORD_DIFF,
                    "table": table,
                    "key": _key_values(item, names),
                    "details": differences(json.loads(found[key]), item),
                },
                report,
            )
