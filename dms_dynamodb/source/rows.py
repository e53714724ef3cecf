"""Rows read from the source: streamed with the task's source filters applied in SQL, counted, sliced by key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dms_dynamodb.source.connection import quoted
from dms_dynamodb.source.filter_sql import where_clause
from mappings.items.filters import TableFilter
from mappings.schema import Table

FETCH = 1000


@dataclass(frozen=True)
class KeyRange:
    """Rows whose integer primary key ``column`` lies in ``[low, high]`` (a slice read by one worker)."""

    column: str
    low: int
    high: int


def _where(table_filter: TableFilter | None, key_range: KeyRange | None = None) -> tuple[str, list[Any]]:
    clause, parameters = where_clause(table_filter) if table_filter else ("", [])
    clauses: list[str] = [clause] if clause else []
    values: list[Any] = list(parameters)
    if key_range is not None:
        clauses.append("`" + key_range.column.replace("`", "``") + "` BETWEEN %s AND %s")
        values += [key_range.low, key_range.high]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), values


def key_ranges(connection: Any, schema: str, table: Table | None, parts: int) -> list[KeyRange | None]:
    """``parts`` slices of a table by its integer primary key; ``[None]`` (the whole table) otherwise."""
    if table is None or len(table.primary_key) != 1 or parts < 2:
        return [None]
    column = table.column(table.primary_key[0])
    if column is None or not column.is_integer:
        return [None]
    with connection.cursor() as cursor:
        name = "`" + column.name.replace("`", "``") + "`"
        cursor.execute(f"SELECT MIN({name}), MAX({name}) FROM {quoted(schema, table.name)}")
        low, high = cursor.fetchone()
    if low is None:
        return [None]
    step = max(1, (int(high) - int(low) + parts) // parts)
    return [
        KeyRange(column.name, start, min(start + step - 1, int(high))) for start in range(int(low), int(high) + 1, step)
    ]


def source_rows(
    connection: Any,
    schema: str,
    table: str,
    table_filter: TableFilter | None = None,
    key_range: KeyRange | None = None,
) -> Iterator[dict[str, Any]]:
    """Stream the rows DMS would migrate (unbuffered cursor: bounded memory on any table size)."""
    import pymysql.cursors

    where, parameters = _where(table_filter, key_range)
    with connection.cursor(pymysql.cursors.SSDictCursor) as cursor:
        cursor.execute(f"SELECT * FROM {quoted(schema, table)}{where}", parameters)
        while batch := cursor.fetchmany(FETCH):
            yield from batch


def count_rows(connection: Any, schema: str, table: str, table_filter: TableFilter | None = None) -> int:
    where, parameters = _where(table_filter)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {quoted(schema, table)}{where}", parameters)
        (count,) = cursor.fetchone()
        return int(count)


def schemas_on_server(connection: Any) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME")
        return [str(row[0]) for row in cursor.fetchall()]
