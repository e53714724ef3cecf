"""``dms-dynamodb export --s3-bucket``: a real ``ExportTableToPointInTime``, started and waited for.

DynamoDB API reference, "ExportTableToPointInTime" and "DescribeExport": the export runs on AWS
(the table needs point-in-time recovery), consumes no read capacity, and ends ``COMPLETED`` or
``FAILED`` (with ``FailureCode``/``FailureMessage``). Its manifests are at ``ExportManifest``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

POLL_SECONDS = 20.0


class ExportFailed(Exception):
    """AWS ended the export FAILED, or it did not end in time."""


def start_export(ddb: Any, table: str, bucket: str, prefix: str | None) -> str:
    """Start a full export of ``table`` to ``s3://bucket/prefix``: its ARN."""
    table_arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    request: dict[str, Any] = {"TableArn": table_arn, "S3Bucket": bucket, "ExportFormat": "DYNAMODB_JSON"}
    if prefix:
        request["S3Prefix"] = prefix
    arn: str = ddb.export_table_to_point_in_time(**request)["ExportDescription"]["ExportArn"]
    return arn


def wait_for_export(
    ddb: Any,
    arn: str,
    *,
    timeout: float = 6 * 3600,
    poll: float = POLL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll DescribeExport until the export ends: its description when COMPLETED."""
    deadline = clock() + timeout
    while True:
        description: dict[str, Any] = ddb.describe_export(ExportArn=arn)["ExportDescription"]
        status = description.get("ExportStatus")
        if status == "COMPLETED":
            return description
        if status == "FAILED":
            raise ExportFailed(
                f"export {arn} FAILED: {description.get('FailureCode', '?')}: {description.get('FailureMessage', '')}"
            )
        if clock() >= deadline:
            raise ExportFailed(
                f"export {arn} is still {status} after {timeout:.0f} s; see aws dynamodb describe-export"
            )
        sleep(poll)
