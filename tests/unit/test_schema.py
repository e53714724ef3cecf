"""Reading the source schema from DDL with sqlglot."""

from __future__ import annotations

import pytest

from mappings.design.keyspace import ANY, DIGITS, segments, shared_value
from mappings.schema import SourceSchema
from tests.conftest import ROOT

SAKILA_DDL = (ROOT / "stacks/sql/sakila-schema.sql").read_text()


@pytest.fixture(scope="module")
def sakila() -> SourceSchema:
    return SourceSchema.from_ddl(SAKILA_DDL, name="yourdb")


def test_all_sixteen_tables(sakila: SourceSchema) -> None:
    assert len(sakila.tables) == 16 and sakila.table("film_text") is not None


def test_keys(sakila: SourceSchema) -> None:
    rental, film_actor = sakila.tables["rental"], sakila.tables["film_actor"]
    assert rental.primary_key == ("rental_id",)
    assert rental.unique_keys == (("rental_date", "inventory_id", "customer_id"),)
    assert film_actor.primary_key == ("actor_id", "film_id")


def test_column_facts(sakila: SourceSchema) -> None:
    film = sakila.tables["film"]
    rate, rating, title = film.column("rental_rate"), film.column("rating"), film.column("title")
    assert rate is not None and (rate.data_type, rate.precision, rate.scale, rate.nullable) == ("decimal", 4, 2, False)
    assert rating is not None and rating.values == ("G", "PG", "PG-13", "R", "NC-17") and rating.nullable
    assert title is not None and (title.length, title.max_text_bytes) == (128, 512)
    returned = sakila.tables["rental"].column("RETURN_DATE")  # MySQL column names are case-insensitive
    assert returned is not None and returned.nullable
    inventory_id = sakila.tables["inventory"].column("inventory_id")
    assert inventory_id is not None and (inventory_id.data_type, inventory_id.unsigned) == ("mediumint", True)


def test_ddl_that_does_not_parse_is_reported_with_its_line_not_dropped() -> None:
    from mappings.schema.ddl import read_ddl_report

    report = read_ddl_report("CREATE TABLE ok (a INT);\nCREATE TABLE t (a INT", name="db")
    assert list(report.schema.tables) == ["ok"]
    (unread,) = report.unread
    assert (unread.line, unread.text) == (2, "CREATE TABLE t (a INT")


def test_keyspace_overlap_and_witness() -> None:
    alphabet = {"film_id": DIGITS, "title": ANY}.get

    def pattern(text: str) -> tuple:  # type: ignore[type-arg]
        return segments(text, lambda c: alphabet(c, ANY))

    assert shared_value(pattern("FILM#${film_id}"), pattern("FILM#${title}")) == "FILM#1"
    assert shared_value(pattern("FILM#${film_id}"), pattern("ACTOR#${film_id}")) is None
    assert shared_value(pattern("A#${film_id}"), pattern("A#X")) is None  # digits never spell X
    assert shared_value(pattern("${title}#${title}"), pattern("X#Y#Z")) == "X#Y#Z"
