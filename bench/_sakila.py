"""Shared by the benches: a throwaway MariaDB with the Sakila data and a dynalite, and the Sakila plan."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dms_dynamodb.plan import Plan, make_plan
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import read_stack
from stacks.sakila_data import generate, load

ROOT = Path(__file__).resolve().parent.parent
STACK = (
    ROOT / "tests" / "snapshots" / "__snapshots__" / "test_stack_snapshots" / "test_stack_json_snapshot[sakila].json"
)
SCHEMA = "yourdb"


@contextmanager
def sakila_servers(directory: Path) -> Iterator[tuple[str, Dynalite]]:
    mariadb, dynalite = MariaDB.start(directory / "mariadb"), Dynalite.start()
    try:
        mariadb.execute_file(SCHEMA, ROOT / "stacks" / "sql" / "sakila-schema.sql")
        url = mariadb.url(SCHEMA)
        load(connect(url), generate())
        yield url, dynalite
    finally:
        dynalite.stop()
        mariadb.stop()


def sakila_plan(url: str) -> Plan:
    stack = read_stack(STACK)
    return make_plan(stack, stack.task(None), connect(url))
