"""Where the source was when an export was taken: ``dms-dynamodb-position.json`` beside the export's manifests.

An export is the target at one time; the target lags the source. ``export --mysql-url`` reads the
source's binlog head BEFORE the export's scan (or the ``ExportTableToPointInTime`` request), so every
change after that position may be missing from the export and is checked again by ``verify --since``
it; a change before it that the target had not applied by then is a difference the export verify sees
(settled against the live table like the live verify's). The file is ours, not AWS's (the manifests
are left as AWS writes them): the position, which server it is of (as a report's identity names it),
which target the export was taken from, and which export it belongs to (``tableArn``, ``exportArn``),
so a file copied beside another export is refused. Local files are written 0600 (a position says where
the source is), like the CDC checkpoint.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.export.layout import Export, ExportError

POSITION_FILE = "dms-dynamodb-position.json"
VERSION = 1


@dataclass(frozen=True)
class SourceHead:
    """The source's binlog head and which server it is, read before an export starts."""

    position: Checkpoint
    source: str
    read_at: str


@dataclass(frozen=True)
class ExportPosition:
    """One export's starting point: the source's position before it, and what it is a position of."""

    position: Checkpoint
    source: str
    target: str
    table_arn: str
    export_arn: str
    read_at: str

    def to_json(self) -> str:
        record = {
            "version": VERSION,
            "position": str(self.position),
            "source": self.source,
            "target": self.target,
            "tableArn": self.table_arn,
            "exportArn": self.export_arn,
            "readAt": self.read_at,
            "meaning": "the source's binlog position read before this export started: verify --since it",
        }
        return json.dumps(record, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> ExportPosition:
        """A position file's content; anything else is an :class:`ExportError` naming ``where``."""
        try:
            record = json.loads(text)
        except ValueError as exc:
            raise ExportError(
                f"{where}: not JSON ({exc}): write it again with dms-dynamodb export --mysql-url"
            ) from None
        names = ("position", "source", "target", "tableArn", "exportArn", "readAt")
        missing = [n for n in names if not isinstance(record, dict) or not isinstance(record.get(n), str)]
        if missing:
            raise ExportError(f"{where}: no {', '.join(missing)}: not a position written by dms-dynamodb export")
        if record.get("version") != VERSION:
            raise ExportError(f"{where}: version {record.get('version')!r}; this dms-dynamodb reads version {VERSION}")
        try:
            position = Checkpoint.parse(record["position"])
        except ValueError as exc:
            raise ExportError(f"{where}: {exc}") from None
        return cls(
            position, record["source"], record["target"], record["tableArn"], record["exportArn"], record["readAt"]
        )

    def check_belongs(self, export: Export, where: str) -> None:
        """The position must be of this export (its table and its export ARN) and read before its time.

        A summary naming no ``exportArn`` (written by hand) cannot tie a position to itself: any earlier
        export's file of the same table would pass, so it is refused, as is a position read after the
        export's ``exportTime`` (then a change made and undone in between hides from ``--since``)."""
        remedy = "remove it (the export then has no starting point) or export again with --mysql-url"
        if not export.export_arn:
            raise ExportError(
                f"{where}: the export's manifest-summary.json names no exportArn, so nothing ties this position "
                f"({self.export_arn}) to it; {remedy}"
            )
        if self.table_arn != export.table_arn or self.export_arn != export.export_arn:
            raise ExportError(
                f"{where}: it is the position of {self.export_arn} ({self.table_arn}), not of this export "
                f"({export.export_arn}, {export.table_arn}): a file copied from another export; {remedy}"
            )
        read_at, taken = instant(self.read_at, f"{where}: readAt"), instant(export.export_time, "its exportTime")
        if read_at > taken:
            raise ExportError(
                f"{where}: read at {self.read_at}, after the export's exportTime {export.export_time}: not a "
                f"position read before this export; {remedy}"
            )


def instant(text: str, what: str) -> dt.datetime:
    """An ISO 8601 time as the manifests and position files write it (``2026-12-06T10:00:00.000Z``)."""
    try:
        found = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"{what} {text!r} is not an ISO 8601 time (2026-12-06T10:00:00.000Z)") from None
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def source_head(connection: Any) -> SourceHead:
    """The head and the server's identity, on one connection (raises NoBinlog when the source keeps no binlog)."""
    from dms_dynamodb.cdc.checkpoint import binlog_head
    from dms_dynamodb.cutover.evidence import source_identity

    head = binlog_head(connection)
    read_at = now()  # after the head: the export must be of a time after this, so it may not be earlier than the read
    return SourceHead(head, source_identity(connection), read_at)


def write_position(folder: Path, position: ExportPosition) -> Path:
    """``folder/dms-dynamodb-position.json``, created 0600 (an older one replaced, never reopened)."""
    path = folder / POSITION_FILE
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(position.to_json())
    return path


def read_position(folder: Path, export: Export) -> ExportPosition | None:
    """The position beside a local export (None when it has none), checked to be this export's."""
    path = folder / POSITION_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path}: cannot read it ({exc})") from None
    found = ExportPosition.from_json(text, str(path))
    found.check_belongs(export, str(path))
    return found


def read_s3_position(s3: Any, uri: str, export: Export) -> ExportPosition | None:
    """The position object beside an export on S3 (None when there is none), checked to be this export's."""
    from botocore.exceptions import ClientError

    from dms_dynamodb.export.s3 import split_uri

    bucket, folder = split_uri(uri)
    where = f"s3://{bucket}/{folder}/{POSITION_FILE}"
    try:
        text = s3.get_object(Bucket=bucket, Key=f"{folder}/{POSITION_FILE}")["Body"].read().decode("utf-8")
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "?")
        if code in ("NoSuchKey", "404"):
            return None
        raise ExportError(f"{where}: cannot read it ({code})") from None
    found = ExportPosition.from_json(str(text), where)
    found.check_belongs(export, where)
    return found


def put_s3_position(s3: Any, bucket: str, folder: str, position: ExportPosition) -> str:
    """Write the position as an object next to the export's manifests: its URI."""
    key = f"{folder}/{POSITION_FILE}"
    s3.put_object(Bucket=bucket, Key=key, Body=position.to_json().encode(), ContentType="application/json")
    return f"s3://{bucket}/{key}"
