"""The full load when values or the target fail, on real servers: it ends, names each row, never hangs.

Expected values from DynamoDB's documentation: numbers range over 1E-130 to
9.9999999999999999999999999999999999999E+125 in magnitude (HowItWorks.NamingRulesDataTypes);
one bad item fails a whole BatchWriteItem (API_BatchWriteItem); AccessDeniedException is not
retryable (Programming.Errors).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.dynamodb.writer import BatchWriter
from dms_dynamodb.load import LoadReport, LoadStopped, full_load
from dms_dynamodb.plan import Plan, make_plan
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import read_stack
from mappings.terraform import escape
from tests import timing
from tests.conftest import ROOT

SCHEMA = "faults"


def _stack(
    table: str, target: str, pk: str, *, settings: dict[str, Any] | None = None, gsi: str = ""
) -> dict[str, Any]:
    """A stack of one table mapped into ``target`` (pk from the template ``pk``, sk ``#``)."""
    locator = {"schema-name": SCHEMA, "table-name": table}
    keys = [
        {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string", "value": pk},
        {"target-attribute-name": "sk", "attribute-type": "scalar", "attribute-sub-type": "string", "value": "#"},
    ]
    mappings = {
        "rules": [
            {"rule-type": "selection", "rule-id": "1", "rule-name": "s", "rule-action": "include", "object-locator": locator},
            {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "m", "rule-action": "map-record-to-record",
             "object-locator": locator, "target-table-name": target,
             "mapping-parameters": {"partition-key-name": "pk", "sort-key-name": "sk", "attribute-mappings": keys}},
        ]
    }  # fmt: skip
    definition: dict[str, Any] = {
        "name": target,
        "hash_key": "pk",
        "range_key": "sk",
        "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}],
    }
    if gsi:
        definition["attribute"].append({"name": gsi, "type": "S"})
        definition["global_secondary_index"] = [{"name": "GSI1", "hash_key": gsi, "projection_type": "ALL"}]
    task = {
        "replication_task_id": "faults",
        "migration_type": "full-load",
        "table_mappings": escape(json.dumps(mappings)),
        "replication_task_settings": escape(json.dumps(settings or {})),
    }
    return {"resource": {"aws_dynamodb_table": {target: definition}, "aws_dms_replication_task": {"task": task}}}


@pytest.fixture(scope="module")
def source(mariadb: Any) -> str:
    connection = connect(mariadb.url(""))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SCHEMA}")
        cursor.execute(f"CREATE DATABASE {SCHEMA}")
        cursor.execute(f"CREATE TABLE {SCHEMA}.reading (id INT PRIMARY KEY, value DOUBLE)")
        cursor.execute(f"INSERT INTO {SCHEMA}.reading VALUES (1, 1e300), (2, 1e-300), (3, 2.5)")
        cursor.execute(f"CREATE TABLE {SCHEMA}.tagged (id INT PRIMARY KEY, g VARCHAR(10))")
        cursor.execute(f"INSERT INTO {SCHEMA}.tagged VALUES (1, NULL), (2, 'x'), (3, NULL)")
        # 80 rows, two of them (ids 7 and 50, in different chunks of 25) with one code: one target key
        cursor.execute(f"CREATE TABLE {SCHEMA}.coded (id INT PRIMARY KEY, code VARCHAR(10), note VARCHAR(20))")
        rows = [(n, "X" if n in (7, 50) else f"C{n}", {7: "first", 50: "second"}.get(n, "")) for n in range(1, 81)]
        cursor.executemany(f"INSERT INTO {SCHEMA}.coded VALUES (%s, %s, %s)", rows)
    connection.close()
    return str(mariadb.url(SCHEMA))


def _write(tmp_path: Path, name: str, document: dict[str, Any]) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document))
    return path


def _load_command(stack: Path, url: str, endpoint: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "dms_dynamodb", "load", "--stack", str(stack), "--mysql-url", url,
               "--endpoint-url", endpoint, "--quiet", *extra]  # fmt: skip
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timing.seconds(60)
    )  # a hang fails, not waits


def _table_with_a_numeric_index_key(ddb: Any, name: str) -> None:
    """A table on the endpoint whose GSI key g is a number, where the stack says a string."""
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in (("pk", "S"), ("sk", "S"), ("g", "N"))],
        GlobalSecondaryIndexes=[{"IndexName": "GSI1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}],
        BillingMode="PAY_PER_REQUEST",
    )  # fmt: skip
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})


def _items(ddb: Any, table: str) -> dict[str, dict[str, Any]]:
    return {i["pk"]["S"]: i for page in ddb.get_paginator("scan").paginate(TableName=table) for i in page["Items"]}


def test_numbers_out_of_dynamodb_range_are_rejected_rows_and_the_load_ends(
    source: str, dynalite: Any, tmp_path: Path
) -> None:
    stack = _write(tmp_path, "numbers", _stack("reading", "faults-numbers", "READING#${id}"))
    exceptions = tmp_path / "exceptions.jsonl"
    done = _load_command(stack, source, dynalite.endpoint_url, "--exceptions", str(exceptions))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 rows rejected (DMS would not write them); all of them in" in done.stdout
    rows = [json.loads(line) for line in exceptions.read_text().splitlines()]
    assert [(r["TABLE_OWNER"], r["TABLE_NAME"], r["ERROR"]) for r in rows] == [
        (SCHEMA, "reading", "Number overflow. Attempting to store a number with magnitude larger than supported "
         "range (value = 1e+300)"),
        (SCHEMA, "reading", "Number underflow. Attempting to store a number with magnitude smaller than supported "
         "range (value = 1e-300)"),
    ]  # fmt: skip
    assert [json.loads(r["STATEMENT"].removeprefix("INSERT INTO faults.reading "))["id"] for r in rows] == ["1", "2"]
    items = _items(client(dynalite.endpoint_url), "faults-numbers")
    assert list(items) == ["READING#3"] and items["READING#3"]["value"] == {"N": "2.5"}


def test_a_write_the_target_refuses_alone_is_a_rejected_row_and_the_rest_of_its_batch_is_written(
    source: str, dynalite: Any, tmp_path: Path
) -> None:
    """The stack says the index key g is a string; the table on the endpoint says a number: the model
    cannot know, DynamoDB refuses the batch, the writer finds the one write it refuses alone."""
    ddb = client(dynalite.endpoint_url)
    _table_with_a_numeric_index_key(ddb, "faults-gsi")
    stack = _write(tmp_path, "gsi", _stack("tagged", "faults-gsi", "TAG#${id}", gsi="g"))
    exceptions = tmp_path / "exceptions.jsonl"
    done = _load_command(stack, source, dynalite.endpoint_url, "--exceptions", str(exceptions))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "target table faults-gsi: exists" in done.stdout
    (row,) = [json.loads(line) for line in exceptions.read_text().splitlines()]
    assert (row["TABLE_OWNER"], row["TABLE_NAME"]) == (SCHEMA, "tagged")
    assert row["ERROR"] == (
        "ValidationException: One or more parameter values were invalid: Type mismatch for Index Key g Expected: N "
        "Actual: S IndexName: GSI1 (target table faults-gsi, key TAG#2|#)"
    )
    assert "rejected tagged: refused-by-dynamodb: ValidationException" in done.stdout
    assert sorted(_items(ddb, "faults-gsi")) == ["TAG#1", "TAG#3"]


def _coded_plan(tmp_path: Path, source: str, target: str) -> Plan:
    settings = {"TargetMetadata": {"ParallelLoadThreads": 4}}
    stack = read_stack(_write(tmp_path, target, _stack("coded", target, "CODE#${code}", settings=settings)))
    connection = connect(source)
    try:
        return make_plan(stack, stack.task(None), connection)
    finally:
        connection.close()


def test_rows_of_one_key_leave_the_last_row_read_in_every_run(source: str, dynalite: Any, tmp_path: Path) -> None:
    ddb = client(dynalite.endpoint_url)
    plan = _coded_plan(tmp_path, source, "faults-coded")
    create_table(ddb, plan.targets["faults-coded"])
    winners = []
    for _ in range(5):
        ddb.delete_item(TableName="faults-coded", Key={"pk": {"S": "CODE#X"}, "sk": {"S": "#"}})
        report = full_load(source, ddb, plan)
        assert (report.rows, report.written, report.rejections) == (80, 79, [])  # two rows, one item
        winners.append(_items(ddb, "faults-coded")["CODE#X"]["note"]["S"])
    assert winners == ["second"] * 5  # id 50, read after id 7
    # verify names the overwrite once, and does not also call the key a difference
    from dms_dynamodb.verify.full import verify

    result = verify(source, ddb, plan)
    assert {kind: count for kind, count in result.counts.items() if count} == {"OVERWRITE": 1}
    (overwrite,) = result.examples["OVERWRITE"]
    assert overwrite["key"] == {"pk": {"S": "CODE#X"}, "sk": {"S": "#"}}


class DeniedAt:
    """The endpoint, until a batch ``fails`` picks: then AccessDeniedException (or another error)."""

    def __init__(self, inner: Any, fails: Callable[[int], bool], error: Exception | None = None) -> None:
        self.inner, self.fails, self.error = inner, fails, error

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> Any:
        if self.fails(sum(len(w) for w in RequestItems.values())):
            if self.error is not None:
                raise self.error
            error = {"Code": "AccessDeniedException", "Message": "not authorized to perform: dynamodb:BatchWriteItem"}
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, "BatchWriteItem")
        return self.inner.batch_write_item(RequestItems=RequestItems)


@pytest.mark.parametrize(
    ("fails", "error", "message"),
    [
        # each of the 4 writers' final flush holds fewer than 25 writes
        (lambda n: n < 25, None, "DynamoDB refused the load's writes: AccessDeniedException: not authorized"),
        (lambda n: True, None, "DynamoDB refused the load's writes: AccessDeniedException: not authorized"),
        (lambda n: n < 25, RuntimeError("boom"), "writing failed: RuntimeError: boom"),
    ],
    ids=["final-flush", "first-batch", "not-dynamodb"],
)
def test_a_writer_that_fails_stops_the_load_within_seconds_with_one_message(
    source: str, dynalite: Any, tmp_path: Path, fails: Callable[[int], bool], error: Exception | None, message: str
) -> None:
    ddb = client(dynalite.endpoint_url)
    plan = _coded_plan(tmp_path, source, "faults-denied")
    create_table(ddb, plan.targets["faults-denied"])
    outcome: list[BaseException | LoadReport] = []

    def run() -> None:
        try:
            outcome.append(
                full_load(
                    source,
                    ddb,
                    plan,
                    writer=lambda stop: BatchWriter(DeniedAt(ddb, fails, error), stop=stop, keep_refused=True),
                )
            )
        except BaseException as failure:
            outcome.append(failure)

    started = time.monotonic()
    loading = threading.Thread(target=run, daemon=True)
    loading.start()
    loading.join(timing.seconds(10))
    assert not loading.is_alive(), "the load did not end within 10 s"
    (stopped,) = outcome
    assert isinstance(stopped, LoadStopped) and str(stopped).startswith(message), stopped
    assert "items were written before the load stopped" in str(stopped)
    assert time.monotonic() - started < timing.seconds(10)
    time.sleep(0.5)
    assert [t.name for t in threading.enumerate() if t.name.startswith("dms-load-")] == []  # no thread left behind


def test_the_same_values_through_cdc_are_apply_exceptions_and_the_follower_moves_on(
    source: str, dynalite: Any, tmp_path: Path
) -> None:
    from dms_dynamodb.cdc.checkpoint import binlog_head
    from dms_dynamodb.cdc.follower import ChangeApplier, follow

    ddb = client(dynalite.endpoint_url)
    stack = read_stack(_write(tmp_path, "cdc", _stack("reading_cdc", "faults-cdc", "READING#${id}")))
    connection = connect(source)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {SCHEMA}.reading_cdc (id INT PRIMARY KEY, value DOUBLE)")
    plan = make_plan(stack, stack.task(None), connection)
    create_table(ddb, plan.targets["faults-cdc"])
    start = binlog_head(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {SCHEMA}.reading_cdc VALUES (1, 1e300), (2, 1e-300), (3, 2.5)")
        cursor.execute(f"INSERT INTO {SCHEMA}.reading_cdc VALUES (4, 7)")  # a later transaction
    head = binlog_head(connection)
    connection.close()
    stats = follow(source, ChangeApplier(plan, ddb), tmp_path / "checkpoint.json", start, report=lambda _: None)
    assert [(e.TABLE_NAME, e.ERROR.split(".")[0]) for e in stats.exceptions] == [
        ("reading_cdc", "Number overflow"),
        ("reading_cdc", "Number underflow"),
    ]
    assert stats.position == head  # it moved on past them
    assert sorted(_items(ddb, "faults-cdc")) == ["READING#3", "READING#4"]


def test_a_write_the_target_refuses_during_cdc_is_an_apply_exception_and_the_rest_is_applied(
    source: str, dynalite: Any, tmp_path: Path
) -> None:
    from dms_dynamodb.cdc.checkpoint import binlog_head
    from dms_dynamodb.cdc.follower import ChangeApplier, follow

    ddb = client(dynalite.endpoint_url)
    _table_with_a_numeric_index_key(ddb, "faults-gsi-cdc")
    stack = read_stack(_write(tmp_path, "stack", _stack("tagged_cdc", "faults-gsi-cdc", "TAG#${id}", gsi="g")))
    connection = connect(source)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {SCHEMA}.tagged_cdc (id INT PRIMARY KEY, g VARCHAR(10))")
    plan = make_plan(stack, stack.task(None), connection)
    start = binlog_head(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {SCHEMA}.tagged_cdc VALUES (1, NULL), (2, 'x'), (3, NULL)")
    head = binlog_head(connection)
    connection.close()
    stats = follow(source, ChangeApplier(plan, ddb), tmp_path / "checkpoint.json", start, report=lambda _: None)
    (refused,) = stats.exceptions
    assert (refused.TABLE_OWNER, refused.TABLE_NAME) == (SCHEMA, "tagged_cdc")
    assert refused.ERROR.startswith("DynamoDB refused the write: ValidationException: ")
    assert "Type mismatch for Index Key g" in refused.ERROR
    assert f"INSERT {SCHEMA}.tagged_cdc (item key TAG#2|#)" == refused.STATEMENT
    assert stats.position == head
    assert sorted(_items(ddb, "faults-gsi-cdc")) == ["TAG#1", "TAG#3"]
