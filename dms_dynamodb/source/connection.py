"""Connections to the source: ``mysql://`` URLs to PyMySQL settings, and identifier quoting."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse


def mysql_settings(url: str) -> tuple[dict[str, Any], str]:
    """PyMySQL connection settings and the database name from ``mysql://user:pw@host:port/db[?unix_socket=]``.

    With ``unix_socket`` the host and port are left out, so clients that prefer TCP when given a
    host (mysql-replication) use the socket too.
    """
    parsed = urlparse(url)
    query = dict(part.split("=", 1) for part in parsed.query.split("&") if "=" in part)
    settings: dict[str, Any] = {"user": unquote(parsed.username or "root"), "password": unquote(parsed.password or "")}
    if "unix_socket" in query:
        settings["unix_socket"] = query["unix_socket"]
    else:
        settings.update(host=parsed.hostname or "localhost", port=parsed.port or 3306)
    return settings, parsed.path.lstrip("/")


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
