"""CDC when the target fails: killed mid-stream and restarted, or throttling; nothing is lost.

Own servers: a MariaDB with the shop schema and synthetic rows, and a dynalite on disk
(``--path``), so its data survives the SIGKILL and a restart on the same port.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cdc.checkpoint import Checkpoint, binlog_head
from dms_dynamodb.cdc.follower import CdcStopped, ChangeApplier, follow
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.dynamodb.writer import BatchWriter
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import Plan, make_plan
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.rehearsal.synthetic import Generator, fill, run_workload
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import read_stack
from dms_dynamodb.verify.full import verify
from mappings.schema import SourceSchema
from tests import timing
from tests.conftest import ROOT, SHOP_DDL, stack_file

STACK = stack_file("shop")


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[str, MariaDB, Generator]]:
    mariadb = MariaDB.start(tmp_path / "mariadb")
    try:
        mariadb.execute_file("shop", SHOP_DDL)
        url = mariadb.url("shop")
        generator, _ = fill(connect(url), SourceSchema.from_ddl(SHOP_DDL.read_text(), name="shop"), 300)
        yield url, mariadb, generator
    finally:
        mariadb.stop()


def _plan(url: str) -> Plan:
    stack = read_stack(STACK)
    return make_plan(stack, stack.task(None), connect(url))


def _prepared(url: str, endpoint_url: str) -> tuple[Any, Plan, Checkpoint]:
    """The shop's target tables on ``endpoint_url``, the plan, and the binlog position before any change."""
    ddb = client(endpoint_url)
    plan = _plan(url)
    for design in plan.targets.values():
        create_table(ddb, design)
    return ddb, plan, binlog_head(connect(url))


def _workload(url: str, generator: Generator, plan: Plan, operations: int) -> None:
    tables = [generator.schema.tables[t] for _, t in plan.tables]
    frozen = {t: {"customer_id", "order_id", "line_no", "product_id", "placed_at"} for _, t in plan.tables}
    run_workload(connect(url), generator, tables, operations, frozen_columns=frozen)


def test_target_killed_before_the_first_commit_then_the_printed_resume_command_loses_nothing(
    shop: tuple[str, MariaDB, Generator], tmp_path: Path
) -> None:
    url, _, generator = shop
    dynalite = Dynalite.start(path=tmp_path / "dynalite")
    try:
        ddb, plan, start = _prepared(url, dynalite.endpoint_url)
        full_load(url, ddb, plan)
        _workload(url, generator, plan, 4000)
        head = binlog_head(connect(url))
        checkpoint = tmp_path / "cdc.json"
        command = [
            sys.executable, "-m", "dms_dynamodb", "cdc", "--stack", str(STACK), "--mysql-url", url,
            "--endpoint-url", dynalite.endpoint_url, "--checkpoint", str(checkpoint), "--start", str(start),
            "--until-caught-up", "--retries", "4",
        ]  # fmt: skip
        follower = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + timing.seconds(60)
        while Checkpoint.load(checkpoint) is None and follower.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        # The checkpoint is written (with the start position) before the first event is read.
        assert Checkpoint.load(checkpoint) == start
        assert follower.poll() is None, "the follower finished before the target could be killed"
        dynalite.kill()  # before its first commit, or soon after: thousands of changes still to apply
        out, err = follower.communicate(timeout=timing.seconds(180))
        assert follower.returncode == 1, out + err
        saved = Checkpoint.load(checkpoint)
        assert saved is not None and saved.log_pos < head.log_pos  # stopped mid-stream
        (line,) = [x for x in err.splitlines() if x.startswith("CDC stopped")]
        assert line.startswith("CDC stopped: the target failed: ")
        assert (
            f"The checkpoint {checkpoint} holds {saved} (every change before it was acknowledged by DynamoDB)" in line
        )
        resume = line.split("Resume with: ", 1)[1]
        assert resume == shlex.join(
            ["dms-dynamodb", "cdc", "--stack", str(STACK), "--mysql-url", url, "--endpoint-url", dynalite.endpoint_url,
             "--checkpoint", str(checkpoint), "--retries", "4", "--until-caught-up"]
        )  # fmt: skip
        assert "Traceback" not in err

        dynalite = Dynalite.start(path=tmp_path / "dynalite", port=dynalite.port)
        words = shlex.split(resume)
        assert words[0] == "dms-dynamodb"
        resumed = subprocess.run(
            [sys.executable, "-m", "dms_dynamodb", *words[1:]],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timing.seconds(300),
        )
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        result = verify(url, client(dynalite.endpoint_url), _plan(url))
        assert result.clean and result.expected > 0, result.render()
    finally:
        dynalite.stop()


class ThrottlingClient:
    """A real client that, for a while, answers batch writes with throttling or unprocessed items."""

    def __init__(self, inner: Any, *, throttle: int, unprocessed: int) -> None:
        self.inner, self.throttle, self.unprocessed = inner, throttle, unprocessed
        self.throttled = self.partial = 0

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        if self.throttled < self.throttle:
            self.throttled += 1
            error = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"}}
            raise ClientError(error, "BatchWriteItem")
        writes = sum(len(w) for w in RequestItems.values())
        if self.partial < self.unprocessed and writes > 1:  # write all but each table's last; report those back
            self.partial += 1
            taken = {t: w[:-1] for t, w in RequestItems.items() if len(w) > 1}
            left = {t: w[-1:] for t, w in RequestItems.items()}
            self.inner.batch_write_item(RequestItems=taken)
            return {"UnprocessedItems": left}
        return dict(self.inner.batch_write_item(RequestItems=RequestItems))


def test_a_throttling_target_slows_the_follower_but_loses_nothing(
    shop: tuple[str, MariaDB, Generator], tmp_path: Path
) -> None:
    url, _, generator = shop
    dynalite = Dynalite.start()
    try:
        ddb, plan, start = _prepared(url, dynalite.endpoint_url)
        full_load(url, ddb, plan)
        _workload(url, generator, plan, 1500)
        throttling = ThrottlingClient(ddb, throttle=5, unprocessed=20)
        writer = BatchWriter(throttling, max_delay=0.2)
        stats = follow(
            url, ChangeApplier(plan, ddb, writer=writer), tmp_path / "cdc.json", start, report=lambda _: None
        )
        assert throttling.throttled == 5 and throttling.partial == 20 and writer.retried >= 20
        assert stats.applied > 1000
        result = verify(url, ddb, plan)
        assert result.clean, result.render()
    finally:
        dynalite.stop()


def test_a_target_that_never_recovers_stops_the_follower_with_its_checkpoint(
    shop: tuple[str, MariaDB, Generator], tmp_path: Path
) -> None:
    url, _, generator = shop
    dynalite = Dynalite.start()
    try:
        ddb, plan, start = _prepared(url, dynalite.endpoint_url)
        _workload(url, generator, plan, 200)
        checkpoint = tmp_path / "cdc.json"
        broken = BatchWriter(ThrottlingClient(ddb, throttle=10**6, unprocessed=0), attempts=3, max_delay=0.01)
        with pytest.raises(CdcStopped, match="the target failed: ClientError") as stopped:
            follow(url, ChangeApplier(plan, ddb, writer=broken), checkpoint, start, report=lambda _: None)
        assert stopped.value.checkpoint == start  # nothing was acknowledged: it resumes at the start
        assert Checkpoint.load(checkpoint) == start  # written before the first event, never past the failure
    finally:
        dynalite.stop()


def test_a_source_that_goes_away_stops_the_follower_with_its_checkpoint(
    shop: tuple[str, MariaDB, Generator], tmp_path: Path
) -> None:
    url, mariadb, generator = shop
    dynalite = Dynalite.start()
    try:
        ddb, plan, start = _prepared(url, dynalite.endpoint_url)
        _workload(url, generator, plan, 300)
        checkpoint = tmp_path / "cdc.json"
        follow(url, ChangeApplier(plan, ddb), checkpoint, start, report=lambda _: None)
        caught_up = Checkpoint.load(checkpoint)
        assert caught_up is not None and caught_up != start
        mariadb.stop()
        with pytest.raises(CdcStopped, match="the source failed: OperationalError") as stopped:
            follow(url, ChangeApplier(plan, ddb), checkpoint, start, report=lambda _: None)
        assert stopped.value.checkpoint == caught_up and Checkpoint.load(checkpoint) == caught_up
    finally:
        dynalite.stop()
