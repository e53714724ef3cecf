"""What the follower asks of the source's binlog before it follows it, and its server ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.checkpoint import binlog_problems, default_server_id


class _Cursor:
    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.rows = rows

    def __enter__(self) -> _Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, sql: str, parameters: Any = ()) -> None:
        assert "SHOW GLOBAL VARIABLES" in sql

    def fetchall(self) -> list[tuple[str, str]]:
        return self.rows


class _Connection:
    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.rows = rows

    def cursor(self) -> _Cursor:
        return _Cursor(self.rows)


def test_a_source_set_up_as_dms_and_the_follower_need_has_no_problem() -> None:
    rows = [("binlog_format", "ROW"), ("binlog_row_image", "FULL"), ("binlog_row_metadata", "FULL")]
    assert binlog_problems(_Connection(rows)) == []  # a server without binlog_transaction_compression: fine


def test_mysql_8_defaults_the_follower_cannot_read_are_named_with_why() -> None:
    rows = [("binlog_format", "ROW"), ("binlog_row_image", "FULL"), ("binlog_row_metadata", "MINIMAL"),
            ("binlog_transaction_compression", "ON")]  # fmt: skip
    assert binlog_problems(_Connection(rows)) == [
        "binlog_row_metadata is MINIMAL, not FULL (the follower reads column names from the binlog)",
        "binlog_transaction_compression is ON, not OFF (the follower cannot read compressed transactions)",
    ]


def test_server_ids_differ_by_checkpoint_and_stay_in_the_replica_range() -> None:
    first, second = default_server_id(Path("/data/a.json")), default_server_id(Path("/data/b.json"))
    assert first != second and first == default_server_id(Path("/data/a.json"))
    assert all(1_000_000 <= n < 2**32 for n in (first, second))


def test_positions_order_by_the_files_sequence_number_not_its_text() -> None:
    from dms_dynamodb.cdc.checkpoint import Checkpoint

    late, early = Checkpoint.parse("binlog.1000000:4"), Checkpoint.parse("binlog.999999:900")
    assert late.order > early.order  # as text, "binlog.1000000" < "binlog.999999"
    assert min([late, early], key=lambda c: c.order) == early
    assert Checkpoint.parse("binlog.000007:120").order < Checkpoint.parse("binlog.000007:121").order
