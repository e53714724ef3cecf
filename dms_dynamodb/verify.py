"""``verify``: what the target tables hold against what the task's mappings make of the source.

DMS data validation does not cover DynamoDB targets (CHAP_Validating), so this is the check to
run after a real migration too. It speaks that feature's language: one record per item key,
``MISSING_TARGET`` (the source has it, the table does not), ``MISSING_SOURCE`` (the table has an
item no source row maps to) or ``RECORD_DIFF`` (both, with the attributes that differ, expected and
actual typed values). Rows DMS would reject and two source rows that map to one item key (the
later overwrites the earlier) are counted apart: either makes the result unclean.

Bounded memory and both sides at once on tables of any size: worker processes read the source in
key ranges and build the expected items into SQLite files; meanwhile the target is read with a
parallel scan (``Segment``/``TotalSegments``) into SQLite too; the comparison is a join.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from dms_dynamodb.plan import Plan
from dms_dynamodb.source.connection import connect
from dms_dynamodb.source.rows import KeyRange, key_ranges, source_rows
from dms_dynamodb.target.scan import scan
from mappings.items import Item, Rejection, canonical, normalized

EXAMPLES = 5


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


def _key(table: str, item: Item, names: list[str]) -> str:
    """The item's table and key as one text (numbers by value, as DynamoDB returns them)."""
    parts = [table]
    for name in names:
        value = item.get(name)
        parts.append("" if value is None else str(next(iter(normalized(value).values()))))
    return "\x1f".join(parts)


def _key_values(item: Item, names: list[str]) -> dict[str, Any]:
    return {n: item[n] for n in names if n in item}


# The plan the source workers use: set before the pool forks, so it is never pickled.
_PLAN: Plan | None = None


@dataclass(frozen=True)
class _Slice:
    url: str
    schema: str
    table: str
    key_range: KeyRange | None
    database: str


def _build_slice(work: _Slice) -> str:
    """In a worker process: the expected items of one slice of a source table, into its own SQLite file."""
    plan = _PLAN
    assert plan is not None
    builder = plan.builder
    target = plan.target_of(work.schema, work.table)
    names = [k.name for k in target.key_attributes[: 2 if target.sort_key else 1]]
    db = sqlite3.connect(work.database)
    db.execute("CREATE TABLE expected (key TEXT, item TEXT, source TEXT, row TEXT)")
    db.execute("CREATE TABLE rejected (record TEXT)")
    connection = connect(work.url)
    rows, rejected = [], []
    source = f"{work.schema}.{work.table}"
    table_filter = builder.filter_for(work.schema, work.table)
    for row in source_rows(connection, work.schema, work.table, table_filter, work.key_range):
        item = builder.build(work.schema, work.table, row)
        if isinstance(item, Rejection):
            record = {"type": "REJECTED", "table": target.table_name, "key": {}, "source_table": source}
            record |= {"error": f"{item.reason}: {item.error}", "statement": item.statement}
            rejected.append((json.dumps(record, default=str),))
            continue
        shown = json.dumps({k: None if v is None else str(v)[:100] for k, v in row.items()})
        rows.append((_key(target.table_name, item, names), canonical(item), source, shown))
        if len(rows) >= 2000:
            db.executemany("INSERT INTO expected VALUES (?, ?, ?, ?)", rows)
            rows = []
    db.executemany("INSERT INTO expected VALUES (?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO rejected VALUES (?)", rejected)
    db.commit()
    db.close()
    connection.close()
    return work.database


def _slices(url: str, plan: Plan, directory: Path, parts: int) -> list[_Slice]:
    connection = connect(url)
    try:
        work: list[_Slice] = []
        for schema, table in plan.tables:
            for key_range in key_ranges(connection, schema, plan.builder.table(schema, table), parts):
                database = str(directory / f"slice-{len(work)}.db")
                work.append(_Slice(url, schema, table, key_range, database))
        return work
    finally:
        connection.close()


def verify(
    url: str, ddb: Any, plan: Plan, *, segments: int = 4, report: TextIO | None = None, workers: int | None = None
) -> Result:
    """Compare every target table of the task with the items its source rows map to.

    The source is read by ``workers`` processes (default: one per core), each a key range of a table;
    meanwhile this process scans the target tables with ``segments`` parallel scanners. Both sides go
    into SQLite, and the comparison is a join there: memory stays bounded on tables of any size.
    """
    global _PLAN
    result = Result()
    workers = workers or os.cpu_count() or 1
    key_names = {name: [k.name for k in d.key_attributes[: 2 if d.sort_key else 1]] for name, d in plan.targets.items()}
    with tempfile.TemporaryDirectory() as directory:
        db = sqlite3.connect(Path(directory) / "verify.db")
        db.execute("CREATE TABLE actual (key TEXT, item TEXT)")
        work = _slices(url, plan, Path(directory), workers * 2)
        _PLAN = plan
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(work)), mp_context=context) as pool:
            built = pool.map(_build_slice, work)
            for target, names in key_names.items():  # the target, while the workers read the source
                for page in scan(ddb, target, segments):
                    result.actual += len(page)
                    db.executemany(
                        "INSERT INTO actual VALUES (?, ?)", [(_key(target, i, names), canonical(i)) for i in page]
                    )
            databases = list(built)
        _PLAN = None
        db.execute("CREATE TABLE rows (key TEXT, item TEXT, source TEXT, row TEXT)")
        for database in databases:
            db.execute("ATTACH DATABASE ? AS part", (database,))
            db.execute("INSERT INTO rows SELECT * FROM part.expected")
            for (record,) in db.execute("SELECT record FROM part.rejected"):
                result.note(json.loads(record), report)
            db.commit()
            db.execute("DETACH DATABASE part")
        db.execute("CREATE INDEX rows_key ON rows (key)")
        _overwrites(db, key_names, result, report)
        # The last row written for a key is what the table holds (as DMS writing them in order would leave it).
        db.execute(
            "CREATE TABLE expected AS SELECT key, item, source FROM rows "
            "WHERE rowid IN (SELECT MAX(rowid) FROM rows GROUP BY key)"
        )
        db.execute("CREATE UNIQUE INDEX expected_key ON expected (key)")
        db.execute("CREATE INDEX actual_key ON actual (key)")
        result.expected = db.execute("SELECT COUNT(*) FROM expected").fetchone()[0]
        _compare(db, key_names, result, report)
        db.close()
    return result


def _overwrites(db: sqlite3.Connection, key_names: dict[str, list[str]], result: Result, report: TextIO | None) -> None:
    query = (
        "SELECT key, GROUP_CONCAT(source, ' and '), MIN(rowid), MAX(rowid) FROM rows GROUP BY key HAVING COUNT(*) > 1"
    )
    for key, sources, first, last in db.execute(query).fetchall():
        table = key.split("\x1f", 1)[0]
        (item,) = db.execute("SELECT item FROM rows WHERE rowid = ?", (last,)).fetchone()
        rows = [json.loads(r) for (r,) in db.execute("SELECT row FROM rows WHERE rowid IN (?, ?)", (first, last))]
        record = {"type": "OVERWRITE", "table": table, "key": _key_values(json.loads(item), key_names[table])}
        result.note({**record, "source_table": sources, "rows": rows}, report)


def _compare(db: sqlite3.Connection, key_names: dict[str, list[str]], result: Result, report: TextIO | None) -> None:
    missing_source = "SELECT a.key, a.item FROM actual a LEFT JOIN expected e ON e.key = a.key WHERE e.key IS NULL"
    for key, item_text in db.execute(missing_source):
        table = key.split("\x1f", 1)[0]
        record = {"type": MISSING_SOURCE, "table": table, "key": _key_values(json.loads(item_text), key_names[table])}
        result.note(record, report)
    missing_target = (
        "SELECT e.key, e.item, e.source FROM expected e LEFT JOIN actual a ON a.key = e.key WHERE a.key IS NULL"
    )
    for key, item_text, source in db.execute(missing_target):
        table = key.split("\x1f", 1)[0]
        record = {"type": MISSING_TARGET, "table": table, "key": _key_values(json.loads(item_text), key_names[table])}
        result.note({**record, "source_table": source}, report)
    different = "SELECT e.key, e.item, a.item FROM expected e JOIN actual a ON a.key = e.key WHERE a.item <> e.item"
    for key, expected_text, actual_text in db.execute(different):
        table = key.split("\x1f", 1)[0]
        expected, actual = json.loads(expected_text), json.loads(actual_text)
        record = {"type": RECORD_DIFF, "table": table, "key": _key_values(actual, key_names[table])}
        result.note({**record, "details": differences(expected, actual)}, report)
