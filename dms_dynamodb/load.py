"""The full load: every table a task migrates, through its own mappings, into its target tables.

Like DMS (CHAP_Tasks.CustomizingTasks.TaskSettings.FullLoad, CHAP_Target.DynamoDB): up to
``MaxFullLoadSubTasks`` tables at once (default 8), and ``ParallelLoadThreads`` writers per table
when set (default: one). Rows DMS would fail are rejections, never dropped silently: those the item
model refuses before the write, and those DynamoDB refuses (a write its batch's ValidationException
isolated); LOB values truncated by the task's LOB settings are reported.

Writes go through one pool of writer threads shared by every table (``ParallelLoadThreads`` times the
subtasks running at once, as many threads as DMS would run), each item routed by a hash of (target
table, key). One thread owns a key, so the rows of one table that map to one key are written in the
order they were read and the last one read wins, the same every run. Choice for rows of *different*
tables that map to one key (two subtasks): one thread writes them too, never two at once, but in the
order the subtasks queued them; DMS loads tables in parallel and documents no order between them, so
which table's row wins is not fixed (a mapping should not rely on it).

No thread waits forever: queue waits and joins have timeouts and look at one stop signal; the first
failure (a writer's or a reader's) sets it, every thread ends within seconds, and the load raises one
:class:`LoadStopped` that names the failure (the rejections so far are still written to the file).
Ctrl-C sets it too: the load ends within a second with one line (what was read and written, what to
run again). The rejections file holds row data: it is created 0600.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dms_dynamodb.dynamodb.pool import Failure, Stopped, Write, WriterPool, join
from dms_dynamodb.dynamodb.writer import BatchWriter, RefusedWrite, TargetRefused, TargetUnavailable, key_of
from dms_dynamodb.plan import Plan
from dms_dynamodb.private_files import private_file
from dms_dynamodb.progress import Progress
from dms_dynamodb.source.connection import connect
from dms_dynamodb.source.rows import count_rows, source_rows
from mappings.items import Rejection, Truncation

DEFAULT_SUBTASKS = 8  # MaxFullLoadSubTasks' default
MAX_WRITERS = 64  # the DynamoDB client's connection pool (target.client): more threads would wait for one
CHUNK = 25  # writes a reader hands a writer at once
BUFFERED = 200  # writes a reader holds before handing every writer its part
REFUSED = "refused-by-dynamodb"
INTERRUPT_GRACE = 0.7  # seconds the threads get to end after Ctrl-C (they look at the stop signal per row and wait)


class LoadStopped(Exception):
    """The load stopped on a failure (the target's or the source's); the message says which and what to do."""


@dataclass(frozen=True)
class Origin:
    """The source table of a write: a refused write becomes this table's rejection."""

    schema: str
    table: str


@dataclass
class TableSummary:
    table: str
    target: str
    rows: int = 0
    written: int = 0
    rejected: int = 0
    seconds: float = 0.0


@dataclass
class LoadReport:
    tables: list[TableSummary] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    truncations: list[Truncation] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def written(self) -> int:
        return sum(t.written for t in self.tables)

    def render(self, examples: int = 10) -> str:
        width = max([16, *(len(t.table) for t in self.tables)])
        lines = [
            f"{'table':{width}} {'target table':24} {'rows read':>10} {'items written':>14} {'rejected':>9} {'seconds':>8}"
        ]
        for t in self.tables:
            lines.append(
                f"{t.table:{width}} {t.target:24} {t.rows:>10} {t.written:>14} {t.rejected:>9} {t.seconds:>8.1f}"
            )
        lines.append(
            f"{'total':{width}} {'':24} {self.rows:>10} {self.written:>14} {len(self.rejections):>9} {self.seconds:>8.1f}"
        )
        for rejection in self.rejections[:examples]:
            lines.append(f"  rejected {rejection.table_name}: {rejection.reason}: {rejection.error}")
        if len(self.rejections) > examples:
            lines.append(f"  ... and {len(self.rejections) - examples} more rejected rows")
        for truncation in self.truncations[:examples]:
            lines.append(f"  truncated {truncation.render()}")
        if len(self.truncations) > examples:
            lines.append(f"  ... and {len(self.truncations) - examples} more truncated LOB values")
        return "\n".join(lines)


def full_load(
    url: str,
    ddb: Any,
    plan: Plan,
    *,
    task_name: str | None = None,
    exceptions_file: Path | None = None,
    progress: Progress | None = None,
    subtasks: int | None = None,
    threads: int | None = None,
    writer: Callable[[threading.Event], BatchWriter] | None = None,
) -> LoadReport:
    """Load every table of ``plan``; rejected rows go to ``exceptions_file`` (JSON lines).

    ``writer`` makes each writer thread's batch writer from the stop signal (tests inject failures);
    one made with ``keep_refused=True`` turns refused writes into rejections.
    """
    settings = plan.task.settings
    subtasks = subtasks or (
        settings.full_load_settings.max_full_load_sub_tasks if settings.full_load_settings else None
    )
    threads = threads or (settings.target_metadata.parallel_load_threads if settings.target_metadata else None) or 1
    progress = progress or Progress(enabled=False)
    report = LoadReport()
    started = time.perf_counter()
    totals: dict[tuple[str, str], int] = {}
    if progress.enabled:  # a COUNT(*) per table is a read of its own: only for the progress bars
        connection = connect(url)
        totals = {t: count_rows(connection, *t, plan.builder.filter_for(*t)) for t in plan.tables}
        connection.close()
    summaries = {Origin(*t): TableSummary(t[1], plan.target_of(*t).table_name) for t in plan.tables}
    lock = threading.Lock()

    def refused(write: RefusedWrite) -> None:
        origin = write.origin
        assert isinstance(origin, Origin), "every write of the load carries its source table"
        with lock:
            summaries[origin].rejected += 1
            report.rejections.append(_rejection(origin, write))

    readers = max(1, min(subtasks or DEFAULT_SUBTASKS, len(plan.tables)))
    pool = WriterPool(ddb, min(MAX_WRITERS, threads * readers), on_refused=refused, writer=writer)
    tables: Iterator[tuple[str, str]] = iter(list(plan.tables))

    def read() -> None:
        while not pool.stop.is_set():
            with lock:
                schema, table = next(tables, ("", ""))
            if not table:
                return
            summary = summaries[Origin(schema, table)]
            start = time.perf_counter()
            try:
                with progress.bar(table, totals.get((schema, table), 0)) as advance:
                    _read_table(plan, url, pool, Origin(schema, table), summary, report, lock, advance)
            except Stopped:
                return
            except BaseException as error:
                pool.fail(f"reading {schema}.{table}", error)
                return
            summary.seconds = time.perf_counter() - start

    reading = [threading.Thread(target=read, name=f"dms-load-reader-{n}", daemon=True) for n in range(readers)]
    for thread in reading:
        thread.start()
    try:
        join(reading, pool)
        pool.close()
    except KeyboardInterrupt as error:  # Ctrl-C: stop every thread, keep the rejections, say what was done
        pool.fail("the load", error)
        closing = threading.Thread(target=pool.close, name="dms-load-closing", daemon=True)
        closing.start()  # the writers end at their next wait and count what DynamoDB acknowledged
        deadline = time.monotonic() + INTERRUPT_GRACE
        for thread in [*reading, closing]:
            thread.join(max(0.0, deadline - time.monotonic()))
        _write_exceptions(exceptions_file, report.rejections, task_name or plan.task.task_id)
        raise KeyboardInterrupt(_interrupted(summaries, pool, report, exceptions_file)) from None
    except BaseException as error:  # anything else in the waiting thread: stop every other thread too
        pool.fail("the load", error)
        raise
    for origin, summary in summaries.items():
        summary.written = pool.written[origin]
    report.tables = list(summaries.values())
    report.seconds = time.perf_counter() - started
    report.truncations = list(plan.builder.truncations)
    _write_exceptions(exceptions_file, report.rejections, task_name or plan.task.task_id)
    if pool.failure is not None:
        raise LoadStopped(_stopped(pool.failure, report, exceptions_file)) from pool.failure.error
    return report


def _write_exceptions(path: Path | None, rejections: list[Rejection], task_name: str) -> None:
    """Every rejected row so far, as JSON lines (a file of row data: created 0600)."""
    if path is None:
        return
    now = dt.datetime.now(dt.UTC)
    with private_file(path) as handle:
        for rejection in list(rejections):
            handle.write(json.dumps(rejection.as_exception_row(task_name, now)) + "\n")


def _interrupted(
    summaries: dict[Origin, TableSummary], pool: WriterPool, report: LoadReport, exceptions_file: Path | None
) -> str:
    """The line Ctrl-C leaves: what was done, and what to run again."""
    finished = [s.table for s in summaries.values() if s.seconds]
    unfinished = [s.table for s in summaries.values() if not s.seconds]
    kept = f"; the {len(report.rejections)} rejections so far are in {exceptions_file}" if exceptions_file else ""
    return (
        f"interrupted: {sum(s.rows for s in summaries.values())} rows read, at least "
        f"{sum(pool.written.values())} items acknowledged by DynamoDB; tables read to the end: "
        f"{', '.join(finished) or 'none'}; not: {', '.join(unfinished) or 'none'}{kept}. Run the load again "
        "(it reads every table again; puts are idempotent)"
    )


def _read_table(
    plan: Plan,
    url: str,
    pool: WriterPool,
    origin: Origin,
    summary: TableSummary,
    report: LoadReport,
    lock: threading.Lock,
    on_rows: Callable[[int], None],
) -> None:
    """Read one table and hand each item to the writer that owns its key, in the order rows are read."""
    builder = plan.builder
    rule = builder.rule_for(origin.schema, origin.table)
    assert rule is not None
    target = builder.target(rule, origin.schema, origin.table).table_name
    key_names = builder.key_names(rule)
    parts: dict[int, list[Write]] = {}
    held = 0
    connection = connect(url)
    table_filter, model = builder.filter_for(origin.schema, origin.table), builder.table(origin.schema, origin.table)
    rows = source_rows(connection, origin.schema, origin.table, table_filter, model=model)
    try:
        for row in rows:
            if pool.stop.is_set():
                raise Stopped
            summary.rows += 1
            built = builder.build(origin.schema, origin.table, row)
            if isinstance(built, Rejection):
                with lock:  # writer threads count refused writes into the same summary
                    summary.rejected += 1
                    report.rejections.append(built)
            else:
                write = Write(target, key_of(built, key_names), built, origin)
                part = parts.setdefault(pool.route(write), [])
                part.append(write)
                held += 1
                if len(part) >= CHUNK or held >= BUFFERED:
                    held -= _hand(pool, parts, everything=held >= BUFFERED)
            if summary.rows % 500 == 0:
                on_rows(500)
        on_rows(summary.rows % 500)
        _hand(pool, parts, everything=True)
    finally:
        with suppress(Exception):
            rows.close()  # type: ignore[attr-defined]  # mid-table: closes the connection (source_rows)
        with suppress(Exception):
            connection.close()


def _hand(pool: WriterPool, parts: dict[int, list[Write]], *, everything: bool) -> int:
    """Queue the held writes (each writer's part of CHUNK, or all of them); how many were handed."""
    handed = 0
    for writer, part in parts.items():
        if part and (everything or len(part) >= CHUNK):
            pool.submit(writer, list(part))
            handed += len(part)
            part.clear()
    return handed


def _rejection(origin: Origin, write: RefusedWrite) -> Rejection:
    """A write DynamoDB refused, as the rejection of its source row (the item stands for the row)."""
    body = write.request.get("PutRequest", {}).get("Item") or write.request.get("DeleteRequest", {}).get("Key", {})
    values = {name: next(iter(value.values())) for name, value in body.items() if isinstance(value, dict) and value}
    statement = f"INSERT INTO {origin.schema}.{origin.table} " + json.dumps(values, default=str)[:1000]
    error = f"{write.code}: {write.message} (target table {write.table}, key {write.key})"
    return Rejection(origin.schema, origin.table, REFUSED, error, statement)


def _stopped(failure: Failure, report: LoadReport, exceptions_file: Path | None) -> str:
    error = failure.error
    if isinstance(error, TargetRefused):
        cause = f"DynamoDB refused the load's writes: {error}"
    elif isinstance(error, TargetUnavailable):
        cause = f"DynamoDB did not take the load's writes: {error}"
    else:
        cause = f"{failure.where} failed: {type(error).__name__}: {str(error)[:300]}"
    kept = f"; the {len(report.rejections)} rejections so far are in {exceptions_file}" if exceptions_file else ""
    return (
        f"{cause}. {report.written} items were written before the load stopped{kept}; "
        "run the load again once that is fixed (puts are idempotent)"
    )
