"""One schema of a live server written out as DDL: what ``mysqldump --no-data`` would write, tables only.

``dms-dynamodb init --mysql-url`` keeps it beside the stack (``stacks/sql/NAME-schema.sql``), so
``make check`` and ``make rehearse`` read the schema the design was drafted from, without the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dms_dynamodb.source.connection import quoted

#: The next AUTO_INCREMENT value is data, not schema: mysqldump --no-data leaves it out too.
_AUTO_INCREMENT = re.compile(r"\s+AUTO_INCREMENT=\d+")


@dataclass(frozen=True, slots=True)
class SchemaDump:
    ddl: str
    tables: tuple[str, ...]
    views: tuple[str, ...]


def dump_schema(connection: Any, schema: str, *, source: str) -> SchemaDump:
    """``SHOW CREATE TABLE`` of every base table of ``schema``; views are named in a comment, not written.

    Foreign key checks are off while the file runs (as in mysqldump's output), so tables come in name
    order whatever refers to what. ``source`` (a redacted URL) is recorded in the header.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
            (schema,),
        )
        kinds = list(cursor.fetchall())
        tables = tuple(name for name, kind in kinds if kind == "BASE TABLE")
        views = tuple(name for name, kind in kinds if kind == "VIEW")
        statements = []
        for table in tables:
            cursor.execute(f"SHOW CREATE TABLE {quoted(schema, table)}", ())
            statements.append(_AUTO_INCREMENT.sub("", cursor.fetchone()[1]) + ";")
    header = [
        f"-- Schema {schema} of {source}, read by `dms-dynamodb init` (SHOW CREATE TABLE of each table).",
        f"-- Views, not migrated, are not written: {', '.join(views) or 'none'}.",
        "",
        "SET FOREIGN_KEY_CHECKS=0;",
        "",
    ]
    body = "\n\n".join(statements)
    return SchemaDump("\n".join(header) + body + "\n\nSET FOREIGN_KEY_CHECKS=1;\n", tables, views)
