"""Item-model facts that need a real server: TIMESTAMP in UTC, and an update leaving the filter."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.checkpoint import binlog_head
from dms_dynamodb.cdc.follower import UPDATE_LEAVING_FILTER, ChangeApplier, follow
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import make_plan
from dms_dynamodb.source.connection import connect
from dms_dynamodb.verify.full import verify
from tests.integration.test_filters import _stack, cond, filt


def _database(mariadb: Any, name: str, ddl: str) -> Any:
    admin = connect(mariadb.url(""))
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
        cursor.execute(ddl.format(db=name))
    return admin


def test_timestamp_is_written_in_utc_from_a_non_utc_session(mariadb: Any, dynalite: Any, tmp_path: Path) -> None:
    # DMS: "TIMESTAMP ... is converted to UTC on the target" (CHAP_Source.MySQL).
    admin = _database(mariadb, "stamps", "CREATE TABLE {db}.f (id INT PRIMARY KEY, at TIMESTAMP NULL, wall DATETIME)")
    with admin.cursor() as cursor:
        cursor.execute("SET time_zone = '+05:00'")
        cursor.execute("INSERT INTO stamps.f VALUES (1, '2024-01-01 10:00:00', '2024-01-01 10:00:00')")
    stack = _stack("stamps", [])
    url = mariadb.url("stamps")
    plan = make_plan(stack, stack.task(None), connect(url))
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, stack.tables["stamps"])
    start = binlog_head(admin)
    full_load(url, ddb, plan)
    loaded = ddb.get_item(TableName="stamps", Key={"pk": {"S": "F#1"}})["Item"]
    assert loaded["at"] == {"S": "2024-01-01 05:00:00"}  # 10:00 at +05:00 is 05:00 UTC
    assert loaded["wall"] == {"S": "2024-01-01 10:00:00"}  # DATETIME has no time zone: unchanged
    with admin.cursor() as cursor:
        cursor.execute("INSERT INTO stamps.f VALUES (2, '2024-06-01 23:30:00', '2024-06-01 23:30:00')")
    follow(url, ChangeApplier(plan, ddb), tmp_path / "cdc.json", start, report=lambda _: None)
    followed = ddb.get_item(TableName="stamps", Key={"pk": {"S": "F#2"}})["Item"]
    assert followed["at"] == {"S": "2024-06-01 18:30:00"} and followed["wall"] == {"S": "2024-06-01 23:30:00"}


def test_an_update_that_leaves_the_filter_is_not_applied(mariadb: Any, dynalite: Any, tmp_path: Path) -> None:
    admin = _database(
        mariadb,
        "leaving",
        "CREATE TABLE {db}.f (id INT PRIMARY KEY, n INT, price DECIMAL(5,2), name VARCHAR(20), placed_at DATETIME, "
        "day DATE, note VARCHAR(20))",
    )
    with admin.cursor() as cursor:
        cursor.execute(
            "INSERT INTO leaving.f VALUES (1, 20, 1, 'a', NULL, NULL, 'x'), (2, 20, 1, 'b', NULL, NULL, 'x')"
        )
    stack = _stack("leaving", [filt("n", cond("gte", "10"))])
    url = mariadb.url("leaving")
    plan = make_plan(stack, stack.task(None), connect(url))
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, stack.tables["leaving"])
    start = binlog_head(admin)
    full_load(url, ddb, plan)
    with admin.cursor() as cursor:
        cursor.execute("UPDATE leaving.f SET n = 1, note = 'moved out' WHERE id = 1")
        cursor.execute("UPDATE leaving.f SET note = 'again' WHERE id = 1")  # outside, stays outside
    applier = ChangeApplier(plan, ddb)
    stats = follow(url, applier, tmp_path / "cdc.json", start, report=lambda _: None)
    assert (stats.filtered, stats.left_filter, stats.applied) == (2, 1, 0)
    # The assumption, named: the item written while the row was inside the filter stays as it was.
    kept = ddb.get_item(TableName="leaving", Key={"pk": {"S": "F#1"}})["Item"]
    assert kept["note"] == {"S": "x"} and kept["n"] == {"N": "20"}
    assert UPDATE_LEAVING_FILTER in stats.render()


def test_two_rows_writing_one_key_are_an_overwrite_and_a_rejected_row_is_counted(
    mariadb: Any, dynalite: Any, tmp_path: Path
) -> None:
    admin = _database(mariadb, "clash", "CREATE TABLE {db}.f (id INT PRIMARY KEY, twin VARCHAR(3000) NOT NULL, n INT)")
    with admin.cursor() as cursor:
        cursor.execute("INSERT INTO clash.f VALUES (1, '7', 1), (2, '7', 2), (3, '8', 3), (4, '9', 4)")
    document = json.loads(json.dumps(_stack("clash", []).tasks[0].table_mappings.to_dict()))
    mapping = document["rules"][1]["mapping-parameters"]["attribute-mappings"][0]
    mapping["value"] = "F#${twin}"  # rows 1 and 2 both become F#7
    from dms_dynamodb.stack import Stack
    from mappings import TableMappings

    base = _stack("clash", [])
    task = dataclasses.replace(base.tasks[0], table_mappings=TableMappings.from_dict(document))
    stack = Stack(base.path, base.tables, (task,))
    url = mariadb.url("clash")
    plan = make_plan(stack, task, connect(url))
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, stack.tables["clash"])
    full_load(url, ddb, plan)
    with admin.cursor() as cursor:  # a row DMS would reject: its key would be over 2048 bytes
        cursor.execute("INSERT INTO clash.f VALUES (5, %s, 5)", ("x" * 2100,))
    report = tmp_path / "verify.jsonl"
    with report.open("w") as handle:
        result = verify(url, ddb, make_plan(stack, task, connect(url)), report=handle)
    assert not result.clean
    assert {k: v for k, v in result.counts.items() if v} == {"OVERWRITE": 1, "REJECTED": 1}
    records = {r["type"]: r for r in map(json.loads, report.read_text().splitlines())}
    assert records["OVERWRITE"]["key"] == {"pk": {"S": "F#7"}}
    assert records["OVERWRITE"]["source_table"] == "clash.f and clash.f"
    assert [r["id"] for r in records["OVERWRITE"]["rows"]] == ["1", "2"]
    assert records["REJECTED"]["error"].startswith(
        "key-too-long: One or more parameter values were invalid: Size of key pk"
    )
