"""``dms-dynamodb resync`` on real servers (MariaDB with the shop schema, dynalite): planted differences
(a missing item, a changed attribute, an apply exception and its orphan from a key change through CDC)
are repaired from the verify report and from the apply exceptions until a full verify is clean.

Expected items are written by hand from the shop design (stacks/shop_design.py) and its DDL, never
taken from verify: ``CUSTOMER#${customer_id}`` / ``ORDER#${order_id}`` for an order.
"""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cdc.apply_exceptions import exceptions_table_design
from dms_dynamodb.cdc.checkpoint import Checkpoint, binlog_head
from dms_dynamodb.cdc.follower import ChangeApplier, FollowOptions, follow
from dms_dynamodb.cli import main
from dms_dynamodb.cutover.checks import no_apply_exceptions
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.rehearsal.synthetic import fill
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import read_stack
from mappings.schema import SourceSchema
from tests.conftest import SHOP_DDL, stack_file
from tests.integration.live import plan_of, wait_for
from tests.timing import seconds

STACK = stack_file("shop")
TABLE = "shop-table"
TABLES = {("shop", "customer"), ("shop", "orders"), ("shop", "order_line"), ("shop", "product")}


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[str, Any, Path, Callable[[], None]]]:
    """The shop loaded into a dynalite; a follower writes apply exceptions to the target until the test stops it."""
    mariadb, dynalite = MariaDB.start(tmp_path / "mariadb"), Dynalite.start()
    stop = threading.Event()
    thread = None
    try:
        mariadb.execute_file("shop", SHOP_DDL)
        url = mariadb.url("shop")
        fill(connect(url), SourceSchema.from_ddl(SHOP_DDL.read_text(), name="shop"), 60)
        ddb = client(dynalite.endpoint_url)
        plan = plan_of(read_stack(STACK), url)
        for design in [*plan.targets.values(), exceptions_table_design()]:
            create_table(ddb, design)
        start = binlog_head(connect(url))
        full_load(url, ddb, plan)
        checkpoint = tmp_path / "cdc.json"
        options = FollowOptions(until_caught_up=False, flush_seconds=0.3, stop=stop)
        applier = ChangeApplier(plan, ddb, exceptions_table=True)
        thread = threading.Thread(
            target=follow, args=(url, applier, checkpoint, start), kwargs={"options": options, "report": lambda _: None}
        )
        thread.start()

        def stop_follower() -> None:
            stop.set()
            assert thread is not None
            thread.join(timeout=seconds(15))
            assert not thread.is_alive(), "the follower did not stop within 15 s"

        yield url, ddb, checkpoint, stop_follower
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=seconds(15))
        dynalite.stop()
        mariadb.stop()


def _servers(url: str, ddb: Any) -> list[str]:
    return ["--stack", str(STACK), "--mysql-url", url, "--endpoint-url", ddb.meta.endpoint_url]


def _item(ddb: Any, pk: str, sk: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = ddb.get_item(
        TableName=TABLE, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    ).get("Item")
    return found


def _everything(ddb: Any) -> list[str]:
    items = ddb.scan(TableName=TABLE, ConsistentRead=True)["Items"]
    return sorted(json.dumps(i, sort_keys=True) for i in items)


def _one(url: str, query: str, *args: Any) -> tuple[Any, ...]:
    with connect(url).cursor() as cursor:
        cursor.execute(query, args)
        row = cursor.fetchone()
    assert row is not None, query
    return tuple(row)


def test_resync_repairs_planted_differences_until_a_full_verify_is_clean(
    shop: tuple[str, Any, Path, Callable[[], None]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, ddb, checkpoint, stop_follower = shop
    servers = _servers(url, ddb)
    customer, email = _one(url, "SELECT customer_id, email FROM customer ORDER BY customer_id LIMIT 1")
    product, name = _one(url, "SELECT product_id, name FROM product ORDER BY product_id LIMIT 1")
    order, owner = _one(
        url, "SELECT order_id, customer_id FROM orders WHERE placed_at >= '2024-07-01' ORDER BY order_id LIMIT 1"
    )
    (other,) = _one(url, "SELECT customer_id FROM customer WHERE customer_id <> %s ORDER BY customer_id LIMIT 1", owner)

    # Planted: a missing item, a changed attribute, and a key change through CDC (an apply exception).
    ddb.delete_item(TableName=TABLE, Key={"pk": {"S": f"CUSTOMER#{customer}"}, "sk": {"S": "#METADATA"}})
    ddb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"PRODUCT#{product}"}, "sk": {"S": "#METADATA"}},
        UpdateExpression="SET #n = :n",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={":n": {"S": "planted"}},
    )
    with connect(url).cursor() as cursor:
        cursor.execute("UPDATE orders SET customer_id = %s WHERE order_id = %s", (other, order))
    assert wait_for(lambda: Checkpoint.load(checkpoint) == binlog_head(connect(url)), seconds(15)) < seconds(15)
    exceptions = ddb.scan(TableName="awsdms_apply_exceptions", ConsistentRead=True)["Items"]
    assert [e["TABLE_NAME"]["S"] for e in exceptions] == ["orders"]

    report = tmp_path / "verify.jsonl"
    assert main(["verify", *servers, "--report", str(report)]) == 1
    assert "WCU" not in capsys.readouterr().out  # the full load's capacity line is the load's, not verify's
    records = {(r["type"], r["key"]["pk"]["S"], r["key"]["sk"]["S"]): r for r in map(json.loads, report.open())}
    assert sorted(records) == sorted(
        [
            ("MISSING_TARGET", f"CUSTOMER#{customer}", "#METADATA"),
            ("RECORD_DIFF", f"PRODUCT#{product}", "#METADATA"),
            ("MISSING_TARGET", f"CUSTOMER#{other}", f"ORDER#{order}"),
            ("MISSING_SOURCE", f"CUSTOMER#{owner}", f"ORDER#{order}"),
        ]
    )
    # The report alone says what the item should be.
    missing = records[("MISSING_TARGET", f"CUSTOMER#{customer}", "#METADATA")]["expected"]
    assert missing["email"] == {"S": email} and missing["gsi1pk"] == {"S": f"EMAIL#{email}"}
    assert records[("RECORD_DIFF", f"PRODUCT#{product}", "#METADATA")]["expected"]["name"] == {"S": name}

    # The report is now older than the source: the product changes again while no follower applies it.
    stop_follower()
    with connect(url).cursor() as cursor:
        cursor.execute("UPDATE product SET name = 'newest' WHERE product_id = %s", (product,))

    # --dry-run prints the plan and changes nothing.
    before = _everything(ddb)
    assert main(["resync", *servers, "--report", str(report), "--dry-run", "--settle", "1"]) == 1
    out = capsys.readouterr().out
    assert "resync plan: 4 findings, 0 named rows -> 4 keys: 3 put, 1 delete, 0 already agree, 0 left" in out, out
    assert "dry run: nothing changed" in out
    assert _everything(ddb) == before

    # --exceptions: the moved order is written at its new key, its orphan deleted; the gate's time is printed.
    log = tmp_path / "resync.jsonl"
    assert main(["resync", *servers, "--exceptions", "--log", str(log), "--settle", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 apply exception of task shop-orders (ever)" in out
    assert _item(ddb, f"CUSTOMER#{owner}", f"ORDER#{order}") is None
    moved = _item(ddb, f"CUSTOMER#{other}", f"ORDER#{order}")
    assert (
        moved is not None and moved["customer_id"] == {"N": str(other)} and moved["gsi1pk"] == {"S": f"ORDER#{order}"}
    )
    since = out.split("--exceptions-since '", 1)[1].split("'", 1)[0]
    assert no_apply_exceptions(ddb, "shop-orders", TABLES, since).passed
    assert not no_apply_exceptions(ddb, "shop-orders", TABLES, "").passed

    # --report: the rest; the product gets its newest value, not the report's.
    assert main(["resync", *servers, "--report", str(report), "--log", str(log), "--settle", "1"]) == 0
    out = capsys.readouterr().out
    assert "the source row changed since the report: written with its current value" in out
    customer_item = _item(ddb, f"CUSTOMER#{customer}", "#METADATA")
    assert customer_item is not None and customer_item["email"] == {"S": email}
    product_item = _item(ddb, f"PRODUCT#{product}", "#METADATA")
    assert product_item is not None and product_item["name"] == {"S": "newest"}

    # Logged: 0600, each write's intent before it and its outcome after, with key, before, after, why;
    # the exception marked handled.
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line.get("outcome") for line in lines if line["action"] != "exception handled"] == ["intent", "done"] * 4
    logged = [line for line in lines if line.get("outcome") in ("done", None)]
    assert [line["action"] for line in logged] == ["put", "delete", "exception handled", "put", "put"]
    deleted = logged[1]
    assert deleted["key"] == {"table": TABLE, "pk": {"S": f"CUSTOMER#{owner}"}, "sk": {"S": f"ORDER#{order}"}}
    assert deleted["after"] is None and deleted["before"]["customer_id"] == {"N": str(owner)}
    assert deleted["why"] == (
        f"an orphan: row shop.orders ({order}) maps to another key now (shop-table: pk=CUSTOMER#{other}, sk=ORDER#{order})"
    )

    # A full verify is clean, and a second resync changes nothing.
    assert main(["verify", *servers]) == 0, capsys.readouterr().out
    capsys.readouterr()
    after = _everything(ddb)
    assert main(["resync", *servers, "--report", str(report), "--exceptions", "--settle", "1"]) == 0
    out = capsys.readouterr().out
    assert "0 put, 0 delete" in out and "resync: 0 put, 0 deleted" in out
    assert _everything(ddb) == after

    # --key: a row named by its primary key; one gone from the source takes its item with it (found by a scan).
    line, number = _one(url, "SELECT order_id, line_no FROM order_line ORDER BY order_id, line_no LIMIT 1")
    with connect(url).cursor() as cursor:
        cursor.execute("DELETE FROM order_line WHERE order_id = %s AND line_no = %s", (line, number))
    ddb.delete_item(TableName=TABLE, Key={"pk": {"S": f"CUSTOMER#{customer}"}, "sk": {"S": "#METADATA"}})
    named = ["--key", f"customer:customer_id={customer}", "--key", f"shop.order_line:order_id={line},line_no={number}"]
    assert main(["resync", *servers, *named, "--settle", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 put, 1 delete" in out and f"row shop.order_line ({line}, {number}) is gone from the source" in out
    assert _item(ddb, f"CUSTOMER#{customer}", "#METADATA") is not None
    assert _item(ddb, f"ORDER#{line}", f"LINE#{number}") is None
    assert main(["verify", *servers]) == 0


def test_a_target_lost_mid_run_is_incomplete_never_clean(
    live_shop: tuple[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No DynamoDB at the endpoint: the first read fails, resync exits 3 saying which server and what to do."""
    url, _ = live_shop
    report = tmp_path / "verify.jsonl"
    key = {"pk": {"S": "CUSTOMER#1"}, "sk": {"S": "#METADATA"}}
    report.write_text(json.dumps({"type": "MISSING_TARGET", "table": TABLE, "key": key}) + "\n")
    closed = ["--stack", str(STACK), "--mysql-url", url, "--endpoint-url", "http://127.0.0.1:9"]
    assert main(["resync", *closed, "--report", str(report)]) == 3
    err = capsys.readouterr().err
    assert "dms-dynamodb resync: incomplete: the target failed (EndpointConnectionError" in err
    assert "Run resync again once it is back" in err
