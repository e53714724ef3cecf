"""The source over JDBC, read so that each row reaches the item model exactly as PyMySQL gives it to the local verify.

JDBC drivers map MySQL types to their own (a TINYINT(1) becomes a boolean, a TIMESTAMP moves with
the JVM's zone, a FLOAT widens), so the query sends every column as its text-protocol bytes
(``CAST(col AS BINARY)``, a binary column to Spark; text columns converted to utf8mb4 first) and the
executors decode them with PyMySQL's own converters, by the column's type: the item model sees the
same values in both engines. The session's time zone is UTC, as in
:func:`dms_dynamodb.source.connection.connect`. A column type outside this table stops the Spark
engine with its name (use ``--engine local``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mappings.schema import Table

#: The rows DMS reads, with a time zone of UTC (as the local verify's connections).
SESSION_INIT = "SET time_zone = '+00:00'"
KEY = "__dms_key"  # the integer primary key, for the partitions' key ranges

_TEXT = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json"}
_BYTES = {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit"}
_INT = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year"}


class UnreadableColumn(Exception):
    """A column type the Spark engine does not decode (closed world: it says which, and what to use)."""


def _decoder(data_type: str) -> Callable[[bytes], Any]:
    from decimal import Decimal

    from pymysql import converters

    if data_type in _TEXT:
        return bytes.decode  # UTF-8
    if data_type in _BYTES:
        return bytes
    if data_type in _INT:
        return int  # of the text protocol's digits, as bytes
    simple: dict[str, Callable[[str], Any]] = {
        "decimal": Decimal,
        "numeric": Decimal,
        "float": float,
        "double": float,
        "real": float,
        "datetime": converters.convert_datetime,
        "timestamp": converters.convert_datetime,
        "date": converters.convert_date,
        "time": converters.convert_timedelta,
    }
    if data_type in simple:
        convert = simple[data_type]
        return lambda raw: convert(raw.decode("ascii"))
    raise UnreadableColumn(data_type)


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


@dataclass(frozen=True)
class SourceQuery:
    """One source table as a JDBC subquery: its columns as bytes, the filter applied, the key for ranges."""

    schema: str
    table: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    sql: str
    keyed: bool

    @functools.cached_property
    def decoders(self) -> tuple[Callable[[bytes], Any], ...]:
        """One decoder per column, made once per query (not per row)."""
        return tuple(_decoder(t) for t in self.types)

    def decode_columns(self, columns: list[list[bytes | None]]) -> list[list[Any]]:
        """A batch of rows' values as PyMySQL's DictCursor gives them, from the bytes of their columns, given and
        returned column by column (as Arrow holds them): one decoder a column, not a dict a row."""
        return [
            [None if value is None else decode(value) for value in values]
            for decode, values in zip(self.decoders, columns, strict=True)
        ]


def source_query(schema: str, table: Table, where: str) -> SourceQuery:
    """The subquery of one table; ``where`` is the filter's SQL with its values inlined (or empty)."""
    selected, types = [], []
    for number, column in enumerate(table.columns):
        kind = column.data_type
        try:
            _decoder(kind)
        except UnreadableColumn:
            raise UnreadableColumn(
                f"{schema}.{table.name}.{column.name} is {kind.upper()}, which the Spark engine does not read over "
                "JDBC; verify this table with --engine local"
            ) from None
        text = f"CONVERT({_quote(column.name)} USING utf8mb4)" if kind in _TEXT else _quote(column.name)
        if kind == "float":  # its exact single-precision value, as the local verify reads it (source.rows.select_list)
            text = f"{_quote(column.name)} * 1e0"
        selected.append(f"CAST({text} AS BINARY) AS c{number}")
        types.append(kind)
    key = table.column(table.primary_key[0]) if len(table.primary_key) == 1 else None
    keyed = key is not None and key.is_integer
    if keyed and key is not None:
        selected.append(f"{_quote(key.name)} AS {KEY}")
    sql = f"SELECT {', '.join(selected)} FROM {_quote(schema)}.{_quote(table.name)}"
    if where:
        sql += f" WHERE {where}"
    return SourceQuery(schema, table.name, tuple(c.name for c in table.columns), tuple(types), sql, keyed)


def inline_filter(clause: str, parameters: list[Any]) -> str:
    """A parameterized WHERE clause (PyMySQL's ``%s`` style) with its values escaped into it, as PyMySQL would."""
    from pymysql.converters import escape_item

    return clause % tuple(escape_item(p, "utf8mb4") for p in parameters) if clause else ""


def jdbc_url(url: str) -> tuple[str, dict[str, str]]:
    """The JDBC URL and its properties (user, password, TLS: never in the URL) for a ``--mysql-url``."""
    from dms_dynamodb.source.url import settings

    found, database = settings(url)
    if "unix_socket" in found:
        raise ValueError("the Spark engine reads the source over TCP (JDBC): give --mysql-url host:port, not a socket")
    host, port = found.get("host") or "127.0.0.1", int(str(found.get("port") or 3306))
    properties = {
        "user": str(found.get("user", "")),
        "password": str(found.get("password", "")),
        "driver": "org.mariadb.jdbc.Driver",
        "sessionInitStatement": SESSION_INIT,
        "fetchsize": "10000",  # stream each partition in batches, not the whole range at once
    }
    # jdbc:mysql: so that Spark quotes names MySQL's way (its MySQL dialect); MariaDB Connector/J takes it
    # (2.x as is, 3.x with permitMysqlScheme), and so does MySQL's own driver on a cluster. The TLS options
    # go in the URL, not the properties: given as properties, Spark 4's reader *with predicates* (the key
    # ranges) did not get them to the driver (a REQUIRE SSL user was refused; without predicates they
    # worked), and the driver ignores what it does not receive silently: plain text. In the URL they arrive.
    tls = "".join(f"&{name}={value}" for name, value in tls_properties(url).items())
    return f"jdbc:mysql://{host}:{port}/{database}?permitMysqlScheme{tls}", properties


#: MariaDB Connector/J 3.x's ``sslMode`` for each ``ssl_mode`` of the URL (its ``SslMode`` enum: disable, trust,
#: verify-ca, verify-full; mariadb.com/docs/connectors/mariadb-connector-j, "Connection Parameters", TLS).
_SSL_MODE_3X = {"REQUIRED": "trust", "VERIFY_CA": "verify-ca", "VERIFY_IDENTITY": "verify-full"}


def tls_properties(url: str) -> dict[str, str]:
    """The URL's TLS as MariaDB Connector/J options, in both its 2.x and its 3.x names (``serverSslCert`` last).

    2.x ("Using TLS/SSL with MariaDB Connector/J"; 2.1.0's release notes for the host name check):
    ``useSsl=true``; ``serverSslCert`` takes a path *or the PEM text itself*, so the CA travels inside the
    JDBC URL to every executor (no file to ship to the cluster's nodes; the driver reads the value as written,
    not URL-decoded: tested with 2.7.6); the host name is checked unless
    ``disableSslHostnameVerification`` (``VERIFY_CA``) or ``trustServerCertificate`` (``REQUIRED``: no
    check at all). 3.x: ``sslMode`` plus the same ``serverSslCert``. Each line ignores the other's names
    ("Unknown options are accepted and silently ignored", the 3.x parameter reference; 2.x likewise, tested
    here with Debian's 2.7.6). MySQL's own Connector/J takes neither (it wants a trust store): with TLS use
    MariaDB's driver.
    """
    from dms_dynamodb.source.url import parse, read_ca

    parts = parse(url)
    if parts.ssl_mode is None:
        return {}
    properties = {"useSsl": "true", "sslMode": _SSL_MODE_3X[parts.ssl_mode]}
    if parts.ssl_mode == "REQUIRED":
        properties["trustServerCertificate"] = "true"
        return properties
    properties["disableSslHostnameVerification"] = "true" if parts.ssl_mode == "VERIFY_CA" else "false"
    properties["serverSslCert"] = read_ca(str(parts.ssl_ca))
    return properties
