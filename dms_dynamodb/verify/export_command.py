"""``verify --export PATH ...``: the source against DynamoDB exports instead of the live table.

The same verify (records, ``--report``, exit codes); the target side is each export's items. Each
export names its table by its manifest's ``tableArn``; every target table of the task needs exactly
one, checked against its manifests before anything is read (a missing or partial export: exit 2).
``--engine local`` streams the files into the local verify's SQLite side; ``--engine spark`` runs
the comparison in Spark (``verify.spark``) and also reads ``s3://`` exports where they are.
``--settle`` re-reads each finding on the source and the live table (``--endpoint-url``, else AWS),
so a change made after the export is ``IN_FLIGHT``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dms_dynamodb.commands import UsageError

if TYPE_CHECKING:
    from dms_dynamodb.export.layout import Export
    from dms_dynamodb.plan import Plan
    from dms_dynamodb.verify.full import Result


def add_export_verify_arguments(verify: argparse.ArgumentParser) -> None:
    verify.add_argument(
        "--export",
        action="append",
        metavar="PATH",
        help="compare with this DynamoDB export folder (the one holding manifest-summary.json) instead of the "
        "live table; once per target table",
    )
    verify.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="with --export: local (one process, streams the files) or spark (Apache Spark; default local)",
    )
    verify.add_argument("--spark-master", default="local[*]", help="with --engine spark: the master (default local[*])")
    verify.add_argument("--jdbc-jar", help="with --engine spark: the MariaDB/MySQL JDBC driver jar (default: Debian's)")


def refuse_engine_without_export(args: argparse.Namespace) -> None:
    """``--engine``, ``--spark-master`` and ``--jdbc-jar`` mean nothing without ``--export``: a usage error, not ignored."""
    if args.export:
        return
    given = [
        flag
        for flag, value, default in (
            ("--engine", args.engine, "local"),
            ("--spark-master", args.spark_master, "local[*]"),
            ("--jdbc-jar", args.jdbc_jar, None),
        )
        if value != default
    ]
    if given:
        raise UsageError(f"{', '.join(given)} choose how an export is compared: add --export DIR (one per table)")


def read_exports(paths: list[str], plan: Plan, *, engine: str = "local", s3: Any = None) -> dict[str, Export]:
    """The exports by table name, one per target table of the plan, each checked against its manifests.

    ``s3://`` folders are read where they are by the Spark engine (``s3``: a boto3 S3 client); the local
    engine reads local files only.
    """
    from dms_dynamodb.export.layout import ExportError, read_export
    from dms_dynamodb.export.s3 import read_s3_export

    exports: dict[str, Export] = {}
    for path in paths:
        if path.startswith("s3://") and engine != "spark":
            raise UsageError(
                f"--export {path}: --engine local reads local files; copy the export folder first "
                "(aws s3 sync s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT_ID/ DIR) and pass DIR, or use --engine spark"
            )
        try:
            if path.startswith("s3://"):
                import boto3

                export = read_s3_export(path, s3 or boto3.client("s3"))
            else:
                export = read_export(Path(path))
        except ExportError as exc:
            raise UsageError(f"--export: {exc}") from None
        name = export.table_name
        if name not in plan.targets:
            raise UsageError(
                f"--export {path} is an export of {name!r} ({export.table_arn}); the task writes "
                f"{', '.join(sorted(plan.targets))}"
            )
        if name in exports:
            raise UsageError(f"--export {path}: a second export of {name!r} (the first: {exports[name].folder})")
        exports[name] = export
    missing = sorted(set(plan.targets) - set(exports))
    if missing:
        raise UsageError(f"no --export for the target table(s) {', '.join(missing)}: pass one export folder per table")
    return exports


def verify_exports(args: argparse.Namespace, plan: Plan, ddb: Any, report: TextIO | None) -> Result:
    """Run the chosen engine on the exports (raises VerifyIncomplete like the live verify)."""
    from dms_dynamodb.export.layout import ExportError, pages

    if args.since is not None:
        raise UsageError("--since reads the binlog against the live table; it does not combine with --export")
    if getattr(args, "tables", None):
        raise UsageError("--tables does not combine with --export yet: verify the whole export (every table)")
    exports = read_exports(args.export, plan, engine=args.engine)
    for name, export in exports.items():
        print(f"export of {name}: {export.item_count} items at {export.export_time} ({export.folder})")
    try:
        if args.engine == "spark":
            return _spark(args, plan, exports, ddb, report)
        from dms_dynamodb.verify.full import verify

        result = verify(
            args.mysql_url,
            ddb,
            plan,
            report=report,
            settle_seconds=args.settle,
            target_pages=lambda table: pages(exports[table]),
        )
        result.position = None  # the target is an export of an earlier time: no starting point for --since
        return result
    except ExportError as exc:
        raise UsageError(f"--export: {exc}") from None


def _spark(args: argparse.Namespace, plan: Plan, exports: dict[str, Export], ddb: Any, report: TextIO | None) -> Result:
    try:
        from dms_dynamodb.verify.spark.jdbc import UnreadableColumn, jdbc_url
        from dms_dynamodb.verify.spark.session import spark_session
    except ImportError as exc:  # pragma: no cover - pyspark is an extra
        raise UsageError(f"--engine spark needs pyspark (pip install 'dms-dynamodb-cdktf[spark]'): {exc}") from None
    try:
        jdbc_url(args.mysql_url)
        spark = spark_session(args.spark_master, args.jdbc_jar)
    except (ValueError, FileNotFoundError) as exc:
        raise UsageError(f"--engine spark: {exc}") from None
    from dms_dynamodb.verify.spark.engine import verify_spark

    try:
        return verify_spark(spark, args.mysql_url, plan, exports, report=report, ddb=ddb, settle_seconds=args.settle)
    except UnreadableColumn as exc:
        raise UsageError(str(exc)) from None
