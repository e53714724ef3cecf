"""``verify --export``: on real servers (MariaDB over TCP, dynalite, local Spark), planted differences give
exactly the planted records with the live verify, ``--engine local`` and ``--engine spark``, the three
reports equal after sorting; a missing export is exit 2 naming it.

The planted records are written by hand from the shop design (``stacks/shop_design.py``: a customer is
``CUSTOMER#id``/``#METADATA``, a product ``PRODUCT#id``/``#METADATA``, an order line
``ORDER#order``/``LINE#n``, GSI1 of a customer ``EMAIL#email``) and DynamoDB's 2048-byte partition-key limit.
"""

from __future__ import annotations

import io
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


pytestmark = pytest.mark.usefixtures("spark")  # the one Spark session (tests/integration/conftest.py)


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


def _keyed_by_twin(url: str, database: str, primary_key: str, twins: str) -> tuple[str, Any, Any]:
    """A database whose table ``f`` is mapped to items keyed ``F#${twin}`` (rows with one twin write one key):
    its URL, its stack and the plan of its task. ``twins``: the twin of the rows 1 to 4, in order."""
    import dataclasses

    from dms_dynamodb.plan import make_plan
    from dms_dynamodb.stack import Stack
    from mappings import TableMappings
    from tests.integration.test_filters import _stack

    rows = ", ".join(f"({n}, '{twin}', {n})" for n, twin in enumerate(twins, 1))
    with connect(url).cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {database}")
        cursor.execute(f"CREATE TABLE {database}.f (id INT {primary_key}, twin VARCHAR(30) NOT NULL, n INT)")
        cursor.execute(f"INSERT INTO {database}.f VALUES {rows}")
    base = _stack(database, [])
    document = json.loads(json.dumps(base.tasks[0].table_mappings.to_dict()))
    document["rules"][1]["mapping-parameters"]["attribute-mappings"][0]["value"] = "F#${twin}"
    task = dataclasses.replace(base.tasks[0], table_mappings=TableMappings.from_dict(document))
    stack = Stack(base.path, base.tables, (task,))
    source = url.rsplit("/", 1)[0] + "/" + database
    return source, stack, make_plan(stack, task, connect(source))


@pytest.mark.parametrize("primary_key", ["PRIMARY KEY", ""], ids=["read-again-by-key", "no-key-text-carried"])
def test_two_rows_writing_one_key_are_the_same_overwrite_in_spark_and_locally(
    planted: tuple[str, str, set[tuple[str, str]]], tmp_path: Path, spark: Any, primary_key: str
) -> None:
    from dms_dynamodb.dynamodb.client import create_table
    from dms_dynamodb.export.layout import pages, read_export
    from dms_dynamodb.export.writer import write_export
    from dms_dynamodb.load import full_load
    from dms_dynamodb.verify.full import verify
    from dms_dynamodb.verify.spark.engine import verify_spark

    url, endpoint, _ = planted
    database = "clash" if primary_key else "clashnokey"
    clash, stack, plan = _keyed_by_twin(url, database, primary_key, "7789")  # rows 1 and 2: F#7
    ddb = client(endpoint)
    create_table(ddb, stack.tables[database])
    full_load(clash, ddb, plan)
    export = read_export(write_export(ddb, database, tmp_path)[0])
    reports = {}
    for engine in ("local", "spark"):
        with (tmp_path / f"{engine}.jsonl").open("w") as handle:
            if engine == "local":
                result = verify(clash, ddb, plan, report=handle, target_pages=lambda _: pages(export))
            else:
                result = verify_spark(spark, clash, plan, {database: export}, report=handle)
        assert {k: v for k, v in result.counts.items() if v} == {"OVERWRITE": 1}, engine
        reports[engine] = [json.loads(line) for line in (tmp_path / f"{engine}.jsonl").read_text().splitlines()]
    (overwrite,) = reports["spark"]
    assert overwrite["key"] == {"pk": {"S": "F#7"}} and overwrite["source_table"] == f"{database}.f and {database}.f"
    assert [r["id"] for r in overwrite["rows"]] == ["1", "2"]
    assert _sorted(reports["local"]) == _sorted(reports["spark"])
    persistent = spark.sparkContext._jsc.sc().getPersistentRDDs()
    assert persistent.size() == 0, "a verify releases what it cached"

    class Failing:
        def write(self, _text: str) -> int:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):  # the report cannot be written: the run stops
        verify_spark(spark, clash, plan, {database: export}, report=Failing())  # type: ignore[arg-type]
    assert spark.sparkContext._jsc.sc().getPersistentRDDs().size() == 0, "released on the way out too"

    # The overwritten key missing from the target too: its OVERWRITE and its MISSING_TARGET, the same counts.
    ddb.delete_item(TableName=database, Key={"pk": {"S": "F#7"}})
    export = read_export(write_export(ddb, database, tmp_path / "without")[0])
    results = {
        "local": verify(clash, ddb, plan, target_pages=lambda _: pages(export)),
        "spark": verify_spark(spark, clash, plan, {database: export}),
        # --settle: the findings read again, the OVERWRITE's rows from the pass that also carries the references
        "local, settled": verify(clash, ddb, plan, target_pages=lambda _: pages(export), settle_seconds=0.2),
        "spark, settled": verify_spark(spark, clash, plan, {database: export}, ddb=ddb, settle_seconds=0.2),
    }
    for engine in ("local", "spark"):
        found = results[engine]
        assert {k: v for k, v in found.counts.items() if v} == {"OVERWRITE": 1, "MISSING_TARGET": 1}, engine
        assert (found.expected, found.actual) == (3, 2), engine
    assert results["local"].render() == results["spark"].render()
    assert results["spark, settled"].counts["OVERWRITE"] == 1
    assert results["local, settled"].render() == results["spark, settled"].render()


def test_an_overwrite_the_source_undid_before_the_second_pass_shows_the_rows_it_finds_then(
    planted: tuple[str, str, set[tuple[str, str]]], spark: Any
) -> None:
    """The rows of an OVERWRITE come from a second pass over the source: a key no longer written twice by then
    shows the one row left, or none, never a row twice, and keeps its record (its item, its table)."""
    from dms_dynamodb.verify.full import Result
    from dms_dynamodb.verify.spark import engine

    url, _, _ = planted
    database = "undone"
    source, _, plan = _keyed_by_twin(url, database, "PRIMARY KEY", "7855")
    names = {database: ["pk"]}
    rows = engine._source_frame(spark, source, plan, spark.sparkContext.broadcast(plan), names, 2, True)
    # What the first read found (F#7 and F#9 each written by two rows); the source has changed since.
    item = '{{"pk":{{"S":"F#{0}"}}}}'
    first_read = [(f"{database}\x1fF#7", item.format(7), 2, 2), (f"{database}\x1fF#9", item.format(9), 4, 2)]
    twice = spark.createDataFrame(first_read, "key string, expected string, ord long, n long")
    result, report = Result(), io.StringIO()
    engine._overwrites(source, plan, rows, twice, names, result, report)
    records = sorted((json.loads(line) for line in report.getvalue().splitlines()), key=lambda r: r["key"]["pk"]["S"])
    assert [r["type"] for r in records] == ["OVERWRITE", "OVERWRITE"]
    assert [r["id"] for r in records[0]["rows"]] == ["1"], "the one row left, once"
    assert records[0]["source_table"] == f"{database}.f"
    assert records[1]["rows"] == [] and records[1]["source_table"] == f"{database}.f", "none left: its table named"
    assert result.counts["OVERWRITE"] == 2


# The export's starting point, and --tables with exports: a clean shop of its own (the planted one has findings).


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The shop on its own MariaDB (over TCP) and dynalite, loaded and clean: the URL and the endpoint."""
    mariadb = MariaDB.start(tmp_path_factory.mktemp("export-clean") / "mariadb", tcp=True)
    dynalite = Dynalite.start()
    try:
        mariadb.execute_file("shop", SHOP_DDL)
        url = mariadb.tcp_url("shop")
        fill(connect(url), SourceSchema.from_ddl(SHOP_DDL.read_text(), name="shop"), 30)
        loaded_shop(url, client(dynalite.endpoint_url))
        yield url, dynalite.endpoint_url
    finally:
        dynalite.stop()
        mariadb.stop()


def _sql(url: str, statement: str, *parameters: Any) -> Any:
    source = connect(url)
    try:
        with source.cursor() as cursor:
            cursor.execute(statement, parameters)
            return cursor.fetchall()
    finally:
        source.close()


def _head(url: str) -> str:
    ((log_file, log_pos, *_),) = _sql(url, "SHOW MASTER STATUS")
    return f"{log_file}:{log_pos}"


def _set_name(url: str, endpoint: str | None, customer: int, name: str) -> None:
    """Rename a customer on the source (``endpoint`` None) or on the live table only."""
    if endpoint is None:
        _sql(url, "UPDATE customer SET full_name = %s WHERE customer_id = %s", name, customer)
        return
    client(endpoint).update_item(
        TableName=TABLE,
        Key=_key(f"CUSTOMER#{customer}", "#METADATA"),
        UpdateExpression="SET full_name = :v",
        ExpressionAttributeValues={":v": {"S": name}},
    )


def test_the_export_records_the_source_position_and_its_clean_verify_starts_the_next_since(
    clean: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dms_dynamodb.cutover.evidence import EvidenceError, identity, read_evidence
    from dms_dynamodb.dynamodb.scan import scan
    from dms_dynamodb.plan import make_plan
    from dms_dynamodb.stack import read_stack

    url, endpoint = clean
    before = _head(url)

    def written_to_while_scanned(*args: Any) -> Any:  # the source moves on once the scan has started
        _sql(url, "INSERT INTO audit_log (table_name, action, changed_at) VALUES ('x', 'insert', NOW())")
        return scan(*args)

    monkeypatch.setattr("dms_dynamodb.export.writer.scan", written_to_while_scanned)
    out_dir = tmp_path / "exports"
    export = ["export", "--stack", STACK, "--endpoint-url", endpoint, "--out", str(out_dir), "--mysql-url", url]
    assert main(export) == 0
    out = capsys.readouterr().out
    folder = out_dir / TABLE
    written = json.loads((folder / "dms-dynamodb-position.json").read_text())
    ((hostname, port),) = _sql(url, "SELECT @@hostname, @@port")
    summary = json.loads((folder / "manifest-summary.json").read_text())
    assert written["position"] == before != _head(url)  # the head read before the scan, not after it
    assert written["source"] == f"{hostname}:{port}" and written["target"] == endpoint
    assert written["exportArn"] == summary["exportArn"] and written["tableArn"] == summary["tableArn"]
    assert oct((folder / "dms-dynamodb-position.json").stat().st_mode)[-3:] == "600"
    assert f"was at binlog position {before} before it" in out

    a, b = (row[0] for row in _sql(url, "SELECT customer_id FROM customer ORDER BY customer_id LIMIT 2"))
    (name_a,) = _sql(url, "SELECT full_name FROM customer WHERE customer_id = %s", a)[0]
    # After the export, before the verify: customer a renamed and renamed back on the source; the live table
    # got the first change only (the second was lost). The export still equals the source: the verify is clean.
    _set_name(url, None, a, "Renamed After Export")
    _set_name(url, endpoint, a, "Renamed After Export")
    _set_name(url, None, a, name_a)
    at_verify = _head(url)
    report = tmp_path / "export.jsonl"
    status, records = _run(url, report, "--export", str(folder), "--engine", "local")
    out = capsys.readouterr().out
    assert status == 0, out
    assert f"verified at binlog position {before} (the next incremental verify: --since {before})" in out
    assert f"it ends with VERIFIED_AT {before}, the evidence for cutover --since {report}" in out
    last = records[-1]
    assert last["type"] == "VERIFIED_AT" and last["position"] == before and last["full"] is True
    assert last["identity"]["target"] == endpoint and last["identity"]["source"] == f"{hostname}:{port}"
    assert last["exports"]["target"] == endpoint
    assert last["exports"]["tables"][TABLE]["position"] == before
    assert last["exports"]["tables"][TABLE]["export_arn"] == summary["exportArn"]

    # The report is cutover's evidence for the same target and source, and says it came from an export.
    plan = make_plan(read_stack(STACK), read_stack(STACK).tasks[0], connect(url))
    compared = identity(plan, client(endpoint), endpoint, connect(url))
    evidence = read_evidence(report, plan.task.task_id, plan, compared)
    assert str(evidence.position) == before and evidence.exports == last["exports"]
    with pytest.raises(EvidenceError, match="the DynamoDB endpoint"):
        read_evidence(report, plan.task.task_id, plan, {**compared, "target": "http://127.0.0.1:1"})

    _set_name(url, None, b, "Renamed After Verify")  # after the verify: the live table never gets it
    since = _run(url, tmp_path / "since.jsonl", "--endpoint-url", endpoint, "--since", before)
    assert since[0] == 1, capsys.readouterr().out
    found = {(r["type"], r["key"]["pk"]["S"]) for r in since[1]}
    assert found == {("RECORD_DIFF", f"CUSTOMER#{a}"), ("RECORD_DIFF", f"CUSTOMER#{b}")}
    diff_a = next(r for r in since[1] if r["key"]["pk"]["S"] == f"CUSTOMER#{a}")
    assert diff_a["details"] == [
        {"attribute": "full_name", "expected": {"S": name_a}, "actual": {"S": "Renamed After Export"}}
    ]
    # The position read before the verify (not the export) would have missed customer a.
    later = _run(url, tmp_path / "later.jsonl", "--endpoint-url", endpoint, "--since", at_verify)
    assert {(r["type"], r["key"]["pk"]["S"]) for r in later[1]} == {("RECORD_DIFF", f"CUSTOMER#{b}")}
    capsys.readouterr()
    _set_name(url, endpoint, a, name_a)  # the live table as the source again, for the tests after this one
    _set_name(url, endpoint, b, "Renamed After Verify")


def test_an_export_without_a_position_or_of_another_source_is_no_starting_point(
    clean: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, endpoint = clean
    out_dir = tmp_path / "exports"
    base = ["export", "--stack", STACK, "--endpoint-url", endpoint, "--out", str(out_dir)]
    assert main([*base, "--mysql-url", url]) == 0
    folder = out_dir / TABLE
    kept = (folder / "dms-dynamodb-position.json").read_text()
    assert main(base) == 0  # written again without --mysql-url: the older position does not survive
    assert "no --mysql-url: the export records no binlog position" in capsys.readouterr().out
    assert not (folder / "dms-dynamodb-position.json").exists()
    status, records = _run(url, tmp_path / "none.jsonl", "--export", str(folder))
    out = capsys.readouterr().out
    assert status == 0, out
    assert "verified at binlog position" not in out and all(r["type"] != "VERIFIED_AT" for r in records)
    assert (
        f"the export of {TABLE} records no binlog position (no dms-dynamodb-position.json): this result is no "
        "starting point for --since. Export with dms-dynamodb export --mysql-url URL" in out
    )

    verify = ["verify", "--stack", STACK, "--mysql-url", url, "--skip-checks", "--export", str(folder)]
    (folder / "dms-dynamodb-position.json").write_text(kept)  # the position of the export this one replaced
    assert main(verify) == 2
    assert "a file copied from another export" in capsys.readouterr().err
    assert main([*base, "--mysql-url", url]) == 0
    capsys.readouterr()
    assert main([*verify, "--settle", "1", "--endpoint-url", "http://127.0.0.1:1"]) == 2
    assert (
        "--settle reads the findings again on the live table at http://127.0.0.1:1, the exports were taken from "
        f"{endpoint}: give that --endpoint-url"
    ) in capsys.readouterr().err
    position = json.loads((folder / "dms-dynamodb-position.json").read_text())
    (folder / "dms-dynamodb-position.json").write_text(json.dumps({**position, "source": "elsewhere:3306"}))
    assert main(verify) == 2
    ((hostname, port),) = _sql(url, "SELECT @@hostname, @@port")
    err = capsys.readouterr().err
    assert (
        f"the export of {TABLE} is of the source elsewhere:3306 (its dms-dynamodb-position.json), "
        f"--mysql-url is {hostname}:{port}" in err
    )

    assert main([*verify, "--since", position["position"]]) == 2
    err = capsys.readouterr().err
    assert "--since does not combine with --export" in err
    assert "run verify --since P without --export (P: the position it printed, read before the export" in err


def _two_targets(path: Path) -> Path:
    """The shop stack with product in a table of its own (``shop-products``): a task that writes two targets."""
    document = json.loads(Path(STACK).read_text())
    tables = document["resource"]["aws_dynamodb_table"]
    tables["Products"] = {**tables["Table_CD117FA1"], "name": "shop-products"}
    task = next(iter(document["resource"]["aws_dms_replication_task"].values()))
    mappings = json.loads(task["table_mappings"])
    next(r for r in mappings["rules"] if r["rule-name"] == "map-product")["target-table-name"] = "shop-products"
    task["table_mappings"] = json.dumps(mappings)
    path.write_text(json.dumps(document))
    return path


def test_tables_with_exports_needs_the_chosen_targets_only_and_compares_their_items_only(
    clean: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, endpoint = clean
    ((lines,),) = _sql(url, "SELECT COUNT(*) FROM order_line")
    ((products,),) = _sql(url, "SELECT COUNT(*) FROM product")
    out_dir = tmp_path / "exports"
    two = str(_two_targets(tmp_path / "two.tf.json"))
    load = ["load", "--stack", two, "--mysql-url", url, "--endpoint-url", endpoint, "--tables", "product"]
    assert main([*load, "--skip-checks", "--quiet"]) == 0
    base = ["--endpoint-url", endpoint, "--out", str(out_dir), "--mysql-url", url]
    assert main(["export", "--stack", two, *base]) == 0
    capsys.readouterr()
    shared, products_export = str(out_dir / TABLE), str(out_dir / "shop-products")

    # One target shared by every table: order_line's items only; the others' are not its orphans.
    reports = {}
    for engine in ("local", "spark"):
        report = tmp_path / f"{engine}.jsonl"
        status, reports[engine] = _run(url, report, "--tables", "order_line", "--export", shared, "--engine", engine)
        out = capsys.readouterr().out
        assert status == 0, out
        assert f"verify: expected {lines} items, found {lines}: 0 MISSING_TARGET, 0 MISSING_SOURCE" in out, engine
        assert "--tables: shop.order_line only; left out: shop.customer, shop.orders, shop.product" in out
        assert reports[engine][-1]["tables"] == ["shop.order_line"]
    assert [r["type"] for r in reports["local"]] == [r["type"] for r in reports["spark"]] == ["VERIFIED_AT"]

    # Two targets: --tables product needs shop-products' export only.
    verify = ["verify", "--stack", two, "--mysql-url", url, "--skip-checks", "--tables", "product"]
    for engine in ("local", "spark"):
        assert main([*verify, "--export", products_export, "--engine", engine]) == 0
        out = capsys.readouterr().out
        assert f"verify: expected {products} items, found {products}: 0 MISSING_TARGET" in out, engine
    assert main([*verify, "--export", products_export, "--export", shared]) == 2
    err = capsys.readouterr().err
    assert f"--export {shared} is an export of '{TABLE}'" in err
    assert "; --tables shop.product write only shop-products: leave it out" in err
    assert main([*verify[:-1], "customer,product", "--export", products_export]) == 2
    err = capsys.readouterr().err
    assert f"no --export for the target table(s) {TABLE} (the targets of --tables shop.customer, shop.product)" in err


def test_a_starting_point_purged_since_the_export_is_named_and_not_given(
    clean: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, endpoint = clean
    out_dir = tmp_path / "exports"
    assert (
        main(["export", "--stack", STACK, "--endpoint-url", endpoint, "--out", str(out_dir), "--mysql-url", url]) == 0
    )
    position = json.loads((out_dir / TABLE / "dms-dynamodb-position.json").read_text())["position"]
    _sql(url, "FLUSH BINARY LOGS")
    ((newest, *_),) = _sql(url, "SHOW MASTER STATUS")
    _sql(url, f"PURGE BINARY LOGS TO '{newest}'")  # the binlog the export's position is in is gone
    capsys.readouterr()
    status, records = _run(url, tmp_path / "purged.jsonl", "--export", str(out_dir / TABLE))
    out = capsys.readouterr().out
    assert status == 0, out
    assert "verified at binlog position" not in out and all(r["type"] != "VERIFIED_AT" for r in records)
    assert (
        f"this result is no starting point for --since: the exports' starting point {position} is in a "
        "binlog the server has purged" in out
    )
    assert out.rstrip().count("this result is no starting point for --since") == 1
