"""A small source for the binlog-event tests: a parent, a child with a cascading foreign key, a table
not migrated, and a selection that matches tables created later (``new%``); its stack; helpers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.checkpoint import Checkpoint, binlog_head
from dms_dynamodb.cdc.follower import CdcStats, ChangeApplier, FollowOptions, follow
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import Plan
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import read_stack
from dms_dynamodb.verify.full import Result, verify
from tests.conftest import stack_file
from tests.integration.live import plan_of

SCHEMA = "evt"
DDL = """
CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, note TEXT);
CREATE TABLE child (
  id INT PRIMARY KEY, parent_id INT, label VARCHAR(50),
  CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE ledger (id INT PRIMARY KEY, amount INT);
"""
ROWS = [
    *(f"INSERT INTO parent VALUES ({i}, 'p{i}', 'note {i}')" for i in range(1, 6)),
    *(f"INSERT INTO child VALUES ({i}, {(i + 1) // 2}, 'c{i}')" for i in range(1, 7)),
    *(f"INSERT INTO ledger VALUES ({i}, {i * 10})" for i in range(1, 4)),
]


def _mapping(rule_id: int, table: str, pk: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
    attributes = {"pk": pk, "sk": "#METADATA", **(extra or {})}
    return {
        "rule-type": "object-mapping",
        "rule-id": str(rule_id),
        "rule-name": f"map-{table.strip('%')}",
        "rule-action": "map-record-to-record",
        "object-locator": {"schema-name": SCHEMA, "table-name": table},
        "target-table-name": "shop-table",
        "mapping-parameters": {
            "partition-key-name": "pk",
            "sort-key-name": "sk",
            "attribute-mappings": [
                {"target-attribute-name": n, "attribute-type": "scalar", "attribute-sub-type": "string", "value": v}
                for n, v in attributes.items()
            ],
        },
    }


def mappings() -> dict[str, Any]:
    """parent, child and every table named ``new%`` migrated into the shop stack's table; ledger not selected.
    A parent's name is its GSI1 partition key: an empty name is a row DMS rejects (an empty GSI key)."""
    select = [
        {
            "rule-type": "selection",
            "rule-id": str(i),
            "rule-name": f"include-{t.strip('%')}",
            "rule-action": "include",
            "object-locator": {"schema-name": SCHEMA, "table-name": t},
        }
        for i, t in enumerate(("parent", "child", "new%"), start=1)
    ]
    return {
        "rules": [
            *select,
            _mapping(10, "parent", "PARENT#${id}", {"gsi1pk": "${name}", "gsi1sk": "PARENT#${id}"}),
            _mapping(11, "child", "CHILD#${id}"),
            _mapping(12, "new%", "NEW#${id}"),
        ]
    }


def write_stack(directory: Path) -> Path:
    """The shop stack with the task's mappings replaced by :func:`mappings` (Terraform's ``$${`` escapes)."""
    stack = json.loads(stack_file("shop").read_text())
    (task,) = stack["resource"]["aws_dms_replication_task"].values()
    task["table_mappings"] = json.dumps(mappings(), separators=(",", ":")).replace("${", "$${")
    path = directory / "evt-stack.json"
    path.write_text(json.dumps(stack))
    return path


@dataclass
class World:
    url: str
    ddb: Any
    endpoint: str
    stack: Path
    directory: Path
    mariadb: MariaDB

    def sql(self, *statements: str) -> None:
        """Each statement on one autocommit session (so SET SESSION holds for the ones after it)."""
        connection = connect(self.url)
        connection.autocommit(True)
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def plan(self) -> Plan:
        return plan_of(read_stack(self.stack), self.url)

    def head(self) -> Checkpoint:
        connection = connect(self.url)
        try:
            return binlog_head(connection)
        finally:
            connection.close()

    def load(self) -> Checkpoint:
        """Create the target, full-load it; the position read before the load."""
        plan = self.plan()
        for design in plan.targets.values():
            create_table(self.ddb, design)
        start = self.head()
        full_load(self.url, self.ddb, plan)
        return start

    def follow(self, start: Checkpoint, name: str = "cdc.json", **options: Any) -> CdcStats:
        applier = ChangeApplier(self.plan(), self.ddb, exceptions_table=options.pop("exceptions_table", False))
        settings = FollowOptions(until_caught_up=True, **options)
        return follow(self.url, applier, self.directory / name, start, options=settings, report=lambda _: None)

    def verify(self) -> Result:
        return verify(self.url, self.ddb, self.plan())

    def item(self, pk: str) -> dict[str, Any] | None:
        found = self.ddb.get_item(TableName="shop-table", Key={"pk": {"S": pk}, "sk": {"S": "#METADATA"}})
        return found.get("Item")  # type: ignore[no-any-return]


@contextmanager
def world(directory: Path) -> Iterator[World]:
    """A MariaDB (ROW, FULL, FULL metadata) with :data:`DDL` and :data:`ROWS`, and an empty dynalite."""
    mariadb, dynalite = MariaDB.start(directory / "mariadb"), Dynalite.start()
    try:
        setup = connect(mariadb.url(""))
        setup.autocommit(True)
        with setup.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {SCHEMA}")
        setup.close()
        found = World(
            mariadb.url(SCHEMA),
            client(dynalite.endpoint_url),
            dynalite.endpoint_url,
            write_stack(directory),
            directory,
            mariadb,
        )
        found.sql(*(s for s in DDL.split(";") if s.strip()), *ROWS)
        yield found
    finally:
        dynalite.stop()
        mariadb.stop()
