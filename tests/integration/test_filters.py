"""Source filters (DMS FILT page) in the full load, in CDC and in verify, on real servers.

Every operator on a four-row table, expected ids written by hand from the operator table:
``ste``/``lte`` <=, ``gte`` >=, ``eq``, ``noteq``, ``between`` inclusive, ``notbetween``, ``null``,
``notnull``; conditions in one filter OR-ed, filters AND-ed; a comparison with NULL never holds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cdc.checkpoint import binlog_head
from dms_dynamodb.cdc.follower import ChangeApplier, follow
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import make_plan
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import parse_stack
from dms_dynamodb.verify.full import verify

ROWS = [
    "(1, 5, 1.50, 'apple', '2024-01-01 00:00:00', '2024-01-01', 'x')",
    "(2, 10, 2.50, 'Banana', '2024-06-30 23:59:59', '2024-06-30', 'x')",
    "(3, 15, 10.00, 'cherry', '2024-07-01 00:00:00', '2024-07-01', 'x')",
    "(4, NULL, NULL, NULL, NULL, NULL, 'x')",
]


def cond(operator: str, *values: str) -> dict[str, str]:
    if len(values) == 2:
        return {"filter-operator": operator, "start-value": values[0], "end-value": values[1]}
    return {"filter-operator": operator, **({"value": values[0]} if values else {})}


def filt(column: str, *conditions: dict[str, str]) -> dict[str, Any]:
    return {"filter-type": "source", "column-name": column, "filter-conditions": list(conditions)}


# (case, filters, ids after the full load, ids after CDC). The CDC script below: insert 5 (row 3's
# values), insert 6 (row 4's NULLs), update row 1's note, delete row 2.
CASES = [
    ("ste", [filt("n", cond("ste", "10"))], {1, 2}, {1}),
    ("lte-decimal", [filt("price", cond("lte", "2.5"))], {1, 2}, {1}),
    ("gte-datetime", [filt("placed_at", cond("gte", "2024-07-01 00:00:00"))], {3}, {3, 5}),
    ("eq-text-case-sensitive", [filt("name", cond("eq", "Banana"))], {2}, set()),
    ("eq-text-other-case", [filt("name", cond("eq", "banana"))], set(), set()),
    ("noteq", [filt("n", cond("noteq", "10"))], {1, 3}, {1, 3, 5}),
    ("between-date", [filt("day", cond("between", "2024-01-01", "2024-06-30"))], {1, 2}, {1}),
    ("notbetween", [filt("n", cond("notbetween", "6", "14"))], {1, 3}, {1, 3, 5}),
    ("null", [filt("name", cond("null"))], {4}, {4, 6}),
    ("notnull", [filt("price", cond("notnull"))], {1, 2, 3}, {1, 3, 5}),
    ("or-in-one-filter", [filt("n", cond("eq", "5"), cond("eq", "15"))], {1, 3}, {1, 3, 5}),
    ("and-across-filters", [filt("n", cond("gte", "10")), filt("name", cond("notnull"))], {2, 3}, {3, 5}),
]


def _stack(database: str, filters: list[dict[str, Any]]) -> Any:
    mappings = {
        "rules": [
            {
                "rule-type": "selection",
                "rule-id": "1",
                "rule-name": "orders",
                "rule-action": "include",
                "object-locator": {"schema-name": database, "table-name": "f"},
                "filters": filters,
            },
            {
                "rule-type": "object-mapping",
                "rule-id": "2",
                "rule-name": "map-f",
                "rule-action": "map-record-to-record",
                "object-locator": {"schema-name": database, "table-name": "f"},
                "target-table-name": database,
                "mapping-parameters": {
                    "partition-key-name": "pk",
                    "attribute-mappings": [
                        {
                            "target-attribute-name": "pk",
                            "attribute-type": "scalar",
                            "attribute-sub-type": "string",
                            "value": "F#$${id}",
                        }
                    ],
                },
            },
        ]
    }
    task = {
        "replication_task_id": database,
        "migration_type": "full-load-and-cdc",
        "table_mappings": json.dumps(mappings),
    }
    table = {"name": database, "hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}]}
    return parse_stack({"resource": {"aws_dynamodb_table": {"t": table}, "aws_dms_replication_task": {"a": task}}})


def _ids(ddb: Any, table: str) -> set[int]:
    items = [i for page in ddb.get_paginator("scan").paginate(TableName=table) for i in page["Items"]]
    return {int(i["pk"]["S"].removeprefix("F#")) for i in items}


@pytest.mark.parametrize(("case", "filters", "loaded", "after_cdc"), CASES, ids=[c[0] for c in CASES])
def test_filter_in_load_cdc_and_verify(
    case: str,
    filters: list[dict[str, Any]],
    loaded: set[int],
    after_cdc: set[int],
    mariadb: Any,
    dynalite: Any,
    tmp_path: Path,
) -> None:
    database = "filter_" + case.replace("-", "_")
    admin = connect(mariadb.url(""))
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {database}")
        cursor.execute(f"CREATE DATABASE {database}")
        cursor.execute(
            f"CREATE TABLE {database}.f (id INT PRIMARY KEY, n INT, price DECIMAL(5,2), name VARCHAR(20) "
            "COLLATE utf8mb4_general_ci, placed_at DATETIME, day DATE, note VARCHAR(20))"
        )
        cursor.execute(f"INSERT INTO {database}.f VALUES " + ", ".join(ROWS))
    url = mariadb.url(database)
    stack = _stack(database, filters)
    plan = make_plan(stack, stack.task(None), connect(url))
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, stack.tables[database])
    start = binlog_head(admin)

    full_load(url, ddb, plan)
    assert _ids(ddb, database) == loaded

    with admin.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {database}.f SELECT 5, n, price, name, placed_at, day, note FROM {database}.f WHERE id = 3"
        )
        cursor.execute(
            f"INSERT INTO {database}.f SELECT 6, n, price, name, placed_at, day, note FROM {database}.f WHERE id = 4"
        )
        cursor.execute(f"UPDATE {database}.f SET note = 'changed' WHERE id = 1")
        cursor.execute(f"DELETE FROM {database}.f WHERE id = 2")
    follow(url, ChangeApplier(plan, ddb), tmp_path / "checkpoint.json", start, report=lambda _: None)
    assert _ids(ddb, database) == after_cdc
    if 1 in after_cdc:
        item = ddb.get_item(TableName=database, Key={"pk": {"S": "F#1"}})["Item"]
        assert item["note"] == {"S": "changed"}

    result = verify(url, ddb, plan)
    assert result.clean and result.expected == result.actual == len(after_cdc), result.render()
    admin.close()
