"""The live schema reader: one schema of a MySQL/MariaDB server, from its ``information_schema``."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from dms_dynamodb.source.connection import mysql_settings
from mappings.schema import Column, ForeignKey, SourceSchema, Table


def read_schema_url(url: str, *, database: str | None = None) -> SourceSchema:
    """Read a live server: ``mysql://user:password@host:port/database`` or ``...?unix_socket=/path``."""
    import pymysql

    settings, named = mysql_settings(url)
    connection = pymysql.connect(**settings, database="information_schema")
    schema = database or named
    try:
        return read_schema(connection, schema)
    finally:
        connection.close()


def names_ignore_case(connection: Any) -> bool:
    """Whether the server compares table names case-insensitively: ``lower_case_table_names`` 1 or 2
    (https://dev.mysql.com/doc/refman/8.0/en/identifier-case-sensitivity.html)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@lower_case_table_names")
        (value,) = cursor.fetchone()
    return int(value) != 0


def read_schema(connection: Any, schema: str) -> SourceSchema:
    """One schema of a live server, from its ``information_schema`` (tables, views, columns, keys), with
    the server's rule for the case of table names."""
    ignore_case = names_ignore_case(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s", (schema,)
        )
        kinds = dict(cursor.fetchall())
        json_columns = _mariadb_json_columns(cursor, schema)
        cursor.execute(
            "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH,"
            " NUMERIC_PRECISION, NUMERIC_SCALE, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s"
            " ORDER BY TABLE_NAME, ORDINAL_POSITION",
            (schema,),
        )
        columns: dict[str, list[Column]] = {}
        for table, column, data_type, column_type, nullable, char_len, precision, scale, extra in cursor.fetchall():
            found = _column_from_information_schema(
                column, data_type, column_type, nullable, char_len, precision, scale
            )
            if "GENERATED" in str(extra or "").upper():  # VIRTUAL GENERATED / STORED GENERATED
                found = dataclasses.replace(found, generated=True)
            if found.data_type == "longtext" and (table, column) in json_columns:
                found = dataclasses.replace(found, data_type="json")
            columns.setdefault(table, []).append(found)
        cursor.execute(
            "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
            " WHERE TABLE_SCHEMA = %s AND NON_UNIQUE = 0 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
            (schema,),
        )
        keys: dict[str, dict[str, list[str]]] = {}
        for table, index, column in cursor.fetchall():
            keys.setdefault(table, {}).setdefault(index, []).append(column)
        cursor.execute(
            "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME"
            " FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = %s AND REFERENCED_TABLE_NAME IS NOT NULL"
            " ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
            (schema,),
        )
        references: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
        for table, constraint, column, referenced_table, referenced_column in cursor.fetchall():
            references.setdefault(table, {}).setdefault(constraint, []).append(
                (column, referenced_table, referenced_column)
            )
        cursor.execute(
            "SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS"
            " WHERE CONSTRAINT_SCHEMA = %s",
            (schema,),
        )
        actions = {(str(t), str(c)): (str(d), str(u)) for t, c, d, u in cursor.fetchall()}
    tables = []
    for table, cols in columns.items():
        indexes = keys.get(table, {})
        primary = tuple(indexes.pop("PRIMARY", ()))
        tables.append(
            Table(
                table,
                tuple(cols),
                primary,
                tuple(tuple(v) for v in indexes.values()),
                is_view=kinds.get(table) == "VIEW",
                foreign_keys=tuple(
                    ForeignKey(
                        tuple(c for c, _, _ in parts),
                        parts[0][1],
                        tuple(r for _, _, r in parts),
                        name=name,
                        on_delete=actions.get((table, name), ("", ""))[0],
                        on_update=actions.get((table, name), ("", ""))[1],
                    )
                    for name, parts in references.get(table, {}).items()
                ),
            )
        )
    return SourceSchema.of(schema, tables, names_ignore_case=ignore_case)


def _mariadb_json_columns(cursor: Any, schema: str) -> set[tuple[str, str]]:
    """MariaDB's JSON columns: it stores JSON as LONGTEXT with a ``json_valid(col)`` CHECK
    (https://mariadb.com/kb/en/json-data-type/). Servers without CHECK_CONSTRAINTS have none."""
    import pymysql

    try:
        cursor.execute(
            "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %s",
            (schema,),
        )
        rows = cursor.fetchall()
    except pymysql.MySQLError:
        return set()
    found = set()
    for table, clause in rows:
        match = re.fullmatch(r"\s*json_valid\(`((?:[^`]|``)+)`\)\s*", str(clause), re.IGNORECASE)
        if match:
            found.add((str(table), match.group(1).replace("``", "`")))
    return found


def _column_from_information_schema(
    name: str,
    data_type: str,
    column_type: str,
    nullable: str,
    char_len: int | None,
    precision: int | None,
    scale: int | None,
) -> Column:
    kind = data_type.lower()
    values: tuple[str, ...] = ()
    if kind in ("enum", "set"):
        inner = column_type[column_type.index("(") + 1 : column_type.rindex(")")]
        values = tuple(v.strip().strip("'") for v in inner.split(","))
    length = char_len if kind in ("char", "varchar", "binary", "varbinary") else None
    if kind == "bit":
        length = precision
    if kind in ("datetime", "timestamp", "time") and "(" in column_type:
        precision = int(column_type[column_type.index("(") + 1 : column_type.index(")")])
    return Column(
        name=name,
        data_type="int" if kind == "integer" else kind,
        nullable=nullable == "YES",
        unsigned="unsigned" in column_type.lower(),
        length=int(length) if length is not None else None,
        precision=int(precision)
        if kind in ("decimal", "numeric", "datetime", "timestamp", "time") and precision is not None
        else None,
        scale=int(scale) if kind in ("decimal", "numeric") and scale is not None else None,
        values=values,
    )
