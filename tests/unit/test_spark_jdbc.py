"""The Spark engine's source query: every column travels as its text-protocol bytes and comes back as PyMySQL
gives it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

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
    columns = [[_bytes(t), None] for t in texts]  # a batch of two rows, column by column (as Arrow holds it)
    decoded = query.decode_columns(columns)
    row = {name: values[0] for name, values in zip(query.columns, decoded, strict=True)}
    assert row == {
        "id": 7, "name": "Zoë", "price": Decimal("2.50"), "flag": b"\x01",
        "at": datetime.datetime(2024, 1, 2, 3, 4, 5, 600000), "day": datetime.date(2024, 1, 2),
        "took": datetime.timedelta(hours=25, seconds=1), "raw": b"\x00\xff", "ratio": 1.5, "tags": "a,b",
        "weight": 123456.703125,
    }  # fmt: skip
    assert {name: values[1] for name, values in zip(query.columns, decoded, strict=True)} == dict.fromkeys(
        query.columns
    )


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
