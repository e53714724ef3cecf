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

Nothing is held back: the follower asks the source for heartbeats, so it wakes while the source is
quiet, and commits the last transaction boundary it read within ``flush_seconds`` of reading it,
whatever comes next. Its lag is the acknowledged position against the source's binlog head.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.apply_exceptions import EXCEPTIONS_TABLE, ApplyException, ErrorClock
from dms_dynamodb.cdc.checkpoint import Checkpoint, CheckpointLock, binlog_head, binlog_problems, default_server_id
from dms_dynamodb.dynamodb.writer import BatchWriter, TargetUnavailable, key_of
from dms_dynamodb.plan import Plan
from dms_dynamodb.source.binlog_dates import tolerate_invalid_dates
from dms_dynamodb.source.connection import connect, mysql_settings
from mappings.items import Rejection

#: MariaDB's and MySQL's errors for a second replica connecting with the same server id.
SERVER_ID_COLLISION = (4052, 1236)

UPDATE_LEAVING_FILTER = "an update that moves a row out of the source filter is not applied (the item stays)"


class CdcStopped(Exception):
    """The follower stopped on a failure; ``checkpoint`` is where a resumed follower starts."""

    def __init__(self, message: str, checkpoint: Checkpoint | None) -> None:
        super().__init__(message)
        self.checkpoint = checkpoint


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
    #: The last position whose changes DynamoDB acknowledged (the checkpoint), and the source's head then.
    position: Checkpoint | None = None
    head: Checkpoint | None = None

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

    def __init__(
        self, plan: Plan, ddb: Any, *, writer: BatchWriter | None = None, exceptions_table: bool = False
    ) -> None:
        self.plan, self.builder = plan, plan.builder
        # Refused writes (a value DynamoDB will not take) become apply exceptions: the follower moves on, as
        # DMS's apply-error policy does. An empty writer is falsy (len 0), hence the explicit None test.
        self.writer = writer if writer is not None else BatchWriter(ddb, keep_refused=True)
        self.stats = CdcStats()
        #: Write apply exceptions to the target's awsdms_apply_exceptions table too (as DMS does).
        self.exceptions_table = exceptions_table
        self._clock = ErrorClock()

    def _exception(self, schema: str, table: str, statement: str, error: str) -> None:
        found = ApplyException(self.plan.task.task_id, schema, table, self._clock.now(), statement, error)
        self.stats.exceptions.append(found)
        if self.exceptions_table:
            item = found.as_item()
            self.writer.put(EXCEPTIONS_TABLE, key_of(item, ("TASK_NAME", "ERROR_TIME")), item)

    def record_refused(self) -> int:
        """Turn the writes DynamoDB refused since the last flush into apply exceptions; how many there were."""
        refused = self.writer.take_refused()
        for write in refused:
            if write.table == EXCEPTIONS_TABLE:
                continue  # an exception DynamoDB will not store is still in the stats and on stdout
            schema, table, statement = write.origin if isinstance(write.origin, tuple) else ("", write.table, "")
            self._exception(schema, table, statement, f"DynamoDB refused the write: {write.code}: {write.message}")
        return len(refused)

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
                # Its item cannot be built (an earlier update refused, say), so its key is not known here: an item
                # written before that update may stay. Said as an apply exception, never dropped silently.
                self._exception(
                    schema,
                    table,
                    f"DELETE FROM {schema}.{table} (before-image {built.statement.split(' ', 3)[-1][:300]})",
                    f"the deleted row's item cannot be built ({built.reason}: {built.error}); an item written for it "
                    "before may stay in the target",
                )
                return
            key = key_of(built, key_names)
            origin = (schema, table, f"DELETE FROM {schema}.{table} (item key {key})")
            self.writer.delete(target.table_name, key, {n: built[n] for n in key_names}, origin=origin)
            self.stats.applied += 1
            return
        assert after is not None
        if admitted and not admitted.admits(after):
            if kind == "update" and before is not None and admitted.admits(before):
                self.stats.left_filter += 1
            self.stats.filtered += 1
            return
        if kind == "update" and before is not None:
            # Column names as the source spells them (the key templates' may differ in case; MySQL's do not matter).
            spelled = {c.lower(): c for c in after}
            was = {c.lower(): v for c, v in before.items()}
            changed = {c.lower() for c in after if was.get(c.lower()) != after.get(c)}
            moved = sorted(spelled[c] for c in changed & self.builder.base_key_columns(schema, table))
            if moved:
                source = self.builder.table(schema, table)
                key_columns = [spelled.get(c.lower(), c) for c in (source.primary_key if source else ())]
                identity = {c: was.get(c.lower()) for c in key_columns} or dict(before)
                assignments = ", ".join(f"{c} = {after[c]!r}" for c in moved)
                where = " AND ".join(f"{c} = {v!r}" for c, v in identity.items())
                self._exception(
                    schema,
                    table,
                    f"UPDATE {schema}.{table} SET {assignments} WHERE {where} "
                    f"(was {', '.join(f'{c} = {was.get(c.lower())!r}' for c in moved)})",
                    "the update changes base-table key column(s) " + ", ".join(moved) + "; DynamoDB does not allow "
                    "updates to the primary key attributes and DMS either fails the update or inserts a new item "
                    "with incomplete data (not applied)",
                )
                return
        built = self.builder.build(schema, table, after)
        if isinstance(built, Rejection):
            self._exception(schema, table, built.statement, built.error)
            return
        key = key_of(built, key_names)
        origin = (schema, table, f"{kind.upper()} {schema}.{table} (item key {key})")
        self.writer.put(target.table_name, key, built, origin=origin)
        self.stats.applied += 1


class SourceNotReady(Exception):
    """The source's binlog settings do not allow following it (checked before the first event): exit 2."""


@dataclass(frozen=True)
class FollowOptions:
    """How a follower runs. Defaults: follow until caught up, commit within 1 s, report every 5 s."""

    until_caught_up: bool = True
    #: The replica server id (default: derived from the checkpoint path, so followers never collide).
    server_id: int | None = None
    #: A boundary read is committed (flushed, then checkpointed) at most this long after it was read.
    flush_seconds: float = 1.0
    progress_seconds: float = 5.0
    #: Set it to stop a continuous follower: it commits what it read and returns (within a heartbeat).
    stop: threading.Event | None = None


class _Head:
    """The source's binlog head, read on a connection of its own (for honest lag lines)."""

    def __init__(self, url: str) -> None:
        self.url, self._connection = url, None

    def read(self) -> Checkpoint | None:
        try:
            if self._connection is None:
                self._connection = connect(self.url)
            return binlog_head(self._connection)
        except Exception:  # the lag line is information; the stream reports a lost source itself
            self.close()
            return None

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None


def follow(
    url: str,
    applier: ChangeApplier,
    checkpoint_path: Path,
    start: Checkpoint,
    *,
    until_caught_up: bool = True,
    server_id: int | None = None,
    report: Callable[[str], None] = print,
    flush_seconds: float = 1.0,
    options: FollowOptions | None = None,
) -> CdcStats:
    """Apply the binlog from the saved checkpoint (or ``start``) on; stop when caught up (or when told).

    ``until_caught_up``, ``server_id`` and ``flush_seconds`` are a shorthand for ``options``, which wins
    when given. The checkpoint file is locked for the whole run and written before the first event is read.
    Raises :class:`CdcStopped` when the target keeps failing or the source goes away; the
    checkpoint file then holds the last position whose changes were all acknowledged.
    """
    options = options or FollowOptions(until_caught_up, server_id, flush_seconds)
    tolerate_invalid_dates()  # a DATE the calendar does not have must not end the stream (one rule with the load)
    problems = _binlog_problems(url, checkpoint_path, start)
    if problems:  # following anyway would apply garbage, or skip changes and call itself caught up
        raise SourceNotReady("the source's binlog cannot be followed: " + "; ".join(problems))
    with CheckpointLock(checkpoint_path):
        saved = Checkpoint.load(checkpoint_path) or start
        saved.save(checkpoint_path)  # before the first event: a stop at any moment leaves a file to resume from
        return _Follower(url, applier, checkpoint_path, saved, options, report).run()


def _binlog_problems(url: str, checkpoint_path: Path, start: Checkpoint) -> list[str]:
    """The source's binlog settings the follower cannot work with; a source that is not there stops it."""
    from pymysql.err import MySQLError

    try:
        connection = connect(url)
        try:
            return binlog_problems(connection)
        finally:
            connection.close()
    except (MySQLError, OSError) as exc:
        where = Checkpoint.load(checkpoint_path) or start
        raise CdcStopped(f"the source failed: {type(exc).__name__}: {exc}", where) from None


class _Follower:
    def __init__(
        self,
        url: str,
        applier: ChangeApplier,
        path: Path,
        saved: Checkpoint,
        options: FollowOptions,
        report: Callable[[str], None],
    ) -> None:
        self.url, self.applier, self.path, self.options, self.report = url, applier, path, options, report
        self.saved = self.boundary = saved
        self.server_id = options.server_id or default_server_id(path)
        self.boundary_read_at: float | None = None  # when the oldest uncommitted boundary was read
        self.oldest_unacknowledged: float | None = None  # when the oldest change not yet acknowledged was read
        self.in_transaction = False
        self.head = _Head(url)

    def commit(self) -> None:
        """Flush, then (only then) move the checkpoint to the last boundary."""
        self.applier.writer.flush()
        if self.applier.record_refused():
            self.applier.writer.flush()  # the apply exceptions of the refused writes
        if self.boundary != self.saved:
            self.boundary.save(self.path)
            self.saved = self.boundary
        self.applier.stats.position = self.saved
        self.boundary_read_at = self.oldest_unacknowledged = None

    def at_boundary(self, position: Checkpoint, now: float) -> None:
        self.in_transaction = False
        if position != self.boundary:
            self.boundary = position
            self.boundary_read_at = self.boundary_read_at or now

    def run(self) -> CdcStats:
        from pymysql.err import MySQLError
        from pymysqlreplication import BinLogStreamReader
        from pymysqlreplication.event import HeartbeatLogEvent, QueryEvent, RotateEvent, XidEvent
        from pymysqlreplication.row_event import DeleteRowsEvent, UpdateRowsEvent, WriteRowsEvent

        stats, writer, options = self.applier.stats, self.applier.writer, self.options
        heartbeat = min(1.0, max(0.05, options.flush_seconds / 4))  # wake while idle, well within flush_seconds
        stream = BinLogStreamReader(
            connection_settings=mysql_settings(self.url)[0],
            server_id=self.server_id,
            log_file=self.saved.log_file,
            log_pos=self.saved.log_pos,
            resume_stream=True,
            blocking=not options.until_caught_up,
            only_events=[
                WriteRowsEvent,
                UpdateRowsEvent,
                DeleteRowsEvent,
                QueryEvent,
                XidEvent,
                HeartbeatLogEvent,
                RotateEvent,
            ],
            only_schemas=self.applier.plan.schemas,
            slave_heartbeat=heartbeat,
        )
        started = last_report = time.perf_counter()
        try:
            for event in stream:
                now = time.perf_counter()
                position = Checkpoint(stream.log_file, stream.log_pos)
                if isinstance(event, (WriteRowsEvent, UpdateRowsEvent, DeleteRowsEvent)):
                    self.in_transaction = True
                    self.oldest_unacknowledged = self.oldest_unacknowledged or now
                    self._apply(event, WriteRowsEvent, UpdateRowsEvent)
                elif isinstance(event, QueryEvent):
                    query = event.query.decode() if isinstance(event.query, bytes) else str(event.query)
                    if query.strip().upper() == "BEGIN":
                        self.in_transaction = True
                    elif query.strip().upper() == "COMMIT":  # the end of a non-transactional engine's changes
                        self.at_boundary(position, now)
                    else:
                        stats.ddl.append(query.strip()[:200])
                        self.at_boundary(position, now)  # DDL commits implicitly
                elif isinstance(event, XidEvent) or not self.in_transaction:
                    self.at_boundary(position, now)
                due = self.boundary_read_at is not None and now - self.boundary_read_at >= options.flush_seconds
                if due or len(writer) >= 500:
                    self.commit()
                if now - last_report >= options.progress_seconds:
                    self.report(self._progress(now - started))
                    last_report = now
                if options.stop is not None and options.stop.is_set():
                    break
            else:  # the end of the binlog: what follows the last boundary is only events nobody applies
                if not self.in_transaction and stream.log_file:
                    self.at_boundary(Checkpoint(stream.log_file, stream.log_pos), time.perf_counter())
            self.commit()
        except TargetUnavailable as exc:
            raise CdcStopped(f"the target failed: {exc}", self.saved) from None
        except (MySQLError, OSError) as exc:
            # The source went away: what was read up to the last boundary can still be applied.
            with contextlib.suppress(TargetUnavailable):  # the stop message says where it resumes
                self.commit()
            raise CdcStopped(self._source_failure(exc), self.saved) from None
        finally:
            stream.close()
            stats.head = self.head.read()
            self.head.close()
        stats.seconds = time.perf_counter() - started
        stats.position = self.saved
        return stats

    def _apply(self, event: Any, insert: type, update: type) -> None:
        schema, table = str(event.schema), str(event.table)
        for row in event.rows:
            if isinstance(event, insert):
                self.applier.apply("insert", schema, table, None, _image(row, ""))
            elif isinstance(event, update):
                self.applier.apply("update", schema, table, _image(row, "before_"), _image(row, "after_"))
            else:
                self.applier.apply("delete", schema, table, _image(row, ""), None)

    def _progress(self, elapsed: float) -> str:
        stats, head = self.applier.stats, self.head.read()
        where = f"acknowledged up to {self.saved}"
        if head is not None:
            where += " = the source head (caught up)" if head == self.saved else f", source head {head}"
        pending = len(self.applier.writer)
        waiting = (
            f"; oldest unacknowledged change read {time.perf_counter() - self.oldest_unacknowledged:.1f} s ago"
            if self.oldest_unacknowledged is not None
            else ""
        )
        return (
            f"  cdc: {stats.applied} applied, {stats.applied / elapsed if elapsed else 0:,.0f} changes/s, "
            f"{where}, {pending} writes pending{waiting}"
        )

    def _source_failure(self, exc: Exception) -> str:
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
        text = str(exc.args[1] if len(exc.args) > 1 else exc)
        if code in SERVER_ID_COLLISION and "server" in text.lower() and "id" in text.lower():
            return (
                f"another replica connected to the source with this follower's server id {self.server_id} "
                f"(error {code}: {text}); give each follower its own --server-id"
            )
        return f"the source failed: {type(exc).__name__}: {exc}"


def _image(row: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """A row image from mysql-replication, with an empty SET as ``""`` (it decodes one as None, like NULL)."""
    values = dict(row[f"{prefix}values"])
    for name, why in row.get(f"{prefix}none_sources", {}).items():
        if why == "empty set" and values.get(name) is None:
            values[name] = ""
    return values
