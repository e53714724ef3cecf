"""DynamoDB clients for any endpoint, and the target tables made from their designs."""

from __future__ import annotations

import os
from typing import Any

from mappings.design import TableDesign


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
