"""The stack checks that gate load, verify and cutover speak only of the tables the task migrates (issue 27,
item 15). Real servers: the session's MariaDB and dynalite.

A ``%`` object mapping whose template names ``${id}`` matches a table the task excludes, which has no
``id`` column: DMS never reads that table, so it cannot stop the load. The same stack without the
exclude rule migrates it, and the gate stops the load naming it (the checks still check).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cli import main
from dms_dynamodb.source.connection import connect

DATABASE = "gatescope"


def _stack_file(folder: Path, *, exclude: bool) -> Path:
    rules: list[dict[str, Any]] = [
        {"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
         "object-locator": {"schema-name": DATABASE, "table-name": "%"}},
        {"rule-type": "object-mapping", "rule-id": "3", "rule-name": "map-all", "rule-action": "map-record-to-record",
         "object-locator": {"schema-name": DATABASE, "table-name": "%"}, "target-table-name": DATABASE,
         "mapping-parameters": {"partition-key-name": "pk", "attribute-mappings": [
             {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string",
              "value": "CUSTOMER#$${id}"}]}},
    ]  # fmt: skip
    if exclude:
        rules.insert(1, {"rule-type": "selection", "rule-id": "2", "rule-name": "not-the-log", "rule-action": "exclude",
                         "object-locator": {"schema-name": DATABASE, "table-name": "audit_log"}})  # fmt: skip
    task = {"replication_task_id": DATABASE, "migration_type": "full-load-and-cdc",
            "table_mappings": json.dumps({"rules": rules})}  # fmt: skip
    table = {"name": DATABASE, "hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}]}
    path = folder / f"stack-{'excluding' if exclude else 'including'}.json"
    document = {"resource": {"aws_dynamodb_table": {"t": table}, "aws_dms_replication_task": {"a": task}}}
    path.write_text(json.dumps(document))
    return path


def test_a_table_the_task_excludes_cannot_stop_load_or_verify(
    mariadb: Any, dynalite: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with connect(mariadb.url("")).cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
        cursor.execute(f"CREATE TABLE {DATABASE}.customer (id INT PRIMARY KEY, name VARCHAR(20))")
        cursor.execute(f"CREATE TABLE {DATABASE}.audit_log (line INT, msg TEXT)")
        cursor.execute(f"INSERT INTO {DATABASE}.customer VALUES (1, 'a'), (2, 'b')")
        cursor.execute(f"INSERT INTO {DATABASE}.audit_log VALUES (1, 'x')")
    servers = ["--mysql-url", mariadb.url(DATABASE), "--endpoint-url", dynalite.endpoint_url]
    excluding = str(_stack_file(tmp_path, exclude=True))
    assert main(["load", "--stack", excluding, *servers]) == 0
    out = capsys.readouterr().out
    assert "checks: 0 error(s)" in out and "audit_log" not in out.split("checks:", 1)[0].split("tables:", 1)[1]
    assert main(["verify", "--stack", excluding, *servers]) == 0
    assert "checks: 0 error(s)" in capsys.readouterr().out
    # The table migrated after all: the gate names it and stops the load.
    including = str(_stack_file(tmp_path, exclude=False))
    assert main(["load", "--stack", including, *servers]) == 1
    captured = capsys.readouterr()
    assert "'${id}' names no column of table 'audit_log'" in captured.out
    assert "the stack checks found" in captured.err and "nothing was loaded" in captured.err
