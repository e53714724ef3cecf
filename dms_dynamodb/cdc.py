"""CDC: follow the MySQL row binlog into the target, as DMS's CDC phase does for a DynamoDB target.

DMS semantics (CHAP_Target.DynamoDB), not guesses:
- inserts and updates become item writes built from the after-image, with the same mappings and
  value normalizer as the full load; deletes remove the item keyed from the before-image;
- an update that changes a column used in a *base-table* key template is the case DMS documents as
  unsafe ("DynamoDB doesn't allow updates to the primary key attributes ... can either fail or
  insert a new item with the updated primary key and incomplete data"): recorded as an apply
  exception (shaped like ``awsdms_apply_exceptions``), the target left unchanged;
- a change to a row the task's source filters do not admit is not applied (doc FILT);
- tables the mappings do not select are skipped; DDL is reported, not applied.

Assumption (DMS does not document it): an update that moves a row *out of* the filter is not
applied, so the item written while the row was inside stays (``UPDATE_LEAVING_FILTER``).

A change counts as applied only when DynamoDB acknowledged it. The position is checkpointed (write,
fsync, rename) at a transaction boundary only after every write up to it was acknowledged, never on
an error path; a follower killed at any point resumes from its checkpoint, and re-applying a change
is harmless (puts and deletes are idempotent by key).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dms_dynamodb.plan import Plan
from dms_dynamodb.source.connection import mysql_settings
from dms_dynamodb.target.writer import BatchWriter, TargetUnavailable, key_of
from mappings.items import Rejection

UPDATE_LEAVING_FILTER = "an update that moves a row out of the source filter is not applied (the item stays)"


@dataclass(frozen=True)
class Checkpoint:
    log_file: str
    log_pos: int

    def __str__(self) -> str:
        return f"{self.log_file}:{self.log_pos}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """``FILE:POS`` as printed by ``SHOW MASTER STATUS`` / ``SHOW BINARY LOG STATUS``."""
        name, _, position = text.rpartition(":")
        if not name or not position.isdigit():
            raise ValueError(f"binlog position {text!r} is not FILE:POSITION (e.g. binlog.000003:4)")
        return cls(name, int(position))

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


def binlog_status_statement(version: str) -> str:
    """The statement that shows the current binlog position on this server version.

    MySQL 8.4 removed ``SHOW MASTER STATUS`` for ``SHOW BINARY LOG STATUS`` (added in 8.2);
    MariaDB keeps ``SHOW MASTER STATUS`` (and calls it ``SHOW BINLOG STATUS`` from 10.5.2 on).
    """
    if "mariadb" in version.lower():
        return "SHOW MASTER STATUS"
    numbers = [int(part) for part in version.split("-")[0].split(".")[:2] if part.isdigit()]
    major, minor = ([*numbers, 0, 0])[:2]
    return "SHOW BINARY LOG STATUS" if (major, minor) >= (8, 4) else "SHOW MASTER STATUS"


def binlog_head(connection: Any) -> Checkpoint:
    """The server's current binlog position (record it before the full load starts)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT VERSION()")
        (version,) = cursor.fetchone()
        cursor.execute(binlog_status_statement(str(version)))
        row = cursor.fetchone()
    if row is None:
        raise CdcStopped("the source has no binary log (log_bin is off): DMS CDC needs it", None)
    return Checkpoint(str(row[0]), int(row[1]))


class CdcStopped(Exception):
    """The follower stopped on a failure; ``checkpoint`` is where a resumed follower starts."""

    def __init__(self, message: str, checkpoint: Checkpoint | None) -> None:
        super().__init__(message)
        self.checkpoint = checkpoint


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
    filtered: int = 0
    left_filter: int = 0
    exceptions: list[ApplyException] = field(default_factory=list)
    ddl: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def render(self) -> str:
        rate = self.applied / self.seconds if self.seconds else 0.0
        lines = [
            f"CDC: {self.events} row changes read, {self.applied} applied, {self.skipped} skipped (tables not "
            f"migrated), {self.filtered} outside the source filters, {len(self.exceptions)} apply exceptions, "
            f"{len(self.ddl)} DDL statements reported; {rate:,.0f} changes/s"
        ]
        if self.left_filter:
            lines.append(f"  {self.left_filter} updates left the source filter: assumption, {UPDATE_LEAVING_FILTER}")
        lines += [f"  apply exception {e.TABLE_NAME}: {e.ERROR} <- {e.STATEMENT}" for e in self.exceptions[:20]]
        lines += [f"  DDL (not applied): {statement}" for statement in self.ddl[:10]]
        if self.exceptions:
            lines.append("  design fix: build base-table keys (pk/sk) only from columns that never change")
        return "\n".join(lines)


class ChangeApplier:
    """Turns row changes into target writes (or apply exceptions) with the full load's mappings."""

    def __init__(self, plan: Plan, ddb: Any, *, writer: BatchWriter | None = None) -> None:
        self.plan, self.builder = plan, plan.builder
        self.writer = writer if writer is not None else BatchWriter(ddb)  # an empty writer is falsy (len 0)
        self.stats = CdcStats()

    def _exception(self, schema: str, table: str, statement: str, error: str) -> None:
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        self.stats.exceptions.append(ApplyException(self.plan.task.task_id, schema, table, now, statement, error))

    def apply(
        self, kind: str, schema: str, table: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
    ) -> None:
        self.stats.events += 1
        rule = self.builder.rule_for(schema, table)
        if rule is None:
            self.stats.skipped += 1
            return
        target = self.builder.target(rule, schema, table)
        key_names = self.builder.key_names(rule)
        admitted = self.builder.filter_for(schema, table)
        if kind == "delete":
            assert before is not None
            if admitted and not admitted.admits(before):
                self.stats.filtered += 1
                return
            built = self.builder.build(schema, table, before)
            if isinstance(built, Rejection):
                return  # never written, nothing to delete
            self.writer.delete(target.table_name, key_of(built, key_names), {n: built[n] for n in key_names})
            self.stats.applied += 1
            return
        assert after is not None
        if admitted and not admitted.admits(after):
            if kind == "update" and before is not None and admitted.admits(before):
                self.stats.left_filter += 1
            self.stats.filtered += 1
            return
        if kind == "update" and before is not None:
            changed = {c.lower() for c in after if before.get(c) != after.get(c)}
            moved = sorted(changed & self.builder.base_key_columns(schema, table))
            if moved:
                source = self.builder.table(schema, table)
                identity = {c: before.get(c) for c in (source.primary_key if source else ())} or dict(before)
                assignments = ", ".join(f"{c} = {after.get(c)!r}" for c in moved)
                where = " AND ".join(f"{c} = {v!r}" for c, v in identity.items())
                self._exception(
                    schema,
                    table,
                    f"UPDATE {schema}.{table} SET {assignments} WHERE {where} "
                    f"(was {', '.join(f'{c} = {before.get(c)!r}' for c in moved)})",
                    "the update changes base-table key column(s) " + ", ".join(moved) + "; DynamoDB does not allow "
                    "updates to the primary key attributes and DMS either fails the update or inserts a new item "
                    "with incomplete data (not applied)",
                )
                return
        built = self.builder.build(schema, table, after)
        if isinstance(built, Rejection):
            self._exception(schema, table, built.statement, built.error)
            return
        self.writer.put(target.table_name, key_of(built, key_names), built)
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
    """Apply the binlog from the saved checkpoint (or ``start``) on; stop when caught up (or never).

    Raises :class:`CdcStopped` when the target keeps failing or the source goes away; the
    checkpoint file then holds the last position whose changes were all acknowledged.
    """
    from pymysql.err import MySQLError
    from pymysqlreplication import BinLogStreamReader
    from pymysqlreplication.event import QueryEvent, XidEvent
    from pymysqlreplication.row_event import DeleteRowsEvent, UpdateRowsEvent, WriteRowsEvent

    saved: Checkpoint | None = Checkpoint.load(checkpoint_path)
    position = saved or start
    stream = BinLogStreamReader(
        connection_settings=mysql_settings(url)[0],
        server_id=server_id,
        log_file=position.log_file,
        log_pos=position.log_pos,
        resume_stream=True,
        blocking=not until_caught_up,
        only_events=[WriteRowsEvent, UpdateRowsEvent, DeleteRowsEvent, QueryEvent, XidEvent],
        only_schemas=applier.plan.schemas,
        slave_heartbeat=1.0,
    )
    stats, writer = applier.stats, applier.writer
    boundary = position  # the last transaction boundary seen: the only safe place to resume from
    started = last_flush = last_report = time.perf_counter()

    def commit(at: Checkpoint) -> None:
        """Flush, then (only then) move the checkpoint to ``at``."""
        nonlocal saved
        writer.flush()
        at.save(checkpoint_path)
        saved = at

    try:
        for event in stream:
            if isinstance(event, WriteRowsEvent):
                for row in event.rows:
                    applier.apply("insert", event.schema, event.table, None, _image(row, ""))
            elif isinstance(event, UpdateRowsEvent):
                for row in event.rows:
                    applier.apply("update", event.schema, event.table, _image(row, "before_"), _image(row, "after_"))
            elif isinstance(event, DeleteRowsEvent):
                for row in event.rows:
                    applier.apply("delete", event.schema, event.table, _image(row, ""), None)
            elif isinstance(event, QueryEvent):
                query = event.query.decode() if isinstance(event.query, bytes) else str(event.query)
                if query.strip().upper() not in ("BEGIN", "COMMIT"):
                    stats.ddl.append(query.strip()[:200])
            if isinstance(event, XidEvent):
                boundary = Checkpoint(stream.log_file, stream.log_pos)
                if time.perf_counter() - last_flush >= flush_seconds or len(writer) >= 500:
                    commit(boundary)
                    last_flush = time.perf_counter()
            if time.perf_counter() - last_report >= 2.0:
                elapsed = time.perf_counter() - started
                report(
                    f"  cdc: {stats.applied} applied, {stats.applied / elapsed:,.0f} changes/s, "
                    f"at {stream.log_file}:{stream.log_pos}{_lag(event)}"
                )
                last_report = time.perf_counter()
        commit(boundary)
    except TargetUnavailable as exc:
        raise CdcStopped(f"the target failed: {exc}", saved or start) from None
    except (MySQLError, OSError) as exc:
        # The source went away: what was read up to the last boundary can still be applied.
        with contextlib.suppress(TargetUnavailable):  # the stop message says where it resumes
            commit(boundary)
        raise CdcStopped(f"the source failed: {type(exc).__name__}: {exc}", saved or start) from None
    finally:
        stream.close()
    stats.seconds = time.perf_counter() - started
    return stats


def _image(row: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """A row image from mysql-replication, with an empty SET as ``""`` (it decodes one as None, like NULL)."""
    values = dict(row[f"{prefix}values"])
    for name, why in row.get(f"{prefix}none_sources", {}).items():
        if why == "empty set" and values.get(name) is None:
            values[name] = ""
    return values


def _lag(event: Any) -> str:
    timestamp = getattr(event, "timestamp", None)
    return f", {max(0, int(time.time() - timestamp))} s behind the source" if timestamp else ""
