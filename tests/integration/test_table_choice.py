"""``load --tables`` and ``verify --tables`` on Sakila: one table's items only, the rest left out and said
so; a verify of one table does not take the items of the others (one target table holds them all) for
orphans; an unknown table is a usage error naming the tables the task migrates."""

from __future__ import annotations

from typing import Any

import pytest

from dms_dynamodb.cli import main
from stacks.sakila_data import SCALE
from tests.conftest import stack_file

TABLE = "migration-target-table"


def _run(sakila_db: str, target: Any, *args: str) -> int:
    servers = [
        "--stack",
        str(stack_file("sakila")),
        "--mysql-url",
        sakila_db,
        "--endpoint-url",
        target.meta.endpoint_url,
    ]
    return main([args[0], *servers, *args[1:]])


def test_load_and_verify_of_one_table(sakila_db: str, target: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(sakila_db, target, "load", "--tables", "film_actor", "--quiet") == 0
    out = capsys.readouterr().out
    assert "--tables: yourdb.film_actor only; left out: yourdb.actor, " in out
    pages = target.get_paginator("scan").paginate(TableName=TABLE)
    items = [item for page in pages for item in page["Items"]]
    # Written by hand from the design: film_actor is FILM#${film_id} / ACTOR#${actor_id}; nothing else was written.
    assert len(items) == SCALE["film_actor"]
    assert all(i["pk"]["S"].startswith("FILM#") and i["sk"]["S"].startswith("ACTOR#") for i in items)

    assert _run(sakila_db, target, "verify", "--tables", "film_actor") == 0
    out = capsys.readouterr().out
    assert f"expected {SCALE['film_actor']} items, found {SCALE['film_actor']}" in out and "\nclean" in out

    # Another table: its items are missing; the film_actor items are not its orphans.
    assert _run(sakila_db, target, "verify", "--tables", "language") == 1
    out = capsys.readouterr().out
    assert f"expected {SCALE['language']} items, found 0: {SCALE['language']} MISSING_TARGET, 0 MISSING_SOURCE" in out
    assert "--tables: yourdb.language only; left out: yourdb.actor, yourdb.category, " in out


def test_an_unknown_table_names_the_tables_the_task_migrates(
    sakila_db: str, target: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(sakila_db, target, "load", "--tables", "film_actor,flim") == 2
    err = capsys.readouterr().err
    assert "--tables: task 'sakila' migrates no table 'flim'; it migrates yourdb.actor, " in err
    assert target.list_tables()["TableNames"] == []  # nothing created
