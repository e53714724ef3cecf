"""The DynamoDB side: a client for any endpoint, the table from the design, and a batch writer."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import Any

from mappings.design import TableDesign
from mappings.engine import Item

BATCH = 25  # DynamoDB's BatchWriteItem limit


def client(endpoint_url: str | None, region: str = "us-east-1") -> Any:
    """A low-level DynamoDB client; local endpoints get placeholder credentials when none are set."""
    import boto3
    from botocore.config import Config

    kwargs: dict[str, Any] = {"region_name": region, "config": Config(retries={"max_attempts": 10, "mode": "adaptive"})}
    if endpoint_url:
        kwargs["endpoint_url"] = endpoint_url
        if endpoint_url.startswith("http://127.") or "localhost" in endpoint_url:
            kwargs.setdefault("aws_access_key_id", os.environ.get("AWS_ACCESS_KEY_ID", "local"))
            kwargs.setdefault("aws_secret_access_key", os.environ.get("AWS_SECRET_ACCESS_KEY", "local"))
    return boto3.client("dynamodb", **kwargs)


def create_table(ddb: Any, design: TableDesign) -> bool:
    """Create the table the stack defines (keys, GSIs); False when it already exists (a re-run)."""
    if design.table_name in ddb.list_tables().get("TableNames", []):
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


class BatchWriter:
    """Puts items 25 at a time, retrying unprocessed items with backoff.

    Two items with the same key in one batch are an error to DynamoDB; the later one wins, as it
    would when DMS writes them one after the other.
    """

    def __init__(self, ddb: Any, table: str, key_names: Iterable[str]) -> None:
        self.ddb, self.table, self.key_names = ddb, table, tuple(key_names)
        self.pending: dict[tuple[str, ...], Item] = {}
        self.written = 0

    def put(self, item: Item) -> None:
        key = tuple(str(next(iter(item[k].values()))) for k in self.key_names)
        self.pending[key] = item
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        requests = [{"PutRequest": {"Item": item}} for item in self.pending.values()]
        self.pending = {}
        delay = 0.05
        while requests:
            response = self.ddb.batch_write_item(RequestItems={self.table: requests})
            unprocessed = response.get("UnprocessedItems", {}).get(self.table, [])
            self.written += len(requests) - len(unprocessed)
            requests = unprocessed
            if requests:
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()
