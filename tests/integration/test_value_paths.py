"""FLOAT and negative TIME on every path (issue 27, items 10 and 11): the full load, CDC and verify agree.

Real servers (the session's MariaDB and dynalite). The expected items are written by hand:
- FLOAT is single precision; the text is the shortest decimal that reads back as the same single
  (123456.7 is stored as 123456.703125, whose shortest text is ``123456.7``; the server's SELECT shows
  ``123457``, six digits, which is another single).
- TIME as MySQL shows it (MySQL manual, "The TIME Type": "TIME values may range from '-838:59:59' to
  '838:59:59'"), so ``-01:30:00`` stays ``-01:30:00`` inside a ``${}`` template.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.checkpoint import binlog_head
from dms_dynamodb.cdc.follower import ChangeApplier, follow
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import make_plan
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import parse_stack
from dms_dynamodb.verify.full import verify
from dms_dynamodb.verify.incremental import verify_since

DATABASE = "valuepaths"


def _stack() -> Any:
    def scalar(name: str, value: str) -> dict[str, str]:
        return {
            "target-attribute-name": name,
            "attribute-type": "scalar",
            "attribute-sub-type": "string",
            "value": value,
        }

    mappings = {
        "rules": [
            {"rule-type": "selection", "rule-id": "1", "rule-name": "f", "rule-action": "include",
             "object-locator": {"schema-name": DATABASE, "table-name": "f"}},
            {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "map-f", "rule-action": "map-record-to-record",
             "object-locator": {"schema-name": DATABASE, "table-name": "f"}, "target-table-name": DATABASE,
             "mapping-parameters": {"partition-key-name": "pk", "attribute-mappings": [
                 scalar("pk", "F#$${id}"), scalar("label", "V#$${v}"), scalar("when", "AT#$${tm}")]}},
        ]
    }  # fmt: skip
    task = {
        "replication_task_id": DATABASE,
        "migration_type": "full-load-and-cdc",
        "table_mappings": json.dumps(mappings),
    }
    table = {"name": DATABASE, "hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}]}
    return parse_stack({"resource": {"aws_dynamodb_table": {"t": table}, "aws_dms_replication_task": {"a": task}}})


def _item(ddb: Any, number: int) -> dict[str, Any]:
    item = ddb.get_item(TableName=DATABASE, Key={"pk": {"S": f"F#{number}"}}, ConsistentRead=True)["Item"]
    return {name: item[name] for name in ("v", "label", "when") if name in item}


def _expected(v: str, tm: str) -> dict[str, Any]:
    return {"v": {"N": v}, "label": {"S": f"V#{v}"}, "when": {"S": f"AT#{tm}"}}


def test_float_and_negative_time_render_alike_on_load_cdc_and_verify(
    mariadb: Any, dynalite: Any, tmp_path: Path
) -> None:
    admin = connect(mariadb.url(""))
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
        cursor.execute(f"CREATE TABLE {DATABASE}.f (id INT PRIMARY KEY, v FLOAT, tm TIME)")
        cursor.execute(
            f"INSERT INTO {DATABASE}.f VALUES (1, 123456.7, '-01:30:00'), (2, 656.844, '-838:59:59'), "
            "(3, 0.1, '838:59:59')"
        )
    stack = _stack()
    url = mariadb.url(DATABASE)
    plan = make_plan(stack, stack.task(None), connect(url))
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, stack.tables[DATABASE])
    start = binlog_head(admin)
    full_load(url, ddb, plan)
    assert _item(ddb, 1) == _expected("123456.7", "-01:30:00")  # the server's SELECT text is 123457
    assert _item(ddb, 2) == _expected("656.844", "-838:59:59")
    assert _item(ddb, 3) == _expected("0.1", "838:59:59")
    with admin.cursor() as cursor:
        cursor.execute(f"INSERT INTO {DATABASE}.f VALUES (4, 123456.7, '-01:30:00')")
        cursor.execute(f"UPDATE {DATABASE}.f SET v = 3.14159, tm = '-00:00:01' WHERE id = 2")
    follow(url, ChangeApplier(plan, ddb), tmp_path / "cdc.json", start, report=lambda _: None)
    assert _item(ddb, 4) == _expected("123456.7", "-01:30:00")  # the binlog carries 123456.703125
    assert _item(ddb, 2) == _expected("3.14159", "-00:00:01")
    full = verify(url, ddb, plan, workers=1)
    assert full.clean and full.expected == 4, full.render()
    since, changes = verify_since(url, ddb, plan, start)
    assert since.clean and len(changes.rows) == 2, since.render()
