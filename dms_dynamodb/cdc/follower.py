"""CDC: follow the MySQL row binlog into the target, as DMS's CDC phase does for a DynamoDB target.

DMS semantics (CHAP_Target.DynamoDB), not guesses:
- inserts and updates become item writes built from the after-image, with the same mappings and
  value normalizer as the full load; deletes remove the item keyed from the before-image;
- an update that changes a column used in a *base-table* key template is the case DMS documents as
  unsafe ("DynamoDB doesn't allow updates to the primary key attributes ... can either fail or
  insert a new item with the updated primary key and incomplete data"): recorded as an apply
  exception (shaped like ``awsdms_apply_exceptions``), the target left unchanged;
- a change to a row the task's source filters do not admit is not applied (doc FILT);
- every event is classified by the one binlog reader (:mod:`dms_dynamodb.binlog.reading`): row
  changes of migrated tables (and of tables the selection matches that appear later) and transaction
  structure are applied (an XA transaction at its XA COMMIT); events that touch no migrated table are
  passed over by name; everything else (DDL of a migrated table, statement-form DML, partial or
  unnamed row images, anything not understood) stops the follower, naming the event, its position
  and what to do (:class:`CdcRefused`);
- a parent's delete or key update that a cascading foreign key carries to a migrated child is an
  apply exception naming the constraint: the child's changes are not in the binlog.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dms_dynamodb.binlog.reading import ROW_EVENTS, STOPS, BinlogReader, Kind, Reading, event_name, event_start
from dms_dynamodb.binlog.statements import Verb
from dms_dynamodb.binlog.transactions import Change, OpenTransactions, RolledBackRows, UnknownXa
from dms_dynamodb.cdc.applier import UPDATE_LEAVING_FILTER, CdcStats, ChangeApplier
from dms_dynamodb.cdc.checkpoint import Checkpoint, CheckpointLock, binlog_head, binlog_problems, default_server_id
from dms_dynamodb.dynamodb.writer import TargetUnavailable
from dms_dynamodb.plan import plan_for
from dms_dynamodb.source.binlog_dates import tolerate_invalid_dates
from dms_dynamodb.source.cascades import read_cascades
from dms_dynamodb.source.connection import connect, mysql_settings

__all__ = [
    "UPDATE_LEAVING_FILTER",
    "CdcRefused",
    "CdcStats",
    "CdcStopped",
    "ChangeApplier",
    "FollowOptions",
    "SourceNotReady",
    "follow",
]

#: MariaDB's and MySQL's errors for a second replica connecting with the same server id.
SERVER_ID_COLLISION = (4052, 1236)

#: Events that open a transaction (or belong to one) without being a row change of a migrated table.
OPENS_TRANSACTION = frozenset(
    {"MariadbGtidEvent", "GtidEvent", "TableMapEvent", "MariadbAnnotateRowsEvent", "RowsQueryLogEvent"}
    | {"IntvarEvent", "RandEvent", "UserVarEvent"}
)
#: MySQL's ANONYMOUS_GTID_LOG_EVENT (pymysqlreplication does not decode it) opens a transaction too.
ANONYMOUS_GTID = 0x22


class CdcStopped(Exception):
    """The follower stopped on a failure; ``checkpoint`` is where a resumed follower starts."""

    def __init__(self, message: str, checkpoint: Checkpoint | None) -> None:
        super().__init__(message)
        self.checkpoint = checkpoint


class CdcRefused(CdcStopped):
    """An event the follower cannot apply (closed world): it stops before it, naming it and what to do (exit 1)."""


def what_to_do(reading: Reading, end: Checkpoint, boundary: Checkpoint | None = None) -> str:
    """The user's way on after a refusal: fix the target for what the event did, then start after it
    (at ``boundary``, the first transaction boundary after the event, when the binlog has one yet)."""
    tables = ", ".join(".".join(t) for t in reading.tables) or "the migrated tables"
    after = (
        f"then start a new follower after it (a new --checkpoint with --start {boundary}, the first transaction "
        f"boundary after it)."
        if boundary is not None
        else f"then start a new follower after it (a new --checkpoint with --start at the first transaction boundary "
        f"after {end}, once its transaction has ended: SHOW BINLOG EVENTS IN '{end.log_file}' FROM {end.log_pos}; "
        "cdc --start refuses any other position, naming the boundaries around it)."
    )
    if reading.kind is Kind.MIGRATED_DDL:  # DDL commits on its own: its end is a transaction boundary
        after = f"then start a new follower after it (a new --checkpoint with --start {end})."
        return (
            f"DMS applies no DDL to a DynamoDB target, so its items of {tables} are not changed: reload {tables} (delete "
            f"its items, dms-dynamodb load), or for an ALTER check that items are unaffected with dms-dynamodb verify; "
            f"{after}"
        )
    if reading.kind in (Kind.STATEMENT_DML, Kind.PARTIAL_IMAGE, Kind.UNNAMED_COLUMNS):
        return (
            "The changed rows cannot be known from the binlog: keep sessions from overriding binlog_format / "
            "binlog_row_image (revoke SESSION_VARIABLES_ADMIN / SUPER) and keep binlog_row_metadata=FULL; "
            f"verify {tables} in full (dms-dynamodb verify) and fix what it names, {after}"
        )
    return f"Verify {tables} in full (dms-dynamodb verify) and fix what it names, {after}"


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
        return _Follower(url, applier, checkpoint_path, saved, options, report, _reader(url, applier)).run()


def _reader(url: str, applier: ChangeApplier) -> BinlogReader:
    """The binlog reader for the applier's plan: it re-plans from the source, and knows its cascading keys."""
    plan = applier.plan

    def replan() -> Any:
        connection = connect(url)
        try:
            return plan_for(plan.task, plan.builder.targets, connection)
        finally:
            connection.close()

    def reread() -> list[Any]:
        connection = connect(url)
        try:
            return read_cascades(connection, [s.name for s in plan.builder.schemas])
        finally:
            connection.close()

    return BinlogReader(plan, replan, reread(), reread)


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
        reader: BinlogReader,
    ) -> None:
        self.url, self.applier, self.path, self.options, self.report = url, applier, path, options, report
        self.reader, self.transactions = reader, OpenTransactions()
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
        held = self.transactions.held_at()
        target = self.boundary if held is None else min(self.boundary, held, key=lambda c: c.order)
        if target != self.saved:
            target.save(self.path)
            self.saved = target
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

        stats, writer, options = self.applier.stats, self.applier.writer, self.options
        heartbeat = min(1.0, max(0.05, options.flush_seconds / 4))  # wake while idle, well within flush_seconds
        # Every event, none filtered out (undecoded ones too): the reader classifies each one (closed world).
        stream = BinLogStreamReader(
            connection_settings=mysql_settings(self.url)[0],
            server_id=self.server_id,
            log_file=self.saved.log_file,
            log_pos=self.saved.log_pos,
            resume_stream=True,
            blocking=not options.until_caught_up,
            filter_non_implemented_events=False,
            slave_heartbeat=heartbeat,
        )
        started = last_report = time.perf_counter()
        try:
            for event in stream:
                now = time.perf_counter()
                self._event(event, Checkpoint(stream.log_file, stream.log_pos), now)
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
        except CdcRefused:
            with contextlib.suppress(TargetUnavailable):  # what came before the event is applied
                self.commit()
            raise
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
        stats.held = self.transactions.held_at()
        return stats

    def _event(self, event: Any, position: Checkpoint, now: float) -> None:
        """One event, as the binlog reader classifies it: applied, held, a boundary, passed over, or a stop."""
        reading = self.reader.classify(event)
        kind, name = reading.kind, event_name(event)
        if self.reader.plan is not self.applier.plan:  # re-resolved: a new table the selection matches
            self.applier.replanned(self.reader.plan)
        if kind in (Kind.ROW, Kind.NEW_TABLE_ROW):
            self.in_transaction = True
            self.oldest_unacknowledged = self.oldest_unacknowledged or now
            self._apply(event, reading)
        elif kind is Kind.TRANSACTION:
            self._transaction(event, reading, position, now)
        elif kind in STOPS:
            raise self._refusal(event, reading, position)
        elif name in ROW_EVENTS:
            self.in_transaction = True  # rows of a table not migrated: inside their transaction
            self._cascades(event, reading)
        elif name in OPENS_TRANSACTION or getattr(event, "event_type", None) == ANONYMOUS_GTID:
            self.in_transaction = True
        elif name == "QueryEvent" and reading.verb is Verb.DML:
            self.in_transaction = True  # (statement DML of a table not migrated: its XID ends it)
        elif name == "QueryEvent":
            self.applier.stats.passed.append(f"{reading.what}: {reading.why}")
            self._replay(self.transactions.end())  # DDL and the statements passed over commit implicitly
            self.at_boundary(position, now)
        elif not self.in_transaction:
            self.at_boundary(position, now)

    def _transaction(self, event: Any, reading: Reading, position: Checkpoint, now: float) -> None:
        verb, statement, tx = reading.verb, reading.statement, self.transactions
        assert statement is not None
        try:
            if verb is Verb.BEGIN:
                self.in_transaction = True
            elif verb is Verb.XA_START:
                self.in_transaction = True
                tx.start_xa()
            elif verb in (Verb.COMMIT, Verb.XA_ONE_PHASE):
                self._replay(tx.end())
                self.at_boundary(position, now)
            elif verb is Verb.ROLLBACK:
                tx.rollback()
                self.at_boundary(position, now)
            elif verb is Verb.SAVEPOINT:
                tx.savepoint(statement.name)
            elif verb is Verb.ROLLBACK_TO:
                tx.rollback_to(statement.name)
            elif verb is Verb.XA_PREPARE:
                assert statement.xid is not None
                tx.prepare(statement.xid, self.boundary)
                self.at_boundary(position, now)
            elif verb is Verb.XA_COMMIT:
                assert statement.xid is not None
                self._replay(tx.commit_prepared(statement.xid))
                self.at_boundary(position, now)
            elif verb is Verb.XA_ROLLBACK:
                assert statement.xid is not None
                tx.rollback_prepared(statement.xid)
                self.at_boundary(position, now)
            # XA END and RELEASE SAVEPOINT change nothing the follower holds
        except (RolledBackRows, UnknownXa) as exc:
            raise self._refusal(event, reading, position, str(exc)) from None

    def _replay(self, changes: list[Change]) -> None:
        for change in changes:
            self.applier.apply(*change)

    def _refusal(self, event: Any, reading: Reading, position: Checkpoint, why: str = "") -> CdcRefused:
        start = Checkpoint(position.log_file, event_start(event, position.log_pos))
        message = (
            f"{reading.kind.value} at {start} (ends at {position}): {reading.what}; {why or reading.why}. "
            f"{what_to_do(reading, position, self._boundary_after(position))}"
        )
        return CdcRefused(message, self.saved)

    def _boundary_after(self, end: Checkpoint) -> Checkpoint | None:
        """The first transaction boundary at or after ``end``, for the refusal's advice (None: not known now)."""
        from dms_dynamodb.cdc.positions import boundary_at_or_after

        try:
            connection = connect(self.url)
            try:
                return boundary_at_or_after(connection, end)
            finally:
                connection.close()
        except Exception:  # the advice then says how to find it; the refusal itself must not be lost
            return None

    def _apply(self, event: Any, reading: Reading) -> None:
        schema, table = str(event.schema), str(event.table)
        kind, tx = ROW_EVENTS[event_name(event)], self.transactions
        for row in event.rows:
            if kind == "insert":
                change: Change = (kind, schema, table, None, _image(row, ""))
            elif kind == "update":
                change = (kind, schema, table, _image(row, "before_"), _image(row, "after_"))
            else:
                change = (kind, schema, table, _image(row, ""), None)
            if tx.holding:
                tx.hold(change)
            else:
                tx.counted()
                self.applier.apply(*change)
        self._cascades(event, reading)

    def _cascades(self, event: Any, reading: Reading) -> None:
        """A parent's delete or key update that a cascading foreign key carries to a migrated child: an apply
        exception naming the constraint (the child's changes are not in the binlog)."""
        if not reading.cascades:
            return
        kind = ROW_EVENTS[event_name(event)]
        schema, table = str(event.schema), str(event.table)
        for row in event.rows:
            before = _image(row, "" if kind == "delete" else "before_")
            after = _image(row, "after_") if kind == "update" else None
            for cascade in reading.cascades:
                if after is not None and all(before.get(c) == after.get(c) for c in cascade.referenced):
                    continue
                key = " AND ".join(f"{c} = {before.get(c)!r}" for c in cascade.referenced)
                self.applier.cascaded(f"{kind.upper()} FROM {schema}.{table} WHERE {key}", cascade, kind)

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
