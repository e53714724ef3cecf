"""Incremental verify and ``--settle`` on a quiet source, at growing table sizes, in one run.

    python bench/live_verify.py [--rows 50000 200000] [--changes 1000] [--settle 5]

For each size: a throwaway MariaDB holds one table of that many rows (the same handwritten one-task
stack as ``bench/verify.py``), loaded into dynalite; then ``--changes`` rows are updated and applied
by the follower, and ``verify --since`` (the position before the changes) is timed: the goal is
under 5 s for 1,000 changes, the same at every size. Then a full ``verify`` with and without
``--settle`` on the now quiet source: settling costs nothing when there is nothing to settle.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.verify import _stack, events_table
from dms_dynamodb.cdc.checkpoint import binlog_head
from dms_dynamodb.cdc.follower import ChangeApplier, follow
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import make_plan
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.source.connection import connect
from dms_dynamodb.verify.full import verify
from dms_dynamodb.verify.incremental import verify_since


def _timed(run: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = run()
    return value, time.perf_counter() - started


def one_size(rows: int, changes: int, settle: float) -> None:
    with tempfile.TemporaryDirectory() as directory:
        mariadb, dynalite = MariaDB.start(Path(directory) / "mariadb"), Dynalite.start()
        try:
            url = events_table(mariadb, rows)
            stack = _stack()
            plan = make_plan(stack, stack.task(None), connect(url))
            ddb = client(dynalite.endpoint_url)
            create_table(ddb, stack.tables["bench-events"])
            _, load_seconds = _timed(lambda: full_load(url, ddb, plan, threads=8))
            since = binlog_head(connect(url))
            connection = connect(url)
            with connection.cursor() as cursor:
                step = max(1, rows // changes)
                for event_id in range(1, rows + 1, step)[:changes]:
                    cursor.execute("UPDATE events SET amount = amount + 1 WHERE event_id = %s", (event_id,))
            connection.close()
            stats, cdc_seconds = _timed(
                lambda: follow(
                    url, ChangeApplier(plan, ddb), Path(directory) / "cdc.json", since, report=lambda _: None
                )
            )
            (result, changed), since_seconds = _timed(lambda: verify_since(url, ddb, plan, since))
            assert result.clean and len(changed.rows) == changes, result.render()
            full, full_seconds = _timed(lambda: verify(url, ddb, plan))
            settled, settled_seconds = _timed(lambda: verify(url, ddb, plan, settle_seconds=settle))
            assert full.clean and settled.clean, full.render() + settled.render()
        finally:
            dynalite.stop()
            mariadb.stop()
    print(
        f"{rows:>8,} rows (loaded in {load_seconds:.0f} s): CDC applied {stats.applied} changes in {cdc_seconds:.1f} s "
        f"= {stats.applied / cdc_seconds:,.0f} changes/s; verify --since ({changes} changed rows): {since_seconds:.2f} s; "
        f"full verify {full_seconds:.1f} s, with --settle {settle:g} on the quiet source {settled_seconds:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--settle", type=float, default=5.0)
    args = parser.parse_args()
    for rows in args.rows:
        one_size(rows, args.changes, args.settle)


if __name__ == "__main__":
    main()
