"""Mappings checked against the shipped Sakila DDL: the article passes, each broken design fails."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from mappings import Issue, TableMappings
from mappings.design import Entity, KeyAttribute, KeyType, TableDesign, exclude, include
from mappings.schema import Column, SourceSchema, Table
from mappings.validation.schema_checks import check_against_schema
from stacks.sakila_design import SAKILA_DESIGN
from stacks.sakila_mappings import sakila_table_mappings
from tests.conftest import ROOT

SAKILA = SourceSchema.from_ddl((ROOT / "stacks/sql/sakila-schema.sql").read_text(), name="yourdb")
ARTICLE_SELECTION = [include("yourdb", "%", rule_id=1), exclude("yourdb", "film_text", rule_id=2)]
UNMAPPED = {"address", "city", "country", "inventory", "payment", "staff", "store"}


def findings(design: TableDesign, schema: SourceSchema = SAKILA, selection: Sequence | None = None) -> list[Issue]:  # type: ignore[type-arg]
    mappings = design.table_mappings("yourdb", selection=selection or ARTICLE_SELECTION, first_rule_id=10)
    return [i for i in check_against_schema(mappings, schema, design=design) if i.code != "selected-not-mapped"]


def with_entity(table: str, **changes: object) -> TableDesign:
    entities = [dataclasses.replace(e, **changes) if e.table == table else e for e in SAKILA_DESIGN.entities]  # type: ignore[arg-type]
    return dataclasses.replace(SAKILA_DESIGN, entities=tuple(entities))


def only(issues: list[Issue], code: str) -> Issue:
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, [str(i) for i in issues]
    return found[0]


def test_article_mappings_pass_with_only_the_unmapped_tables_reported() -> None:
    issues = check_against_schema(sakila_table_mappings(), SAKILA, design=SAKILA_DESIGN)
    assert [i for i in issues if i.is_error] == []
    assert {i.code for i in issues} == {"selected-not-mapped"}
    assert {i.message.split("'")[1] for i in issues} == UNMAPPED


def test_rental_keyed_only_by_customer_overwrites_rows() -> None:
    issue = only(findings(with_entity("rental", sort_key="#METADATA")), "key-overwrites-rows")
    assert issue.rule_name == "map-rental"
    assert "which use only customer_id" in issue.message
    assert (
        "Put the primary key column(s) rental_id into the key, e.g. a sort key 'RENTAL#${rental_id}'" in issue.message
    )


def test_composite_key_must_be_covered_entirely() -> None:
    issue = only(findings(with_entity("film_actor", sort_key="#ACTOR")), "key-overwrites-rows")
    assert "Put the primary key column(s) actor_id into the key" in issue.message


def test_a_unique_key_counts_as_coverage() -> None:
    design = with_entity(
        "rental", partition_key="RENTAL#${rental_date}", sort_key="${inventory_id}#${customer_id}", index_keys={}
    )
    assert [i for i in findings(design) if i.code == "key-overwrites-rows"] == []


def test_two_entities_with_the_same_key_shape_overwrite_each_other() -> None:
    design = dataclasses.replace(
        SAKILA_DESIGN, entities=(*SAKILA_DESIGN.entities, Entity(table="film_text", partition_key="FILM#${film_id}"))
    )
    issue = only(findings(design, selection=[include("yourdb", "%", rule_id=1)]), "cross-table-overwrite")
    assert "table 'film_text' and of table 'film'" in issue.message
    assert "e.g. pk 'FILM#1', sk '#METADATA'" in issue.message


def test_distinct_prefixes_never_collide() -> None:
    assert [i for i in findings(SAKILA_DESIGN) if i.code == "cross-table-overwrite"] == []


def test_nullable_column_in_a_base_key_is_an_error() -> None:
    design = dataclasses.replace(
        SAKILA_DESIGN,
        entities=(
            *SAKILA_DESIGN.entities,
            Entity(table="payment", partition_key="RENTAL#${rental_id}", sort_key="PAYMENT#${payment_id}"),
        ),
    )
    issue = only(findings(design), "nullable-key-column")
    assert issue.is_error and "payment.rental_id, which can be NULL" in issue.message


def test_nullable_column_in_an_index_key_is_a_warning() -> None:
    issue = only(
        findings(
            with_entity("rental", index_keys={"gsi2pk": "RETURNED#${return_date}", "gsi2sk": "RENTAL#${rental_id}"})
        ),
        "nullable-index-key",
    )
    assert not issue.is_error and "rental.return_date" in issue.message
    assert "rows where it is NULL are indexed under 'RETURNED#'" in issue.message  # what the rehearsal does


def test_a_nullable_column_alone_in_an_index_key_gets_an_empty_key_which_dynamodb_refuses() -> None:
    issue = only(
        findings(with_entity("rental", index_keys={"gsi2pk": "${return_date}", "gsi2sk": "RENTAL#${rental_id}"})),
        "nullable-index-key",
    )
    assert "rows where it is NULL get an empty index key, which DynamoDB refuses: the row is rejected" in issue.message


def test_unknown_placeholder_column_with_suggestion() -> None:
    issue = only(findings(with_entity("film", partition_key="FILM#${flim_id}")), "unknown-column")
    assert "'${flim_id}' names no column of table 'film'; did you mean 'film_id'?" in issue.message


def test_unknown_table() -> None:
    design = dataclasses.replace(
        SAKILA_DESIGN, entities=(*SAKILA_DESIGN.entities, Entity(table="rentals", partition_key="R#${x}"))
    )
    assert (
        "schema 'yourdb' has no table 'rentals'; did you mean 'rental'"
        in only(findings(design), "unknown-table").message
    )


def test_unknown_excluded_column() -> None:
    issue = only(findings(with_entity("film", exclude_columns=("synopsis",))), "unknown-excluded-column")
    assert "exclude-columns lists 'synopsis'" in issue.message


def test_underscore_wildcard_matching_more_than_the_literal_table() -> None:
    schema = SourceSchema.of(
        "yourdb", [*SAKILA.tables.values(), Table("film1text", (Column("id", "int", False),), ("id",))]
    )
    issue = only(findings(SAKILA_DESIGN, schema), "underscore-wildcard")
    assert "also excludes 'film1text'; write 'film[_]text' to match only 'film_text'" in issue.message


def test_selection_that_matches_nothing() -> None:
    issue = only(
        findings(SAKILA_DESIGN, selection=[*ARTICLE_SELECTION, include("yourdb", "films%", rule_id=3)]),
        "selects-nothing",
    )
    assert "No tables were found at task initialization" in issue.message


def test_number_key_filled_from_a_template() -> None:
    design = dataclasses.replace(SAKILA_DESIGN, sort_key=KeyAttribute("sk", KeyType.NUMBER))
    issue = next(i for i in findings(design) if i.code == "key-type-mismatch")
    assert "key 'sk' is declared NUMBER (N) but DMS writes a STRING (S)" in issue.message


def test_long_keys_and_large_items_are_estimated_from_column_sizes() -> None:
    wide = SourceSchema.of(
        "yourdb",
        [
            Table(
                "doc",
                (
                    Column("id", "int", False),
                    Column("slug", "varchar", False, length=600),
                    Column("body", "longtext", True),
                ),
                ("id",),
            )
        ],
    )
    design = TableDesign(
        table_name="docs", entities=(Entity(table="doc", partition_key="DOC#${slug}", sort_key="ID#${id}"),)
    )
    issues = findings(design, wide, selection=[include("yourdb", "doc")])
    assert "can reach 2404 bytes" in only(issues, "key-too-long").message
    assert "largest columns: body (longtext)" in only(issues, "item-too-large").message
    # In limited-size LOB mode (DMS's default, 32 KB) the LONGTEXT is truncated: the item fits.
    capped = check_against_schema(
        design.table_mappings("yourdb", selection=[include("yourdb", "doc")]),
        wide,
        design=design,
        lob_max_bytes=32 * 1024,
    )
    assert [i.code for i in capped if i.code == "item-too-large"] == []


def test_table_without_any_key() -> None:
    schema = SourceSchema.of("yourdb", [Table("log", (Column("at", "datetime", False),))])
    design = TableDesign(table_name="logs", entities=(Entity(table="log", partition_key="LOG#${at}"),))
    assert (
        "has no primary or unique key"
        in only(findings(design, schema, [include("yourdb", "log")]), "no-source-key").message
    )


def test_selected_but_unmapped_tables_are_named() -> None:
    issues = check_against_schema(sakila_table_mappings(), SAKILA, design=SAKILA_DESIGN)
    payment = next(i for i in issues if "'payment'" in i.message)
    assert "DMS then migrates it to a DynamoDB table named 'payment'" in payment.message


def test_hand_written_mappings_are_checked_too() -> None:
    text = sakila_table_mappings().to_json().replace('RENTAL#${rental_id}"', 'RENTAL"', 1)
    issues = check_against_schema(TableMappings.from_json(text), SAKILA)
    assert any(i.code == "key-overwrites-rows" and "rental" in i.message for i in issues)


def test_collisions_are_found_across_tasks_writing_one_table() -> None:
    from mappings.validation.schema_checks import check_tasks_against_schema

    first = SAKILA_DESIGN.table_mappings("yourdb")
    second_design = TableDesign(
        table_name=SAKILA_DESIGN.table_name,
        indexes=SAKILA_DESIGN.indexes,
        entities=(Entity(table="film_text", partition_key="FILM#${film_id}"),),
    )
    issues = check_tasks_against_schema([first, second_design.table_mappings("yourdb")], SAKILA, design=SAKILA_DESIGN)
    issue = only(issues, "cross-table-overwrite")
    assert issue.path.startswith("tasks[1].$.rules[")
    assert "table 'film' (rule-id '11' of tasks[0])" in issue.message  # ids 1-8 select, 9+ map
