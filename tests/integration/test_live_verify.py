"""``verify`` on a live source: ``--settle`` tells changes in flight from real differences; ``--since`` checks
only what changed. Own servers: MariaDB with the shop schema (one per module), a dynalite per test, a
continuous follower in a thread, and a writer that updates a known set of customers.
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cdc.checkpoint import Checkpoint, binlog_head
from dms_dynamodb.cli import main
from dms_dynamodb.source.connection import connect
from tests.conftest import stack_file
from tests.integration.live import Follower, loaded_shop, wait_for

STACK = stack_file("shop")
TABLE = "shop-table"


def _customer_ids(url: str) -> list[int]:
    with connect(url).cursor() as cursor:
        cursor.execute("SELECT customer_id FROM customer ORDER BY customer_id")
        return [int(row[0]) for row in cursor.fetchall()]


class Writer:
    """Updates ``full_name`` of the given customers, about ``rate`` a second, until stopped."""

    def __init__(self, url: str, ids: list[int], rate: float) -> None:
        self.stop, self.made = threading.Event(), 0

        def run() -> None:
            connection, rng = connect(url), random.Random(5)
            with connection.cursor() as cursor:
                while not self.stop.is_set():
                    cursor.execute(
                        "UPDATE customer SET full_name = %s WHERE customer_id = %s",
                        (f"name {rng.randrange(10**9)}", rng.choice(ids)),
                    )
                    self.made += 1
                    time.sleep(1 / rate)
            connection.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def finish(self) -> int:
        self.stop.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()
        return self.made


def _verify(url: str, ddb: Any, report: Path, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    status = main(
        ["verify", "--stack", str(STACK), "--mysql-url", url, "--endpoint-url", ddb.meta.endpoint_url,
         "--report", str(report), *extra]
    )  # fmt: skip
    return status, [json.loads(line) for line in report.read_text().splitlines()]


def test_settle_during_the_writes_reports_exactly_the_real_difference_and_counts_changes_in_flight(
    live_shop: tuple[str, Any], target: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = live_shop
    plan, start = loaded_shop(url, target)
    ids = _customer_ids(url)
    quiet, busy = ids[0], ids[10:]  # the writer never touches `quiet`
    follower = Follower(url, target, plan, tmp_path / "cdc.json", start, flush_seconds=2.0)
    writer = Writer(url, busy, rate=15)
    try:
        time.sleep(3)  # the follower is 2 s behind: a snapshot now differs on the rows in flight
        status, records = _verify(url, target, tmp_path / "clean.jsonl", "--settle", "20")
        out = capsys.readouterr().out
        assert status == 0, out
        assert {r["type"] for r in records} == {"IN_FLIGHT", "VERIFIED_AT"}, records
        assert records[-1]["type"] == "VERIFIED_AT"  # a clean report ends with its position (cutover's evidence)
        assert "differences were changes in flight" in out and "\nclean" in out

        target.delete_item(TableName=TABLE, Key={"pk": {"S": f"CUSTOMER#{quiet}"}, "sk": {"S": "#METADATA"}})
        status, records = _verify(url, target, tmp_path / "planted.jsonl", "--settle", "20")
        findings = [r for r in records if r["type"] != "IN_FLIGHT"]
        assert status == 1
        assert [(r["type"], r["key"]) for r in findings] == [
            ("MISSING_TARGET", {"pk": {"S": f"CUSTOMER#{quiet}"}, "sk": {"S": "#METADATA"}})
        ]
        assert any(r["type"] == "IN_FLIGHT" for r in records), "no change was in flight: the test proved nothing"
    finally:
        assert writer.finish() > 100
        follower.finish()


def test_since_checks_only_the_rows_changed_and_prints_where_the_next_one_starts(
    live_shop: tuple[str, Any], target: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = live_shop
    plan, start = loaded_shop(url, target)
    ids = _customer_ids(url)
    status, _ = _verify(url, target, tmp_path / "full.jsonl")
    out = capsys.readouterr().out
    assert status == 0, out
    since = out.split("verified at binlog position ", 1)[1].split()[0]
    assert Checkpoint.parse(since) == binlog_head(connect(url))  # nothing changed since the load
    changed = ids[:5]
    with connect(url).cursor() as cursor:
        for number in changed:
            cursor.execute("UPDATE customer SET full_name = %s WHERE customer_id = %s", (f"renamed {number}", number))
    follower = Follower(url, target, plan, tmp_path / "cdc.json", start, flush_seconds=0.2)
    head = binlog_head(connect(url))
    assert wait_for(lambda: Checkpoint.load(tmp_path / "cdc.json") == head, 10) != float("inf")
    follower.finish()
    # Behind the tool's back: one changed row's item, and one unchanged row's item.
    for number in (changed[0], ids[50]):
        target.delete_item(TableName=TABLE, Key={"pk": {"S": f"CUSTOMER#{number}"}, "sk": {"S": "#METADATA"}})
    status, records = _verify(url, target, tmp_path / "since.jsonl", "--since", since)
    out = capsys.readouterr().out
    assert status == 1
    assert [(r["type"], r["key"]["pk"]["S"]) for r in records] == [("MISSING_TARGET", f"CUSTOMER#{changed[0]}")]
    assert f"5 rows changed from {since} to {head}" in out
    assert "expected 5 items, found 4" in out  # the five changed customers' items, not the table
    assert f"verified at binlog position {head}" in out
