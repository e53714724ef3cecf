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

A verify that cannot read a side to the end (the source or the target lost, refusing or failing) is
no verdict: it raises :class:`VerifyIncomplete` (the command exits 3), and the report's last line is
an ``INCOMPLETE`` record. Ctrl-C stops the workers and the scanners at once. No wait is unbounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from dms_dynamodb.cdc.checkpoint import Checkpoint, NoBinlog, source_head
from dms_dynamodb.plan import Plan
from dms_dynamodb.private_files import make_private
from dms_dynamodb.verify.recheck import (
    MISSING_SOURCE,
    MISSING_TARGET,
    RECORD_DIFF,
    KeyReader,
    differences,
    expected_item,
    key_values,
    ref_from_json,
)
from dms_dynamodb.verify.settle import IN_FLIGHT, NOT_COMPARABLE, settle, unsettled
from dms_dynamodb.verify.sides import read_both_sides, slices
from mappings.items import Item

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
    #: ``verify --export``: the exports compared (where they were taken from, each one's ARN, time, position);
    #: None for the live verify, and for exports without a starting point.
    exports: dict[str, Any] | None = None
    #: ``verify --export`` without a starting point: why, and how to get one.
    no_position: str = ""

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


#: Exit code of an incomplete verify (a server lost or failing mid-run): no verdict, run it again.
INCOMPLETE_EXIT = 3
INCOMPLETE = "INCOMPLETE"


class VerifyIncomplete(Exception):
    """The source or the target failed before verify read it to the end: the result is no verdict (exit 3)."""

    def __init__(self, server: str, message: str) -> None:
        super().__init__(message)
        self.server = server


def lost_server(error: BaseException) -> str | None:
    """``"source"`` or ``"target"`` when ``error`` is a server's (lost, refusing, failing); None for anything else."""
    from concurrent.futures.process import BrokenProcessPool

    from botocore.exceptions import BotoCoreError, ClientError
    from pymysql.err import MySQLError

    if isinstance(error, (MySQLError, BrokenProcessPool)):
        return "source"
    if isinstance(error, (BotoCoreError, ClientError)):
        return "target"
    return None


@contextlib.contextmanager
def incomplete_on_failure(result: Result, report: TextIO | None) -> Iterator[None]:
    """Run a verify: a lost server becomes :class:`VerifyIncomplete` and Ctrl-C one line; the report then
    ends with an ``INCOMPLETE`` record, so a partial report is never taken for a clean one."""
    try:
        yield
    except KeyboardInterrupt:
        _incomplete(result, report, None, "interrupted")
        raise KeyboardInterrupt(
            f"interrupted before verify finished ({_so_far(result)}); verify changes nothing: run it again"
        ) from None
    except Exception as error:
        server = lost_server(error)
        cause = f"{type(error).__name__}: {str(error)[:300]}"
        if server is None:  # not a server: the report still must not pass for a complete one
            _incomplete(result, report, None, cause)
            raise
        _incomplete(result, report, server, cause)
        where = f"; the report ends with an {INCOMPLETE} record" if report is not None else ""
        raise VerifyIncomplete(
            server,
            f"verify is incomplete: the {server} failed before it was read to the end ({cause}); "
            f"{_so_far(result)}{where}. Run verify again once the {server} is back",
        ) from error


def _so_far(result: Result) -> str:
    found = sum(count for kind, count in result.counts.items() if kind != IN_FLIGHT)
    return f"{result.actual} target items read, {found} findings so far, not a verdict"


def _incomplete(result: Result, report: TextIO | None, server: str | None, cause: str) -> None:
    if report is not None:
        record = {"type": INCOMPLETE, "server": server, "error": cause, "findings_before": sum(result.counts.values())}
        report.write(json.dumps(record, sort_keys=True) + "\n")
        report.flush()


def verify(
    url: str,
    ddb: Any,
    plan: Plan,
    *,
    segments: int = 4,
    report: TextIO | None = None,
    workers: int | None = None,
    settle_seconds: float | None = None,
    keep: Callable[[str, Item], bool] | None = None,
    target_pages: Callable[[str], Iterator[list[dict[str, Any]]]] | None = None,
) -> Result:
    """Compare every target table of the task with the items its source rows map to.

    The source is read by ``workers`` processes (default: one per core), each a key range of a table;
    meanwhile this process scans the target tables with ``segments`` parallel scanners. Both sides go
    into SQLite, and the comparison is a join there: memory stays bounded on tables of any size.
    ``settle_seconds``: differences are read again until they resolve or persist (``settle``).
    ``keep``: which target items to compare (``--tables``: the chosen tables'); default every item.
    Raises :class:`VerifyIncomplete` when a server fails mid-run (the report says so in its last line).
    ``target_pages``: read each target table from elsewhere than a Scan (an export's files).
    """
    make_private(report)
    result = Result()
    workers = workers or os.cpu_count() or 1
    key_names = {name: [k.name for k in d.key_attributes[: 2 if d.sort_key else 1]] for name, d in plan.targets.items()}
    with incomplete_on_failure(result, report), tempfile.TemporaryDirectory() as directory:
        result.position = _head(url)
        db = sqlite3.connect(Path(directory) / "verify.db")
        try:
            db.execute("CREATE TABLE actual (key TEXT, item TEXT)")
            work = slices(url, plan, Path(directory), workers * 2)

            def counted(items: int) -> None:
                result.actual += items

            databases = read_both_sides(ddb, plan, work, db, key_names, segments, workers, counted, keep, target_pages)
            _compare_sides(url, ddb, plan, db, databases, key_names, settle_seconds, result, report)
        finally:
            db.close()
    return result


def _compare_sides(
    url: str,
    ddb: Any,
    plan: Plan,
    db: sqlite3.Connection,
    databases: list[str],
    key_names: dict[str, list[str]],
    settle_seconds: float | None,
    result: Result,
    report: TextIO | None,
) -> None:
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


def _head(url: str) -> Checkpoint | None:
    """The binlog position before the source is read (None when the source keeps no binlog)."""
    try:
        return source_head(url)
    except NoBinlog:
        return None


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
            item = None
            if record["type"] == MISSING_SOURCE:
                (item_text,) = db.execute("SELECT item FROM actual WHERE key = ?", (key,)).fetchone()
                item = json.loads(item_text)
            refs = [
                ref_from_json(r)
                for (r,) in db.execute("SELECT ref FROM rows WHERE key = ? AND ref IS NOT NULL", (key,))
            ]
            pending.append(unsettled(reader, record, key, refs, item))
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
        expected = json.loads(item_text)
        record = {"type": MISSING_TARGET, "table": table, "key": key_values(expected, key_names[table])}
        sink({**record, "source_table": source, **expected_item(expected)}, key)
    different = (
        "SELECT e.key, e.item, a.item FROM expected e JOIN actual a ON a.key = e.key WHERE a.item <> e.item "
        "AND e.key NOT IN (SELECT key FROM rows GROUP BY key HAVING COUNT(*) > 1)"
    )
    for key, expected_text, actual_text in db.execute(different).fetchall():
        table = key.split("\x1f", 1)[0]
        expected, actual = json.loads(expected_text), json.loads(actual_text)
        record = {"type": RECORD_DIFF, "table": table, "key": key_values(actual, key_names[table])}
        sink({**record, "details": differences(expected, actual), **expected_item(expected)}, key)
