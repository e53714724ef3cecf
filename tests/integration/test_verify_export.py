"""``verify --export``: on real servers (MariaDB over TCP, dynalite, local Spark), planted differences give
exactly the planted records with the live verify, ``--engine local`` and ``--engine spark``, the three
reports equal after sorting; a missing export is exit 2 naming it.

The planted records are written by hand from the shop design (``stacks/shop_design.py``: a customer is
``CUSTOMER#id``/``#METADATA``, a product ``PRODUCT#id``/``#METADATA``, an order line
``ORDER#order``/``LINE#n``, GSI1 of a customer ``EMAIL#email``) and DynamoDB's 2048-byte partition-key limit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cli import main
from dms_dynamodb.dynamodb.client import client
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.rehearsal.synthetic import fill
from dms_dynamodb.source.connection import connect
from mappings.schema import SourceSchema
from tests.conftest import SHOP_DDL, stack_file
from tests.integration.live import loaded_shop

STACK = str(stack_file("shop"))
TABLE = "shop-table"
pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")


@pytest.fixture(scope="session", autouse=True)
def spark() -> Iterator[Any]:
    """One Spark session for the test process (local[2]); the commands' own getOrCreate reuses it."""
    from dms_dynamodb.verify.spark.session import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, set[tuple[str, str]]]]:
    """The shop on MariaDB (over TCP) and dynalite, loaded, then five differences planted: the URL, the
    endpoint, and the records they must give, as (type, key JSON)."""
    mariadb = MariaDB.start(tmp_path_factory.mktemp("export-shop") / "mariadb", tcp=True)
    dynalite = Dynalite.start()
    try:
        mariadb.execute_file("shop", SHOP_DDL)
        url = mariadb.tcp_url("shop")
        fill(connect(url), SourceSchema.from_ddl(SHOP_DDL.read_text(), name="shop"), 100)
        ddb = client(dynalite.endpoint_url)
        loaded_shop(url, ddb)
        source = connect(url)
        with source.cursor() as cursor:
            cursor.execute("SELECT MIN(customer_id) FROM customer")
            (customer,) = cursor.fetchone()
            cursor.execute("SELECT MIN(product_id) FROM product")
            (product,) = cursor.fetchone()
        lines = [i for i in ddb.scan(TableName=TABLE)["Items"] if i["sk"]["S"].startswith("LINE#")]
        order, line = lines[0]["pk"]["S"].split("#")[1], lines[0]["sk"]["S"].split("#")[1]
        ddb.delete_item(TableName=TABLE, Key=_key(f"CUSTOMER#{customer}", "#METADATA"))  # missing
        extra = {**_key("CUSTOMER#999999", "#METADATA"), "customer_id": {"N": "999999"}, "email": {"S": "x@y"}}
        ddb.put_item(TableName=TABLE, Item=extra)  # an item whose row is gone
        ddb.update_item(  # changed
            TableName=TABLE,
            Key=_key(f"PRODUCT#{product}", "#METADATA"),
            UpdateExpression="SET #n = :v",
            ExpressionAttributeNames={"#n": "name"},
            ExpressionAttributeValues={":v": {"S": "changed behind DMS"}},
        )
        with source.cursor() as cursor:  # a key change DMS never saw: the old item is an orphan
            cursor.execute("UPDATE order_line SET line_no = 999 WHERE order_id = %s AND line_no = %s", (order, line))
            cursor.execute("ALTER TABLE customer MODIFY email VARCHAR(3000) NOT NULL")  # a row DMS rejects
            cursor.execute(
                "INSERT INTO customer (customer_id, email, full_name, country, marketing_opt_in, vip, created_at) "
                "VALUES (888888, %s, 'Long Mail', 'DE', b'1', 0, '2024-01-01 00:00:00')",
                ("x" * 2100,),
            )
        source.close()
        expected = {
            ("MISSING_TARGET", json.dumps(_key(f"CUSTOMER#{customer}", "#METADATA"), sort_keys=True)),
            ("MISSING_SOURCE", json.dumps(_key("CUSTOMER#999999", "#METADATA"), sort_keys=True)),
            ("RECORD_DIFF", json.dumps(_key(f"PRODUCT#{product}", "#METADATA"), sort_keys=True)),
            ("MISSING_SOURCE", json.dumps(_key(f"ORDER#{order}", f"LINE#{line}"), sort_keys=True)),
            ("MISSING_TARGET", json.dumps(_key(f"ORDER#{order}", "LINE#999"), sort_keys=True)),
            ("REJECTED", "{}"),
        }
        yield url, dynalite.endpoint_url, expected
    finally:
        dynalite.stop()
        mariadb.stop()


def _run(url: str, report: Path, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    status = main(["verify", "--stack", STACK, "--mysql-url", url, "--report", str(report), "--skip-checks", *extra])
    return status, [json.loads(line) for line in report.read_text().splitlines()]


def _sorted(records: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in records)


def test_planted_differences_are_the_same_records_live_from_an_export_locally_and_in_spark(
    planted: tuple[str, str, set[tuple[str, str]]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, endpoint, expected = planted
    assert main(["export", "--stack", STACK, "--endpoint-url", endpoint, "--out", str(tmp_path / "exports")]) == 0
    folder = tmp_path / "exports" / TABLE
    assert "exported shop-table:" in capsys.readouterr().out
    assert oct((folder / "manifest-summary.json").stat().st_mode)[-3:] == "600"
    live = _run(url, tmp_path / "live.jsonl", "--endpoint-url", endpoint)
    local = _run(url, tmp_path / "local.jsonl", "--export", str(folder), "--engine", "local")
    spark = _run(
        url, tmp_path / "spark.jsonl", "--export", str(folder), "--engine", "spark", "--spark-master", "local[2]"
    )
    out = capsys.readouterr().out
    for status, records in (live, local, spark):
        assert status == 1, out
        assert {(r["type"], json.dumps(r["key"], sort_keys=True)) for r in records} == expected
        rejected = next(r for r in records if r["type"] == "REJECTED")
        assert rejected["error"].startswith("index-key-too-long") and rejected["source_table"] == "shop.customer"
        diff = next(r for r in records if r["type"] == "RECORD_DIFF")
        assert [d["attribute"] for d in diff["details"]] == ["name"]
        assert diff["details"][0]["actual"] == {"S": "changed behind DMS"}
    assert _sorted(live[1]) == _sorted(local[1]) == _sorted(spark[1])
    assert out.count("verify: expected") == 3
    summaries = [line for line in out.splitlines() if line.startswith("verify: expected")]
    assert summaries[0] == summaries[1] == summaries[2], summaries


def test_a_missing_or_foreign_export_is_a_usage_error_naming_it(
    planted: tuple[str, str, set[tuple[str, str]]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = planted[0]
    base = ["verify", "--stack", STACK, "--mysql-url", url, "--skip-checks"]
    assert main([*base, "--export", str(tmp_path)]) == 2
    assert f"{tmp_path}: no manifest-summary.json" in capsys.readouterr().err
    assert main([*base, "--export", "s3://bucket/AWSDynamoDB/x/"]) == 2
    assert "--engine local reads local files; copy the export folder first" in capsys.readouterr().err
    from tests.unit.test_export_layout import LINES, _hand_written

    foreign = _hand_written(tmp_path / "other", lines=LINES)  # AWS's own example: table ProductCatalog
    assert main([*base, "--export", str(foreign)]) == 2
    assert "is an export of 'ProductCatalog'" in capsys.readouterr().err
    assert main(["export", "--stack", STACK, "--endpoint-url", planted[1], "--out", str(tmp_path / "x")]) == 0
    ours = str(tmp_path / "x" / TABLE)
    assert main([*base, "--export", ours, "--export", ours]) == 2
    assert "a second export of 'shop-table'" in capsys.readouterr().err


def test_a_change_made_after_the_export_is_in_flight_when_the_findings_are_read_again(
    planted: tuple[str, str, set[tuple[str, str]]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, endpoint, expected = planted
    assert main(["export", "--stack", STACK, "--endpoint-url", endpoint, "--out", str(tmp_path / "exports")]) == 0
    folder = str(tmp_path / "exports" / TABLE)
    source = connect(url)
    with source.cursor() as cursor:  # after the export: the source changes and CDC applies it to the live table
        cursor.execute("SELECT MAX(customer_id) FROM customer WHERE customer_id < 888888")
        (customer,) = cursor.fetchone()
        cursor.execute("UPDATE customer SET full_name = 'Renamed Later' WHERE customer_id = %s", (customer,))
    source.close()
    client(endpoint).update_item(
        TableName=TABLE,
        Key=_key(f"CUSTOMER#{customer}", "#METADATA"),
        UpdateExpression="SET full_name = :v",
        ExpressionAttributeValues={":v": {"S": "Renamed Later"}},
    )
    moved = json.dumps(_key(f"CUSTOMER#{customer}", "#METADATA"), sort_keys=True)
    for engine in ("local", "spark"):
        settled = ("--endpoint-url", endpoint, "--settle", "1", "--engine", engine, "--spark-master", "local[2]")
        status, records = _run(url, tmp_path / f"{engine}.jsonl", "--export", folder, *settled)
        assert status == 1, capsys.readouterr().out
        in_flight = [r for r in records if r["type"] == "IN_FLIGHT"]
        assert [(r["was"], json.dumps(r["key"], sort_keys=True)) for r in in_flight] == [("RECORD_DIFF", moved)]
        findings = {(r["type"], json.dumps(r["key"], sort_keys=True)) for r in records if r["type"] != "IN_FLIGHT"}
        assert findings == expected, engine


def test_the_source_lost_over_jdbc_mid_run_is_an_incomplete_verify(
    planted: tuple[str, str, set[tuple[str, str]]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import re

    from dms_dynamodb.verify.spark import engine
    from dms_dynamodb.verify.spark.jdbc import jdbc_url

    url, endpoint, _ = planted
    assert main(["export", "--stack", STACK, "--endpoint-url", endpoint, "--out", str(tmp_path / "exports")]) == 0
    closed = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:1", url)  # nothing listens on port 1: every JDBC read fails
    monkeypatch.setattr(engine, "jdbc_url", lambda _url: jdbc_url(closed))
    status, records = _run(
        url, tmp_path / "lost.jsonl", "--export", str(tmp_path / "exports" / TABLE), "--engine", "spark"
    )
    err = capsys.readouterr().err
    assert status == 3, err
    assert "verify is incomplete: the source failed" in err and "over JDBC" in err
    assert records[-1]["type"] == "INCOMPLETE" and records[-1]["server"] == "source"


def test_two_rows_writing_one_key_are_the_same_overwrite_in_spark_and_locally(
    planted: tuple[str, str, set[tuple[str, str]]], tmp_path: Path, spark: Any
) -> None:
    import dataclasses

    from dms_dynamodb.dynamodb.client import create_table
    from dms_dynamodb.export.layout import pages, read_export
    from dms_dynamodb.export.writer import write_export
    from dms_dynamodb.load import full_load
    from dms_dynamodb.plan import make_plan
    from dms_dynamodb.stack import Stack
    from dms_dynamodb.verify.full import verify
    from dms_dynamodb.verify.spark.engine import verify_spark
    from mappings import TableMappings
    from tests.integration.test_filters import _stack

    url, endpoint, _ = planted
    with connect(url).cursor() as cursor:
        cursor.execute("CREATE DATABASE clash")
        cursor.execute("CREATE TABLE clash.f (id INT PRIMARY KEY, twin VARCHAR(30) NOT NULL, n INT)")
        cursor.execute("INSERT INTO clash.f VALUES (1, '7', 1), (2, '7', 2), (3, '8', 3), (4, '9', 4)")
    base = _stack("clash", [])
    document = json.loads(json.dumps(base.tasks[0].table_mappings.to_dict()))
    document["rules"][1]["mapping-parameters"]["attribute-mappings"][0]["value"] = "F#${twin}"  # 1 and 2: F#7
    task = dataclasses.replace(base.tasks[0], table_mappings=TableMappings.from_dict(document))
    stack = Stack(base.path, base.tables, (task,))
    clash = url.rsplit("/", 1)[0] + "/clash"
    plan = make_plan(stack, task, connect(clash))
    ddb = client(endpoint)
    create_table(ddb, stack.tables["clash"])
    full_load(clash, ddb, plan)
    export = read_export(write_export(ddb, "clash", tmp_path)[0])
    reports = {}
    for engine in ("local", "spark"):
        with (tmp_path / f"{engine}.jsonl").open("w") as handle:
            if engine == "local":
                result = verify(clash, ddb, plan, report=handle, target_pages=lambda _: pages(export))
            else:
                result = verify_spark(spark, clash, plan, {"clash": export}, report=handle)
        assert {k: v for k, v in result.counts.items() if v} == {"OVERWRITE": 1}, engine
        reports[engine] = [json.loads(line) for line in (tmp_path / f"{engine}.jsonl").read_text().splitlines()]
    (overwrite,) = reports["spark"]
    assert overwrite["key"] == {"pk": {"S": "F#7"}} and overwrite["source_table"] == "clash.f and clash.f"
    assert [r["id"] for r in overwrite["rows"]] == ["1", "2"]
    assert _sorted(reports["local"]) == _sorted(reports["spark"])
