"""The DMS item model: each type conversion and each rejection reason, asserting values."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from mappings.design import Entity, TableDesign
from mappings.items import Assumptions, ItemBuilder, LobPolicy, Rejection, Truncation, canonical, item_size, normalize
from mappings.schema import Column, SourceSchema, Table
from mappings.settings import TaskSettings
from stacks.sakila_design import SAKILA_DESIGN
from stacks.sakila_mappings import sakila_table_mappings
from tests.conftest import ROOT

SAKILA = SourceSchema.from_ddl((ROOT / "stacks/sql/sakila-schema.sql").read_text(), name="yourdb")
BUILDER = ItemBuilder(sakila_table_mappings(), {SAKILA_DESIGN.table_name: SAKILA_DESIGN}, [SAKILA])

TYPES = Table(
    "t",
    (
        Column("id", "int", False),
        Column("price", "decimal", True, precision=5, scale=2),
        Column("ratio", "double", True),
        Column("at", "datetime", True),
        Column("day", "date", True),
        Column("stamp", "timestamp", True),
        Column("rating", "enum", True, values=("G", "PG")),
        Column("features", "set", True, values=("Trailers", "Commentaries", "Deleted Scenes")),
        Column("picture", "blob", True),
        Column("flag", "bit", True, length=1),
        Column("bits", "bit", True, length=3),
        Column("year", "year", True),
        Column("active", "tinyint", True),
        Column("doc", "json", True),
        Column("spot", "geometry", True),
        Column("duration", "time", True),
        Column("note", "varchar", True, length=10),
    ),
    ("id",),
)
DESIGN = TableDesign(table_name="t-t", entities=(Entity(table="t", partition_key="T#${id}", sort_key="${at}"),))
TYPED = ItemBuilder(DESIGN.table_mappings("db"), {DESIGN.table_name: DESIGN}, [SourceSchema.of("db", [TYPES])])


def build(**row: object) -> dict:  # type: ignore[type-arg]
    item = TYPED.build("db", "t", {"id": 7, "at": dt.datetime(2005, 5, 24, 22, 53, 30), **row})
    assert not isinstance(item, Rejection), item
    return item


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("price", Decimal("2.50"), {"N": "2.50"}),
        ("ratio", 6.4, {"N": "6.4"}),
        ("at", dt.datetime(2005, 5, 24, 22, 53, 30, 120000), {"S": "2005-05-24 22:53:30.120000"}),
        ("day", dt.date(2006, 2, 15), {"S": "2006-02-15"}),
        ("stamp", dt.datetime(2006, 2, 15, 4, 34, 33), {"S": "2006-02-15 04:34:33"}),
        ("rating", "PG", {"S": "PG"}),
        ("features", "Trailers,Deleted Scenes", {"S": "Trailers,Deleted Scenes"}),
        ("features", {"Deleted Scenes", "Trailers"}, {"S": "Trailers,Deleted Scenes"}),  # binlog form, definition order
        # BIT(1) is DMS BOOLEAN, and Boolean on DynamoDB (CHAP_Source.MySQL, CHAP_Target.DynamoDB).
        ("flag", b"\x01", {"BOOL": True}),
        ("flag", b"\x00", {"BOOL": False}),
        ("flag", "1", {"BOOL": True}),  # binlog form of BIT
        ("flag", "0", {"BOOL": False}),
        ("year", 2006, {"N": "2006"}),
        ("active", 1, {"N": "1"}),  # TINYINT(1)/BOOLEAN is INT1: a number, not a BOOL
        ("doc", '{"k": [1, 2]}', {"S": '{"k": [1, 2]}'}),
        ("note", "", {"S": ""}),
    ],
)
def test_copied_column_types(column: str, value: object, expected: dict) -> None:  # type: ignore[type-arg]
    assert build(**{column: value})[column] == expected


@pytest.mark.parametrize("column", ["picture", "bits", "spot", "duration"])
def test_types_outside_the_dms_type_table_are_left_out(column: str) -> None:
    value = {"picture": b"\x89PNG", "bits": b"\x05", "spot": b"\x00\x00", "duration": dt.timedelta(hours=1)}[column]
    assert column not in build(**{column: value})


def test_null_columns_are_left_out_and_render_empty_in_templates() -> None:
    item = build(note=None)
    assert "note" not in item
    design = dataclasses.replace(DESIGN, entities=(Entity(table="t", partition_key="T#${id}", sort_key="N#${note}"),))
    built = ItemBuilder(
        design.table_mappings("db"), {design.table_name: design}, [SourceSchema.of("db", [TYPES])]
    ).build("db", "t", {"id": 1, "note": None})
    assert not isinstance(built, Rejection) and built["sk"] == {"S": "N#"}


def test_assumptions_are_changeable() -> None:
    builder = dataclasses.replace(TYPED, assumptions=Assumptions(drop_unsupported=False))
    item = builder.build("db", "t", {"id": 1, "at": dt.datetime(2005, 1, 1), "picture": b"\x01\x02"})
    assert not isinstance(item, Rejection) and item["picture"] == {"S": "0102"}


def test_article_item_for_a_rental() -> None:
    item = BUILDER.build(
        "yourdb",
        "rental",
        {
            "rental_id": 1,
            "rental_date": dt.datetime(2005, 5, 24, 22, 53, 30),
            "inventory_id": 367,
            "customer_id": 130,
            "return_date": None,
            "staff_id": 1,
        },
    )
    assert item == {
        "rental_id": {"N": "1"},
        "rental_date": {"S": "2005-05-24 22:53:30"},
        "inventory_id": {"N": "367"},
        "customer_id": {"N": "130"},
        "staff_id": {"N": "1"},
        "pk": {"S": "CUSTOMER#130"},
        "sk": {"S": "RENTAL#1"},
        "gsi2pk": {"S": "INVENTORY#367"},
        "gsi2sk": {"S": "RENTAL#1"},
    }


def test_document_entities_nest_the_columns() -> None:
    design = TableDesign(
        table_name="t-t", entities=(Entity(table="t", partition_key="T#${id}", sort_key="X", as_document=True),)
    )
    item = ItemBuilder(
        design.table_mappings("db"), {design.table_name: design}, [SourceSchema.of("db", [TYPES])]
    ).build("db", "t", {"id": 3, "note": "hi"})
    assert item == {"_doc": {"M": {"id": {"N": "3"}, "note": {"S": "hi"}}}, "pk": {"S": "T#3"}, "sk": {"S": "X"}}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"at": None}, "missing-key"),  # the sort key template is "${at}": empty
        ({"at": dt.datetime(2005, 1, 1), "id": "x" * 2100}, "key-too-long"),
        ({"note": "9" * 40, "price": Decimal("1" * 39)}, "number-too-precise"),
        ({"doc": "x" * (400 * 1024)}, "item-too-large"),  # full LOB mode: nothing truncates it
    ],
)
def test_rejections(row: dict, reason: str) -> None:  # type: ignore[type-arg]
    builder = dataclasses.replace(TYPED, lobs=LobPolicy(full_lob_mode=True))
    built = builder.build("db", "t", {"id": 1, "at": dt.datetime(2005, 1, 1), **row})
    assert isinstance(built, Rejection) and built.reason == reason
    exception = built.as_exception_row("task", dt.datetime(2026, 1, 1))
    assert set(exception) == {"TASK_NAME", "TABLE_OWNER", "TABLE_NAME", "ERROR_TIME", "STATEMENT", "ERROR"}
    assert exception["TABLE_NAME"] == "t" and exception["STATEMENT"].startswith("INSERT INTO db.t ")


def test_empty_index_key_is_rejected() -> None:
    from mappings.design import GlobalSecondaryIndex, KeyAttribute

    design = TableDesign(
        table_name="t-t",
        indexes=(GlobalSecondaryIndex(name="G", partition_key=KeyAttribute("g")),),
        entities=(Entity(table="t", partition_key="T#${id}", sort_key="X", index_keys={"g": "${note}"}),),
    )
    built = ItemBuilder(
        design.table_mappings("db"), {design.table_name: design}, [SourceSchema.of("db", [TYPES])]
    ).build("db", "t", {"id": 1, "note": ""})
    assert isinstance(built, Rejection) and built.reason == "empty-index-key"


# DynamoDB's Number (HowItWorks.NamingRulesDataTypes): 38 significant digits; magnitudes from 1E-130 to
# 9.9999999999999999999999999999999999999E+125, positive or negative; zero. Strings are UTF-8.
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"


@pytest.mark.parametrize(
    ("row", "reason", "error"),
    [
        ({"ratio": 1e300}, "number-out-of-range", f"{OVERFLOW} (ratio = 1e+300)"),
        ({"ratio": 1e-300}, "number-out-of-range", f"{UNDERFLOW} (ratio = 1e-300)"),
        ({"ratio": -1e300}, "number-out-of-range", f"{OVERFLOW} (ratio = -1e+300)"),
        ({"ratio": 1e126}, "number-out-of-range", f"{OVERFLOW} (ratio = 1e+126)"),  # 10 x the largest, about
        ({"price": Decimal("1E-131")}, "number-out-of-range", f"{UNDERFLOW} (price = {Decimal('1E-131'):f})"),
        (
            {"price": Decimal("123456789012345678901234567890123456789")},  # 39 significant digits
            "number-too-precise",
            "Attempting to store more than 38 significant digits in a Number (price)",
        ),
        (
            {"note": "caf\udce9"},  # a Latin-1 byte decoded with surrogateescape: no UTF-8 for it
            "invalid-utf8",
            "The string value of note is not valid UTF-8 (a lone surrogate U+DCE9 at character 3); "
            "DynamoDB strings are UTF-8",
        ),
        (
            {"id": "\ud800"},  # in the partition key: refused as a string, before its length is counted
            "invalid-utf8",
            "The string value of pk is not valid UTF-8 (a lone surrogate U+D800 at character 2); "
            "DynamoDB strings are UTF-8",
        ),
    ],
)
def test_values_dynamodb_refuses_are_rejections(row: dict, reason: str, error: str) -> None:  # type: ignore[type-arg]
    built = TYPED.build("db", "t", {"id": 1, "at": dt.datetime(2005, 1, 1), **row})
    assert isinstance(built, Rejection) and (built.reason, built.error) == (reason, error)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("price", Decimal("9.99E+125")),
        ("price", Decimal("9.9999999999999999999999999999999999999E+125")),  # the largest: 38 digits
        ("price", Decimal("-9.9999999999999999999999999999999999999E+125")),
        ("price", Decimal("1E-130")),  # the smallest positive
        ("price", Decimal("-1E-130")),
        ("price", Decimal("0")),
        ("ratio", 1e125),
        ("ratio", 0.0),
        ("price", Decimal("12345678901234567890123456789012345678")),  # 38 digits
    ],
)
def test_numbers_in_dynamodb_range_are_written(column: str, value: object) -> None:
    assert "N" in build(**{column: value})[column]


def test_a_number_nested_in_a_document_is_checked_too() -> None:
    design = TableDesign(
        table_name="t-t", entities=(Entity(table="t", partition_key="T#${id}", sort_key="X", as_document=True),)
    )
    builder = ItemBuilder(design.table_mappings("db"), {design.table_name: design}, [SourceSchema.of("db", [TYPES])])
    built = builder.build("db", "t", {"id": 3, "ratio": 1e300})
    assert isinstance(built, Rejection) and built.error == f"{OVERFLOW} (_doc.ratio = 1e+300)"


def test_an_empty_key_and_a_missing_key_get_dynamodb_s_own_words() -> None:
    empty = TYPED.build("db", "t", {"id": 1, "at": None})  # sort key "${at}": an empty string
    assert isinstance(empty, Rejection) and empty.reason == "missing-key"
    assert empty.error.endswith("The AttributeValue for a key attribute cannot contain an empty string value. Key: sk")


def test_text_in_a_number_column_is_rejected() -> None:
    built = BUILDER.build("yourdb", "film_actor", {"actor_id": "abc", "film_id": 1})
    assert isinstance(built, Rejection) and built.reason == "not-a-number" and "actor_id" in built.error


def test_item_size_follows_dynamodb_rules() -> None:
    assert item_size({"pk": {"S": "ab"}}) == 4
    assert item_size({"n": {"N": "12345"}}) == 1 + 4  # (5 digits + 1) // 2 + 1
    assert item_size({"m": {"M": {"a": {"S": "x"}}}}) == 1 + 3 + (1 + 1 + 1)


def test_canonical_compares_numbers_by_value() -> None:
    assert canonical({"n": {"N": "2.50"}}) == canonical({"n": {"N": "2.5"}})
    assert canonical({"n": {"N": "2.5"}}) != canonical({"n": {"S": "2.5"}})


def test_unselected_or_unmapped_tables_are_not_built() -> None:
    assert BUILDER.rule_for("yourdb", "film_text") is None and BUILDER.rule_for("yourdb", "payment") is None
    with pytest.raises(ValueError, match="not mapped"):
        BUILDER.build("yourdb", "payment", {})


def test_normalize_sets_without_schema() -> None:
    assert normalize({"b", "a"}) == "a,b"


# ----------------------------------------------------------------------------- LOBs (TargetMetadata)

TEXTS = Table("doc", (Column("id", "int", False), Column("body", "text", True), Column("meta", "json", True)), ("id",))
TEXT_DESIGN = TableDesign(
    table_name="docs", sort_key=None, entities=(Entity(table="doc", partition_key="D#${id}", sort_key=None),)
)
FORTY_KB = "é" + "a" * (40 * 1024 - 2)  # 40 KB of UTF-8, a two-byte character first


def _lob_builder(settings: dict[str, Any]) -> ItemBuilder:
    policy = LobPolicy.from_settings(TaskSettings.from_dict(settings))
    return ItemBuilder(
        TEXT_DESIGN.table_mappings("db"), {"docs": TEXT_DESIGN}, [SourceSchema.of("db", [TEXTS])], lobs=policy
    )


def test_limited_lob_mode_truncates_clobs_to_32_kb_by_default_and_reports_them() -> None:
    builder = _lob_builder({})
    item = builder.build("db", "doc", {"id": 1, "body": FORTY_KB, "meta": '{"a": 1}'})
    assert item == {
        "pk": {"S": "D#1"},
        "id": {"N": "1"},
        "body": {"S": FORTY_KB[: 32 * 1024 - 1]},
        "meta": {"S": '{"a": 1}'},
    }
    assert builder.truncations == [Truncation("doc", ("D#1",), "body", 40 * 1024, 32 * 1024)]


def test_a_larger_lob_max_size_keeps_the_value_whole() -> None:
    builder = _lob_builder({"TargetMetadata": {"LimitedSizeLobMode": True, "LobMaxSize": 64}})
    item = builder.build("db", "doc", {"id": 1, "body": FORTY_KB, "meta": None})
    assert item == {"pk": {"S": "D#1"}, "id": {"N": "1"}, "body": {"S": FORTY_KB}}
    assert builder.truncations == []


def test_full_lob_mode_keeps_the_value_whole() -> None:
    builder = _lob_builder({"TargetMetadata": {"FullLobMode": True, "LimitedSizeLobMode": False}})
    item = builder.build("db", "doc", {"id": 1, "body": FORTY_KB, "meta": None})
    assert not isinstance(item, Rejection) and item["body"] == {"S": FORTY_KB} and builder.truncations == []


def test_without_lob_support_lob_columns_are_left_out() -> None:
    builder = _lob_builder({"TargetMetadata": {"SupportLobs": False}})
    item = builder.build("db", "doc", {"id": 1, "body": "short", "meta": '{"a": 1}'})
    assert item == {"pk": {"S": "D#1"}, "id": {"N": "1"}}


def test_bit_one_null_is_left_out_like_any_null() -> None:
    assert "flag" not in build(flag=None)


def test_rules_the_model_does_not_apply_are_listed() -> None:
    from mappings import TableMappings

    mappings = TableMappings.from_dict(
        {
            "rules": [
                *TEXT_DESIGN.table_mappings("db").to_dict()["rules"],
                {
                    "rule-type": "transformation",
                    "rule-id": "7",
                    "rule-name": "rename-body",
                    "rule-action": "rename",
                    "rule-target": "column",
                    "object-locator": {"schema-name": "db", "table-name": "doc", "column-name": "body"},
                    "value": "text",
                },
            ]
        }
    )
    builder = ItemBuilder(mappings, {"docs": TEXT_DESIGN}, [SourceSchema.of("db", [TEXTS])])
    assert builder.not_modeled() == [
        "rule-id 7 (rename-body): transformation rename on column - DMS does not document its effect on DynamoDB "
        "targets (open question 18); items are predicted without it"
    ]


def test_a_single_precision_float_reads_the_same_from_select_and_from_the_binlog() -> None:
    """SELECT sends FLOAT 656.844 as text; the binlog carries the float32 656.843994140625: one item."""
    from mappings.items import normalize

    column = Column("pp_sortkey", "float", True)
    assert normalize(656.843994140625, column) == 656.844 == normalize(656.844, column)
    assert normalize(0.1, Column("d", "double", True)) == 0.1  # DOUBLE is left as it is


def test_a_binary_column_reads_the_same_from_select_and_from_the_binlog() -> None:
    """MySQL pads BINARY(n) with 0x00; the binlog carries the value without the trailing 0x00 bytes."""
    from mappings.items import normalize

    column = Column("id", "binary", False, length=4)
    assert normalize(b"\x00\x33", column) == b"\x00\x33\x00\x00" == normalize(b"\x00\x33\x00\x00", column)


@pytest.mark.parametrize(
    ("column", "value", "operator", "operand", "admitted"),
    [
        (Column("opens", "time", True), dt.timedelta(hours=9, minutes=30), "gte", "09:00:00", True),
        (Column("opens", "time", True), dt.timedelta(hours=8), "gte", "09:00:00", False),
        (Column("opens", "time", True), dt.timedelta(hours=26), "gte", "25:00:00", True),  # TIME passes 24 h
        (Column("built", "year", True), 1999, "lte", "2000", True),
        (Column("built", "year", True), 2001, "lte", "2000", False),
        (Column("flag", "bit", True, length=1), b"\x01", "eq", "1", True),  # as SELECT reads it
        (Column("flag", "bit", True, length=1), "1", "eq", "1", True),  # as the binlog decodes it
        (Column("flag", "bit", True, length=1), "0", "eq", "1", False),
    ],
)
def test_filters_on_time_year_and_bit_compare_in_the_column_type_not_as_text(
    column: Column, value: Any, operator: str, operand: str, admitted: bool
) -> None:
    """In SQL (load, verify) MySQL compares these in their type; CDC's Python test must agree, not raise."""
    from mappings.document.enums import FilterOperator, FilterType
    from mappings.document.rules import Filter, FilterCondition
    from mappings.items.filters import TableFilter

    table = Table("t", (Column("id", "int", False), column), ("id",))
    condition = FilterCondition(filter_operator=FilterOperator(operator), value=operand)
    table_filter = TableFilter(
        table, (Filter(filter_type=FilterType.SOURCE, column_name=column.name, filter_conditions=(condition,)),)
    )
    assert table_filter.admits({"id": 1, column.name: value}) is admitted
