"""CDC rehearsal: follow the MySQL row binlog into the target, as DMS's CDC phase does.

DMS semantics for a DynamoDB target (CHAP_Target.DynamoDB), not guesses:
- inserts and updates become item writes built from the after-image, with the same mappings and
  the same value normalizer as the full load;
- deletes remove the item keyed from the before-image;
- an update that changes a column used in a *base-table* key template is the case DMS documents as
  unsafe: "DynamoDB doesn't allow updates to the primary key attributes ... can either fail or insert
  a new item with the updated primary key and incomplete data". We record it as an apply exception
  (shaped like ``awsdms_apply_exceptions``) and leave the target as DMS would at best: unchanged.
  The design fix is keys built from immutable columns;
- changes to GSI key columns are ordinary attribute updates (DynamoDB maintains the index);
- tables the mappings do not select are skipped; DDL is reported, not applied.

Resumable: the applied binlog position (file, offset) is checkpointed after each applied batch at
a transaction boundary, by write-then-rename, so a restart after SIGKILL resumes where it stopped;
re-applying a change is harmless (puts and deletes are idempotent by key).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mappings.engine import ItemBuilder, Rejection, item_key
from mappings.schema import mysql_settings
from mappings.templates import placeholders

BATCH = 25


@dataclass(frozen=True)
class Checkpoint:
    log_file: str
    log_pos: int

    def save(self, path: Path) -> None:
        """Durably: write a temporary file, fsync it, then rename it over the old one."""
        temporary = path.with_suffix(path.suffix + ".tmp")
        with temporary.open("w") as handle:
            json.dump(asdict(self), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        return cls(str(data["log_file"]), int(data["log_pos"]))


def binlog_head(connection: Any) -> Checkpoint:
    """The server's current binlog position (record it before the full load starts)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW MASTER STATUS")
        row = cursor.fetchone()
    return Checkpoint(str(row[0]), int(row[1]))


@dataclass
class ApplyException:
    """A change DMS would not apply, as a row of ``awsdms_apply_exceptions``."""

    TASK_NAME: str
    TABLE_OWNER: str
    TABLE_NAME: str
    ERROR_TIME: str
    STATEMENT: str
    ERROR: str


@dataclass
class CdcStats:
    events: int = 0
    applied: int = 0
    skipped: int = 0
    exceptions: list[ApplyException] = field(default_factory=list)
    ddl: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def render(self) -> str:
        rate = self.applied / self.seconds if self.seconds else 0.0
        lines = [
            f"CDC: {self.events} row changes read, {self.applied} applied, {self.skipped} skipped (unmapped "
            f"tables), {len(self.exceptions)} apply exceptions, {len(self.ddl)} DDL statements reported; "
            f"{rate:,.0f} changes/s"
        ]
        lines += [f"  apply exception {e.TABLE_NAME}: {e.ERROR} <- {e.STATEMENT}" for e in self.exceptions[:20]]
        lines += [f"  DDL (not applied): {statement}" for statement in self.ddl[:10]]
        if self.exceptions:
            lines.append("  design fix: build base-table keys (pk/sk) only from columns that never change")
        return "\n".join(lines)


class ChangeBatch:
    """Pending writes by item key; the last change to a key wins (as applying them in order would)."""

    def __init__(self, ddb: Any, table: str) -> None:
        self.ddb, self.table = ddb, table
        self.pending: dict[tuple[str, ...], dict[str, Any]] = {}

    def put(self, key: tuple[str, ...], item: dict[str, Any]) -> None:
        self.pending[key] = {"PutRequest": {"Item": item}}

    def delete(self, key: tuple[str, ...], key_item: dict[str, Any]) -> None:
        self.pending[key] = {"DeleteRequest": {"Key": key_item}}

    def __len__(self) -> int:
        return len(self.pending)

    def flush(self) -> None:
        requests = list(self.pending.values())
        self.pending = {}
        for start in range(0, len(requests), BATCH):
            chunk, delay = requests[start : start + BATCH], 0.05
            while chunk:
                response = self.ddb.batch_write_item(RequestItems={self.table: chunk})
                chunk = response.get("UnprocessedItems", {}).get(self.table, [])
                if chunk:
                    time.sleep(delay)
                    delay = min(delay * 2, 2.0)


class ChangeApplier:
    """Turns row changes into target writes (or apply exceptions) with the full load's mappings."""

    def __init__(self, builder: ItemBuilder, ddb: Any, schema: str, *, task_name: str = "rehearsal") -> None:
        assert builder.design is not None
        self.builder, self.schema, self.task_name = builder, schema, task_name
        design = builder.design
        self.key_names = tuple(k.name for k in design.key_attributes[: 2 if design.sort_key else 1])
        self.batch = ChangeBatch(ddb, design.table_name)
        self.stats = CdcStats()

    def _base_key_columns(self, table: str) -> set[str]:
        rule = self.builder.rule_for(self.schema, table)
        assert rule is not None
        templates = {m.target_attribute_name: m.value for m in rule.attribute_mappings if isinstance(m.value, str)}
        return {c.lower() for name in self.key_names for c in placeholders(templates.get(name, "${" + name + "}"))}

    def _exception(self, table: str, statement: str, error: str) -> None:
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        self.stats.exceptions.append(ApplyException(self.task_name, self.schema, table, now, statement, error))

    def apply(self, kind: str, table: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
        self.stats.events += 1
        if self.builder.rule_for(self.schema, table) is None:
            self.stats.skipped += 1
            return
        if kind == "delete":
            assert before is not None
            built = self.builder.build(self.schema, table, before)
            if isinstance(built, Rejection):
                return  # never written, nothing to delete
            key = item_key(built, self.key_names)
            self.batch.delete(key, {n: built[n] for n in self.key_names})
            self.stats.applied += 1
            return
        assert after is not None
        if kind == "update" and before is not None:
            changed = {c.lower() for c in after if before.get(c) != after.get(c)}
            moved = sorted(changed & self._base_key_columns(table))
            if moved:
                source = self.builder.tables.get(table)
                identity = {c: before.get(c) for c in (source.primary_key if source else ())} or dict(before)
                assignments = ", ".join(f"{c} = {after.get(c)!r}" for c in moved)
                where = " AND ".join(f"{c} = {v!r}" for c, v in identity.items())
                self._exception(
                    table,
                    f"UPDATE {self.schema}.{table} SET {assignments} WHERE {where} "
                    f"(was {', '.join(f'{c} = {before.get(c)!r}' for c in moved)})",
                    "the update changes base-table key column(s) " + ", ".join(moved) + "; DynamoDB does not allow "
                    "updates to the primary key attributes and DMS either fails the update or inserts a new item "
                    "with incomplete data (not applied)",
                )
                return
        built = self.builder.build(self.schema, table, after)
        if isinstance(built, Rejection):
            self._exception(table, built.statement, built.error)
            return
        self.batch.put(item_key(built, self.key_names), built)
        self.stats.applied += 1


def follow(
    url: str,
    applier: ChangeApplier,
    checkpoint_path: Path,
    start: Checkpoint,
    *,
    until_caught_up: bool = True,
    server_id: int = 4242,
    report: Callable[[str], None] = print,
    flush_seconds: float = 0.5,
) -> CdcStats:
    """Apply the binlog from the saved checkpoint (or ``start``) on; stop when caught up (or never)."""
    from pymysqlreplication import BinLogStreamReader
    from pymysqlreplication.event import QueryEvent, XidEvent
    from pymysqlreplication.row_event import DeleteRowsEvent, UpdateRowsEvent, WriteRowsEvent

    position = Checkpoint.load(checkpoint_path) or start
    stream = BinLogStreamReader(
        connection_settings=mysql_settings(url)[0],
        server_id=server_id,
        log_file=position.log_file,
        log_pos=position.log_pos,
        resume_stream=True,
        blocking=not until_caught_up,
        only_events=[WriteRowsEvent, UpdateRowsEvent, DeleteRowsEvent, QueryEvent, XidEvent],
        only_schemas=[applier.schema],
        slave_heartbeat=1.0,
    )
    stats = applier.stats
    boundary = position  # the last transaction boundary seen: the only safe place to resume from
    started = last_flush = last_report = time.perf_counter()
    try:
        for event in stream:
            if isinstance(event, WriteRowsEvent):
                for row in event.rows:
                    applier.apply("insert", event.table, None, row["values"])
            elif isinstance(event, UpdateRowsEvent):
                for row in event.rows:
                    applier.apply("update", event.table, row["before_values"], row["after_values"])
            elif isinstance(event, DeleteRowsEvent):
                for row in event.rows:
                    applier.apply("delete", event.table, row["values"], None)
            elif isinstance(event, QueryEvent):
                query = event.query.decode() if isinstance(event.query, bytes) else str(event.query)
                if query.strip().upper() not in ("BEGIN", "COMMIT"):
                    stats.ddl.append(query.strip()[:200])
            if isinstance(event, XidEvent):
                boundary = Checkpoint(stream.log_file, stream.log_pos)
                if time.perf_counter() - last_flush >= flush_seconds or len(applier.batch) >= 500:
                    # Everything up to this commit is applied, so resuming here loses nothing.
                    applier.batch.flush()
                    boundary.save(checkpoint_path)
                    last_flush = time.perf_counter()
            if time.perf_counter() - last_report >= 2.0:
                elapsed = time.perf_counter() - started
                report(
                    f"  cdc: {stats.applied} applied, {stats.applied / elapsed:,.0f} changes/s, "
                    f"at {stream.log_file}:{stream.log_pos}{_lag(event)}"
                )
                last_report = time.perf_counter()
    finally:
        applier.batch.flush()
        boundary.save(checkpoint_path)
        stream.close()
    stats.seconds = time.perf_counter() - started
    return stats


def _lag(event: Any) -> str:
    timestamp = getattr(event, "timestamp", None)
    return f", {max(0, int(time.time() - timestamp))} s behind the source" if timestamp else ""
