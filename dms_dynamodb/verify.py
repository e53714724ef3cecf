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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from dms_dynamodb.checkpoint import Checkpoint, NoBinlog, binlog_head
from dms_dynamodb.plan import Plan
from dms_dynamodb.recheck import (
    MISSING_SOURCE,
    MISSING_TARGET,
    RECORD_DIFF,
    KeyReader,
    SourceRef,
    differences,
    key_text,
    key_values,
    ref_from_json,
    ref_json,
    row_key,
)
from dms_dynamodb.settle import IN_FLIGHT, NOT_COMPARABLE, Unsettled, settle
from dms_dynamodb.source.connection import connect
from dms_dynamodb.source.rows import KeyRange, key_ranges, source_rows
from dms_dynamodb.target.scan import scan
from mappings.items import Rejection, canonical

EXAMPLES = 5


@dataclass
class Result:
    expected: int = 0
    actual: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {
            MISSING_TARGET: 0,
            MISSING_SOURCE: 0,
            RECORD_DIFF: 0,
            "REJECTED": 0,
            "OVERWRITE": 0,
            NOT_COMPARABLE: 0,
            IN_FLIGHT: 0,
        }
    )
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: The source's binlog position read before the source was: the next ``--since`` starts there.
    position: Checkpoint | None = None

    @property
    def clean(self) -> bool:
        """No finding; changes in flight (resolved while settling) are not findings."""
        return not any(count for kind, count in self.counts.items() if kind != IN_FLIGHT)

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
        if c[IN_FLIGHT] or c[NOT_COMPARABLE]:
            lines.append(
                f"settled: {c[IN_FLIGHT]} differences were changes in flight (resolved when read again; not findings), "
                f"{c[NOT_COMPARABLE]} keys kept changing and could not be compared"
            )
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
    if record["type"] == NOT_COMPARABLE:
        return f": {record['why']}"
    if record["type"] == IN_FLIGHT:
        return f" (was {record['was']}; resolved after {record['resolved_after_seconds']} s)"
    return f" (source table {record['source_table']})" if "source_table" in record else ""


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
    db.execute("CREATE TABLE expected (key TEXT, item TEXT, source TEXT, row TEXT, ref TEXT)")
    db.execute("CREATE TABLE rejected (record TEXT)")
    connection = connect(work.url)
    rows, rejected = [], []
    source = f"{work.schema}.{work.table}"
    table_filter = builder.filter_for(work.schema, work.table)
    source_table = builder.table(work.schema, work.table)
    for row in source_rows(connection, work.schema, work.table, table_filter, work.key_range):
        item = builder.build(work.schema, work.table, row)
        if isinstance(item, Rejection):
            record = {"type": "REJECTED", "table": target.table_name, "key": {}, "source_table": source}
            record |= {"error": f"{item.reason}: {item.error}", "statement": item.statement}
            rejected.append((json.dumps(record, default=str),))
            continue
        shown = json.dumps({k: None if v is None else str(v)[:100] for k, v in row.items()})
        found = row_key(source_table, row)
        ref = ref_json(SourceRef(work.schema, work.table, found)) if found is not None else None
        rows.append((key_text(target.table_name, item, names), canonical(item), source, shown, ref))
        if len(rows) >= 2000:
            db.executemany("INSERT INTO expected VALUES (?, ?, ?, ?, ?)", rows)
            rows = []
    db.executemany("INSERT INTO expected VALUES (?, ?, ?, ?, ?)", rows)
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
    url: str,
    ddb: Any,
    plan: Plan,
    *,
    segments: int = 4,
    report: TextIO | None = None,
    workers: int | None = None,
    settle_seconds: float | None = None,
) -> Result:
    """Compare every target table of the task with the items its source rows map to.

    The source is read by ``workers`` processes (default: one per core), each a key range of a table;
    meanwhile this process scans the target tables with ``segments`` parallel scanners. Both sides go
    into SQLite, and the comparison is a join there: memory stays bounded on tables of any size.
    ``settle_seconds``: differences are read again until they resolve or persist (``settle``).
    """
    global _PLAN
    result = Result(position=_head(url))
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
                        "INSERT INTO actual VALUES (?, ?)", [(key_text(target, i, names), canonical(i)) for i in page]
                    )
            databases = list(built)
        _PLAN = None
        db.execute("CREATE TABLE rows (key TEXT, item TEXT, source TEXT, row TEXT, ref TEXT)")
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
        if settle_seconds is None:
            _compare(db, key_names, lambda record, _key: result.note(record, report))
        else:
            _settle(url, ddb, plan, db, key_names, settle_seconds, result, report)
        db.close()
    return result


def _head(url: str) -> Checkpoint | None:
    """The binlog position before the source is read (None when the source keeps no binlog)."""
    connection = connect(url)
    try:
        return binlog_head(connection)
    except NoBinlog:
        return None
    finally:
        connection.close()


def _settle(
    url: str,
    ddb: Any,
    plan: Plan,
    db: sqlite3.Connection,
    key_names: dict[str, list[str]],
    seconds: float,
    result: Result,
    report: TextIO | None,
) -> None:
    """Collect the differences, then read each again on both sides until it settles."""
    found: list[tuple[dict[str, Any], str]] = []
    _compare(db, key_names, lambda record, key: found.append((record, key)))
    reader = KeyReader(url, ddb, plan)
    try:
        pending = []
        for record, key in found:
            refs = [
                ref_from_json(r)
                for (r,) in db.execute("SELECT ref FROM rows WHERE key = ? AND ref IS NOT NULL", (key,))
            ]
            if record["type"] == MISSING_SOURCE:
                (item_text,) = db.execute("SELECT item FROM actual WHERE key = ?", (key,)).fetchone()
                refs = reader.refs_from_item(record["table"], json.loads(item_text))
            pending.append(Unsettled(record, key, refs))
        for record in settle(reader, pending, seconds):
            result.note(record, report)
    finally:
        reader.close()


def _overwrites(db: sqlite3.Connection, key_names: dict[str, list[str]], result: Result, report: TextIO | None) -> None:
    query = (
        "SELECT key, GROUP_CONCAT(source, ' and '), MIN(rowid), MAX(rowid) FROM rows GROUP BY key HAVING COUNT(*) > 1"
    )
    for key, sources, first, last in db.execute(query).fetchall():
        table = key.split("\x1f", 1)[0]
        (item,) = db.execute("SELECT item FROM rows WHERE rowid = ?", (last,)).fetchone()
        rows = [json.loads(r) for (r,) in db.execute("SELECT row FROM rows WHERE rowid IN (?, ?)", (first, last))]
        record = {"type": "OVERWRITE", "table": table, "key": key_values(json.loads(item), key_names[table])}
        result.note({**record, "source_table": sources, "rows": rows}, report)


def _compare(
    db: sqlite3.Connection, key_names: dict[str, list[str]], sink: Callable[[dict[str, Any], str], None]
) -> None:
    """Every difference between ``expected`` and ``actual``, with its key; keys written by several source
    rows are reported as OVERWRITE only (the last row read wins, as the load writes them)."""
    missing_source = "SELECT a.key, a.item FROM actual a LEFT JOIN expected e ON e.key = a.key WHERE e.key IS NULL"
    for key, item_text in db.execute(missing_source).fetchall():
        table = key.split("\x1f", 1)[0]
        record = {"type": MISSING_SOURCE, "table": table, "key": key_values(json.loads(item_text), key_names[table])}
        sink(record, key)
    missing_target = (
        "SELECT e.key, e.item, e.source FROM expected e LEFT JOIN actual a ON a.key = e.key WHERE a.key IS NULL"
    )
    for key, item_text, source in db.execute(missing_target).fetchall():
        table = key.split("\x1f", 1)[0]
        record = {"type": MISSING_TARGET, "table": table, "key": key_values(json.loads(item_text), key_names[table])}
        sink({**record, "source_table": source}, key)
    different = (
        "SELECT e.key, e.item, a.item FROM expected e JOIN actual a ON a.key = e.key WHERE a.item <> e.item "
        "AND e.key NOT IN (SELECT key FROM rows GROUP BY key HAVING COUNT(*) > 1)"
    )
    for key, expected_text, actual_text in db.execute(different).fetchall():
        table = key.split("\x1f", 1)[0]
        expected, actual = json.loads(expected_text), json.loads(actual_text)
        record = {"type": RECORD_DIFF, "table": table, "key": key_values(actual, key_names[table])}
        sink({**record, "details": differences(expected, actual)}, key)
