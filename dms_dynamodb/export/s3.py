"""An export read where AWS wrote it (``s3://bucket/prefix/AWSDynamoDB/EXPORT_ID/``), for ``--engine spark``.

The manifests are read with boto3 and checked as a local export's are, without downloading the data:
each data file must exist with the ``etag`` its manifest line records (S3 ``HeadObject``; an export
file's ETag is what S3 gave it when DynamoDB wrote it) and the item counts must add up. Spark then
reads the files from S3 itself (``s3://`` on EMR; a plain Spark needs ``hadoop-aws`` and ``s3a://``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dms_dynamodb.export.layout import (
    FILES,
    SUMMARY,
    DataFile,
    Export,
    ExportError,
    check_counts,
    data_path,
    parse_files,
    parse_summary,
    summary_export_arn,
)


def split_uri(uri: str) -> tuple[str, str]:
    """Bucket and folder key (no trailing ``/``) of an ``s3://`` folder URI."""
    if not uri.startswith("s3://") or "/" not in uri[5:].strip("/"):
        raise ExportError(f"{uri}: not an s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/ folder")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key.strip("/")


def _text(s3: Any, bucket: str, key: str) -> str:
    from botocore.exceptions import ClientError

    try:
        return str(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8"))
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "?")
        raise ExportError(f"s3://{bucket}/{key}: cannot read it ({code}): the export is missing or partial") from None


def read_s3_export(uri: str, s3: Any) -> Export:
    """The export at ``uri``, its manifests checked against the objects (no data file is downloaded)."""
    from botocore.exceptions import ClientError

    bucket, folder = split_uri(uri)
    where = f"s3://{bucket}/{folder}"
    try:
        summary = json.loads(_text(s3, bucket, f"{folder}/{SUMMARY}"))
    except ValueError as exc:
        raise ExportError(f"{where}/{SUMMARY}: not JSON ({exc})") from None
    table_arn, export_time, item_count = parse_summary(summary, f"{where}/{SUMMARY}")
    entries = parse_files(_text(s3, bucket, f"{folder}/{FILES}"), f"{where}/{FILES}")
    files = []
    for entry in entries:
        relative = data_path(Path("."), entry["dataFileS3Key"])
        key = f"{folder}/{relative.as_posix()}"
        if "etag" not in entry:
            raise ExportError(f"{where}/{FILES}: {entry['dataFileS3Key']} has no etag to check the object against")
        try:
            head = s3.head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "?")
            raise ExportError(f"s3://{bucket}/{key}: listed in {FILES} but cannot be read ({code})") from None
        if str(head.get("ETag", "")).strip('"') != str(entry["etag"]).strip('"'):
            raise ExportError(
                f"s3://{bucket}/{key}: its ETag is {head.get('ETag')}, {FILES} says {entry['etag']}: the file changed"
            )
        files.append(DataFile(relative, entry["itemCount"], entry["md5Checksum"], uri=f"s3://{bucket}/{key}"))
    found = Export(Path(folder), table_arn, export_time, item_count, tuple(files), summary_export_arn(summary))
    check_counts(found, f"{where}/{FILES}")
    return found
