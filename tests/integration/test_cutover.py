"""``dms-dynamodb cutover`` on a rehearsal: it passes once the source is quiet and the follower caught up,
and fails naming the check while writes continue, with an apply exception present, with a planted
difference. Own servers: MariaDB with the shop schema, dynalite, a continuous follower in a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cdc.apply_exceptions import exceptions_table_design
from dms_dynamodb.cdc.checkpoint import Checkpoint, binlog_head
from dms_dynamodb.cdc.follower import ChangeApplier, FollowOptions, follow
from dms_dynamodb.cli import main
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import make_plan
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.rehearsal.synthetic import fill
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import read_stack
from mappings.schema import SourceSchema
from tests.conftest import SHOP_DDL, stack_file
from tests.integration.live import wait_for
from tests.integration.test_live_verify import Writer

STACK = stack_file("shop")


@pytest.fixture
def rehearsal(tmp_path: Path) -> Iterator[tuple[str, Any, Path]]:
    """Source loaded into the target, a continuous follower writing apply exceptions to the target."""
    mariadb, dynalite = MariaDB.start(tmp_path / "mariadb"), Dynalite.start()
    stop = None
    try:
        mariadb.execute_file("shop", SHOP_DDL)
        url = mariadb.url("shop")
        fill(connect(url), SourceSchema.from_ddl(SHOP_DDL.read_text(), name="shop"), 80)
        ddb = client(dynalite.endpoint_url)
        stack = read_stack(STACK)
        plan = make_plan(stack, stack.task(None), connect(url))
        for design in [*plan.targets.values(), exceptions_table_design()]:
            create_table(ddb, design)
        start = binlog_head(connect(url))
        full_load(url, ddb, plan)
        checkpoint = tmp_path / "cdc.json"
        stop = threading.Event()
        options = FollowOptions(until_caught_up=False, flush_seconds=0.5, stop=stop)
        applier = ChangeApplier(plan, ddb, exceptions_table=True)
        thread = threading.Thread(
            target=follow, args=(url, applier, checkpoint, start), kwargs={"options": options, "report": lambda _: None}
        )
        thread.start()
        yield url, ddb, checkpoint
        stop.set()
        thread.join(timeout=15)
        assert not thread.is_alive()
    finally:
        if stop is not None:
            stop.set()
        dynalite.stop()
        mariadb.stop()


def _cutover(url: str, ddb: Any, checkpoint: Path, *extra: str) -> int:
    return main(
        ["cutover", "--stack", str(STACK), "--mysql-url", url, "--endpoint-url", ddb.meta.endpoint_url,
         "--checkpoint", str(checkpoint), "--quiet-seconds", "2", "--settle", "2", *extra]
    )  # fmt: skip


def _caught_up(url: str, checkpoint: Path) -> bool:
    return wait_for(lambda: Checkpoint.load(checkpoint) == binlog_head(connect(url)), 10) != float("inf")


def _lines(out: str) -> dict[str, str]:
    """The gate's check lines by check name: 'PASS'/'FAIL' and the figure."""
    found = {}
    for line in out.splitlines():
        if line.startswith(("PASS  ", "FAIL  ")):
            name = line[6:].split(":", 1)[0]
            found[name] = line
    return found


def _clean_report(url: str, ddb: Any, checkpoint: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """A clean full verify's report (the gate's starting evidence) and the position it verified at."""
    assert _caught_up(url, checkpoint)
    report = checkpoint.with_name("verify.jsonl")
    verify = ["verify", "--stack", str(STACK), "--mysql-url", url, "--endpoint-url", ddb.meta.endpoint_url]
    assert main([*verify, "--report", str(report)]) == 0
    out = capsys.readouterr().out
    position = out.split("verified at binlog position ", 1)[1].split()[0]
    assert (
        f"report: {report} (one JSON line per finding; it ends with VERIFIED_AT {position}, the evidence for "
        f"cutover --since {report})"
    ) in out
    return str(report), position


def test_the_gate_opens_only_when_quiet_caught_up_without_exceptions_and_verified(
    rehearsal: tuple[str, Any, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, ddb, checkpoint = rehearsal
    since, position = _clean_report(url, ddb, checkpoint, capsys)
    with connect(url).cursor() as cursor:
        cursor.execute("SELECT customer_id FROM customer ORDER BY customer_id")
        ids = [int(r[0]) for r in cursor.fetchall()]

    # While the application still writes: the quiet check fails, named, with what to do.
    writer = Writer(url, ids[10:], rate=20)
    try:
        assert _cutover(url, ddb, checkpoint, "--since", since) == 1
    finally:
        writer.finish()
    out = capsys.readouterr().out
    assert _lines(out)["source quiet"].startswith("FAIL  source quiet: the binlog head moved from ")
    assert "NOT READY" in out and "stop the application's writes to the source" in out

    # Quiet and caught up: every check passes.
    assert _caught_up(url, checkpoint)
    assert _cutover(url, ddb, checkpoint, "--since", since) == 0
    out = capsys.readouterr().out
    lines = _lines(out)
    assert set(lines) == {"source quiet", "caught up", "apply exceptions", "verify", "held to the end"}
    assert all(line.startswith("PASS") for line in lines.values()), out
    assert "READY: every check passed" in out
    assert f"evidence: a clean full verify at {position} ({since}, " in out

    # An apply exception (an update of a base-table key column, which DMS cannot apply): the gate says so.
    with connect(url).cursor() as cursor:
        cursor.execute("UPDATE customer SET customer_id = 99999 WHERE customer_id = %s", (ids[0],))
    assert _caught_up(url, checkpoint)
    assert _cutover(url, ddb, checkpoint, "--since", since) == 1
    lines = _lines(capsys.readouterr().out)
    assert lines["apply exceptions"].startswith("FAIL  apply exceptions: 1 rows of task ")
    assert "base-table key column(s) customer_id" in lines["apply exceptions"]
    assert lines["source quiet"].startswith("PASS") and lines["caught up"].startswith("PASS")


def test_a_planted_difference_closes_the_gate_on_verify(
    rehearsal: tuple[str, Any, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, ddb, checkpoint = rehearsal
    since, position = _clean_report(url, ddb, checkpoint, capsys)
    with connect(url).cursor() as cursor:
        cursor.execute("SELECT customer_id FROM customer ORDER BY customer_id LIMIT 1")
        (number,) = cursor.fetchone()
        cursor.execute("UPDATE customer SET full_name = 'changed' WHERE customer_id = %s", (number,))
    assert _caught_up(url, checkpoint)
    ddb.delete_item(TableName="shop-table", Key={"pk": {"S": f"CUSTOMER#{number}"}, "sk": {"S": "#METADATA"}})
    assert _cutover(url, ddb, checkpoint, "--since", since) == 1
    out = capsys.readouterr().out
    lines = _lines(out)
    assert lines["verify"] == (
        f"FAIL  verify: 1 rows changed since {position}: 1 items expected, 0 found; 1 MISSING_TARGET"
    )
    assert [name for name, line in lines.items() if line.startswith("FAIL")] == ["verify"]


def test_rehearse_live_follows_while_writing_verifies_during_the_writes_and_ends_with_the_gate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        ["rehearse", "--stack", str(STACK), "--ddl", str(SHOP_DDL), "--rows", "60", "--cdc", "600", "--live",
         "--settle", "3", "--quiet"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0, out
    during, after = out.split("the writes stopped: the cutover gate", 1)
    # verify ran while the workload was still writing (not after it)
    made = int(during.split("(the workload had made ", 1)[1].split()[0])
    assert 0 < made < 600, during
    assert "settled: " in during and "\nclean" in during
    assert [line[:4] for line in after.splitlines() if line.startswith(("PASS", "FAIL"))] == ["PASS"] * 5
    assert "cutover: READY" in after and "rehearsal finished" in after and out.rstrip().endswith(": clean")
