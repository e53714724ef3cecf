"""The one batch writer of the DynamoDB side.

The writer keeps a write pending until DynamoDB acknowledged it: a batch that raises, or comes
back with unprocessed items, leaves those writes pending (retried with backoff), so a caller that
saves a position after ``flush()`` returned never saves past a write that was lost.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable
from typing import Any

from mappings.items import Item

BATCH = 25  # DynamoDB's BatchWriteItem limit


def key_of(item: Item, key_names: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(next(iter(item[k].values()))) for k in key_names if k in item)


class TargetUnavailable(Exception):
    """DynamoDB kept failing (or kept returning unprocessed items) past the retry budget."""


class BatchWriter:
    """Puts and deletes, 25 per request across tables; the last change to a key wins, as in order.

    ``flush()`` returns only when every pending write was acknowledged; otherwise it raises
    :class:`TargetUnavailable` with the writes still pending (nothing is dropped).
    """

    def __init__(self, ddb: Any, *, attempts: int = 12, max_delay: float = 10.0) -> None:
        # 12 attempts without progress, backing off to 10 s: about 45 s of a failing target before giving up.
        self.ddb, self.attempts, self.max_delay = ddb, attempts, max_delay
        self.pending: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
        self.written = 0
        self.retried = 0

    def put(self, table: str, key: tuple[str, ...], item: Item) -> None:
        self.pending[(table, key)] = {"PutRequest": {"Item": item}}
        if len(self.pending) >= BATCH:
            self.flush(only_full=True)

    def delete(self, table: str, key: tuple[str, ...], key_item: Item) -> None:
        self.pending[(table, key)] = {"DeleteRequest": {"Key": key_item}}
        if len(self.pending) >= BATCH:
            self.flush(only_full=True)

    def __len__(self) -> int:
        return len(self.pending)

    def flush(self, *, only_full: bool = False) -> None:
        """Write pending changes (only whole batches of 25 with ``only_full``) until DynamoDB took them."""
        failures, delay = 0, 0.05
        while self.pending and (len(self.pending) >= BATCH or not only_full):
            chunk = list(self.pending.items())[:BATCH]
            request: dict[str, list[dict[str, Any]]] = {}
            for (table, _), write in chunk:
                request.setdefault(table, []).append(write)
            try:
                response = self.ddb.batch_write_item(RequestItems=request)
            except Exception as exc:  # throttling, network, credentials: all leave the writes pending
                failures += 1
                if failures >= self.attempts:
                    raise TargetUnavailable(f"{type(exc).__name__}: {str(exc)[:300]}") from exc
                self._sleep(delay)
                delay = min(delay * 2, self.max_delay)
                continue
            unprocessed = _unprocessed(response) if response.get("UnprocessedItems") else set()
            done = 0
            for entry in chunk:
                if not unprocessed or _signature(entry[1]) not in unprocessed:
                    del self.pending[entry[0]]
                    done += 1
            self.written += done
            if done < len(chunk):
                self.retried += len(chunk) - done
                failures = failures + 1 if done == 0 else 0
                if failures >= self.attempts:
                    raise TargetUnavailable(f"{len(chunk) - done} writes stayed unprocessed after {failures} attempts")
                self._sleep(delay)
                delay = min(delay * 2, self.max_delay)
            else:
                failures, delay = 0, 0.05

    @staticmethod
    def _sleep(delay: float) -> None:
        time.sleep(delay * (0.5 + random.random() / 2))  # jitter, as AWS's backoff guidance says

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.flush()


def _signature(write: dict[str, Any]) -> str:
    return json.dumps(write, sort_keys=True)


def _unprocessed(response: dict[str, Any]) -> set[str]:
    return {_signature(w) for writes in response.get("UnprocessedItems", {}).values() for w in writes}
