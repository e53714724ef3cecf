"""Connections to the source (``mysql://`` URLs, read by :mod:`dms_dynamodb.source.url`), and identifier quoting.

PyMySQL ``%``-formats a statement whenever it is given parameters (``cursor.execute(sql, args)`` with
``args`` not None), so a ``%`` in a pasted name would be read as a placeholder: ``t%sx`` fails
("not enough arguments for format string") and ``pct%%x`` reads table ``pct%x``. Hence one rule for
every statement that names a schema, table or column: the names go in through :func:`identifier`
(a MySQL quoted identifier with each ``%`` doubled), and the statement is executed with a parameter
sequence, an empty one when it has no values, so the doubling is always undone exactly once.
"""

from __future__ import annotations

from typing import Any

from dms_dynamodb.source.url import settings


def mysql_settings(url: str) -> tuple[dict[str, Any], str]:
    """PyMySQL connection settings and the database name of a ``--mysql-url`` (see :mod:`~dms_dynamodb.source.url`)."""
    return settings(url)


def connect(url: str) -> Any:
    """A PyMySQL connection whose session reads TIMESTAMPs in UTC, as DMS writes them.

    Autocommit, so every read sees the latest committed rows, not a snapshot from an older read. The
    connection character set is utf8mb4 (the source filters compare text as UTF-8 bytes).
    """
    import pymysql

    found, database = mysql_settings(url)
    return pymysql.connect(
        **found,
        database=database or None,
        autocommit=True,
        charset="utf8mb4",
        init_command="SET time_zone = '+00:00'",
    )


def identifier(name: str) -> str:
    """``name`` as a MySQL quoted identifier (backticks doubled) for a statement executed *with* parameters
    (``%`` doubled: PyMySQL's formatting turns ``%%`` back into ``%``)."""
    return "`" + name.replace("`", "``").replace("%", "%%") + "`"


def quoted(schema: str, table: str) -> str:
    """``schema.table`` quoted by :func:`identifier` (for a statement executed with parameters)."""
    return f"{identifier(schema)}.{identifier(table)}"
