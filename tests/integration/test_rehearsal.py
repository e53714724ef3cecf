"""The Sakila rehearsal end to end on real servers: MariaDB with the generated data, and dynalite."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.load import LoadReport, full_load
from dms_dynamodb.plan import Plan, make_plan
from dms_dynamodb.rehearsal.patterns import query
from dms_dynamodb.rehearsal.servers import Dynalite
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import read_stack
from dms_dynamodb.verify.full import verify
from dms_dynamodb.verify.recheck import MISSING_SOURCE, MISSING_TARGET, RECORD_DIFF
from stacks.sakila_data import SCALE
from stacks.sakila_design import SAKILA_DESIGN
from tests import timing
from tests.conftest import ROOT, stack_file

TABLE = SAKILA_DESIGN.table_name
MAPPED = ("actor", "category", "customer", "film", "film_actor", "film_category", "language", "rental")


def _fresh_table(ddb: Any) -> None:
    if TABLE in ddb.list_tables()["TableNames"]:
        ddb.delete_table(TableName=TABLE)
        ddb.get_waiter("table_not_exists").wait(TableName=TABLE, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    create_table(ddb, read_stack(stack_file("sakila")).tables[TABLE])


def _plan(url: str) -> Plan:
    stack = read_stack(stack_file("sakila"))
    connection = connect(url)
    try:
        return make_plan(stack, stack.task(None), connection)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def ddb(dynalite: Any) -> Any:
    return client(dynalite.endpoint_url)


@pytest.fixture(scope="module")
def loaded(sakila_db: str, ddb: Any) -> LoadReport:
    _fresh_table(ddb)
    return full_load(sakila_db, ddb, _plan(sakila_db))


def _sql(url: str, statement: str) -> set[int]:
    connection = connect(url)
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return {row[0] for row in cursor.fetchall()}


def _ids(items: list[dict[str, Any]], attribute: str, prefix: str) -> set[int]:
    return {int(i[attribute]["S"].removeprefix(prefix)) for i in items if i[attribute]["S"].startswith(prefix)}


def _pattern(name: str) -> Any:
    return next(p for p in SAKILA_DESIGN.access_patterns if p.name == name)


def test_every_mapped_row_is_written(loaded: LoadReport) -> None:
    assert {t.table: t.rows for t in loaded.tables} == {t: SCALE[t] for t in MAPPED}
    assert all(t.written == t.rows for t in loaded.tables) and loaded.rejections == []


def test_film_with_its_actors_and_categories(loaded: LoadReport, ddb: Any, sakila_db: str) -> None:
    items = query(ddb, SAKILA_DESIGN, _pattern("Film with its actors and categories"), "FILM#1")
    assert _ids(items, "sk", "ACTOR#") == _sql(sakila_db, "SELECT actor_id FROM film_actor WHERE film_id = 1")
    assert _ids(items, "sk", "CATEGORY#") == _sql(sakila_db, "SELECT category_id FROM film_category WHERE film_id = 1")
    metadata = next(i for i in items if i["sk"]["S"] == "#METADATA")
    assert metadata["title"]["S"] == next(iter(_sql(sakila_db, "SELECT title FROM film WHERE film_id = 1")))


def test_customer_with_their_rentals(loaded: LoadReport, ddb: Any, sakila_db: str) -> None:
    items = query(ddb, SAKILA_DESIGN, _pattern("Customer with their rentals"), "CUSTOMER#7")
    assert _ids(items, "sk", "RENTAL#") == _sql(sakila_db, "SELECT rental_id FROM rental WHERE customer_id = 7")


def test_films_of_an_actor_and_in_a_category(loaded: LoadReport, ddb: Any, sakila_db: str) -> None:
    actor = query(ddb, SAKILA_DESIGN, _pattern("Films of an actor"), "ACTOR#3")
    assert _ids(actor, "gsi1sk", "FILM#") == _sql(sakila_db, "SELECT film_id FROM film_actor WHERE actor_id = 3")
    category = query(ddb, SAKILA_DESIGN, _pattern("Films in a category"), "CATEGORY#5")
    assert _ids(category, "gsi1sk", "FILM#") == _sql(
        sakila_db, "SELECT film_id FROM film_category WHERE category_id = 5"
    )


def test_rentals_of_an_inventory_item(loaded: LoadReport, ddb: Any, sakila_db: str) -> None:
    items = query(ddb, SAKILA_DESIGN, _pattern("Rentals of an inventory item"), "INVENTORY#42")
    assert _ids(items, "gsi2sk", "RENTAL#") == _sql(sakila_db, "SELECT rental_id FROM rental WHERE inventory_id = 42")


def test_the_stack_file_alone_tells_which_tables_go_where(sakila_db: str) -> None:
    plan = _plan(sakila_db)
    assert [t for _, t in plan.tables] == sorted(MAPPED)
    # include-all selects them too, but nothing maps them: DMS would create a table for each.
    assert [t for _, t in plan.unmapped] == ["address", "city", "country", "inventory", "payment", "staff", "store"]
    assert list(plan.targets) == [TABLE] and plan.undefined == ()


def test_verify_is_clean_after_the_load(loaded: LoadReport, ddb: Any, sakila_db: str) -> None:
    result = verify(sakila_db, ddb, _plan(sakila_db))
    assert result.clean and result.expected == result.actual == sum(SCALE[t] for t in MAPPED)


def test_verify_finds_missing_unexpected_and_different_items(loaded: LoadReport, ddb: Any, sakila_db: str) -> None:
    plan = _plan(sakila_db)
    original = ddb.get_item(TableName=TABLE, Key={"pk": {"S": "FILM#2"}, "sk": {"S": "#METADATA"}})["Item"]
    actor = ddb.get_item(TableName=TABLE, Key={"pk": {"S": "ACTOR#4"}, "sk": {"S": "#METADATA"}})["Item"]
    ddb.put_item(TableName=TABLE, Item={**original, "title": {"S": "CHANGED"}})
    ddb.delete_item(TableName=TABLE, Key={"pk": {"S": "ACTOR#4"}, "sk": {"S": "#METADATA"}})
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "GHOST#1"}, "sk": {"S": "#METADATA"}})
    try:
        result = verify(sakila_db, ddb, plan)
        assert {k: v for k, v in result.counts.items() if v} == {MISSING_TARGET: 1, MISSING_SOURCE: 1, RECORD_DIFF: 1}
        assert [r["key"] for r in result.examples[MISSING_TARGET]] == [
            {"pk": {"S": "ACTOR#4"}, "sk": {"S": "#METADATA"}}
        ]
        assert [r["key"] for r in result.examples[MISSING_SOURCE]] == [
            {"pk": {"S": "GHOST#1"}, "sk": {"S": "#METADATA"}}
        ]
        (diff,) = result.examples[RECORD_DIFF]
        assert diff["key"] == {"pk": {"S": "FILM#2"}, "sk": {"S": "#METADATA"}}
        assert diff["details"] == [{"attribute": "title", "expected": original["title"], "actual": {"S": "CHANGED"}}]
    finally:  # put the table back as the load left it
        ddb.delete_item(TableName=TABLE, Key={"pk": {"S": "GHOST#1"}, "sk": {"S": "#METADATA"}})
        ddb.put_item(TableName=TABLE, Item=original)
        ddb.put_item(TableName=TABLE, Item=actor)
    assert verify(sakila_db, ddb, plan).clean


def _item_count(ddb: Any) -> int:
    return sum(page["Count"] for page in ddb.get_paginator("scan").paginate(TableName=TABLE, Select="COUNT"))


def test_a_load_killed_mid_way_completes_on_rerun(sakila_db: str, loaded: LoadReport, tmp_path: Path) -> None:
    # A dynalite of its own, on disk: a client SIGKILLed mid-request must not take the session's target down
    # with it, and if this one dies of it (the test double's defect, seen under load: its port closed right
    # after the kill) it is started again on its data, as an operator would bring a target back.
    servers = [Dynalite.start(path=tmp_path / "dynalite")]
    try:
        _killed_and_rerun(sakila_db, servers, loaded, tmp_path / "dynalite")
    finally:
        for server in servers:
            server.stop()


def _killed_and_rerun(sakila_db: str, servers: list[Dynalite], loaded: LoadReport, data: Path) -> None:
    dynalite = servers[0]
    ddb = client(dynalite.endpoint_url)
    _fresh_table(ddb)
    command = [
        sys.executable,
        "-m",
        "dms_dynamodb",
        "load",
        "--stack",
        str(stack_file("sakila")),
        "--quiet",
        "--mysql-url",
        sakila_db,
        "--endpoint-url",
        dynalite.endpoint_url,
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timing.seconds(120)
    while _item_count(ddb) < 2000 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # The rerun is what an operator types once the target answers again: a dynalite still busy with the
    # killed client's half-sent batches is not the load's fault; one that died is started again on its data.
    deadline = time.monotonic() + timing.seconds(30)
    while dynalite.process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            ddb.list_tables(Limit=1)
            break
        time.sleep(0.5)
    if dynalite.process.poll() is not None:
        servers.append(Dynalite.start(path=data, port=dynalite.port))
    partial = _item_count(ddb)
    assert 0 < partial < loaded.rows, "the load was not interrupted mid-way"
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timing.seconds(300))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "exists (re-run: puts are idempotent)" in rerun.stdout
    result = verify(sakila_db, ddb, _plan(sakila_db))
    assert result.clean and result.actual == loaded.rows  # nothing lost, nothing duplicated


def test_connections_read_the_latest_rows_in_utc(sakila_db: str) -> None:
    # A reused connection must not verify against a snapshot taken before later changes, and DMS
    # writes TIMESTAMPs in UTC whatever the server's time zone.
    connection = connect(sakila_db)
    assert connection.get_autocommit() is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@session.time_zone")
        assert cursor.fetchone() == ("+00:00",)
