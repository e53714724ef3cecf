"""Source data that used to split the paths, on real servers: names with ``%``, non-ASCII filters on latin1 and
utf8mb4 columns, zero and impossible dates under a permissive ``sql_mode``. Each case runs the full load, CDC
and verify, and they must agree (expected ids and items written by hand)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cdc.checkpoint import binlog_head
from dms_dynamodb.cdc.follower import ChangeApplier, follow
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import parse_stack, read_stack
from dms_dynamodb.verify.full import verify
from dms_dynamodb.verify.incremental import verify_since
from mappings.terraform import escape, unescape
from tests import timing
from tests.conftest import ROOT
from tests.integration.live import plan_of


def _stack(
    schema: str, table: str, target: str, *, filters: list[dict[str, Any]] | None = None, **extra: str
) -> dict[str, Any]:
    """A Terraform JSON stack: ``schema.table`` into ``target`` (pk ``K#${id}`` unless ``extra`` says, plus ``extra``)."""
    locator = {"schema-name": schema, "table-name": table}
    attributes = [
        {"target-attribute-name": name, "attribute-type": "scalar", "attribute-sub-type": "string", "value": value}
        for name, value in {"pk": "K#${id}", **extra}.items()
    ]
    selection: dict[str, Any] = {"rule-type": "selection", "rule-id": "1", "rule-name": "s", "rule-action": "include",
                                 "object-locator": locator}  # fmt: skip
    if filters:
        selection["filters"] = filters
    mappings = {
        "rules": [
            selection,
            {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "m", "rule-action": "map-record-to-record",
             "object-locator": locator, "target-table-name": target,
             "mapping-parameters": {"partition-key-name": "pk", "attribute-mappings": attributes}},
        ]
    }  # fmt: skip
    task = {"replication_task_id": target, "migration_type": "full-load-and-cdc",
            "table_mappings": escape(json.dumps(mappings))}  # fmt: skip
    definition = {"name": target, "hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}]}
    return {"resource": {"aws_dynamodb_table": {"t": definition}, "aws_dms_replication_task": {"a": task}}}


def _items(ddb: Any, table: str) -> dict[str, dict[str, Any]]:
    pages = ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    return {item["pk"]["S"]: item for page in pages for item in page["Items"]}


def _database(mariadb: Any, name: str, *statements: str, sql_mode: str | None = None) -> str:
    admin = connect(mariadb.url(""))
    with admin.cursor() as cursor:
        if sql_mode is not None:
            cursor.execute("SET SESSION sql_mode = %s", (sql_mode,))
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}`")
        cursor.execute(f"USE `{name}`")
        for statement in statements:
            cursor.execute(statement)
    admin.close()
    return str(mariadb.url(name))


def _run(url: str, *statements: str, sql_mode: str | None = None) -> None:
    connection = connect(url)
    with connection.cursor() as cursor:
        if sql_mode is not None:
            cursor.execute("SET SESSION sql_mode = %s", (sql_mode,))
        for statement in statements:
            cursor.execute(statement)
    connection.close()


# --------------------------------------------------------------------------------- names with %


def _two_tables() -> dict[str, Any]:
    """``t%sx`` (DMS cannot filter a locator with ``%``) and ``filtered``, whose filter names ``c%sd``."""
    document = _stack("pct_names", "t%sx", "pct-names")
    gte = {
        "filter-type": "source",
        "column-name": "c%sd",
        "filter-conditions": [{"filter-operator": "gte", "value": "10"}],
    }
    locator = {"schema-name": "pct_names", "table-name": "filtered"}
    other = _stack("pct_names", "filtered", "pct-names", filters=[gte], pk="F#${id}")
    rules = json.loads(unescape(other["resource"]["aws_dms_replication_task"]["a"]["table_mappings"]))["rules"]
    task = document["resource"]["aws_dms_replication_task"]["a"]
    mappings = json.loads(unescape(task["table_mappings"]))
    for rule, number in zip(rules, ("3", "4"), strict=True):
        mappings["rules"].append({**rule, "rule-id": number, "rule-name": f"r{number}", "object-locator": locator})
    task["table_mappings"] = escape(json.dumps(mappings))
    return document


def test_a_table_and_columns_named_with_percent_load_follow_and_verify(
    mariadb: Any, dynalite: Any, tmp_path: Path
) -> None:
    url = _database(
        mariadb,
        "pct_names",
        "CREATE TABLE `t%sx` (id INT PRIMARY KEY, `a%%b` VARCHAR(10), `c%sd` INT)",
        "INSERT INTO `t%sx` VALUES (1, 'x', 5), (2, 'y', 10)",
        "CREATE TABLE filtered (id INT PRIMARY KEY, `c%sd` INT)",
        "INSERT INTO filtered VALUES (1, 5), (2, 10), (3, 15), (4, NULL)",
    )
    plan = plan_of(parse_stack(_two_tables()), url)
    assert plan.tables == [("pct_names", "filtered"), ("pct_names", "t%sx")]
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, plan.targets["pct-names"])
    start = binlog_head(connect(url))

    report = full_load(url, ddb, plan)
    assert (report.rows, report.written, report.rejections) == (4, 4, [])
    assert {k: (i.get("a%%b"), i["c%sd"]) for k, i in _items(ddb, "pct-names").items()} == {
        "K#1": ({"S": "x"}, {"N": "5"}),
        "K#2": ({"S": "y"}, {"N": "10"}),
        "F#2": (None, {"N": "10"}),
        "F#3": (None, {"N": "15"}),
    }

    _run(
        url,
        "UPDATE `t%sx` SET `a%%b` = 'changed', `c%sd` = 6 WHERE id = 2",
        "INSERT INTO `t%sx` VALUES (3, 'v', 20)",
        "DELETE FROM `t%sx` WHERE id = 1",
        "UPDATE filtered SET `c%sd` = 12 WHERE id = 1",  # moves into the filter
        "INSERT INTO filtered VALUES (5, 20), (6, 1)",
        "DELETE FROM filtered WHERE id = 3",
    )
    follow(url, ChangeApplier(plan, ddb), tmp_path / "cdc.json", start, report=lambda _: None)
    assert {k: (i.get("a%%b"), i["c%sd"]) for k, i in _items(ddb, "pct-names").items()} == {
        "K#2": ({"S": "changed"}, {"N": "6"}),
        "K#3": ({"S": "v"}, {"N": "20"}),
        "F#1": (None, {"N": "12"}),
        "F#2": (None, {"N": "10"}),
        "F#5": (None, {"N": "20"}),
    }

    result = verify(url, ddb, plan, workers=2)
    assert result.clean and (result.expected, result.actual) == (5, 5), result.render()
    # The rows changed since the start map to K#1..3, F#1, F#3, F#5; K#1 and F#3 are gone on both sides.
    since, _changes = verify_since(url, ddb, plan, start)
    assert since.clean and (since.expected, since.actual) == (4, 4), since.render()

    ddb.delete_item(TableName="pct-names", Key={"pk": {"S": "K#3"}})  # a real difference, read again by key
    settled = verify(url, ddb, plan, workers=2, settle_seconds=0.3)
    assert settled.counts["MISSING_TARGET"] == 1 and settled.examples["MISSING_TARGET"][0]["key"] == {
        "pk": {"S": "K#3"}
    }


# --------------------------------------------------------------------------------- non-ASCII filters

ROWS = "(1, 'é'), (2, 'e'), (3, 'É'), (4, 'z'), (5, 'é ')"
# (operator, value, ids after the load, ids after CDC: insert 6 'é', 7 'e', 8 'ü'; delete 1), by code point:
# e U+0065 < f U+0066 < z U+007A < É U+00C9 < é U+00E9 < ü U+00FC; 'é ' is not 'é' (no padding).
CHARSET_CASES = [
    ("eq", "é", {1}, {6}),
    ("gte", "f", {1, 3, 4, 5}, {3, 4, 5, 6, 8}),
]


@pytest.mark.parametrize("charset", ["latin1", "utf8mb4"])
@pytest.mark.parametrize(("operator", "value", "loaded", "followed"), CHARSET_CASES, ids=[c[0] for c in CHARSET_CASES])
def test_a_non_ascii_filter_admits_the_same_rows_in_load_cdc_and_verify(
    charset: str,
    operator: str,
    value: str,
    loaded: set[int],
    followed: set[int],
    mariadb: Any,
    dynalite: Any,
    tmp_path: Path,
) -> None:
    name = f"charset_{charset}_{operator}"
    url = _database(
        mariadb,
        name,
        f"CREATE TABLE f (id INT PRIMARY KEY, name VARCHAR(20) CHARACTER SET {charset})",
        f"INSERT INTO f VALUES {ROWS}",
    )
    condition = {"filter-type": "source", "column-name": "name",
                 "filter-conditions": [{"filter-operator": operator, "value": value}]}  # fmt: skip
    target = name.replace("_", "-")
    plan = plan_of(parse_stack(_stack(name, "f", target, filters=[condition])), url)
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, plan.targets[target])
    start = binlog_head(connect(url))

    full_load(url, ddb, plan)
    assert {int(k[2:]) for k in _items(ddb, target)} == loaded
    _run(url, "INSERT INTO f VALUES (6, 'é'), (7, 'e'), (8, 'ü')", "DELETE FROM f WHERE id = 1")
    follow(url, ChangeApplier(plan, ddb), tmp_path / "cdc.json", start, report=lambda _: None)
    assert {int(k[2:]) for k in _items(ddb, target)} == followed
    result = verify(url, ddb, plan, workers=2)
    assert result.clean and result.expected == result.actual == len(followed), result.render()


# --------------------------------------------------------------------------------- zero and impossible dates

PERMISSIVE = "ALLOW_INVALID_DATES"  # no NO_ZERO_DATE, NO_ZERO_IN_DATE or strict mode: all of these are stored
DATED = [
    "(1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 'zero')",
    "(2, '2024-02-30', '2024-02-30 10:00:00', NULL, 'invalid')",  # ALLOW_INVALID_DATES: not for TIMESTAMP
    "(3, '2024-00-10', '2024-01-00 00:00:00', NULL, 'zero-part')",
    "(4, '2024-02-29', '2024-02-29 10:00:00', '2024-02-29 10:00:00', 'real')",
]
#: The items DMS-as-modeled writes for them: a date the calendar does not have is NULL (left out; "" in a template).
EXPECTED = {
    1: {"id": {"N": "1"}, "note": {"S": "zero"}, "label": {"S": "zero:"}},
    2: {"id": {"N": "2"}, "note": {"S": "invalid"}, "label": {"S": "invalid:"}},
    3: {"id": {"N": "3"}, "note": {"S": "zero-part"}, "label": {"S": "zero-part:"}},
    4: {
        "id": {"N": "4"},
        "d": {"S": "2024-02-29"},
        "dt": {"S": "2024-02-29 10:00:00"},
        "ts": {"S": "2024-02-29 10:00:00"},
        "note": {"S": "real"},
        "label": {"S": "real:2024-02-29"},
    },
}
DATE_CASES = [
    ("no-filter", None, {1, 2, 3, 4}),
    ("null", {"filter-operator": "null"}, {1, 2, 3}),
    ("gte", {"filter-operator": "gte", "value": "2024-01-01"}, {4}),  # not 2024-02-30, which SQL alone would take
    ("notbetween", {"filter-operator": "notbetween", "start-value": "2000-01-01", "end-value": "2000-12-31"}, {4}),
]


@pytest.mark.parametrize(("case", "condition", "loaded"), DATE_CASES, ids=[c[0] for c in DATE_CASES])
def test_zero_and_impossible_dates_are_null_in_load_cdc_and_verify(
    case: str, condition: dict[str, str] | None, loaded: set[int], mariadb: Any, dynalite: Any, tmp_path: Path
) -> None:
    name = "dates_" + case.replace("-", "_")
    url = _database(
        mariadb,
        name,
        "CREATE TABLE d (id INT PRIMARY KEY, d DATE NULL, dt DATETIME NULL, ts TIMESTAMP NULL DEFAULT NULL, "
        "note VARCHAR(10))",
        "INSERT INTO d VALUES " + ", ".join(DATED),
        sql_mode=PERMISSIVE,
    )
    filters = [{"filter-type": "source", "column-name": "d", "filter-conditions": [condition]}] if condition else None
    target = name.replace("_", "-")
    document = _stack(name, "d", target, filters=filters, label="${note}:${d}")
    stack_path = tmp_path / "stack.json"
    stack_path.write_text(json.dumps(document))
    plan = plan_of(parse_stack(document), url)
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, plan.targets[target])
    start = binlog_head(connect(url))

    full_load(url, ddb, plan)
    items = _items(ddb, target)
    assert {k: {n: v for n, v in i.items() if n != "pk"} for k, i in items.items()} == {
        f"K#{n}": EXPECTED[n] for n in loaded
    }

    # The same rows again through the binlog (ids + 10), followed by the command (which reads a
    # 2024-02-30 DATE from the binlog as NULL, not as the end of the stream).
    _run(url, "INSERT INTO d SELECT id + 10, d, dt, ts, note FROM d", sql_mode=PERMISSIVE)
    command = [sys.executable, "-m", "dms_dynamodb", "cdc", "--stack", str(stack_path), "--mysql-url", url,
               "--endpoint-url", dynalite.endpoint_url, "--checkpoint", str(tmp_path / "cdc.json"),
               "--start", str(start), "--until-caught-up", "--no-exceptions-table"]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timing.seconds(60))
    assert done.returncode == 0, done.stdout + done.stderr
    items = _items(ddb, target)
    assert set(items) == {f"K#{n}" for n in loaded} | {f"K#{n + 10}" for n in loaded}
    for n in loaded:  # CDC writes what the load wrote, attribute for attribute
        assert {a: v for a, v in items[f"K#{n + 10}"].items() if a not in ("pk", "id")} == {
            a: v for a, v in EXPECTED[n].items() if a != "id"
        }
    result = verify(url, ddb, plan_of(read_stack(stack_path), url), workers=2)
    assert result.clean and result.expected == result.actual == 2 * len(loaded), result.render()
