"""A primary-key column the items leave out (a TIME, README assumption 12) does not make verify blind.

``schedule``'s key is (flight, departs); ``departs`` is TIME, so ``map-record-to-record`` does not copy it, but
the sort key ``AT#${departs}`` holds it. A target item whose source row is gone is a MISSING_SOURCE that
``--settle`` reads again through that row (the key read back from the templates), not NOT_COMPARABLE; when no
template holds the column, NOT_COMPARABLE says exactly that.
"""

from __future__ import annotations

import json
from typing import Any

from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.stack import parse_stack
from dms_dynamodb.verify.full import verify
from mappings.terraform import escape
from tests.integration.live import plan_of
from tests.integration.test_source_faults import _database


def _stack(target: str, sort: str) -> dict[str, Any]:
    locator = {"schema-name": "dropped_key", "table-name": "schedule"}
    attributes = [
        {"target-attribute-name": n, "attribute-type": "scalar", "attribute-sub-type": "string", "value": v}
        for n, v in {"pk": "FLIGHT#${flight}", "sk": sort}.items()
    ]
    mappings = {
        "rules": [
            {"rule-type": "selection", "rule-id": "1", "rule-name": "s", "rule-action": "include", "object-locator": locator},
            {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "m", "rule-action": "map-record-to-record",
             "object-locator": locator, "target-table-name": target,
             "mapping-parameters": {"partition-key-name": "pk", "sort-key-name": "sk", "attribute-mappings": attributes}},
        ]
    }  # fmt: skip
    task = {"replication_task_id": target, "migration_type": "full-load",
            "table_mappings": escape(json.dumps(mappings))}  # fmt: skip
    table = {"name": target, "hash_key": "pk", "range_key": "sk",
             "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}]}  # fmt: skip
    return {"resource": {"aws_dynamodb_table": {"t": table}, "aws_dms_replication_task": {"a": task}}}


def _run(mariadb: Any, dynalite: Any, target: str, sort: str) -> dict[str, Any]:
    url = _database(
        mariadb, "dropped_key",
        "CREATE TABLE schedule (flight CHAR(6) NOT NULL, departs TIME NOT NULL, gate VARCHAR(4), "
        "PRIMARY KEY (flight, departs))",
        "INSERT INTO schedule VALUES ('LH400', '10:05:00', 'A1'), ('LH400', '18:30:00', 'A2')",
    )  # fmt: skip
    ddb = client(dynalite.endpoint_url)
    plan = plan_of(parse_stack(_stack(target, sort)), url)
    create_table(ddb, plan.targets[target])
    full_load(url, ddb, plan)
    ddb.put_item(TableName=target, Item={"pk": {"S": "FLIGHT#LH400"}, "sk": {"S": sort.replace("${departs}", "07:00:00").replace("${gate}", "B9")},
                                         "flight": {"S": "LH400"}, "gate": {"S": "B9"}})  # fmt: skip
    result = verify(url, ddb, plan, workers=1, settle_seconds=0.3)
    (record,) = [r for examples in result.examples.values() for r in examples]
    return record


def test_a_time_key_column_is_read_back_from_the_sort_key_and_the_difference_settles(
    mariadb: Any, dynalite: Any
) -> None:
    record = _run(mariadb, dynalite, "dropped-key", "AT#${departs}")
    # read again through the row (LH400, 07:00:00), which does not exist: a settled MISSING_SOURCE, not blind
    assert record == {
        "type": "MISSING_SOURCE",
        "table": "dropped-key",
        "key": {"pk": {"S": "FLIGHT#LH400"}, "sk": {"S": "AT#07:00:00"}},
        "settled_seconds": 0.3,
    }


def test_without_a_template_holding_it_not_comparable_says_exactly_why(mariadb: Any, dynalite: Any) -> None:
    record = _run(mariadb, dynalite, "dropped-key-2", "GATE#${gate}")
    assert record["type"] == "NOT_COMPARABLE", record
    assert "schedule: its primary-key column(s) departs are not copied into the item" in record["why"]
    assert "README assumption 12" in record["why"]
