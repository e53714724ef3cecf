"""Views, as DMS documents them for MySQL sources: selected only with table-type view (or all), loaded by
the full load and verified; CDC does not apply their changes, and says so once per view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cdc.checkpoint import binlog_head
from dms_dynamodb.cli import main
from dms_dynamodb.dynamodb.client import client
from dms_dynamodb.source.connection import connect
from mappings.terraform import escape

SCHEMA = "cinema"
RULES = [
    {"rule-type": "selection", "rule-id": "1", "rule-name": "recent-movies", "rule-action": "include",
     "object-locator": {"schema-name": SCHEMA, "table-name": "recent", "table-type": "view"}},
    {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "movie", "rule-action": "map-record-to-record",
     "object-locator": {"schema-name": SCHEMA, "table-name": "recent"}, "target-table-name": "cinema",
     "mapping-parameters": {"partition-key-name": "pk", "sort-key-name": "sk", "attribute-mappings": [
         {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string",
          "value": "MOVIE#${id}"},
         {"target-attribute-name": "sk", "attribute-type": "scalar", "attribute-sub-type": "string",
          "value": "#METADATA"}]}},
]  # fmt: skip
STACK = {
    "resource": {
        "aws_dynamodb_table": {"cinema": {"name": "cinema", "hash_key": "pk", "range_key": "sk",
                                          "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}]}},
        "aws_dms_replication_task": {"task": {"replication_task_id": "cinema", "migration_type": "full-load-and-cdc",
                                              "table_mappings": escape(json.dumps({"rules": RULES})),
                                              "replication_task_settings": "{}"}},
    }
}  # fmt: skip


@pytest.fixture(scope="module")
def source(mariadb: Any) -> str:
    connection = connect(mariadb.url(""))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SCHEMA}")
        cursor.execute(f"CREATE DATABASE {SCHEMA}")
        cursor.execute(f"CREATE TABLE {SCHEMA}.movie (id INT PRIMARY KEY, title VARCHAR(80) NOT NULL, year INT)")
        cursor.execute(f"INSERT INTO {SCHEMA}.movie VALUES (1, 'Old', 1990), (2, 'New', 2010), (3, 'Newer', 2020)")
        cursor.execute(f"CREATE VIEW {SCHEMA}.recent AS SELECT id, title, year FROM {SCHEMA}.movie WHERE year > 2000")
    connection.close()
    return str(mariadb.url(SCHEMA))


def test_a_view_selected_with_table_type_view_loads_verifies_and_cdc_says_it_does_not_follow_it(
    source: str, dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = tmp_path / "cinema.tf.json"
    stack.write_text(json.dumps(STACK))
    servers = ["--stack", str(stack), "--mysql-url", source, "--endpoint-url", dynalite.endpoint_url]
    start = binlog_head(connect(source))
    assert main(["load", *servers, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"1 tables: {SCHEMA}.recent" in out
    items = client(dynalite.endpoint_url).scan(TableName="cinema")["Items"]
    # Expected by hand: the view's two rows (year > 2000), every column copied (record-to-record).
    assert sorted((i["pk"]["S"], i["title"]["S"], i["year"]["N"]) for i in items) == [
        ("MOVIE#2", "New", "2010"),
        ("MOVIE#3", "Newer", "2020"),
    ]
    assert main(["verify", *servers]) == 0
    assert "expected 2 items, found 2" in capsys.readouterr().out

    assert main(["check-stack", "--stack", str(stack), "--mysql-url", source]) == 0
    (warning,) = [line for line in capsys.readouterr().out.splitlines() if "view-in-cdc-task" in line]
    assert (
        f"the full-load-and-cdc task selects view {SCHEMA}.recent: DMS loads views in full-load tasks only" in warning
    )

    with connect(source).cursor() as cursor:
        cursor.execute(f"UPDATE {SCHEMA}.movie SET title = 'Renamed' WHERE id = 2")
    status = main(
        ["cdc", *servers, "--checkpoint", str(tmp_path / "cdc.json"), "--start", str(start), "--until-caught-up"]
    )
    out = capsys.readouterr().out
    assert status == 0
    notes = [line for line in out.splitlines() if line.startswith(f"view {SCHEMA}.recent:")]
    assert notes == [
        f"view {SCHEMA}.recent: loaded by the full load only; CDC does not apply changes to it (DMS loads views in "
        "full-load tasks only): re-run the full load for it, or migrate its base tables"
    ]
    assert "0 applied" in out
