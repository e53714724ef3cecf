"""Writer threads that each own the keys hashing to them: one key, one thread, writes in queue order.

Routing by a hash of (target table, key) makes last-write-wins deterministic: every write of a key
goes through one thread's queue and one :class:`BatchWriter`, in the order it was submitted. No
thread waits forever: queue waits have timeouts and look at the pool's stop signal; the first
failure sets it, and every writer ends within a wait (or its DynamoDB call) after it.
"""

from __future__ import annotations

import queue
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from dms_dynamodb.dynamodb.keys import WriteKey
from dms_dynamodb.dynamodb.writer import BatchWriter, RefusedWrite, WriterStopped
from mappings.items import Item

WAIT = 0.2  # seconds any queue wait or join lasts before it looks at the stop signal again
GRACE = 5.0  # seconds a thread has, after the stop signal, before it is abandoned (it is a daemon)
QUEUE_CHUNKS = 8  # chunks queued per writer: bounded memory, a reader waits when its writer is behind


@dataclass(frozen=True)
class Write:
    """One put for the pool: ``origin`` comes back with the write's refusal and its acknowledgment count."""

    table: str
    key: WriteKey
    item: Item
    origin: Hashable | None = None


@dataclass(frozen=True)
class Failure:
    """The first thing that went wrong: where (``writing``, ``reading db.t``) and the error."""

    where: str
    error: BaseException


class Stopped(Exception):
    """The pool was stopped (a failure elsewhere): the submitting thread should end."""


class WriterPool:
    """``size`` writer threads; :meth:`submit` queues writes for the thread that owns their keys."""

    def __init__(
        self,
        ddb: Any,
        size: int,
        *,
        on_refused: Callable[[RefusedWrite], None],
        writer: Callable[[threading.Event], BatchWriter] | None = None,
    ) -> None:
        self.stop = threading.Event()
        self.failure: Failure | None = None
        self.written: Counter[Hashable | None] = Counter()  # acknowledged writes by origin
        self._on_refused, self._lock, self._stopped_at = on_refused, threading.Lock(), 0.0
        self._make = writer or (lambda stop: BatchWriter(ddb, stop=stop, keep_refused=True))
        self._queues: list[queue.Queue[Sequence[Write] | None]] = [
            queue.Queue(maxsize=QUEUE_CHUNKS) for _ in range(max(1, size))
        ]
        self._threads = [
            threading.Thread(target=self._run, args=(work,), name=f"dms-load-writer-{n}", daemon=True)
            for n, work in enumerate(self._queues)
        ]
        for thread in self._threads:
            thread.start()

    def __len__(self) -> int:
        return len(self._queues)

    def route(self, write: Write) -> int:
        """The writer that owns ``write``'s key (a stable hash, the same in every run)."""
        return zlib.crc32(repr((write.table, write.key.values)).encode()) % len(self._queues)

    def submit(self, writer: int, writes: Sequence[Write]) -> None:
        """Queue writes for one writer (all routed to it), waiting while it is behind; :class:`Stopped` on stop."""
        while True:
            if self.stop.is_set():
                raise Stopped
            if not self._threads[writer].is_alive():  # never wait on a queue nobody reads
                self.fail("writing", RuntimeError(f"writer thread {writer} ended before the input did"))
                raise Stopped
            try:
                self._queues[writer].put(writes, timeout=WAIT)
                return
            except queue.Full:
                continue

    def fail(self, where: str, error: BaseException) -> None:
        """Record the first failure and stop every thread."""
        with self._lock:
            if self.failure is None:
                self.failure, self._stopped_at = Failure(where, error), time.monotonic()
        self.stop.set()

    def past_grace(self) -> bool:
        """Whether the stop signal is older than :data:`GRACE` (threads still running are abandoned)."""
        return self.stop.is_set() and time.monotonic() - self._stopped_at > GRACE

    def close(self) -> None:
        """Tell every writer the input ended, then wait for their final flushes (bounded once stopped)."""
        for work, thread in zip(self._queues, self._threads, strict=True):
            while thread.is_alive() and not self.stop.is_set():
                try:
                    work.put(None, timeout=WAIT)
                    break
                except queue.Full:
                    continue
        join(self._threads, self)

    def _run(self, work: queue.Queue[Sequence[Write] | None]) -> None:
        writer: BatchWriter | None = None
        try:
            writer = self._make(self.stop)
            while not self.stop.is_set():
                try:
                    writes = work.get(timeout=WAIT)
                except queue.Empty:
                    continue
                if writes is None:
                    writer.flush()  # the end of the input: every write acknowledged or refused
                    break
                for write in writes:
                    writer.put(write.table, write.key, write.item, origin=write.origin)
                self._hand_over(writer)
        except WriterStopped:
            pass  # another thread failed first: its failure is the one reported
        except BaseException as error:
            self.fail("writing", error)
        finally:
            if writer is not None:
                try:
                    self._hand_over(writer)  # refusals of the last flush, even on the way out
                except BaseException as error:  # the thread ends either way: the load must hear of it
                    self.fail("reporting a refused write", error)
                with self._lock:
                    self.written.update(writer.written_by)

    def _hand_over(self, writer: BatchWriter) -> None:
        for refused in writer.take_refused():
            self._on_refused(refused)


def join(threads: Sequence[threading.Thread], pool: WriterPool) -> None:
    """Wait for ``threads``: as long as they work, but no longer than :data:`GRACE` after a stop."""
    for thread in threads:
        while thread.is_alive() and not pool.past_grace():
            thread.join(WAIT)
