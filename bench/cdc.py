"""CDC throughput: applied changes per second, and the catch-up time for N changes (default 10,000).

    python bench/cdc.py [--changes 10000]

Throwaway MariaDB (Sakila data) and dynalite; full load first; then N random changes (no base-key
updates) are written, and the follower starts from the position recorded before the load and
runs until it has caught up with the binlog head.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stacks.rehearsal.__main__ import DDL, SCHEMA, builder_for, connect
from stacks.rehearsal.cdc import ChangeApplier, binlog_head, follow
from stacks.rehearsal.data import generate, load
from stacks.rehearsal.dynamo import client, create_table
from stacks.rehearsal.load import full_load
from stacks.rehearsal.servers import Dynalite, MariaDB
from stacks.rehearsal.verify import verify
from stacks.rehearsal.workload import run_workload

from stacks.sakila_design import SAKILA_DESIGN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        mariadb, dynalite = MariaDB.start(Path(directory) / "mariadb"), Dynalite.start()
        try:
            mariadb.execute_file(SCHEMA, DDL)
            url = mariadb.url(SCHEMA)
            load(connect(url), generate())
            ddb = client(dynalite.endpoint_url)
            create_table(ddb, SAKILA_DESIGN)
            connection = connect(url)
            builder, tables = builder_for(connection)
            start = binlog_head(connection)
            full_load(connection, ddb, builder, SCHEMA, tables, progress=lambda *_: None)
            written = time.perf_counter()
            workload = run_workload(connect(url), args.changes)
            written = time.perf_counter() - written
            began = time.perf_counter()
            stats = follow(
                url,
                ChangeApplier(builder, ddb, SCHEMA),
                Path(directory) / "checkpoint.json",
                start,
                report=lambda _: None,
            )
            catch_up = time.perf_counter() - began
            differences = verify(connection, ddb, builder, SCHEMA, tables)
            clean = differences.clean
            if not clean:
                print(differences.render())
        finally:
            dynalite.stop()
            mariadb.stop()
    print(f"{workload.operations} source changes written in {written:.1f} s; {stats.events} row changes in the binlog")
    print(
        f"caught up in {catch_up:.1f} s: {stats.applied / catch_up:,.0f} applied changes/s "
        f"({stats.applied} applied, {len(stats.exceptions)} apply exceptions); verify {'clean' if clean else 'NOT clean'}"
    )


if __name__ == "__main__":
    main()
