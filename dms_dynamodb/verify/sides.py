"""``verify``'s two sides at once: worker processes read the source into SQLite while this process scans the target.

The workers get the plan through the pool's initializer (pickled once per worker) and start with
``spawn``: the parent runs threads (the scanners, boto3's), and ``fork`` would copy their locks in
whatever state they are (Python docs, "Contexts and start methods"). Workers leave Ctrl-C to the
parent. Any way out but the end (a failed worker or scanner, a consumer that raises, Ctrl-C) stops the
scanners and ends the worker processes at once: no wait here is unbounded.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dms_dynamodb.dynamodb.scan import scan
from dms_dynamodb.plan import Plan
from dms_dynamodb.source.connection import connect
from dms_dynamodb.source.rows import KeyRange, key_ranges, source_batches
from dms_dynamodb.verify.recheck import SourceRef, key_text, ref_json, rejected_record, row_key, shown_row
from mappings.items import Item, Rejection, canonical
from mappings.items.columns import ColumnBuilder

#: Safe in a process that runs threads (see above).
START_METHOD = "spawn"
WAIT = 0.2  # seconds any wait for the workers lasts before it looks again
GRACE = 0.5  # seconds a stopped worker process gets to end before it is killed
# The plan, in a worker process: set by the pool's initializer.
_PLAN: Plan | None = None


def _start_worker(plan: Plan) -> None:
    """A worker process's initializer: the plan, and Ctrl-C left to the parent (it stops the workers)."""
    global _PLAN
    _PLAN = plan
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@dataclass(frozen=True)
class Slice:
    url: str
    schema: str
    table: str
    key_range: KeyRange | None
    database: str


def build_slice(work: Slice) -> str:
    """In a worker process: the expected items of one slice of a source table, into its own SQLite file.

    Built a fetched batch at a time, column by column (:class:`ColumnBuilder`, as the Spark engine builds them)."""
    plan = _PLAN
    assert plan is not None, "the pool's initializer sets the plan"
    builder = plan.builder
    target = plan.target_of(work.schema, work.table)
    names = [k.name for k in target.key_attributes[: 2 if target.sort_key else 1]]
    db = sqlite3.connect(work.database)
    db.execute("CREATE TABLE expected (key TEXT, item TEXT, source TEXT, row TEXT, ref TEXT)")
    db.execute("CREATE TABLE rejected (record TEXT)")
    connection = connect(work.url)
    rows, rejected = [], []
    source = f"{work.schema}.{work.table}"
    table_filter = builder.filter_for(work.schema, work.table)
    source_table = builder.table(work.schema, work.table)
    by_columns: ColumnBuilder | None = None
    read = source_batches(connection, work.schema, work.table, table_filter, work.key_range, source_table)
    for batch in read:
        columns = list(batch[0])
        if by_columns is None or by_columns.columns != tuple(columns):
            by_columns = ColumnBuilder(builder, work.schema, work.table, columns, names)
        built = by_columns.build([[row[name] for row in batch] for name in columns])
        for row, item in zip(batch, built, strict=True):
            if isinstance(item, Rejection):
                rejected.append((json.dumps(rejected_record(target.table_name, source, item), default=str),))
                continue
            shown = json.dumps(shown_row(row))
            found = row_key(source_table, row)
            ref = ref_json(SourceRef(work.schema, work.table, found)) if found is not None else None
            if isinstance(item, tuple):  # a plain row, built from its columns: its key values and canonical text
                rows.append((f"{target.table_name}\x1f{item[0]}", item[1], source, shown, ref))
            else:
                rows.append((key_text(target.table_name, item, names), canonical(item), source, shown, ref))
        if len(rows) >= 2000:
            db.executemany("INSERT INTO expected VALUES (?, ?, ?, ?, ?)", rows)
            rows = []
    db.executemany("INSERT INTO expected VALUES (?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO rejected VALUES (?)", rejected)
    db.commit()
    db.close()
    connection.close()
    return work.database


def slices(url: str, plan: Plan, directory: Path, parts: int) -> list[Slice]:
    connection = connect(url)
    try:
        work: list[Slice] = []
        for schema, table in plan.tables:
            for key_range in key_ranges(connection, schema, plan.builder.table(schema, table), parts):
                database = str(directory / f"slice-{len(work)}.db")
                work.append(Slice(url, schema, table, key_range, database))
        return work
    finally:
        connection.close()


def read_both_sides(
    ddb: Any,
    plan: Plan,
    work: list[Slice],
    db: sqlite3.Connection,
    key_names: dict[str, list[str]],
    segments: int,
    workers: int,
    on_page: Callable[[int], None],
    keep: Callable[[str, Item], bool] | None = None,
    target_pages: Callable[[str], Iterator[list[Item]]] | None = None,
) -> list[str]:
    """The source slices in worker processes while this process scans the target into ``db``'s ``actual``
    (``on_page`` hears each page's size): the slices' SQLite files. ``target_pages`` reads a target table
    from elsewhere than a Scan (an export's files).

    A failed worker ends the run at the next page; any way out but the end stops the workers at once.
    """
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(work))),
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=_start_worker,
        initargs=(plan,),
    )
    finished = False
    try:
        futures = [pool.submit(build_slice, slice_) for slice_ in work]
        for target, names in key_names.items():  # the target, while the workers read the source
            pages_of = target_pages or (lambda table: scan(ddb, table, segments))
            with contextlib.closing(pages_of(target)) as pages:  # type: ignore[type-var]
                for page in pages:
                    if keep is not None:  # verify --tables: only the chosen tables' items
                        page = [i for i in page if keep(target, i)]
                    on_page(len(page))
                    db.executemany(
                        "INSERT INTO actual VALUES (?, ?)", [(key_text(target, i, names), canonical(i)) for i in page]
                    )
                    _raise_failed(futures)
        databases = _results(futures)
        finished = True
        return databases
    finally:
        if finished:
            pool.shutdown(wait=True)  # every worker is idle: this returns at once
        else:
            _stop_workers(pool, set(multiprocessing.active_children()) - before)


def _raise_failed(futures: list[Future[str]]) -> None:
    for future in futures:
        error = future.exception() if future.done() else None
        if error is not None:
            raise error


def _results(futures: list[Future[str]]) -> list[str]:
    """Every worker's result, waiting in steps (Ctrl-C and a failed worker end the wait at once)."""
    pending: set[Future[str]] = set(futures)
    while pending:
        _, pending = wait(pending, timeout=WAIT, return_when=FIRST_EXCEPTION)
        _raise_failed(futures)
    return [future.result() for future in futures]


def _stop_workers(pool: ProcessPoolExecutor, processes: set[Any]) -> None:
    """Cancel what has not started and end the worker processes now (SIGTERM, then SIGKILL)."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(GRACE)
