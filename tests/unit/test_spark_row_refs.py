"""The Spark engine writes each source row's reference directly for integer keys: the same text as ``ref_json``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dms_dynamodb.verify.recheck import SourceRef, ref_json, row_key
from dms_dynamodb.verify.spark.engine import _RowRefs
from dms_dynamodb.verify.spark.jdbc import source_query
from mappings.schema import SourceSchema

DDL = """
CREATE TABLE `o"dd é` (A INT NOT NULL, b VARCHAR(5) NOT NULL, c INT, PRIMARY KEY (a, B));
CREATE TABLE single (id BIGINT NOT NULL PRIMARY KEY, v VARBINARY(3));
CREATE TABLE bykey (k VARBINARY(3) NOT NULL PRIMARY KEY);
CREATE TABLE nokey (x INT);
"""
SCHEMA = SourceSchema.from_ddl(DDL, name='s"é')


@pytest.mark.parametrize(
    ("table", "row"),
    [
        ("single", {"id": 7, "v": b"\x00"}),
        ("single", {"id": -(2**63), "v": None}),
        ("single", {"id": True, "v": None}),  # a bool is not an int here: json writes true
        ('o"dd é', {"A": 1, "b": 'x"é', "c": 3}),
        ('o"dd é', {"A": None, "b": "y", "c": None}),
        ("bykey", {"k": b"\xff\x00"}),
        ("single", {"id": Decimal("1.50"), "v": None}),
        ("nokey", {"x": 1}),
    ],
)
def test_a_row_reference_is_the_text_ref_json_writes(table: str, row: dict[str, Any]) -> None:
    found = SCHEMA.tables[table]
    key = row_key(found, row)
    expected = ref_json(SourceRef(SCHEMA.name, table, key)) if key is not None else None
    assert _RowRefs(source_query(SCHEMA.name, found, ""), found).text(row) == expected


def test_an_integer_key_by_hand() -> None:
    found = SCHEMA.tables["single"]
    assert (
        _RowRefs(source_query(SCHEMA.name, found, ""), found).text({"id": 42, "v": None})
        == '["s\\"\\u00e9", "single", [42]]'
    )
