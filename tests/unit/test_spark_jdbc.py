"""The Spark engine's source query: every column travels as its text-protocol bytes and comes back as PyMySQL
gives it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.verify.spark.jdbc import UnreadableColumn, inline_filter, jdbc_url, source_query
from mappings.schema import SourceSchema

DDL = """
CREATE TABLE t (
  id INT UNSIGNED NOT NULL, name VARCHAR(20), price DECIMAL(10,2), flag BIT(1), at DATETIME(3),
  day DATE, took TIME, raw VARBINARY(4), ratio DOUBLE, tags SET('a','b'), weight FLOAT, PRIMARY KEY (id)
);
CREATE TABLE g (id INT NOT NULL PRIMARY KEY, spot POINT);
"""


def _bytes(text: str | bytes) -> bytes:
    return text.encode() if isinstance(text, str) else text


def test_each_column_is_selected_as_bytes_and_decoded_as_pymysql_decodes_it() -> None:
    table = SourceSchema.from_ddl(DDL, name="s").tables["t"]
    query = source_query("s", table, "`price` > 1")
    assert query.sql.startswith(
        "SELECT CAST(`id` AS BINARY) AS c0, CAST(CONVERT(`name` USING utf8mb4) AS BINARY) AS c1"
    )
    assert query.sql.endswith("`id` AS __dms_key FROM `s`.`t` WHERE `price` > 1") and query.keyed
    assert "CAST(`weight` * 1e0 AS BINARY) AS c10" in query.sql  # a FLOAT's exact value, as the local verify
    texts: list[str | bytes] = [
        "7",
        "Zoë",
        "2.50",
        b"\x01",
        "2024-01-02 03:04:05.600",
        "2024-01-02",
        "25:00:01",
        b"\x00\xff",
        "1.5",
        "a,b",
        "123456.703125",
    ]
    row = query.decode([_bytes(t) for t in texts])
    assert row == {
        "id": 7, "name": "Zoë", "price": Decimal("2.50"), "flag": b"\x01",
        "at": datetime.datetime(2024, 1, 2, 3, 4, 5, 600000), "day": datetime.date(2024, 1, 2),
        "took": datetime.timedelta(hours=25, seconds=1), "raw": b"\x00\xff", "ratio": 1.5, "tags": "a,b",
        "weight": 123456.703125,
    }  # fmt: skip
    assert query.decode([None] * 11) == dict.fromkeys(query.columns)
    columns = [[_bytes(t), None] for t in texts]  # a batch of two rows, column by column (as Arrow holds it)
    assert query.decode_columns(columns) == [[value, None] for value in row.values()]


def test_a_type_the_engine_does_not_decode_stops_it_naming_the_column() -> None:
    table = SourceSchema.from_ddl(DDL, name="s").tables["g"]
    with pytest.raises(UnreadableColumn, match=r"s\.g\.spot is POINT.*--engine local"):
        source_query("s", table, "")


def test_filters_are_inlined_escaped_and_the_url_is_tcp_only_without_the_password() -> None:
    assert inline_filter("`name` = %s AND `n` >= %s", ["O'Brien", 3]) == "`name` = 'O\\'Brien' AND `n` >= 3"
    address, properties = jdbc_url("mysql://dms:s3cret@db.example.com:3307/shop")
    assert address == "jdbc:mysql://db.example.com:3307/shop?permitMysqlScheme" and "s3cret" not in address
    assert (properties["user"], properties["password"]) == ("dms", "s3cret")
    assert properties["sessionInitStatement"] == "SET time_zone = '+00:00'"
    with pytest.raises(ValueError, match="over TCP"):
        jdbc_url("mysql://dms@localhost/shop?unix_socket=/run/mysqld.sock")


def test_tls_travels_in_the_jdbc_url_as_mariadb_connector_j_options_with_the_ca_inline(tmp_path: Path) -> None:
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    (tmp_path / "ca.pem").write_text(pem)
    base = "mysql://dms:s3cret@db.example.com:3307/shop"
    address, properties = jdbc_url(f"{base}?ssl_ca={tmp_path / 'ca.pem'}")
    # the PEM text itself, not its path: the executors on other nodes have no such file
    assert address == (
        "jdbc:mysql://db.example.com:3307/shop?permitMysqlScheme&useSsl=true&sslMode=verify-full"
        f"&disableSslHostnameVerification=false&serverSslCert={pem}"
    )
    assert set(properties) == {"user", "password", "driver", "sessionInitStatement", "fetchsize"}
    address, _ = jdbc_url(f"{base}?ssl_ca={tmp_path / 'ca.pem'}&ssl_mode=VERIFY_CA")
    assert "&sslMode=verify-ca&disableSslHostnameVerification=true&serverSslCert=" in address
    address, _ = jdbc_url(f"{base}?ssl_mode=REQUIRED")
    assert address.endswith("?permitMysqlScheme&useSsl=true&sslMode=trust&trustServerCertificate=true")
    assert jdbc_url(base)[0].endswith("?permitMysqlScheme")


def test_row_references_of_a_batch_are_each_rows_reference() -> None:
    # The engine names each row by its primary key (to read it again): by batch, as it names one row.
    from dms_dynamodb.verify.spark.engine import _RowRefs

    ddl = """
    CREATE TABLE one (id INT NOT NULL PRIMARY KEY, v VARCHAR(5));
    CREATE TABLE two (a INT NOT NULL, b VARCHAR(5) NOT NULL, v INT, PRIMARY KEY (a, b));
    CREATE TABLE nokey (v INT);
    """
    schema = SourceSchema.from_ddl(ddl, name="s")
    batches: dict[str, list[list[Any]]] = {
        "one": [[1, -2, 10**20], ["x", None, "z"]],
        "two": [[1, 2, 3], ["p", 'q"', "é"], [None, 5, 6]],
        "nokey": [[1, None, 3]],
    }
    for name, columns in batches.items():
        table = schema.tables[name]
        refs = _RowRefs(source_query("s", table, ""), table)
        rows = [refs.row(columns, index) for index in range(len(columns[0]))]
        assert refs.texts(columns) == [refs.text(row) for row in rows]
    one = _RowRefs(source_query("s", schema.tables["one"], ""), schema.tables["one"])
    assert one.texts(batches["one"]) == [
        '["s", "one", [1]]',
        '["s", "one", [-2]]',
        '["s", "one", [100000000000000000000]]',
    ]
