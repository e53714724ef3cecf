"""Rows read from the source: streamed with the task's source filters applied in SQL, counted, sliced by key.

Every statement naming a table or column is executed with a parameter sequence (maybe empty): the
names are quoted for it (:func:`~dms_dynamodb.source.connection.identifier`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

from dms_dynamodb.source.connection import identifier, quoted
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
        clauses.append(f"{identifier(key_range.column)} BETWEEN %s AND %s")
        values += [key_range.low, key_range.high]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), values


def select_list(table: Table | None) -> str:
    """The columns of a row read: ``*``, with each FLOAT column read as a DOUBLE (``col * 1e0``).

    A FLOAT read as itself comes as the server's 6-digit text (123456.7 is sent as 123457), which is not
    the stored single-precision value; as a DOUBLE it is that exact value (123456.703125), as the binlog
    carries it, so the load, CDC and verify render it alike (the shortest text of the same single).
    ``col * 1e0`` rather than ``CAST(col AS DOUBLE)``: MySQL casts to DOUBLE from 8.0.17 on only.
    """
    if table is None or not any(c.data_type == "float" for c in table.columns):
        return "*"
    return ", ".join(
        f"{identifier(c.name)} * 1e0 AS {identifier(c.name)}" if c.data_type == "float" else identifier(c.name)
        for c in table.columns
    )


def key_ranges(connection: Any, schema: str, table: Table | None, parts: int) -> list[KeyRange | None]:
    """``parts`` slices of a table by its integer primary key; ``[None]`` (the whole table) otherwise."""
    if table is None or len(table.primary_key) != 1 or parts < 2:
        return [None]
    column = table.column(table.primary_key[0])
    if column is None or not column.is_integer:
        return [None]
    with connection.cursor() as cursor:
        name = identifier(column.name)
        cursor.execute(f"SELECT MIN({name}), MAX({name}) FROM {quoted(schema, table.name)}", ())
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
    model: Table | None = None,
) -> Iterator[dict[str, Any]]:
    """Stream the rows DMS would migrate, one at a time (:func:`source_batches`, whose closing rules it keeps)."""
    with contextlib.closing(source_batches(connection, schema, table, table_filter, key_range, model)) as batches:
        for batch in batches:
            yield from batch


def source_batches(
    connection: Any,
    schema: str,
    table: str,
    table_filter: TableFilter | None = None,
    key_range: KeyRange | None = None,
    model: Table | None = None,
) -> Generator[list[dict[str, Any]], None, None]:
    """Stream the rows DMS would migrate as the server sends them, up to ``FETCH`` rows at a time (unbuffered
    cursor: bounded memory on any table size; the item model builds a batch column by column).

    ``model``: the table's columns, so FLOAT columns are read as their exact value (:func:`select_list`).

    Closing the generator before the end (a stop, Ctrl-C) closes ``connection``: an unbuffered result
    cannot be cut short on an open connection (PyMySQL reads the rest of the table to get past it).
    """
    import pymysql.cursors

    where, parameters = _where(table_filter, key_range)
    cursor = connection.cursor(pymysql.cursors.SSDictCursor)
    finished = False
    try:
        cursor.execute(f"SELECT {select_list(model)} FROM {quoted(schema, table)}{where}", parameters)
        while batch := cursor.fetchmany(FETCH):
            yield batch
        finished = True
    finally:
        if finished:
            cursor.close()
        else:
            _abandon(connection, cursor)


def _abandon(connection: Any, cursor: Any) -> None:
    """Stop an unbuffered read early: close the connection (the server stops sending) and mark the result
    read, so neither the cursor nor the result tries to read the rest from the closed socket later
    (PyMySQL would, on close or garbage collection, and print the error it gets)."""
    result = getattr(cursor, "_result", None)
    if result is not None and getattr(result, "unbuffered_active", False):
        result.unbuffered_active = False
    with contextlib.suppress(Exception):
        connection.close()
    cursor.connection = None


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
