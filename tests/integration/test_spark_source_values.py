"""The Spark engine's source query on a real MariaDB: each column's bytes, decoded, are the value the
local verify reads with PyMySQL (so both engines feed the item model the same row). No Spark needed:
the query is the one JDBC sends, run here with PyMySQL."""

from __future__ import annotations

from typing import Any

from dms_dynamodb.source.connection import connect
from dms_dynamodb.source.rows import source_rows
from dms_dynamodb.verify.spark.jdbc import source_query
from mappings.schema import SourceSchema

DDL = (
    "CREATE TABLE v (id INT PRIMARY KEY, f FLOAT, d DOUBLE, n DECIMAL(12,3), at DATETIME(3), ts TIMESTAMP(6) NULL, "
    "day DATE, t TIME(2), y YEAR, b BIT(3), vb VARBINARY(8), s VARCHAR(20), e ENUM('x','y'), st SET('a','b'), "
    "j JSON, tx TEXT CHARACTER SET latin1, big BIGINT UNSIGNED) DEFAULT CHARSET=utf8mb4"
)
ROWS = [
    "(1, 123456.7, 0.1, 1.5, '2024-01-01 10:00:00.120', '2024-06-30 23:59:59.999999', '2024-02-29', '-838:59:59', "
    "2024, b'101', 0x00ff10, 'Zoë ☃', 'y', 'a,b', '{\"k\": [1, 2.5]}', 'café', 18446744073709551615)",
    "(2, 1e-7, 1e300, -2.000, '2024-01-01 10:00:00', NULL, '1999-12-31', '00:00:01.5', 1999, b'0', '', '', 'x', '', "
    "'null', '', 0)",
    "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
]


def test_the_bytes_path_gives_the_values_pymysql_gives(mariadb: Any) -> None:
    admin = connect(mariadb.url(""))
    with admin.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS spark_values")
        cursor.execute("CREATE DATABASE spark_values")
        cursor.execute(DDL.replace("CREATE TABLE v", "CREATE TABLE spark_values.v"))
        cursor.execute(f"INSERT INTO spark_values.v VALUES {', '.join(ROWS)}")
    table = SourceSchema.from_ddl(DDL, name="spark_values").tables["v"]
    url = mariadb.url("spark_values")
    expected = list(source_rows(connect(url), "spark_values", "v", None, None, table))
    query = source_query("spark_values", table, "")
    with connect(url).cursor() as cursor:
        cursor.execute(query.sql.replace("%", "%%"), ())
        fetched = [list(row[: len(query.columns)]) for row in cursor.fetchall()]
    columns = query.decode_columns([list(column) for column in zip(*fetched, strict=True)])
    decoded = [dict(zip(query.columns, row, strict=True)) for row in zip(*columns, strict=True)]
    assert len(expected) == 3
    for want, got in zip(expected, decoded, strict=True):
        assert got == want
        assert [type(v) for v in got.values()] == [type(v) for v in want.values()]
