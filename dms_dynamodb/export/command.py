"""``dms-dynamodb export``: each target table of a task as a DynamoDB full export (local files, or AWS's own)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dms_dynamodb.commands import UsageError, bounded_int, dynamodb, open_task

EXAMPLE = "dms-dynamodb export --stack shop --endpoint-url http://127.0.0.1:8000 --out exports/"


def add_export_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--endpoint-url", help="DynamoDB endpoint to scan (local files); default: AWS")
    command.add_argument("--out", type=Path, help="write the exports here: one folder per target table")
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
    from dms_dynamodb.export.writer import write_export

    ddb = dynamodb(args.endpoint_url)
    for table in tables:
        folder, count = write_export(ddb, table, args.out, segments=args.segments, items_per_file=args.items_per_file)
        print(f"exported {table}: {count} items to {folder}")
    paths = " ".join(f"--export {args.out / t}" for t in tables)
    print(f"verify against it: dms-dynamodb verify --stack {args.stack} --mysql-url ... {paths}")
    return 0


def _aws_export(args: argparse.Namespace, tables: tuple[str, ...]) -> int:
    from dms_dynamodb.export.aws import start_export, wait_for_export

    if args.endpoint_url:
        raise UsageError("--s3-bucket starts an AWS export: leave out --endpoint-url (or write local files with --out)")
    ddb = dynamodb(None)
    for table in tables:
        arn = start_export(ddb, table, args.s3_bucket, args.s3_prefix)
        print(f"export of {table} started: {arn}", flush=True)
        description = wait_for_export(ddb, arn)
        manifest = description.get("ExportManifest", "")
        folder = manifest.rsplit("/", 1)[0] if manifest else ""
        print(
            f"export of {table} COMPLETED: {description.get('ItemCount', '?')} items; "
            f"its folder: s3://{args.s3_bucket}/{folder} (copy it locally and pass it to verify --export)"
        )
    return 0
