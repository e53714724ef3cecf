"""The single-table design: one declaration for the table and the mappings."""

from __future__ import annotations

import dataclasses

import pytest

from mappings import MappingError, SelectionRule, TableMappings, TargetEngine
from mappings.design import Entity, GlobalSecondaryIndex, KeyAttribute, KeyType, TableDesign, exclude, include
from mappings.design.chart import render_html, render_markdown
from mappings.schema import SourceSchema
from stacks.sakila_design import SAKILA_DESIGN
from tests.conftest import ROOT

GSI1 = GlobalSecondaryIndex(name="GSI1", partition_key=KeyAttribute("gsi1pk"))


def test_default_selection_is_one_explicit_rule_per_entity() -> None:
    mappings = SAKILA_DESIGN.table_mappings("yourdb")
    explicit = [r for r in mappings.rules if isinstance(r, SelectionRule)]
    assert [r.object_locator.table_name for r in explicit] == [e.table for e in SAKILA_DESIGN.entities]
    assert {r.rule_action.value for r in explicit} == {"explicit"}
    assert mappings.check(TargetEngine.DYNAMODB) == []


def test_renames_and_exclusions_become_attribute_mappings() -> None:
    design = TableDesign(
        table_name="t-1",
        entities=(
            Entity(
                table="film", partition_key="FILM#${film_id}", renames={"title": "name"}, exclude_columns=("notes",)
            ),
        ),
    )
    rule = design.object_mapping_rules("db")[0].to_dict()
    params = rule["mapping-parameters"]
    assert params["exclude-columns"] == ["notes", "title"]
    assert params["attribute-mappings"][-1] == {
        "target-attribute-name": "name",
        "attribute-type": "scalar",
        "attribute-sub-type": "string",
        "value": "${title}",
    }


def test_hand_written_rules_work_beside_the_design() -> None:
    extra = exclude("yourdb", "audit_log")
    mappings = SAKILA_DESIGN.table_mappings("yourdb", selection=[include("yourdb")], extra_rules=[extra])
    assert mappings.to_dict()["rules"][-1]["rule-name"] == "exclude-audit-log"
    assert isinstance(mappings, TableMappings)


def test_document_entities() -> None:
    design = TableDesign(table_name="t-1", entities=(Entity(table="film", partition_key="F#${id}", as_document=True),))
    assert design.object_mapping_rules("db")[0].rule_action.value == "map-record-to-document"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"entities": (Entity(table="a", partition_key="A#${id}", index_keys={"gsi9pk": "x"}),)},
            "index_keys names 'gsi9pk', which is not a key of any index",
        ),
        (
            {"entities": (Entity(table="a", partition_key="A#${id}", sort_key=None),)},
            "entity needs a sort_key template",
        ),
        (
            {"entities": (Entity(table="a", partition_key="A#${id}"), Entity(table="a", partition_key="B#${id}"))},
            "table 'a' has more than one entity",
        ),
        (
            {"entities": (Entity(table="a", partition_key="A#${id}", renames={"id": "gsi1pk"}),)},
            "renames 'id' to key attribute 'gsi1pk'",
        ),
        ({"indexes": (GSI1, GSI1)}, "index name 'GSI1' is used twice"),
        ({"indexes": tuple(dataclasses.replace(GSI1, name=f"G{i}") for i in range(21))}, "at most 20"),
        (
            {"indexes": (dataclasses.replace(GSI1, partition_key=KeyAttribute("pk", KeyType.NUMBER)),)},
            "attribute 'pk' is declared both as STRING and NUMBER",
        ),
    ],
)
def test_design_errors(change: dict[str, object], message: str) -> None:
    with pytest.raises(MappingError, match=message):
        TableDesign(**{"table_name": "t-1", "indexes": (GSI1,), **change})  # type: ignore[arg-type]


def test_markdown_chart_has_a_row_per_entity_and_pattern() -> None:
    schema = SourceSchema.from_ddl((ROOT / "stacks/sql/sakila-schema.sql").read_text(), name="yourdb")
    text = render_markdown(SAKILA_DESIGN, schema)
    assert "| rental | `CUSTOMER#${customer_id}` | `RENTAL#${rental_id}` |" in text
    assert "`pk=CUSTOMER#1, sk=RENTAL#1, gsi2pk=INVENTORY#1, gsi2sk=RENTAL#1`" in text
    assert "| Films of an actor | `GSI1` | `gsi1pk = ACTOR#<actor_id> AND begins_with(gsi1sk, 'FILM#')` |" in text
    assert text.count("\n| ") == 2 * 2 + len(SAKILA_DESIGN.entities) + len(SAKILA_DESIGN.access_patterns) - 2


def test_html_chart_escapes() -> None:
    text = render_html(SAKILA_DESIGN)
    assert text.count("<tr>") == 2 + len(SAKILA_DESIGN.entities) + len(SAKILA_DESIGN.access_patterns)
    assert "begins_with(gsi1sk, &#x27;FILM#&#x27;)" in text
