"""CDC rehearsal on real servers: the binlog followed into dynalite converges under live writes.

This module has its own MariaDB and dynalite (its workloads change the source).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stacks.rehearsal.__main__ import DDL, SCHEMA, builder_for, connect
from stacks.rehearsal.cdc import ChangeApplier, Checkpoint, binlog_head, follow
from stacks.rehearsal.data import generate, load
from stacks.rehearsal.dynamo import client, create_table
from stacks.rehearsal.load import full_load
from stacks.rehearsal.servers import Dynalite, MariaDB
from stacks.rehearsal.verify import Differences, verify
from stacks.rehearsal.workload import run_workload

from stacks.sakila_design import SAKILA_DESIGN
from tests.conftest import ROOT

TABLE = SAKILA_DESIGN.table_name


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, Dynalite]]:
    """A fresh source with the Sakila data and an empty local DynamoDB, for one scenario."""
    mariadb, dynalite = MariaDB.start(tmp_path / "mariadb"), Dynalite.start()
    try:
        mariadb.execute_file(SCHEMA, DDL)
        load(connect(mariadb.url(SCHEMA)), generate())
        create_table(client(dynalite.endpoint_url), SAKILA_DESIGN)
        yield mariadb.url(SCHEMA), dynalite
    finally:
        dynalite.stop()
        mariadb.stop()


def _load(url: str, ddb: Any) -> None:
    connection = connect(url)
    builder, tables = builder_for(connection)
    full_load(connection, ddb, builder, SCHEMA, tables, progress=lambda *_: None)


def _verify(url: str, ddb: Any) -> Differences:
    connection = connect(url)
    builder, tables = builder_for(connection)
    return verify(connection, ddb, builder, SCHEMA, tables)


def _follow(url: str, ddb: Any, checkpoint: Path, start: Checkpoint) -> Any:
    builder, _ = builder_for(connect(url))
    return follow(url, ChangeApplier(builder, ddb, SCHEMA), checkpoint, start, report=lambda _: None)


def test_follower_killed_mid_stream_resumes_and_converges(servers: tuple[str, Dynalite], tmp_path: Path) -> None:
    url, dynalite = servers
    ddb = client(dynalite.endpoint_url)
    start = binlog_head(connect(url))
    _load(url, ddb)
    workload = run_workload(connect(url), 4000)
    assert workload.operations == 4000 and not workload.key_updates
    assert {"rental", "customer", "film", "film_actor"} <= {k.split()[1] for k in workload.by_kind}
    head = binlog_head(connect(url))
    checkpoint = tmp_path / "checkpoint.json"
    command = [
        sys.executable,
        "-m",
        "stacks.rehearsal",
        "cdc",
        "--mysql-url",
        url,
        "--endpoint-url",
        dynalite.endpoint_url,
        "--checkpoint",
        str(checkpoint),
        "--start",
        f"{start.log_file}:{start.log_pos}",
        "--until-caught-up",
    ]
    kills = 0
    for _ in range(2):  # kill it twice, each time once it has made durable progress
        before = Checkpoint.load(checkpoint) or start
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            saved = Checkpoint.load(checkpoint)
            if saved is not None and saved != before:
                os.kill(process.pid, signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.05)
        process.wait()
    assert kills >= 1
    saved = Checkpoint.load(checkpoint)
    assert saved is not None and saved.log_pos < head.log_pos  # it really stopped mid-stream
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "0 apply exceptions" in finished.stdout
    differences = _verify(url, ddb)
    assert differences.clean, differences.render()


def test_base_key_updates_are_apply_exceptions_and_exactly_those_items_differ(
    servers: tuple[str, Dynalite], tmp_path: Path
) -> None:
    url, dynalite = servers
    ddb = client(dynalite.endpoint_url)
    start = binlog_head(connect(url))
    _load(url, ddb)
    workload = run_workload(connect(url), 300, seed=11, key_updates=5)
    stats = _follow(url, ddb, tmp_path / "checkpoint.json", start)
    changed = sorted(key for _, (key,) in workload.key_updates)
    assert sorted(int(e.STATEMENT.split("WHERE rental_id = ")[1].split()[0]) for e in stats.exceptions) == changed
    assert all("base-table key column(s) customer_id" in e.ERROR for e in stats.exceptions)
    assert {e.TABLE_NAME for e in stats.exceptions} == {"rental"}
    differences = _verify(url, ddb)
    # Each moved row: its old item is still there (unexpected), its new item was never written (missing).
    assert differences.counts == {"missing": len(changed), "unexpected": len(changed), "different": 0}
    rental_ids = {int(key.split("RENTAL#")[1]) for key in differences.missing + differences.unexpected}
    assert rental_ids == set(changed)  # five changes: all fit in the report's five examples per kind


def test_rows_changed_during_the_full_load_converge(servers: tuple[str, Dynalite], tmp_path: Path) -> None:
    url, dynalite = servers
    ddb = client(dynalite.endpoint_url)
    start = binlog_head(connect(url))  # recorded before the load, as DMS does
    writer = threading.Thread(target=run_workload, args=(connect(url), 1500), kwargs={"seed": 3})
    writer.start()
    _load(url, ddb)  # reads while the workload writes
    writer.join()
    assert binlog_head(connect(url)) != start
    stats = _follow(url, ddb, tmp_path / "checkpoint.json", start)
    assert stats.applied > 0 and not stats.exceptions
    assert _verify(url, ddb).clean
