"""``verify`` against a plain boto3 parallel scan of the same table, in one run, at 100,000 items.

    python bench/verify.py [--rows 100000] [--segments 4]

A throwaway MariaDB holds one table of ``--rows`` rows (a handwritten one-task stack maps it into
one DynamoDB table); it is loaded into dynalite with 8 writer threads. Then (a) a plain boto3
parallel scan (``Segment``/``TotalSegments``, one thread per segment) counts the items, and (b)
``verify`` reads the source, builds the expected items, scans the table with the same segments and
compares. Prints items/s of each, their ratio (goal: verify >= 0.5x the plain scan), and how much
each grew the process's resident memory: verify's must not grow with the table.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import make_plan
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import parse_stack
from dms_dynamodb.verify.full import verify

MAPPINGS = {
    "rules": [
        {"rule-type": "selection", "rule-id": "1", "rule-name": "s", "rule-action": "include",
         "object-locator": {"schema-name": "bench", "table-name": "events"}},
        {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "m", "rule-action": "map-record-to-record",
         "object-locator": {"schema-name": "bench", "table-name": "events"}, "target-table-name": "bench-events",
         "mapping-parameters": {"partition-key-name": "pk", "sort-key-name": "sk", "attribute-mappings": [
             {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string",
              "value": "ACCOUNT#$${account_id}"},
             {"target-attribute-name": "sk", "attribute-type": "scalar", "attribute-sub-type": "string",
              "value": "EVENT#$${event_id}"}]}},
    ]
}  # fmt: skip


def events_table(mariadb: MariaDB, rows: int) -> str:
    """``bench.events`` with ``rows`` rows made by the server (the sequence engine): the URL of its schema."""
    admin = connect(mariadb.url(""))
    with admin.cursor() as cursor:
        cursor.execute("CREATE DATABASE bench")
        cursor.execute("USE bench")  # the sequence engine (seq_1_to_N) needs a current database
        cursor.execute(
            "CREATE TABLE bench.events (event_id INT PRIMARY KEY, account_id INT NOT NULL, kind VARCHAR(20), "
            "amount DECIMAL(10,2), at DATETIME(3), payload JSON)"
        )
        cursor.execute(
            "INSERT INTO bench.events SELECT seq, seq % 997, ELT(1 + seq % 3, 'order', 'refund', 'visit'), "
            "seq / 100, TIMESTAMP('2024-01-01') + INTERVAL seq SECOND, JSON_OBJECT('n', seq) "
            f"FROM seq_1_to_{rows}"
        )
    admin.close()
    return str(mariadb.url("bench"))


def _stack() -> Any:
    task = {"replication_task_id": "bench", "migration_type": "full-load", "table_mappings": json.dumps(MAPPINGS)}
    table = {
        "name": "bench-events",
        "hash_key": "pk",
        "range_key": "sk",
        "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}],
    }
    return parse_stack({"resource": {"aws_dynamodb_table": {"t": table}, "aws_dms_replication_task": {"a": task}}})


def _plain_scan(ddb: Any, table: str, segments: int) -> int:
    def segment(number: int) -> int:
        pages = ddb.get_paginator("scan").paginate(TableName=table, Segment=number, TotalSegments=segments)
        return sum(len(page["Items"]) for page in pages)

    with ThreadPoolExecutor(max_workers=segments) as pool:
        return sum(pool.map(segment, range(segments)))


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _measured(run: Any, rss: Callable[[], int] = _rss, every: float = 0.02) -> tuple[Any, float, int]:
    """Result, seconds, and the growth of resident memory (``rss``: this process's by default) while it ran,
    sampled every ``every`` seconds (tracemalloc would slow the Python side several times over and distort
    the rate)."""
    baseline, peak, done = rss(), [0], threading.Event()

    def sample() -> None:
        while not done.wait(every):
            peak[0] = max(peak[0], rss())

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.perf_counter()
    try:
        value = run()
    finally:
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
    return value, seconds, max(peak[0], rss()) - baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--segments", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        mariadb, dynalite = MariaDB.start(Path(directory) / "mariadb"), Dynalite.start()
        try:
            url = events_table(mariadb, args.rows)
            stack = _stack()
            plan = make_plan(stack, stack.task(None), connect(url))
            ddb = client(dynalite.endpoint_url)
            create_table(ddb, stack.tables["bench-events"])
            started = time.perf_counter()
            full_load(url, ddb, plan, threads=8)
            print(f"loaded {args.rows} rows in {time.perf_counter() - started:.1f} s (8 writer threads)")
            count, scan_seconds, scan_peak = _measured(lambda: _plain_scan(ddb, "bench-events", args.segments))
            result, verify_seconds, verify_peak = _measured(lambda: verify(url, ddb, plan, segments=args.segments))
        finally:
            dynalite.stop()
            mariadb.stop()
    assert result.clean and result.actual == count == args.rows, result.render()
    scan_rate, verify_rate = count / scan_seconds, result.actual / verify_seconds
    print(
        f"plain boto3 parallel scan ({args.segments} segments): {count} items in {scan_seconds:.1f} s = {scan_rate:,.0f} items/s, resident memory +{scan_peak / 2**20:.1f} MiB"
    )
    print(
        f"verify ({args.segments} segments, source read + items built + compared): {result.actual} items in {verify_seconds:.1f} s = {verify_rate:,.0f} items/s, resident memory +{verify_peak / 2**20:.1f} MiB"
    )
    print(f"ratio verify / plain scan: {verify_rate / scan_rate:.2f} (goal >= 0.5)")


if __name__ == "__main__":
    main()
