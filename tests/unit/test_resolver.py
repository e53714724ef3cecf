"""The one table resolver: selection, exclusion, object mapping, views, near misses; keyed by (schema, table)."""

from __future__ import annotations

from typing import Any

import pytest

from dms_dynamodb.preflight import Status, mapped_table_findings
from dms_dynamodb.stack import parse_stack
from mappings.design import KeyAttribute, KeyType, TableDesign
from mappings.document.table_mappings import TableMappings
from mappings.items import ItemBuilder
from mappings.items.filters import FilterError
from mappings.resolver import NearMissKind, resolve
from mappings.schema import Column, SourceSchema, Table
from mappings.terraform import escape
from mappings.validation.schema_checks import check_tasks_against_schema


def _mappings(*rules: dict[str, Any]) -> TableMappings:
    numbered = [{"rule-id": str(i + 1), "rule-name": f"r{i + 1}", **rule} for i, rule in enumerate(rules)]
    return TableMappings.from_dict({"rules": numbered})


def _select(schema: str, table: str, action: str = "include", **locator: str) -> dict[str, Any]:
    return {
        "rule-type": "selection",
        "rule-action": action,
        "object-locator": {"schema-name": schema, "table-name": table, **locator},
    }


def _map(schema: str, table: str, target: str = "music", pk: str = "pk") -> dict[str, Any]:
    return {
        "rule-type": "object-mapping",
        "rule-action": "map-record-to-record",
        "object-locator": {"schema-name": schema, "table-name": table},
        "target-table-name": target,
        "mapping-parameters": {
            "partition-key-name": pk,
            "attribute-mappings": [
                {
                    "target-attribute-name": pk,
                    "attribute-type": "scalar",
                    "attribute-sub-type": "string",
                    "value": "${id}",
                }
            ],
        },
    }


ID = Column("id", "int", nullable=False)
MUSIC = SourceSchema.of(
    "music",
    [
        Table("Artist", (ID, Column("Name", "varchar", length=120)), ("id",)),
        Table("album", (ID, Column("title", "varchar", length=160)), ("id",)),
        Table("album_log", (ID,), ("id",)),
        Table("top_albums", (ID,), is_view=True),
    ],
)


def test_a_locator_that_matches_only_when_case_is_ignored_is_a_near_miss_naming_both_spellings() -> None:
    resolution = resolve(_mappings(_select("music", "%"), _map("music", "artist")).rules, [MUSIC])
    artist = resolution.get("music", "Artist")
    assert artist is not None and artist.included and artist.mapped_by is None  # selected, not mapped
    (miss,) = resolution.near_misses
    assert miss.kind is NearMissKind.CASE_MISMATCH
    assert miss.rule.index == 1 and miss.matches_ignoring_case == (("music", "Artist"),)
    assert "'music.artist'" in miss.message and "music.Artist" in miss.message


def test_a_source_that_ignores_case_matches_without_a_near_miss() -> None:
    resolution = resolve(_mappings(_select("music", "%"), _map("music", "artist")).rules, [MUSIC], ignore_case=True)
    artist = resolution.get("music", "Artist")
    assert artist is not None and artist.mapped_by is not None and artist.mapped_by.index == 1
    assert resolution.near_misses == ()


def test_check_stack_and_preflight_report_the_same_case_near_miss() -> None:
    mappings = _mappings(_select("music", "%"), _map("music", "artist"))
    issues = check_tasks_against_schema([mappings], MUSIC)
    (case,) = [i for i in issues if i.code == "case-mismatch"]
    stack = parse_stack(_stack_document(mappings))
    findings = mapped_table_findings(stack.tasks[0], resolve(mappings.rules, [MUSIC]), [MUSIC])
    (finding,) = [f for f in findings if f.status is Status.WARNING]
    assert finding.message == f"case-mismatch: {case.message}"
    assert case.path == "tasks[0].$.rules[1].object-locator.table-name"


def test_exclude_wins_whatever_the_order_and_explicit_names_exactly_one_table() -> None:
    rules = _mappings(
        _select("music", "album_log", "exclude"),
        _select("music", "album%"),
        _select("music", "Artist", "explicit"),
    ).rules
    resolution = resolve(rules, [MUSIC])
    assert [r.table.name for r in resolution.included] == ["Artist", "album"]
    log = resolution.get("music", "album_log")
    assert log is not None and log.excluded_by is not None and log.excluded_by.index == 0
    assert resolution.near_misses == ()


def test_views_are_selected_only_by_a_rule_that_asks_for_them() -> None:
    tables_only = resolve(_mappings(_select("music", "%")).rules, [MUSIC])
    assert "top_albums" not in [r.table.name for r in tables_only.included]
    views = resolve(_mappings(_select("music", "%", **{"table-type": "view"})).rules, [MUSIC])
    assert [r.table.name for r in views.included] == ["top_albums"]
    everything = resolve(_mappings(_select("music", "%", **{"table-type": "all"})).rules, [MUSIC])
    assert len(everything.included) == 4


def test_a_locator_that_matches_nothing_is_a_near_miss_but_an_empty_exclude_is_harmless() -> None:
    rules = _mappings(_select("music", "song"), _select("music", "nothing", "exclude")).rules
    (miss,) = resolve(rules, [MUSIC]).near_misses
    assert miss.kind is NearMissKind.MATCHES_NOTHING and miss.rule.index == 0


def test_the_first_matching_object_mapping_applies_and_every_match_is_kept_for_the_checks() -> None:
    rules = _mappings(_select("music", "%"), _map("music", "album", "first"), _map("music", "al%", "second")).rules
    album = resolve(rules, [MUSIC]).get("music", "album")
    assert album is not None and [m.index for m in album.mappings] == [1, 2]
    assert album.mapping is not None and album.mapping.target_table_name == "first"


# Two schemas with a table of one name: each keeps its own columns, key and filter types.
EU = SourceSchema.of(
    "eu", [Table("orders", (Column("order_id", "int", False), Column("total", "decimal", precision=10)), ("order_id",))]
)
US = SourceSchema.of(
    "us",
    [
        Table(
            "orders",
            (Column("region", "char", False, length=2), Column("order_no", "int", False), Column("total", "varchar")),
            ("region", "order_no"),
        )
    ],
)
ORDERS = TableDesign(table_name="orders", partition_key=KeyAttribute("pk", KeyType.STRING))


def test_tables_of_one_name_in_two_schemas_keep_their_own_columns_and_key() -> None:
    builder = ItemBuilder(
        _mappings(_select("%", "orders"), _map("%", "orders", "orders")), {"orders": ORDERS}, [EU, US]
    )
    assert [r.key for r in builder.resolution.mapped] == [("eu", "orders"), ("us", "orders")]
    eu, us = builder.table("eu", "orders"), builder.table("us", "orders")
    assert eu is not None and eu.primary_key == ("order_id",)
    assert us is not None and us.primary_key == ("region", "order_no")
    # DECIMAL in eu is a number; VARCHAR in us is a string (CHAP_Target.DynamoDB, target data types).
    eu_item = builder.build("eu", "orders", {"id": 1, "order_id": 1, "total": "9.50"})
    us_item = builder.build("us", "orders", {"id": 2, "region": "CA", "order_no": 2, "total": "9.50"})
    assert isinstance(eu_item, dict) and isinstance(us_item, dict)
    assert eu_item["total"] == {"N": "9.50"} and us_item["total"] == {"S": "9.50"}


def test_a_filter_is_typed_by_the_column_of_its_own_schema() -> None:
    numeric = {
        "filter-type": "source",
        "column-name": "total",
        "filter-conditions": [{"filter-operator": "gte", "value": "abc"}],
    }
    rules = _mappings(
        {**_select("eu", "orders"), "filters": [numeric]},
        {**_select("us", "orders"), "filters": [numeric]},
        _map("eu", "orders", "orders"),
        _map("us", "orders", "orders"),
    )
    builder = ItemBuilder(rules, {"orders": ORDERS}, [EU, US])
    assert builder.filter_for("us", "orders").admits({"total": "abd"})  # text compares as text
    with pytest.raises(FilterError, match="'abc' is not a decimal"):
        builder.filter_for("eu", "orders")


def _stack_document(mappings: TableMappings) -> dict[str, Any]:
    return {
        "resource": {
            "aws_dms_replication_task": {
                "task": {
                    "replication_task_id": "music-task",
                    "migration_type": "full-load-and-cdc",
                    "table_mappings": escape(mappings.to_json()),
                    "replication_task_settings": "{}",
                }
            }
        }
    }


def test_a_source_whose_server_ignores_case_makes_every_command_match_whatever_the_case() -> None:
    """lower_case_table_names 1 or 2: the live reader marks the schema, and the resolver follows it."""
    relaxed = SourceSchema.of("music", MUSIC.tables.values(), names_ignore_case=True)
    resolution = resolve(_mappings(_select("music", "%"), _map("music", "artist")).rules, [relaxed])
    artist = resolution.get("music", "Artist")
    assert artist is not None and artist.mapped_by is not None and resolution.near_misses == ()
    issues = check_tasks_against_schema([_mappings(_select("music", "%"), _map("music", "artist"))], relaxed)
    assert [i.code for i in issues if "Artist" in i.message or i.code in ("case-mismatch", "unknown-table")] == []
    assert {i.code for i in issues} == {"selected-not-mapped"}  # album and album_log: no rule maps them


class _Cursor:
    def __init__(self, value: int) -> None:
        self.value, self.executed = value, ""

    def __enter__(self) -> _Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, sql: str) -> None:
        self.executed = sql

    def fetchone(self) -> tuple[int]:
        return (self.value,)


class _Connection:
    def __init__(self, value: int) -> None:
        self.value = value

    def cursor(self) -> _Cursor:
        return _Cursor(self.value)


@pytest.mark.parametrize(("value", "ignores"), [(0, False), (1, True), (2, True)])
def test_lower_case_table_names_decides(value: int, ignores: bool) -> None:
    from dms_dynamodb.source.schema_reader import names_ignore_case

    assert names_ignore_case(_Connection(value)) is ignores
