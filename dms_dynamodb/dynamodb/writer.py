"""The one batch writer of the DynamoDB side.

Every write ends acknowledged or refused, never lost: a batch that fails with a retryable error
(throttling, 5xx, connection), or comes back with unprocessed items, leaves its writes pending,
resent with jittered backoff; a write DynamoDB refuses (``ValidationException``, sent alone) is
recorded for the caller (:meth:`BatchWriter.take_refused`), not retried; a permanent error
(access denied, no such table) raises :class:`TargetRefused` at once. So a caller that saves a
position after ``flush()`` returned never saves past a lost write.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from dms_dynamodb.dynamodb.errors import (
    Answer,
    TargetRefused,
    TargetUnavailable,
    WriterStopped,
    answer,
    error_code,
    error_message,
)
from dms_dynamodb.dynamodb.keys import WriteKey, key_of, request_key
from mappings.items import Item

__all__ = [
    "BATCH",
    "BatchWriter",
    "RefusedWrite",
    "TargetRefused",
    "TargetUnavailable",
    "WriteKey",
    "WriterStopped",
    "key_of",
]

BATCH = 25  # DynamoDB's BatchWriteItem limit
FIRST_DELAY = 0.05

Slot = tuple[str, WriteKey]  # (table, key): one pending write per item


@dataclass(frozen=True)
class RefusedWrite:
    """A write DynamoDB refused on its own (sent alone after its batch failed): not retried again."""

    table: str
    key: WriteKey
    #: The write request as sent: ``{"PutRequest": {"Item": ...}}`` or ``{"DeleteRequest": {"Key": ...}}``.
    request: dict[str, Any]
    code: str  # DynamoDB's error code, e.g. ValidationException
    message: str  # DynamoDB's message
    #: What the caller attached to the write (``put(..., origin=...)``), e.g. the source table of the row.
    origin: Hashable | None = None

    def render(self) -> str:
        return f"{self.table} {self.key}: {self.code}: {self.message}"


@dataclass
class _Pending:
    request: dict[str, Any]
    origin: Hashable | None


class BatchWriter:
    """Puts and deletes, 25 per request across tables; the last change to a key wins, as in order.

    ``flush()`` returns only when every pending write was acknowledged or refused; otherwise it
    raises :class:`TargetUnavailable` (retries ran out), :class:`TargetRefused` (a permanent error)
    or :class:`WriterStopped` (``stop`` was set), with the writes still pending. One thread per writer.

    Refused writes are kept for :meth:`take_refused` only with ``keep_refused=True`` (a caller that
    reports them); otherwise ``flush()`` raises :class:`TargetRefused` for them once the rest of its
    writes went through, so a caller unaware of refusals never moves past one in silence.
    """

    def __init__(
        self,
        ddb: Any,
        *,
        attempts: int = 12,
        max_delay: float = 10.0,
        stop: threading.Event | None = None,
        keep_refused: bool = False,
    ) -> None:
        # 12 attempts without progress, backing off to 10 s: about 45 s of a failing target before giving up.
        self.ddb, self.attempts, self.max_delay, self.stop = ddb, attempts, max_delay, stop
        self.keep_refused = keep_refused
        self.pending: dict[Slot, _Pending] = {}
        self.written = 0
        self.retried = 0
        self.refused = 0
        #: Acknowledged writes by the ``origin`` given with them (None when none was given).
        self.written_by: Counter[Hashable | None] = Counter()
        self._refused: list[RefusedWrite] = []
        self._key_names: dict[str, tuple[str, ...]] = {}

    # ------------------------------------------------------------------ writes

    def put(self, table: str, key: WriteKey, item: Item, *, origin: Hashable | None = None) -> None:
        """Write ``item`` (``key`` from :func:`key_of`); ``origin`` comes back with a refusal."""
        self._add(table, key, {"PutRequest": {"Item": item}}, origin)

    def delete(self, table: str, key: WriteKey, key_item: Item, *, origin: Hashable | None = None) -> None:
        self._add(table, key, {"DeleteRequest": {"Key": key_item}}, origin)

    def take_refused(self) -> list[RefusedWrite]:
        """The writes refused since the last call (each handed out once)."""
        refused, self._refused = self._refused, []
        return refused

    def __len__(self) -> int:
        return len(self.pending)

    def _add(self, table: str, key: WriteKey, request: dict[str, Any], origin: Hashable | None) -> None:
        if not isinstance(key, WriteKey):
            raise TypeError(f"the key of a write is a WriteKey (key_of(item, key_names)), not {type(key).__name__}")
        self._key_names.setdefault(table, key.names)
        self.pending[(table, key)] = _Pending(request, origin)
        if len(self.pending) >= BATCH:
            self.flush(only_full=True)

    # ------------------------------------------------------------------ flush

    def flush(self, *, only_full: bool = False) -> None:
        """Write pending changes (only whole batches of 25 with ``only_full``) until each is taken or refused."""
        backoff = _Backoff(self)
        while self.pending and (len(self.pending) >= BATCH or not only_full):
            chunk = list(self.pending)[:BATCH]
            response = self._send(chunk, backoff)
            if response is None:
                continue  # retried (after a backoff), or its writes went one at a time
            left = self._unprocessed(chunk, response)
            self._acknowledge([slot for slot in chunk if slot not in left])
            if left:
                self.retried += len(left)
                backoff.wait(f"{len(left)} writes stayed unprocessed", progress=len(left) < len(chunk))
            else:
                backoff.reset()
        if self._refused and not self.keep_refused:
            refused = self.take_refused()
            first, more = refused[0], f" and {len(refused) - 1} more" if len(refused) > 1 else ""
            where = f"{first.message} (the write of {first.table} key {first.key}{more}, refused alone)"
            raise TargetRefused(first.code, where, refused=refused)

    def _send(self, chunk: list[Slot], backoff: _Backoff) -> dict[str, Any] | None:
        """BatchWriteItem of ``chunk``: its response, or None when the error was handled here."""
        self._check_stop()
        request: dict[str, list[dict[str, Any]]] = {}
        for table, key in chunk:
            request.setdefault(table, []).append(self.pending[(table, key)].request)
        try:
            return dict(self.ddb.batch_write_item(RequestItems=request))
        except Exception as error:
            what = answer(error)
            if what is None:
                raise  # not DynamoDB's answer (a bug): as it is
            if what is Answer.STOP:
                raise TargetRefused(error_code(error), error_message(error), tuple(request)) from error
            if what is Answer.ONE_AT_A_TIME and len(chunk) > 1:
                for slot in chunk:
                    self._send_alone(slot, backoff)
            elif what is Answer.ONE_AT_A_TIME:
                self._refuse(chunk[0], error)
            else:
                backoff.wait(f"{type(error).__name__}: {str(error)[:300]}", progress=False)
            return None

    def _send_alone(self, slot: Slot, backoff: _Backoff) -> None:
        """One write in a request of its own, until DynamoDB takes it or refuses it."""
        while slot in self.pending:
            response = self._send([slot], backoff)
            if response is None:
                continue  # refused (now gone from pending) or retried after a backoff
            if self._unprocessed([slot], response):
                self.retried += 1
                backoff.wait("1 write stayed unprocessed", progress=False)
            else:
                self._acknowledge([slot])
                backoff.reset()

    def _unprocessed(self, chunk: list[Slot], response: dict[str, Any]) -> set[Slot]:
        """The writes of ``chunk`` DynamoDB returned unprocessed, matched by (table, key), numbers by value.

        An echo that names no write of the chunk (a key attribute missing, a key not sent) cannot be
        placed: then every write of the chunk counts as unprocessed and is sent again (puts and
        deletes are idempotent), never a lost write counted as written.
        """
        returned = response.get("UnprocessedItems") or {}
        sent, left = set(chunk), set()
        for table, writes in returned.items():
            names = self._key_names.get(table)
            for write in writes:
                key = request_key(names, write) if names else None
                if key is None or (table, key) not in sent:
                    return sent
                left.add((table, key))
        return left

    def _acknowledge(self, slots: Iterable[Slot]) -> None:
        for slot in slots:
            origin = self.pending.pop(slot).origin
            self.written += 1
            self.written_by[origin] += 1

    def _refuse(self, slot: Slot, error: BaseException) -> None:
        pending = self.pending.pop(slot)
        self.refused += 1
        refusal = RefusedWrite(
            slot[0], slot[1], pending.request, error_code(error), error_message(error), pending.origin
        )
        self._refused.append(refusal)

    def _check_stop(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise WriterStopped(f"stopped with {len(self.pending)} writes pending")

    def _sleep(self, delay: float) -> None:
        jittered = delay * (0.5 + random.random() / 2)  # jitter, as AWS's backoff guidance says
        if self.stop is None:
            time.sleep(jittered)
        elif self.stop.wait(jittered):
            raise WriterStopped(f"stopped with {len(self.pending)} writes pending")

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.flush()


class _Backoff:
    """Attempts without progress, and the growing delay between them, for one ``flush()``."""

    def __init__(self, writer: BatchWriter) -> None:
        self.writer, self.failures, self.delay = writer, 0, FIRST_DELAY

    def wait(self, why: str, *, progress: bool) -> None:
        """Back off before resending; raise TargetUnavailable after ``attempts`` tries without progress."""
        self.failures = 0 if progress else self.failures + 1
        if self.failures >= self.writer.attempts:
            raise TargetUnavailable(f"{why} ({self.failures} attempts without progress)")
        self.writer._sleep(self.delay)
        self.delay = min(self.delay * 2, self.writer.max_delay)

    def reset(self) -> None:
        self.failures, self.delay = 0, FIRST_DELAY
