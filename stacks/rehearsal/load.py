"""The full load: every mapped table's rows, through the stack's own mappings, into the table."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mappings.engine import ItemBuilder, Rejection
from stacks.rehearsal.dynamo import BatchWriter

FETCH = 1000


@dataclass
class TableSummary:
    table: str
    rows: int = 0
    written: int = 0
    rejected: int = 0
    seconds: float = 0.0


@dataclass
class LoadReport:
    tables: list[TableSummary] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def render(self) -> str:
        lines = [f"{'table':16} {'rows read':>10} {'items written':>14} {'rejected':>9} {'seconds':>8}"]
        for t in self.tables:
            lines.append(f"{t.table:16} {t.rows:>10} {t.written:>14} {t.rejected:>9} {t.seconds:>8.1f}")
        total = sum(t.seconds for t in self.tables)
        lines.append(
            f"{'total':16} {self.rows:>10} {sum(t.written for t in self.tables):>14} "
            f"{len(self.rejections):>9} {total:>8.1f}"
        )
        return "\n".join(lines)


def source_rows(connection: Any, table: str) -> Iterator[dict[str, Any]]:
    """Stream a table's rows (unbuffered cursor: bounded memory on any table size)."""
    import pymysql.cursors

    with connection.cursor(pymysql.cursors.SSDictCursor) as cursor:
        cursor.execute(f"SELECT * FROM `{table}`")
        while batch := cursor.fetchmany(FETCH):
            yield from batch


def count_rows(connection: Any, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM `{table}`")
        (count,) = cursor.fetchone()
        return int(count)


def _progress(table: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r  {table:16} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def full_load(
    connection: Any,
    ddb: Any,
    builder: ItemBuilder,
    schema: str,
    tables: list[str],
    *,
    task_name: str = "rehearsal",
    exceptions_file: Path | None = None,
    progress: Callable[[str, int, int], None] = _progress,
) -> LoadReport:
    """Load ``tables`` (mapped by ``builder``) into the target; rows DMS would fail are reported."""
    report = LoadReport()
    target = builder.design.table_name if builder.design else None
    for table in tables:
        rule = builder.rule_for(schema, table)
        if rule is None:
            continue
        summary = TableSummary(table)
        total = count_rows(connection, table)
        start = time.perf_counter()
        with BatchWriter(ddb, target or rule.target_table_name or table, builder.key_names(rule)) as writer:
            for row in source_rows(connection, table):
                summary.rows += 1
                built = builder.build(schema, table, row)
                if isinstance(built, Rejection):
                    summary.rejected += 1
                    report.rejections.append(built)
                else:
                    writer.put(built)
                if summary.rows % FETCH == 0:
                    progress(table, summary.rows, total)
        summary.written = writer.written
        summary.seconds = time.perf_counter() - start
        progress(table, summary.rows, total)
        report.tables.append(summary)
    if exceptions_file is not None and report.rejections:
        now = dt.datetime.now(dt.UTC)
        with exceptions_file.open("w") as handle:
            for rejection in report.rejections:
                handle.write(json.dumps(rejection.as_exception_row(task_name, now)) + "\n")
    return report
