"""The live-schema path (information_schema of a real MariaDB) gives the same findings as the DDL path."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from dms_dynamodb.cli import main
from dms_dynamodb.source.schema_reader import read_schema_url
from mappings.design import Entity, include
from mappings.schema import SourceSchema
from mappings.validation.schema_checks import check_against_schema
from stacks.sakila_design import SAKILA_DESIGN
from stacks.sakila_mappings import sakila_table_mappings
from tests.conftest import ROOT
from tests.unit.test_schema_checks import ARTICLE_SELECTION, with_entity

DDL = ROOT / "stacks/sql/sakila-schema.sql"


@pytest.fixture(scope="module")
def live(sakila_db: str) -> SourceSchema:
    return read_schema_url(sakila_db)


@pytest.fixture(scope="module")
def from_ddl() -> SourceSchema:
    return SourceSchema.from_ddl(DDL.read_text(), name="yourdb")


def test_same_tables_columns_and_keys(live: SourceSchema, from_ddl: SourceSchema) -> None:
    assert sorted(live.tables) == sorted(from_ddl.tables)
    for name, table in from_ddl.tables.items():
        other = live.tables[name]
        assert (other.primary_key, sorted(other.unique_keys)) == (table.primary_key, sorted(table.unique_keys)), name
        assert other.columns == table.columns, name


DESIGNS = {
    "article": SAKILA_DESIGN,
    "rental keyed by customer": with_entity("rental", sort_key="#METADATA"),
    "nullable gsi key": with_entity("rental", index_keys={"gsi2pk": "R#${return_date}", "gsi2sk": "R#${rental_id}"}),
    "film_text collides": dataclasses.replace(
        SAKILA_DESIGN, entities=(*SAKILA_DESIGN.entities, Entity(table="film_text", partition_key="FILM#${film_id}"))
    ),
    "unknown column": with_entity("film", partition_key="FILM#${flim_id}"),
}


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_same_findings_as_the_ddl_path(name: str, live: SourceSchema, from_ddl: SourceSchema) -> None:
    design = DESIGNS[name]
    selection = [include("yourdb", "%")] if name == "film_text collides" else ARTICLE_SELECTION
    mappings = design.table_mappings("yourdb", selection=selection, first_rule_id=10)
    from_server = [str(i) for i in check_against_schema(mappings, live, design=design)]
    assert from_server == [str(i) for i in check_against_schema(mappings, from_ddl, design=design)]
    assert from_server  # every case has findings (the article: its unmapped tables)


def test_command_line_reads_a_live_server(
    mariadb: Any, live: SourceSchema, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.json"
    path.write_text(sakila_table_mappings().to_json())
    assert main(["check", str(path), "--mysql-url", mariadb.url("yourdb"), "--strict"]) == 1  # 7 warnings
    assert main(["check", str(path), "--mysql-url", mariadb.url("yourdb")]) == 0
    assert "table 'payment' is selected but has no object-mapping rule" in capsys.readouterr().out
