"""``verify --since FILE:POS``: check only the items of the rows changed since a binlog position.

The changed rows' primary keys come from the binlog (before and after images, so a row whose key
moved is checked at both keys); each is read again from the source, and the items it maps to now
and mapped to before are read from the table (BatchGetItem, strongly consistent). The work grows
with the number of changes, not with the table: the final check before a switchover takes seconds.

Every event in the window is classified by the one binlog reader (:mod:`dms_dynamodb.binlog.reading`).
The window is covered, or the verify says it is not: a TRUNCATE / DROP / RENAME / ALTER of a
migrated table verifies the task in full (a table no longer on the source is named as not
comparable); statement-form DML, a partial or unnamed row image and any event not understood are
NOT_COMPARABLE findings naming the event and its position (their changed keys cannot be known); a
parent's delete or key update that a cascading foreign key carries to a migrated child is checked
through the key (``ON UPDATE CASCADE``: the child rows now referencing the new key are checked), or
named as not comparable (deleted or nulled children cannot be found from the binlog). Rows DMS
would reject are counted as a full verify counts them.

Assumption: a key that an unchanged row also writes (an OVERWRITE a full verify reports) is judged
by the changed rows only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dms_dynamodb.binlog.reading import ROW_EVENTS, STOPS, BinlogReader, Kind, event_name, event_start
from dms_dynamodb.cdc.checkpoint import Checkpoint, default_server_id, source_head
from dms_dynamodb.plan import Plan
from dms_dynamodb.private_files import make_private
from dms_dynamodb.source.binlog_dates import tolerate_invalid_dates
from dms_dynamodb.source.cascades import read_cascades
from dms_dynamodb.source.connection import connect, mysql_settings
from dms_dynamodb.verify.full import Result, incomplete_on_failure
from dms_dynamodb.verify.recheck import KeyReader, SourceRef, finding, row_key
from dms_dynamodb.verify.settle import NOT_COMPARABLE
from dms_dynamodb.verify.window import Uncovered, cascade_refs, rejected_records


@dataclass
class Changes:
    """The source rows changed in a binlog span, by primary key, and their images (before and after)."""

    since: Checkpoint
    until: Checkpoint
    rows: dict[SourceRef, list[dict[str, Any]]] = field(default_factory=dict)
    events: int = 0
    #: Row images of tables without a primary key, by (schema, table): they cannot be read again by key.
    unkeyed: dict[tuple[str, str], int] = field(default_factory=dict)
    #: Events whose changes cannot be known by key (statement DML, partial images, ...): each a finding.
    uncovered: list[Uncovered] = field(default_factory=list)
    #: Migrated tables a TRUNCATE / DROP / RENAME / ALTER in the window touched: verified in full.
    in_full: set[tuple[str, str]] = field(default_factory=set)
    #: Changed parent rows whose cascading foreign key changes children: (cascade, kind, before, after).
    cascaded: list[tuple[Any, str, dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)


def read_changes(url: str, plan: Plan, since: Checkpoint) -> Changes:
    """Every row change to the plan's tables from ``since`` to the source's head (read first)."""
    from pymysqlreplication import BinLogStreamReader

    tolerate_invalid_dates()
    changes = Changes(since, source_head(url))
    until = changes.until
    connection = connect(url)
    try:
        reader = BinlogReader(plan, None, read_cascades(connection, [s.name for s in plan.builder.schemas]))
    finally:
        connection.close()
    stream = BinLogStreamReader(
        connection_settings=mysql_settings(url)[0],
        server_id=default_server_id(Path(f"verify-since-{os.getpid()}")),
        log_file=since.log_file,
        log_pos=since.log_pos,
        resume_stream=True,
        blocking=False,
        filter_non_implemented_events=False,
    )
    try:
        for event in stream:
            end = Checkpoint(stream.log_file, stream.log_pos)
            if end.order > until.order:
                break  # written after the head was read: the next --since covers it
            _take(changes, plan, reader, event, end)
    finally:
        stream.close()
    return changes


def _take(changes: Changes, plan: Plan, reader: BinlogReader, event: Any, end: Checkpoint) -> None:
    """One event of the window, as the binlog reader classifies it."""
    reading = reader.classify(event)
    if reading.kind is Kind.MIGRATED_DDL and reading.tables and all(t in plan.tables for t in reading.tables):
        changes.in_full |= set(reading.tables)
        return
    if reading.kind in STOPS:
        at = Checkpoint(end.log_file, event_start(event, end.log_pos))
        changes.uncovered.append(Uncovered(reading, at))
        return
    kind = ROW_EVENTS.get(event_name(event))
    if kind is None:
        return
    for row in event.rows:
        if reading.cascades:
            before = dict(row["values"] if kind == "delete" else row["before_values"])
            after = dict(row["after_values"]) if kind == "update" else None
            changes.cascaded += [(c, kind, before, after) for c in reading.cascades]
        if reading.kind not in (Kind.ROW, Kind.NEW_TABLE_ROW):
            continue
        schema, table = str(event.schema), str(event.table)
        source = plan.builder.table(schema, table)
        for image in _images(row):
            key = row_key(source, image)
            if key is None:
                changes.unkeyed[(schema, table)] = changes.unkeyed.get((schema, table), 0) + 1
                continue
            changes.rows.setdefault(SourceRef(schema, table, key), []).append(image)
            changes.events += 1


def _images(row: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for name in ("values", "before_values", "after_values"):
        if name in row:
            yield dict(row[name])


def check_changes(
    reader: KeyReader, changes: Changes
) -> tuple[int, int, list[tuple[dict[str, Any], str, list[SourceRef]]]]:
    """How many items the changed rows map to now, how many of their keys the table holds, the differences.

    Every key a changed row maps to now or mapped to before is checked: an item left at an old key
    (a row deleted, or moved to another key) is a MISSING_SOURCE.
    """
    refs_by_key: dict[str, list[SourceRef]] = {}
    key_items: dict[str, tuple[str, dict[str, Any]]] = {}
    for ref, images in changes.rows.items():
        current = reader.source_row(ref)
        for row in [*images, *([current] if current is not None else [])]:
            built = reader.item_of(ref, row)
            if built is None:
                continue
            key, item = built
            table = key.split("\x1f", 1)[0]
            names = reader.key_names[table]
            key_items.setdefault(key, (table, {n: item[n] for n in names if n in item}))
            if ref not in refs_by_key.setdefault(key, []):
                refs_by_key[key].append(ref)
    by_table: dict[str, list[str]] = {}
    for key, (table, _) in key_items.items():
        by_table.setdefault(table, []).append(key)
    found, present, expected_items = [], 0, 0
    for table, keys in by_table.items():
        actual = reader.actual(table, [key_items[k][1] for k in keys])
        present += len(actual)
        names = reader.key_names[table]
        for key in keys:
            expected = reader.expected(key, refs_by_key[key])
            expected_items += expected is not None
            record = finding(table, names, expected, actual.get(key))
            if record is not None:
                found.append((record, key, refs_by_key[key]))
    return expected_items, present, found


def verify_since(
    url: str, ddb: Any, plan: Plan, since: Checkpoint, *, settle_seconds: float | None = None, report: Any = None
) -> tuple[Result, Changes]:
    """The incremental verify: the same report as a full one, for the rows changed since ``since``.

    Like a full verify, a server lost mid-run raises :class:`~dms_dynamodb.verify.full.VerifyIncomplete`
    (the report ends with an ``INCOMPLETE`` record) and Ctrl-C ends it with one line.
    """
    from dms_dynamodb.verify.full import verify
    from dms_dynamodb.verify.settle import Unsettled, settle

    make_private(report)
    result = Result()
    with incomplete_on_failure(result, report):
        changes = read_changes(url, plan, since)
    if changes.in_full:  # a TRUNCATE / DROP / RENAME / ALTER of a migrated table: no row events say what changed
        result = verify(url, ddb, plan, report=report, settle_seconds=settle_seconds)
        for uncovered in changes.uncovered:
            result.note(uncovered.record(plan), report)
        result.position = changes.until
        return result, changes
    with incomplete_on_failure(result, report):
        result.position = changes.until
        reader = KeyReader(url, ddb, plan)
        try:
            for uncovered in changes.uncovered:
                result.note(uncovered.record(plan), report)
            children, lost = cascade_refs(reader, plan, changes.cascaded)
            for ref, was in children.items():
                changes.rows.setdefault(ref, []).extend(was)
            for record in [*lost, *rejected_records(reader, plan, changes.rows)]:
                result.note(record, report)
            result.expected, result.actual, found = check_changes(reader, changes)
            for (schema, table), images in sorted(changes.unkeyed.items()):
                unkeyed = {
                    "type": NOT_COMPARABLE,
                    "table": plan.target_of(schema, table).table_name,
                    "key": {},
                    "source_table": f"{schema}.{table}",
                    "why": f"{images} row images of {schema}.{table}, which has no primary key, cannot be read again "
                    "by key: an incremental verify cannot check them; verify in full",
                }
                result.note(unkeyed, report)
            if settle_seconds is None:
                for record, _key, _refs in found:
                    result.note(record, report)
            else:
                pending = [Unsettled(record, key, refs) for record, key, refs in found]
                for record in settle(reader, pending, settle_seconds):
                    result.note(record, report)
        finally:
            reader.close()
    return result, changes
