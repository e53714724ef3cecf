"""Filters on TIME, YEAR and BIT columns: the full load's SQL and CDC's Python test admit the same rows."""

from __future__ import annotations

from typing import Any

import pytest

from dms_dynamodb.source.connection import connect
from dms_dynamodb.source.filter_sql import where_clause
from mappings.document.enums import FilterOperator, FilterType
from mappings.document.rules import Filter, FilterCondition
from mappings.items.filters import TableFilter
from mappings.schema import Column, Table

TABLE = Table(
    "typed",
    (Column("id", "int", False), Column("flag", "bit", True, length=1), Column("opens", "time", True),
     Column("built", "year", True)),
    ("id",),
)  # fmt: skip


@pytest.fixture(scope="module")
def url(mariadb: Any) -> str:
    connection = connect(mariadb.url(""))
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS typed_filters")
        cursor.execute("CREATE DATABASE typed_filters")
        cursor.execute("CREATE TABLE typed_filters.typed (id INT PRIMARY KEY, flag BIT(1), opens TIME, built YEAR)")
        cursor.execute(
            "INSERT INTO typed_filters.typed VALUES (1, b'1', '09:30:00', 1999), (2, b'0', '08:00:00', 2001), "
            "(3, b'1', '26:00:00', 2000)"
        )
    connection.close()
    return str(mariadb.url("typed_filters"))


@pytest.mark.parametrize(
    ("column", "operator", "value", "expected"),
    [("flag", "eq", "1", [1, 3]), ("opens", "gte", "09:00:00", [1, 3]), ("built", "lte", "2000", [1, 3])],
)
def test_sql_and_python_admit_the_same_rows(
    url: str, column: str, operator: str, value: str, expected: list[int]
) -> None:
    condition = FilterCondition(filter_operator=FilterOperator(operator), value=value)
    table_filter = TableFilter(
        TABLE, (Filter(filter_type=FilterType.SOURCE, column_name=column, filter_conditions=(condition,)),)
    )
    clause, parameters = where_clause(table_filter)
    connection = connect(url)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM typed WHERE {clause} ORDER BY id", parameters)
        by_sql = [int(row[0]) for row in cursor.fetchall()]
        cursor.execute("SELECT * FROM typed ORDER BY id", ())
        names = [d[0] for d in cursor.description]
        by_python = [row[0] for row in cursor.fetchall() if table_filter.admits(dict(zip(names, row, strict=True)))]
    connection.close()
    assert by_sql == expected == by_python  # expected: by hand from the rows above
