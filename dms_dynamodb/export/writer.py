"""``dms-dynamodb export`` without AWS: a table scanned into the files of a DynamoDB full export.

So a rehearsal, a test or a table without point-in-time recovery gives verify the same input an
AWS export gives (``layout`` cites the format). Data files hold row data: each is created 0600.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dms_dynamodb.dynamodb.scan import scan
from dms_dynamodb.export.layout import FILES, FORMAT, SUMMARY, md5_base64, to_dynamodb_json
from dms_dynamodb.export.position import POSITION_FILE, ExportPosition, SourceHead, write_position

ITEMS_PER_FILE = 100_000


def _private_bytes(path: Path, data: bytes) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def write_export(
    ddb: Any,
    table: str,
    out: Path,
    *,
    segments: int = 4,
    items_per_file: int = ITEMS_PER_FILE,
    head: SourceHead | None = None,
    target: str = "",
) -> tuple[Path, int]:
    """Scan ``table`` into ``out/<table>/``: the export folder and its item count.

    The manifests are written last, so a folder without them is visibly partial (verify refuses it).
    ``head``: the source's position read before this call (``export --mysql-url``), written beside the
    manifests with ``target`` (where the table is); an older position file is removed first either way,
    so a folder written again never keeps the starting point of the export it replaced.
    """
    description = ddb.describe_table(TableName=table)["Table"]
    table_arn = description.get("TableArn") or f"arn:aws:dynamodb:local:000000000000:table/{table}"
    export_id = uuid.uuid4().hex[:26]
    folder = out / table
    (folder / "data").mkdir(parents=True, exist_ok=True)
    for stale in (SUMMARY, FILES, POSITION_FILE):
        with contextlib.suppress(FileNotFoundError):
            (folder / stale).unlink()
    started = _now()
    entries: list[dict[str, Any]] = []
    lines: list[str] = []

    def flush() -> None:
        key = f"AWSDynamoDB/{export_id}/data/{len(entries):05d}-{uuid.uuid4().hex[:8]}.json.gz"
        data = gzip.compress(("".join(lines)).encode(), mtime=0)
        _private_bytes(folder / "data" / key.rsplit("/", 1)[1], data)
        entries.append({"itemCount": len(lines), "md5Checksum": md5_base64(data), "dataFileS3Key": key})
        lines.clear()

    with contextlib.closing(scan(ddb, table, segments)) as pages:
        for page in pages:
            for item in page:
                lines.append(json.dumps({"Item": {k: to_dynamodb_json(v) for k, v in item.items()}}) + "\n")
                if len(lines) >= items_per_file:
                    flush()
    if lines or not entries:
        flush()  # an empty table is one empty file, as an export writes for an empty partition
    count = sum(e["itemCount"] for e in entries)
    _private_bytes(folder / FILES, "".join(json.dumps(e) + "\n" for e in entries).encode())
    summary = {
        "version": "2020-06-30",
        "exportArn": f"{table_arn}/export/{export_id}",
        "startTime": started,
        "endTime": _now(),
        "tableArn": table_arn,
        "exportTime": started,
        "s3Bucket": None,
        "s3Prefix": None,
        "manifestFilesS3Key": f"AWSDynamoDB/{export_id}/{FILES}",
        "billedSizeBytes": 0,
        "itemCount": count,
        "outputFormat": FORMAT,
    }
    _private_bytes(folder / SUMMARY, json.dumps(summary, indent=2).encode())
    if head is not None:
        position = ExportPosition(
            head.position, head.source, target, table_arn, str(summary["exportArn"]), head.read_at
        )
        write_position(folder, position)
    return folder, count
