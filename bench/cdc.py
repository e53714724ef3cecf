"""CDC apply throughput and catch-up time: the Sakila stack's task following a random workload.

    python bench/cdc.py [--changes 10000]

Throwaway MariaDB (Sakila data) and dynalite; full load; ``--changes`` random source changes;
then the follower catches up from the position recorded before the load; then ``verify``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench._sakila import sakila_plan, sakila_servers
from dms_dynamodb.cdc.checkpoint import binlog_head
from dms_dynamodb.cdc.follower import ChangeApplier, follow
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.source.connection import connect
from dms_dynamodb.verify.full import verify
from stacks.sakila_workload import run_workload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory, sakila_servers(Path(directory)) as (url, dynalite):
        ddb = client(dynalite.endpoint_url)
        plan = sakila_plan(url)
        for design in plan.targets.values():
            create_table(ddb, design)
        start = binlog_head(connect(url))
        full_load(url, ddb, plan)
        written = time.perf_counter()
        workload = run_workload(connect(url), args.changes)
        written = time.perf_counter() - written
        began = time.perf_counter()
        stats = follow(url, ChangeApplier(plan, ddb), Path(directory) / "checkpoint.json", start, report=lambda _: None)
        catch_up = time.perf_counter() - began
        result = verify(url, ddb, plan)
        if not result.clean:
            print(result.render())
    print(f"{workload.operations} source changes written in {written:.1f} s; {stats.events} row changes in the binlog")
    print(
        f"caught up in {catch_up:.1f} s: {stats.applied / catch_up:,.0f} applied changes/s "
        f"({stats.applied} applied, {len(stats.exceptions)} apply exceptions); verify {'clean' if result.clean else 'NOT clean'}"
    )


if __name__ == "__main__":
    main()
