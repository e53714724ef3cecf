"""``dms-dynamodb export``: each target table of a task as a DynamoDB full export (local files, or AWS's own).

With ``--mysql-url`` each export also records the source's binlog position read before it started
(``export.position``): a clean ``verify --export`` of it is then a starting point for ``--since``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dms_dynamodb.commands import UsageError, bounded_int, defaults_file_argument, dynamodb, open_task

if TYPE_CHECKING:
    from dms_dynamodb.export.position import SourceHead

EXAMPLE = (
    "dms-dynamodb export --stack shop --endpoint-url http://127.0.0.1:8000 --mysql-url mysql://dms@db:3306/ "
    "--out exports/"
)
NO_POSITION = (
    "no --mysql-url: the export records no binlog position, so a clean verify of it is no starting point for "
    "verify --since; export with --mysql-url URL (the task's source) for one"
)


def add_export_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--endpoint-url", help="DynamoDB endpoint to scan (local files); default: AWS")
    command.add_argument("--out", type=Path, help="write the exports here: one folder per target table")
    command.add_argument(
        "--mysql-url",
        help="the task's source: its binlog position, read before each export starts, is written beside the export "
        "(dms-dynamodb-position.json), the starting point of the next verify --since",
    )
    defaults_file_argument(command)
    command.add_argument(
        "--s3-bucket", help="start a real ExportTableToPointInTime to this bucket instead (AWS; the table needs PITR)"
    )
    command.add_argument("--s3-prefix", help="with --s3-bucket: the export prefix")
    command.add_argument(
        "--items-per-file", type=bounded_int(1, 10**8), default=100_000, help="items per data file (default 100000)"
    )
    command.add_argument(
        "--segments", type=bounded_int(1, 1000), default=4, help="parallel scan segments (1 to 1000, default 4)"
    )


def cmd_export(args: argparse.Namespace) -> int:
    if args.s3_bucket and args.out is not None:
        raise UsageError("--s3-bucket starts an AWS export to S3; --out writes local files: give one of them")
    task = open_task(args.stack, args.task)[1]
    tables = task.target_table_names
    if not tables:
        raise UsageError(f"task {task.task_id!r} maps no table into DynamoDB: nothing to export")
    if args.s3_bucket:
        return _aws_export(args, tables)
    if args.out is None:
        raise UsageError("say where to write the exports with --out DIR (or start an AWS export with --s3-bucket)")
    from dms_dynamodb.cutover.evidence import target_identity
    from dms_dynamodb.export.writer import write_export

    ddb = dynamodb(args.endpoint_url)
    for table in tables:
        head = _source_head(args.mysql_url)  # before the scan: every change after it is --since's
        folder, count = write_export(
            ddb,
            table,
            args.out,
            segments=args.segments,
            items_per_file=args.items_per_file,
            head=head,
            target=target_identity(ddb, args.endpoint_url),
        )
        print(f"exported {table}: {count} items to {folder}")
        if head is not None:
            print(
                f"  the source ({head.source}) was at binlog position {head.position} before it: {folder}/"
                "dms-dynamodb-position.json"
            )
    if args.mysql_url is None:
        print(NO_POSITION)
    paths = " ".join(f"--export {args.out / t}" for t in tables)
    print(f"verify against it: dms-dynamodb verify --stack {args.stack} --mysql-url ... {paths}")
    return 0


def _aws_export(args: argparse.Namespace, tables: tuple[str, ...]) -> int:
    from dms_dynamodb.export.aws import start_export, wait_for_export

    if args.endpoint_url:
        raise UsageError("--s3-bucket starts an AWS export: leave out --endpoint-url (or write local files with --out)")
    ddb = dynamodb(None)
    for table in tables:
        head = _source_head(args.mysql_url)  # before the request: the export must be of a later time
        if head is not None:
            _wait_past(head.read_at, 2 * CLOCK_SKEW)
        arn = start_export(ddb, table, args.s3_bucket, args.s3_prefix)
        print(f"export of {table} started: {arn}", flush=True)
        description = wait_for_export(ddb, arn)
        manifest = description.get("ExportManifest", "")
        folder = manifest.rsplit("/", 1)[0] if manifest else ""
        print(
            f"export of {table} COMPLETED: {description.get('ItemCount', '?')} items; "
            f"its folder: s3://{args.s3_bucket}/{folder} (copy it locally and pass it to verify --export)"
        )
        if head is not None and _after_head(description.get("ExportTime"), head):
            _record_s3_position(ddb, args.s3_bucket, folder, str(description.get("TableArn", "")), arn, head)
    if args.mysql_url is None:
        print(NO_POSITION)
    return 0


#: Assumed: this machine's clock and AWS's differ by less than this (NTP). A position is recorded for an AWS
#: export only when its ExportTime is at least this much after the head was read.
CLOCK_SKEW = dt.timedelta(seconds=2)


def _wait_past(read_at: str, margin: dt.timedelta) -> None:
    """Send the request only once the clock is ``margin`` past the head's reading, so an export of the
    request's time is of a time after it whatever the two clocks' difference (within CLOCK_SKEW)."""
    from dms_dynamodb.export.position import instant

    left = (instant(read_at, "the head's reading") + margin - dt.datetime.now(dt.UTC)).total_seconds()
    if left > 0:
        time.sleep(left)


def _after_head(export_time: Any, head: SourceHead) -> bool:
    """Whether the export's snapshot (DescribeExport's ExportTime) is after the head was read; if not, or
    unknown, say why no starting point is recorded. AWS's API reference does not say which time an export
    without ExportTime is of ("Time in the past from which to export table data"), so it is checked."""
    from dms_dynamodb.export.position import instant

    read_at = instant(head.read_at, "the head's reading")
    if isinstance(export_time, dt.datetime) and export_time.astimezone(dt.UTC) >= read_at + CLOCK_SKEW:
        return True
    print(
        f"  NO starting point recorded: the export's ExportTime ({export_time or 'not given'}) is not "
        f"{CLOCK_SKEW.total_seconds():g} s after the source's head was read ({head.read_at}), so changes between "
        "the two could hide from verify --since; verify this export without one, then run a full live verify "
        "for a starting point (or export again)"
    )
    return False


def _source_head(url: str | None) -> SourceHead | None:
    """The source's head before an export (None without ``--mysql-url``); no binlog is a usage error."""
    if url is None:
        return None
    from dms_dynamodb.cdc.checkpoint import NoBinlog
    from dms_dynamodb.commands import connect_source
    from dms_dynamodb.export.position import source_head

    connection = connect_source(url)
    try:
        return source_head(connection)
    except NoBinlog as exc:
        raise UsageError(f"--mysql-url: {exc}; export without --mysql-url (no starting point for --since)") from None
    finally:
        connection.close()


def _record_s3_position(ddb: Any, bucket: str, folder: str, table_arn: str, arn: str, head: SourceHead) -> None:
    """The position as an object beside AWS's manifests; printed too, to save by hand if it cannot be written."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from dms_dynamodb.cutover.evidence import target_identity
    from dms_dynamodb.export.position import POSITION_FILE, ExportPosition, put_s3_position

    position = ExportPosition(head.position, head.source, target_identity(ddb, None), table_arn, arn, head.read_at)
    print(f"  the source ({head.source}) was at binlog position {head.position} before it")
    try:
        where = put_s3_position(boto3.client("s3"), bucket, folder, position)
        print(f"  written to {where} (aws s3 sync copies it with the export)")
    except (BotoCoreError, ClientError) as exc:
        print(
            f"  could not write s3://{bucket}/{folder}/{POSITION_FILE} ({exc}); after aws s3 sync, save this as "
            f"DIR/{POSITION_FILE}:\n{json.dumps(json.loads(position.to_json()), sort_keys=True)}"
        )
