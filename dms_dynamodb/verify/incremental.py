"""``verify --since FILE:POS``: check only the items of the rows changed since a binlog position.

The changed rows' primary keys come from the binlog (before and after images, so a row whose key
moved is checked at both keys); each is read again from the source, and the items it maps to now
and mapped to before are read from the table (BatchGetItem, strongly consistent). The work grows
with the number of changes, not with the table: the final check before a switchover takes seconds.

Assumption: a key that an unchanged row also writes (an OVERWRITE a full verify reports) is judged
by the changed rows only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.checkpoint import Checkpoint, default_server_id, source_head
from dms_dynamodb.plan import Plan
from dms_dynamodb.private_files import make_private
from dms_dynamodb.source.binlog_dates import tolerate_invalid_dates
from dms_dynamodb.source.connection import mysql_settings
from dms_dynamodb.verify.full import Result, incomplete_on_failure
from dms_dynamodb.verify.recheck import KeyReader, SourceRef, finding, row_key
from dms_dynamodb.verify.settle import NOT_COMPARABLE


@dataclass
class Changes:
    """The source rows changed in a binlog span, by primary key, and their images (before and after)."""

    since: Checkpoint
    until: Checkpoint
    rows: dict[SourceRef, list[dict[str, Any]]] = field(default_factory=dict)
    events: int = 0
    #: Row images of tables without a primary key, by (schema, table): they cannot be read again by key.
    unkeyed: dict[tuple[str, str], int] = field(default_factory=dict)


def read_changes(url: str, plan: Plan, since: Checkpoint) -> Changes:
    """Every row change to the plan's tables from ``since`` to the source's head (read first)."""
    from pymysqlreplication import BinLogStreamReader
    from pymysqlreplication.row_event import DeleteRowsEvent, UpdateRowsEvent, WriteRowsEvent

    tolerate_invalid_dates()
    changes = Changes(since, source_head(url))
    until = changes.until
    mapped = set(plan.tables)
    stream = BinLogStreamReader(
        connection_settings=mysql_settings(url)[0],
        server_id=default_server_id(Path(f"verify-since-{os.getpid()}")),
        log_file=since.log_file,
        log_pos=since.log_pos,
        resume_stream=True,
        blocking=False,
        only_events=[WriteRowsEvent, UpdateRowsEvent, DeleteRowsEvent],
        only_schemas=plan.schemas,
    )
    try:
        for event in stream:
            if (stream.log_file, stream.log_pos) > (until.log_file, until.log_pos):
                break  # written after the head was read: the next --since covers it
            schema, table = str(event.schema), str(event.table)
            if (schema, table) not in mapped:
                continue
            source = plan.builder.table(schema, table)
            for row in event.rows:
                for image in _images(row):
                    key = row_key(source, image)
                    if key is None:
                        changes.unkeyed[(schema, table)] = changes.unkeyed.get((schema, table), 0) + 1
                        continue
                    changes.rows.setdefault(SourceRef(schema, table, key), []).append(image)
                    changes.events += 1
    finally:
        stream.close()
    return changes


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
    from dms_dynamodb.verify.settle import Unsettled, settle

    make_private(report)
    result = Result()
    with incomplete_on_failure(result, report):
        changes = read_changes(url, plan, since)
        result.position = changes.until
        reader = KeyReader(url, ddb, plan)
        try:
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
