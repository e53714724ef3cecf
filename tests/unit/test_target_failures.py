"""Writes count only when DynamoDB acknowledged them: the batch writer under throttling and failure."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from dms_dynamodb.cdc.checkpoint import binlog_status_statement
from dms_dynamodb.dynamodb.writer import BatchWriter, TargetUnavailable, key_of


def _throttled() -> ClientError:
    error = {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"}
    return ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, "BatchWriteItem")


class FlakyTable:
    """A fake DynamoDB: raises for the first ``raises`` calls, then leaves the last ``unprocessed`` writes
    of each of the next ``partial`` calls unprocessed, then takes everything. Records what it stored."""

    def __init__(self, *, raises: int = 0, partial: int = 0, unprocessed: int = 3) -> None:
        self.raises, self.partial, self.unprocessed = raises, partial, unprocessed
        self.stored: dict[str, dict[str, Any]] = {}
        self.calls = 0

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        self.calls += 1
        if self.raises:
            self.raises -= 1
            raise _throttled()
        left: dict[str, list[dict[str, Any]]] = {}
        for table, writes in RequestItems.items():
            keep = writes[-self.unprocessed :] if self.partial else []
            for write in writes[: len(writes) - len(keep)]:
                if "PutRequest" in write:
                    item = write["PutRequest"]["Item"]
                    self.stored[item["pk"]["S"]] = item
                else:
                    self.stored.pop(write["DeleteRequest"]["Key"]["pk"]["S"], None)
            if keep:
                left[table] = keep
        if self.partial:
            self.partial -= 1
        return {"UnprocessedItems": left}


def _writer(table: FlakyTable, attempts: int = 8) -> BatchWriter:
    writer = BatchWriter(table, attempts=attempts, max_delay=0.001)
    writer._sleep = lambda delay: None  # type: ignore[method-assign]
    return writer


def _put(writer: BatchWriter, n: int) -> None:
    item = {"pk": {"S": f"K{n}"}, "v": {"N": str(n)}}
    writer.put("t", key_of(item, ["pk"]), item)


def test_unprocessed_items_are_retried_until_written() -> None:
    table = FlakyTable(partial=5, unprocessed=7)
    writer = _writer(table)
    for n in range(100):
        _put(writer, n)
    writer.flush()
    assert sorted(table.stored) == sorted(f"K{n}" for n in range(100))
    assert writer.written == 100 and len(writer) == 0 and writer.retried == 35


def test_a_throttled_target_loses_nothing_and_progress_continues() -> None:
    table = FlakyTable(raises=3, partial=4)
    writer = _writer(table)
    for n in range(60):
        _put(writer, n)
    writer.flush()
    assert len(table.stored) == 60 and writer.written == 60


def test_a_failing_write_leaves_every_write_pending() -> None:
    table = FlakyTable(raises=100)
    writer = _writer(table, attempts=4)
    for n in range(10):
        _put(writer, n)
    with pytest.raises(TargetUnavailable, match=r"ClientError: .*ProvisionedThroughputExceededException.*4 attempts"):
        writer.flush()
    assert len(writer) == 10 and writer.written == 0 and table.stored == {}
    table.raises = 0  # the target is back: the same writes go through
    writer.flush()
    assert len(table.stored) == 10 and len(writer) == 0


def test_the_last_change_to_a_key_wins_within_a_batch() -> None:
    table = FlakyTable()
    writer = _writer(table)
    _put(writer, 1)
    writer.delete("t", key_of({"pk": {"S": "K1"}}, ["pk"]), {"pk": {"S": "K1"}})
    _put(writer, 2)
    writer.flush()
    assert list(table.stored) == ["K2"]


@pytest.mark.parametrize(
    ("version", "statement"),
    [
        ("10.11.6-MariaDB-0+deb12u1", "SHOW MASTER STATUS"),
        ("11.4.2-MariaDB", "SHOW MASTER STATUS"),
        ("5.7.44-log", "SHOW MASTER STATUS"),
        ("8.0.36", "SHOW MASTER STATUS"),
        ("8.0.mysql_aurora.3.05.2", "SHOW MASTER STATUS"),
        ("8.4.0", "SHOW BINARY LOG STATUS"),  # SHOW MASTER STATUS was removed in 8.4
        ("8.4.3-log", "SHOW BINARY LOG STATUS"),
        ("9.1.0", "SHOW BINARY LOG STATUS"),
    ],
)
def test_the_binlog_position_statement_fits_the_server(version: str, statement: str) -> None:
    assert binlog_status_statement(version) == statement
