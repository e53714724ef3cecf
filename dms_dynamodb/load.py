"""The full load: every table a task migrates, through its own mappings, into its target tables.

Like DMS (CHAP_Tasks.CustomizingTasks.TaskSettings.FullLoad, CHAP_Target.DynamoDB): up to
``MaxFullLoadSubTasks`` tables at once (default 8), and ``ParallelLoadThreads`` writers per table
when set (default: one). Rows DMS would fail are rejections, never dropped silently; LOB values
truncated by the task's LOB settings are reported.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dms_dynamodb.plan import Plan
from dms_dynamodb.progress import Progress
from dms_dynamodb.source.connection import connect
from dms_dynamodb.source.rows import count_rows, source_rows
from dms_dynamodb.target.writer import BatchWriter, key_of
from mappings.items import Item, Rejection, Truncation

DEFAULT_SUBTASKS = 8  # MaxFullLoadSubTasks' default


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


def _writers(
    plan: Plan,
    ddb: Any,
    schema: str,
    table: str,
    threads: int,
    summary: TableSummary,
    report: LoadReport,
    on_rows: Callable[[int], None],
    url: str,
) -> None:
    """Read one table and write its items with ``threads`` writers (each its own batch writer)."""
    builder = plan.builder
    rule = builder.rule_for(schema, table)
    assert rule is not None
    target = builder.target(rule, schema, table)
    key_names = builder.key_names(rule)
    lock = threading.Lock()
    work: queue.Queue[list[Item] | None] = queue.Queue(maxsize=threads * 4)

    errors: list[BaseException] = []

    def write() -> None:
        writer = BatchWriter(ddb)
        try:
            while (chunk := work.get()) is not None:
                if not errors:
                    for item in chunk:
                        writer.put(target.table_name, key_of(item, key_names), item)
            if not errors:
                writer.flush()
        except Exception as exc:  # reported by the reading thread; keep draining so it never blocks
            errors.append(exc)
            while work.get() is not None:
                pass
        finally:
            with lock:
                summary.written += writer.written

    pool = [threading.Thread(target=write, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    connection = connect(url)
    try:
        chunk: list[Item] = []
        for row in source_rows(connection, schema, table, builder.filter_for(schema, table)):
            if errors:
                break  # a writer failed for good: stop reading, the error is raised below
            summary.rows += 1
            built = builder.build(schema, table, row)
            if isinstance(built, Rejection):
                summary.rejected += 1
                with lock:
                    report.rejections.append(built)
            else:
                chunk.append(built)
            if len(chunk) >= 25:
                work.put(chunk)
                chunk = []
            if summary.rows % 500 == 0:
                on_rows(500)
        on_rows(summary.rows % 500)
        work.put(chunk)
    finally:
        for _ in pool:
            work.put(None)
        for thread in pool:
            thread.join()
        connection.close()
    if errors:
        raise errors[0]


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
) -> LoadReport:
    """Load every table of ``plan``; rejected rows go to ``exceptions_file`` (JSON lines)."""
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

    def one(schema_table: tuple[str, str]) -> TableSummary:
        schema, table = schema_table
        summary = TableSummary(table, plan.target_of(schema, table).table_name)
        start = time.perf_counter()
        with progress.bar(table, totals.get(schema_table, 0)) as advance:
            _writers(plan, ddb, schema, table, threads, summary, report, advance, url)
        summary.seconds = time.perf_counter() - start
        return summary

    with ThreadPoolExecutor(max_workers=max(1, min(subtasks or DEFAULT_SUBTASKS, len(plan.tables)))) as pool:
        report.tables = list(pool.map(one, plan.tables))
    report.seconds = time.perf_counter() - started
    report.truncations = list(plan.builder.truncations)
    if exceptions_file is not None:
        now = dt.datetime.now(dt.UTC)
        with exceptions_file.open("w") as handle:
            for rejection in report.rejections:
                handle.write(json.dumps(rejection.as_exception_row(task_name or plan.task.task_id, now)) + "\n")
    return report
