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


def test_the_references_of_a_batch_given_as_columns_are_each_rows() -> None:
    # The engine names the rows of a batch column by column: the same texts as one row at a time.
    batches: dict[str, list[list[Any]]] = {
        "single": [[7, -(2**63), 10**20, True, Decimal("1.50")], [b"\x00", None, None, None, None]],
        'o"dd é': [[1, None, 3], ['x"é', "y", "z"], [3, None, 5]],
        "bykey": [[b"\xff\x00", b""]],
        "nokey": [[1, None]],
    }
    for table, columns in batches.items():
        found = SCHEMA.tables[table]
        refs = _RowRefs(source_query(SCHEMA.name, found, ""), found)
        rows = [refs.row(columns, index) for index in range(len(columns[0]))]
        assert refs.texts(columns) == [refs.text(row) for row in rows], table
    single = SCHEMA.tables["single"]
    assert _RowRefs(source_query(SCHEMA.name, single, ""), single).texts([[42, 10**20], [None, None]]) == [
        '["s\\"\\u00e9", "single", [42]]',
        '["s\\"\\u00e9", "single", [100000000000000000000]]',
    ]
