"""The DynamoDB side: a client for any endpoint, tables from their designs, and the one batch writer.

The writer keeps a write pending until DynamoDB acknowledged it: a batch that raises, or comes
back with unprocessed items, leaves those writes pending (retried with backoff), so a caller that
saves a position after ``flush()`` returned never saves past a write that was lost.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Iterable
from typing import Any

from mappings.design import TableDesign
from mappings.engine import Item

BATCH = 25  # DynamoDB's BatchWriteItem limit


def client(endpoint_url: str | None, region: str | None = None) -> Any:
    """A low-level DynamoDB client; local endpoints get placeholder credentials when none are set."""
    import boto3
    from botocore.config import Config

    kwargs: dict[str, Any] = {
        "region_name": region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        "config": Config(retries={"max_attempts": 3, "mode": "standard"}, max_pool_connections=64),
    }
    if endpoint_url:
        kwargs["endpoint_url"] = endpoint_url
        if endpoint_url.startswith("http://127.") or "localhost" in endpoint_url:
            kwargs["aws_access_key_id"] = os.environ.get("AWS_ACCESS_KEY_ID", "local")
            kwargs["aws_secret_access_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY", "local")
    return boto3.client("dynamodb", **kwargs)


def table_names(ddb: Any) -> list[str]:
    names: list[str] = []
    for page in ddb.get_paginator("list_tables").paginate():
        names += page.get("TableNames", [])
    return names


def create_table(ddb: Any, design: TableDesign) -> bool:
    """Create the table a design describes (keys, GSIs); False when it already exists (a re-run)."""
    if design.table_name in table_names(ddb):
        return False
    keys = [{"AttributeName": design.partition_key.name, "KeyType": "HASH"}]
    if design.sort_key:
        keys.append({"AttributeName": design.sort_key.name, "KeyType": "RANGE"})
    attributes = {k.name: k.type.value for k in design.key_attributes}
    indexes = []
    for index in design.indexes:
        schema = [{"AttributeName": index.partition_key.name, "KeyType": "HASH"}]
        if index.sort_key:
            schema.append({"AttributeName": index.sort_key.name, "KeyType": "RANGE"})
        projection: dict[str, Any] = {"ProjectionType": index.projection.value}
        if index.non_key_attributes:
            projection["NonKeyAttributes"] = list(index.non_key_attributes)
        indexes.append({"IndexName": index.name, "KeySchema": schema, "Projection": projection})
    request: dict[str, Any] = {
        "TableName": design.table_name,
        "KeySchema": keys,
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in attributes.items()],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if indexes:
        request["GlobalSecondaryIndexes"] = indexes
    ddb.create_table(**request)
    ddb.get_waiter("table_exists").wait(TableName=design.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return True


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
