"""The MySQL side: connections, and rows streamed with the task's source filters applied in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mappings.filters import TableFilter
from mappings.schema import mysql_settings

FETCH = 1000


def connect(url: str) -> Any:
    """A PyMySQL connection whose session reads TIMESTAMPs in UTC, as DMS writes them.

    Autocommit, so every read sees the latest committed rows, not a snapshot from an older read.
    """
    import pymysql

    settings, database = mysql_settings(url)
    return pymysql.connect(
        **settings, database=database or None, autocommit=True, init_command="SET time_zone = '+00:00'"
    )


def quoted(schema: str, table: str) -> str:
    return ".".join("`" + name.replace("`", "``") + "`" for name in (schema, table))


def _where(table_filter: TableFilter | None) -> tuple[str, list[str]]:
    clause, parameters = table_filter.sql() if table_filter else ("", [])
    return (f" WHERE {clause}" if clause else ""), parameters


def source_rows(
    connection: Any, schema: str, table: str, table_filter: TableFilter | None = None
) -> Iterator[dict[str, Any]]:
    """Stream the rows DMS would migrate (unbuffered cursor: bounded memory on any table size)."""
    import pymysql.cursors

    where, parameters = _where(table_filter)
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
