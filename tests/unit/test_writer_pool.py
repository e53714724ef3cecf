"""The load's writer pool without servers: one key, one thread, in order; no thread waits forever."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from dms_dynamodb.dynamodb.keys import key_of
from dms_dynamodb.dynamodb.pool import Stopped, Write, WriterPool
from dms_dynamodb.dynamodb.writer import BatchWriter, RefusedWrite
from tests import timing


class Table:
    """A fake DynamoDB that stores puts in the order the requests arrive (from any thread)."""

    def __init__(self, *, fail_below: int = 0, error: Exception | None = None) -> None:
        self.stored: dict[str, dict[str, Any]] = {}
        self.fail_below, self.error, self.lock = fail_below, error, threading.Lock()

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        writes = [w for ws in RequestItems.values() for w in ws]
        if self.error is not None and len(writes) < self.fail_below:
            raise self.error
        with self.lock:
            for write in writes:
                item = write["PutRequest"]["Item"]
                self.stored[item["pk"]["S"]] = item
        return {"UnprocessedItems": {}}


def _write(pk: str, value: int, origin: str = "t") -> Write:
    item = {"pk": {"S": pk}, "v": {"N": str(value)}}
    return Write("target", key_of(item, ["pk"]), item, origin)


def _refused(write: RefusedWrite) -> None:
    raise AssertionError(f"nothing is refused here: {write}")


def test_a_key_is_always_routed_to_one_writer_numbers_by_value() -> None:
    pool = WriterPool(Table(), 4, on_refused=_refused)
    try:
        two_fifty = Write("t", key_of({"n": {"N": "2.50"}}, ["n"]), {})
        assert pool.route(two_fifty) == pool.route(Write("t", key_of({"n": {"N": "2.5"}}, ["n"]), {}))
        assert len({pool.route(_write(f"K{n}", 0)) for n in range(100)}) == 4  # and keys spread over all
    finally:
        pool.fail("test", RuntimeError("done"))
        pool.close()


def test_the_last_write_of_a_key_submitted_wins_whatever_the_writer_count() -> None:
    table = Table()
    pool = WriterPool(table, 4, on_refused=_refused)
    for value in range(200):  # 200 writes of 10 keys, interleaved
        write = _write(f"K{value % 10}", value)
        pool.submit(pool.route(write), [write])
    pool.close()
    assert pool.failure is None
    assert {k: int(v["v"]["N"]) for k, v in table.stored.items()} == {f"K{k}": 190 + k for k in range(10)}
    assert 10 <= pool.written["t"] <= 200  # puts of one key still pending in a writer merge into one


def test_a_failing_final_flush_ends_every_writer_within_seconds() -> None:
    table = Table(fail_below=25, error=RuntimeError("final flush failed"))
    pool = WriterPool(table, 4, on_refused=_refused)
    for value in range(10):
        write = _write(f"K{value}", value)
        pool.submit(pool.route(write), [write])
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < timing.seconds(2)
    assert pool.failure is not None and str(pool.failure.error) == "final flush failed"
    assert pool.failure.where == "writing"
    assert not any(t.name.startswith("dms-load-writer") and t.is_alive() for t in threading.enumerate())


def test_after_a_failure_a_reader_stops_instead_of_waiting_on_a_full_queue() -> None:
    gate = threading.Event()

    class Stuck(BatchWriter):
        def put(self, *args: Any, **kwargs: Any) -> None:
            gate.wait(timing.seconds(5))  # the writer is behind: its queue fills up

    pool = WriterPool(Table(), 1, on_refused=_refused, writer=lambda stop: Stuck(Table(), stop=stop))
    write = _write("K", 1)
    threading.Timer(0.3, lambda: pool.fail("reading db.t", RuntimeError("source gone"))).start()
    started = time.monotonic()
    with pytest.raises(Stopped):
        for _ in range(100):
            pool.submit(0, [write])
    assert time.monotonic() - started < timing.seconds(2)
    gate.set()
    pool.close()


def test_a_writer_that_cannot_start_stops_the_pool() -> None:
    def broken(stop: threading.Event) -> BatchWriter:
        raise RuntimeError("no client")

    pool = WriterPool(Table(), 2, on_refused=_refused, writer=broken)
    time.sleep(0.1)
    with pytest.raises(Stopped):
        pool.submit(0, [_write("K", 1)])
    pool.close()
    assert pool.failure is not None and str(pool.failure.error) == "no client"
