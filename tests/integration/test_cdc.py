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

from dms_dynamodb.cdc.apply_exceptions import exceptions_table_design
from dms_dynamodb.cdc.checkpoint import Checkpoint, binlog_head
from dms_dynamodb.cdc.follower import ChangeApplier, follow
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import Plan, make_plan
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import read_stack
from dms_dynamodb.verify.full import Result, verify
from dms_dynamodb.verify.recheck import MISSING_SOURCE, MISSING_TARGET
from stacks.sakila_data import generate, load
from stacks.sakila_workload import run_workload
from tests import timing
from tests.conftest import ROOT, SAKILA_DDL, SAKILA_SCHEMA, stack_file

STACK = stack_file("sakila")


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, Dynalite]]:
    """A fresh source with the Sakila data and an empty local DynamoDB, for one scenario."""
    mariadb, dynalite = MariaDB.start(tmp_path / "mariadb"), Dynalite.start()
    try:
        mariadb.execute_file(SAKILA_SCHEMA, SAKILA_DDL)
        load(connect(mariadb.url(SAKILA_SCHEMA)), generate())
        for design in read_stack(STACK).tables.values():
            create_table(client(dynalite.endpoint_url), design)
        yield mariadb.url(SAKILA_SCHEMA), dynalite
    finally:
        dynalite.stop()
        mariadb.stop()


def _plan(url: str) -> Plan:
    stack = read_stack(STACK)
    return make_plan(stack, stack.task(None), connect(url))


def _load(url: str, ddb: Any) -> None:
    full_load(url, ddb, _plan(url))


def _verify(url: str, ddb: Any) -> Result:
    return verify(url, ddb, _plan(url))


def _follow(url: str, ddb: Any, checkpoint: Path, start: Checkpoint, *, exceptions_table: bool = False) -> Any:
    applier = ChangeApplier(_plan(url), ddb, exceptions_table=exceptions_table)
    return follow(url, applier, checkpoint, start, report=lambda _: None)


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
        "dms_dynamodb",
        "cdc",
        "--stack",
        str(STACK),
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
    killed_at: list[Checkpoint | None] = []  # the checkpoint each kill left behind
    for _ in range(2):  # kill it twice, each time once it has made durable progress
        before = Checkpoint.load(checkpoint) or start
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timing.seconds(60)
        while process.poll() is None and time.monotonic() < deadline:
            saved = Checkpoint.load(checkpoint)
            if saved is not None and saved != before:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                killed_at.append(Checkpoint.load(checkpoint))
                break
            time.sleep(0.05)
        process.wait()  # a run that caught up before a kill (a quick machine) ends on its own
    # It really stopped mid-stream at least once: the first kill comes right after its first durable progress.
    assert killed_at and killed_at[0] is not None and killed_at[0].order < head.order, (killed_at, head)
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timing.seconds(300))
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "0 apply exceptions" in finished.stdout
    result = _verify(url, ddb)
    assert result.clean, result.render()


def test_base_key_updates_are_apply_exceptions_and_exactly_those_items_differ(
    servers: tuple[str, Dynalite], tmp_path: Path
) -> None:
    url, dynalite = servers
    ddb = client(dynalite.endpoint_url)
    start = binlog_head(connect(url))
    _load(url, ddb)
    workload = run_workload(connect(url), 300, seed=11, key_updates=5)
    create_table(ddb, exceptions_table_design())
    stats = _follow(url, ddb, tmp_path / "checkpoint.json", start, exceptions_table=True)
    changed = sorted(key for _, (key,) in workload.key_updates)
    assert sorted(int(e.STATEMENT.split("WHERE rental_id = ")[1].split()[0]) for e in stats.exceptions) == changed
    assert all("base-table key column(s) customer_id" in e.ERROR for e in stats.exceptions)
    assert {e.TABLE_NAME for e in stats.exceptions} == {"rental"}
    # Where DMS keeps them: the target's awsdms_apply_exceptions table, one item per exception.
    rows = ddb.scan(TableName="awsdms_apply_exceptions")["Items"]
    assert sorted(r["STATEMENT"]["S"] for r in rows) == sorted(e.STATEMENT for e in stats.exceptions)
    assert {(r["TASK_NAME"]["S"], r["TABLE_OWNER"]["S"], r["TABLE_NAME"]["S"]) for r in rows} == {
        (_plan(url).task.task_id, SAKILA_SCHEMA, "rental")
    }
    assert set(rows[0]) == {"TASK_NAME", "TABLE_OWNER", "TABLE_NAME", "ERROR_TIME", "STATEMENT", "ERROR"}
    result = _verify(url, ddb)
    # Each moved row: its old item is still there (MISSING_SOURCE), its new item was never written (MISSING_TARGET).
    assert {k: v for k, v in result.counts.items() if v} == {MISSING_TARGET: len(changed), MISSING_SOURCE: len(changed)}
    for kind in (MISSING_TARGET, MISSING_SOURCE):  # five changes: all fit in the report's five examples per kind
        assert {int(r["key"]["sk"]["S"].removeprefix("RENTAL#")) for r in result.examples[kind]} == set(changed)


def test_rows_changed_during_the_full_load_converge(servers: tuple[str, Dynalite], tmp_path: Path) -> None:
    url, dynalite = servers
    ddb = client(dynalite.endpoint_url)
    start = binlog_head(connect(url))  # recorded before the load, as DMS does
    spans: dict[str, float] = {}

    def write() -> None:
        spans["workload_start"] = time.perf_counter()
        run_workload(connect(url), 1500, seed=3)
        spans["workload_end"] = time.perf_counter()

    writer = threading.Thread(target=write)
    writer.start()
    spans["load_start"] = time.perf_counter()
    _load(url, ddb)  # reads while the workload writes
    spans["load_end"] = time.perf_counter()
    writer.join()
    # The claim of this test: the writes really overlapped the full load.
    assert spans["workload_start"] < spans["load_end"] and spans["workload_end"] > spans["load_start"], spans
    assert binlog_head(connect(url)) != start
    stats = _follow(url, ddb, tmp_path / "checkpoint.json", start)
    assert stats.applied > 0 and not stats.exceptions
    assert _verify(url, ddb).clean
