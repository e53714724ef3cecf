"""Which binlog positions a source can still be read from, on a scripted connection (the real-server
outcomes are in tests/integration/test_positions_and_files.py): the order of binlog files is by their
sequence number, an offset inside an event is named, a refused listing names the grant."""

from __future__ import annotations

from typing import Any

import pytest
from pymysql.err import OperationalError

from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.cdc.positions import PositionError, check_position


class _Cursor:
    def __init__(self, connection: _Connection) -> None:
        self.connection = connection
        self.rows: list[tuple[Any, ...]] = []

    def __enter__(self) -> _Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, sql: str, parameters: Any = ()) -> None:
        if sql == "SHOW BINARY LOGS":
            if self.connection.denied:
                raise OperationalError(1227, "Access denied; you need the BINLOG MONITOR privilege")
            self.rows = list(self.connection.logs)
            return
        assert sql.startswith("SHOW BINLOG EVENTS IN %s FROM %s")
        if parameters[1] not in self.connection.starts:
            raise OperationalError(1220, "Error when executing command SHOW BINLOG EVENTS: Wrong offset or I/O error")
        self.rows = [(parameters[0], parameters[1], "Query", 1, 0, "BEGIN")]

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows


class _Connection:
    def __init__(self, logs: list[tuple[str, int]], starts: set[int], denied: bool = False) -> None:
        self.logs, self.starts, self.denied = logs, starts, denied

    def cursor(self) -> _Cursor:
        return _Cursor(self)


SERVER = _Connection([("binlog.999999", 900), ("binlog.1000000", 500)], {4, 256, 300})


@pytest.mark.parametrize("position", ["binlog.999999:300", "binlog.1000000:256", "binlog.1000000:500"])
def test_a_readable_position_passes(position: str) -> None:
    check_position(SERVER, Checkpoint.parse(position), "--start", "start over")


@pytest.mark.parametrize(
    ("position", "why"),
    [
        ("binlog.999998:4", "is in a binlog the server has purged"),  # sequence order, not text order
        ("binlog.1000001:4", "is in a binlog file the server has not written yet"),
        ("binlog.1000000:501", "is beyond the end of binlog.1000000 (500 bytes)"),
        ("binlog.1000000:257", "is not the start of an event"),
    ],
)
def test_an_unreadable_position_names_why_and_the_servers_binlogs(position: str, why: str) -> None:
    with pytest.raises(PositionError) as refused:
        check_position(SERVER, Checkpoint.parse(position), "--start", "start over")
    assert str(refused.value).startswith(f"--start {position} {why}")
    assert str(refused.value).endswith(
        f"The server keeps the binlogs binlog.999999 to binlog.1000000 (its head: binlog.1000000:500; SHOW BINARY "
        f"LOGS), so no run can read the changes from {position}: start over"
    )


def test_a_refused_listing_names_the_grant() -> None:
    denied = _Connection([], set(), denied=True)
    with pytest.raises(PositionError, match=r"needs REPLICATION CLIENT \(MariaDB: BINLOG MONITOR\)"):
        check_position(denied, Checkpoint.parse("binlog.000001:4"), "--since", "verify in full")
